"""Counted words for messages people read: '1 school', '2 schools', never '1 schools' or 'problem(s)'."""

from __future__ import annotations


def plural(count: int, word: str, many: str | None = None) -> str:
    """'1 school', '2 schools', '0 schools'; ``many`` for irregular plurals ('1 copy', '2 copies')."""
    return f"{count} {word if count == 1 else many or word + 's'}"
