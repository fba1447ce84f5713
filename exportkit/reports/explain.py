"""An assessment as readable lines: every dimension, every lost point, every action."""

from __future__ import annotations

from exportkit.i18n import _
from exportkit.reports.numbers import format_fixed


def _t(text: dict, lang: str) -> str:
    return text.get(lang) or text.get("en", "")


def _points(value: float) -> str:
    return f"{value:g}"


def _market(code: str, lang: str) -> str:
    from exportkit.countries import country_name

    name = country_name(code, lang)
    return code if name == code else f"{code} {name}"


def explain_lines(result: dict, lang: str, title: str) -> list[str]:
    level = _t(result["level"], lang)
    lines = [title,
             "  " + _("total {total}/100 - {level}").format(
                 total=format_fixed(result["total"], 1, lang), level=level)
             + ("  " + _("[BLOCKED]") if result["blocked"] else "")]
    if result["market"]:
        market = _market(result["market"], lang)
        if result.get("market_via"):
            lines.append("  " + _("market: {market} (rules of {bloc})").format(
                market=market, bloc=result["market_via"]))
        else:
            lines.append("  " + _("market: {market}").format(market=market))
    for dimension in result["dimensions"]:
        lines.append("  " + _("{dimension}: {score}/100 (weight {weight}%)").format(
            dimension=_t(dimension["name"], lang), score=f"{dimension['score']:.0f}",
            weight=f"{dimension['share'] * 100:.0f}"))
        for criterion in dimension["criteria"]:
            mark = {"met": "+", "partial": "~", "missing": "-", "unknown": "?"}.get(
                criterion["status"], " ")
            hard = " " + _("(required)") if criterion["hard"] else ""
            earned = (f"{_points(criterion['earned'])}/{_points(criterion['possible'])}"
                      if criterion["status"] != "unknown" else _("unknown"))
            lines.append(f"    {mark} {_t(criterion['name'], lang)}: {earned}{hard}")
    for heading, key in ((_("Blockers:"), "blockers"), (_("Warnings:"), "warnings")):
        if result[key]:
            lines.append(f"  {heading}")
            lines.extend(f"    ! {_t(m, lang)}" for m in result[key])
    if result["actions"]:
        lines.append("  " + _("Actions, most points first:"))
        for number, action in enumerate(result["actions"], start=1):
            gain = f" +{action['gain']:g}" if action.get("gain") else ""
            unblock = " " + _("(removes a blocker)") if action.get("unblocks") else ""
            lines.append(f"    {number}. {_t(action, lang)}{gain}{unblock}")
    if result.get("origin"):
        lines.append("  " + _("Certificate of origin:"))
        lines.extend(f"    {o['agreement']}: {o['form']} - {_t(o, lang)}"
                     for o in result["origin"])
    elif result["market"] and result.get("origin") is None:
        lines.append("  " + _("Certificate of origin: unknown for this market; check with the "
                              "desk"))
    for note in result.get("notes") or ():
        lines.append("  " + _("Note: {note}").format(note=_t(note, lang)))
    return lines
