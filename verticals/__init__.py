"""Industry templates. A vertical is data: wording, a description and demo content (see registry.py)."""

from .registry import DEMO_PASSWORD, VERTICALS, Vertical, get_vertical, in_reader_language, seed_demo_content

__all__ = ["DEMO_PASSWORD", "VERTICALS", "Vertical", "get_vertical", "in_reader_language", "seed_demo_content"]
