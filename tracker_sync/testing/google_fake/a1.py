"""A1 ranges and field masks: the two small languages the Sheets API speaks in its query strings."""

from __future__ import annotations

import re
from dataclasses import dataclass

_CELL = re.compile(r"^\$?([A-Za-z]*)\$?(\d*)$")


def column_index(letters: str) -> int:
    """'A' -> 0, 'Z' -> 25, 'AA' -> 26."""
    index = 0
    for char in letters.upper():
        index = index * 26 + (ord(char) - 64)
    return index - 1


def column_letters(index: int) -> str:
    """0 -> 'A', 25 -> 'Z', 26 -> 'AA': bijective base 26, the inverse of :func:`column_index`."""
    letters = []
    number = index + 1
    while number > 0:
        number, rem = divmod(number - 1, 26)
        letters.append(chr(ord("A") + rem))
    return "".join(reversed(letters))


def quote_title(title: str) -> str:
    """How Google prints a sheet title in a range: bare when it is a plain word, else single-quoted."""
    if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", title) and not re.fullmatch(r"[A-Za-z]{1,3}\d+", title):
        return title
    return "'" + title.replace("'", "''") + "'"


@dataclass(frozen=True)
class A1Range:
    """A parsed A1 range; None bounds are open (whole rows/columns). Indexes 0-based, ends exclusive."""

    title: str
    start_row: int | None = None
    end_row: int | None = None
    start_col: int | None = None
    end_col: int | None = None


def parse_a1(text: str, default_title: str | None = None) -> A1Range:
    """Parse "'My tab'!A1:C5", "Tab!A:A", "Tab" or "A1:B2" (the last needs default_title)."""
    if "!" in text:
        title, _, cells = text.rpartition("!")
    elif default_title is not None and _looks_like_cells(text):
        title, cells = default_title, text
    else:
        title, cells = text, ""
    if title.startswith("'") and title.endswith("'"):
        title = title[1:-1].replace("''", "'")
    if not cells:
        return A1Range(title)
    first, _, last = cells.partition(":")
    c1, r1 = _cell(first)
    c2, r2 = _cell(last) if last else (c1, r1)
    return A1Range(
        title,
        start_row=r1 - 1 if r1 else None,
        end_row=r2 if r2 else None,
        start_col=column_index(c1) if c1 else None,
        end_col=column_index(c2) + 1 if c2 else None,
    )


def _looks_like_cells(text: str) -> bool:
    return all(_CELL.match(part) for part in text.split(":")) and any(ch.isdigit() for ch in text)


def _cell(text: str) -> tuple[str, int]:
    match = _CELL.match(text)
    if not match or not (match[1] or match[2]):
        raise ValueError(text)
    return match[1], int(match[2]) if match[2] else 0


def a1_of(title: str, start_row: int, end_row: int, start_col: int, end_col: int) -> str:
    """"'My tab'!A1:C5" for 0-based, end-exclusive bounds; a single cell prints as "'My tab'!C5"."""
    first = f"{column_letters(start_col)}{start_row + 1}"
    last = f"{column_letters(end_col - 1)}{end_row}"
    return f"{quote_title(title)}!{first}" + ("" if first == last else f":{last}")


# --- field masks -------------------------------------------------------------------------------

MaskTree = dict[str, "MaskTree"]


def parse_field_mask(text: str) -> MaskTree:
    """'a,b(c,d.e),f/g' -> {'a': {}, 'b': {'c': {}, 'd': {'e': {}}}, 'f': {'g': {}}}."""
    tree: MaskTree = {}
    _parse_into(tree, text.replace(" ", ""), 0, closing=False)
    return tree


def _parse_into(tree: MaskTree, text: str, pos: int, *, closing: bool) -> int:
    path: list[str] = []
    name = ""
    while pos < len(text):
        char = text[pos]
        if char in "./":
            path.append(name)
            name = ""
        elif char == ",":
            if name or path:  # empty right after a ')' group
                _add(tree, [*path, name])
            path, name = [], ""
        elif char == "(":
            node = _add(tree, [*path, name])
            pos = _parse_into(node, text, pos + 1, closing=True)
            path, name = [], ""
        elif char == ")":
            if name or path:
                _add(tree, [*path, name])
            if not closing:
                raise ValueError("unbalanced ')' in field mask")
            return pos
        else:
            name += char
        pos += 1
    if closing:
        raise ValueError("unbalanced '(' in field mask")
    if name or path:
        _add(tree, [*path, name])
    return pos


def _add(tree: MaskTree, path: list[str]) -> MaskTree:
    node = tree
    for part in path:
        if not part:
            raise ValueError("empty name in field mask")
        node = node.setdefault(part, {})
    return node


def apply_field_mask(value: object, tree: MaskTree) -> object:
    """Keep only the masked fields; lists apply the mask to each element (as Google does).

    A message that is there stays there when none of the fields the mask picks in it are set: Google
    answers ``sheets.properties.tabColorStyle`` on a tab without a colour with ``"properties": {}``.
    """
    if not tree or "*" in tree:
        return value
    if isinstance(value, list):
        return [apply_field_mask(item, tree) for item in value]
    if not isinstance(value, dict):
        return value
    return {key: apply_field_mask(value[key], sub) for key, sub in tree.items() if key in value}
