"""Counts in words for messages and pages: "1 photo", "2 photos", never "1 photos"."""

from __future__ import annotations


def counted(number: int, singular: str, plural: str | None = None) -> str:
    """``number`` and the noun that agrees with it; ``plural`` where adding -s is wrong."""
    word = singular if number == 1 else (plural or singular + "s")
    return f"{number} {word}"


__all__ = ["counted"]
