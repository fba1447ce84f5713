"""exportkit: get small businesses ready to export."""

__version__ = "0.1.0"
