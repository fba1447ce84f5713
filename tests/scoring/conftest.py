"""Shared fixtures for the scorer tests: the shipped rubric and markets, and a fixed day."""

from __future__ import annotations

from datetime import date

import pytest

from exportkit.scoring.markets import Markets, load_markets
from exportkit.scoring.rubric import Rubric, load_rubric

TODAY = date(2026, 11, 22)


@pytest.fixture(scope="session")
def rubric() -> Rubric:
    return load_rubric()


@pytest.fixture(scope="session")
def markets() -> Markets:
    return load_markets()
