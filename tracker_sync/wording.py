"""Words people read: counted words ('1 school', '2 schools', never '1 schools' or 'problem(s)'), and
people's names as the files named after them."""

from __future__ import annotations

import re
import unicodedata


def plural(count: int, word: str, many: str | None = None) -> str:
    """'1 school', '2 schools', '0 schools'; ``many`` for irregular plurals ('1 copy', '2 copies')."""
    return f"{count} {word if count == 1 else many or word + 's'}"


def file_slug(name: str) -> str:
    """'Chloé Brown' -> 'chloe-brown': a name as a file name, accents kept out of the path ('' when
    nothing of it is left)."""
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", plain.lower()).strip("-")
