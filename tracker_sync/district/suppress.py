"""Small-cell suppression for the district view, with complementary suppression.

Primary: a cell computed from fewer than ``min_cell`` teachers (teacher figures) or scores (score
figures) is suppressed. Complementary: wherever the report publishes a total of several cells (a
school's number of scores beside its rating bands, a middle-band share that is the sum of whole
bands, a school's mean over all indicators beside its n), a line with exactly one suppressed cell would give
that cell away (total minus the others). So the shown cell of that line with the smallest n is
suppressed too (shortest lines first), and the lines are checked again until none has exactly one; a line whose lone
suppressed cell has no partner left hides its total instead.

District rows pool only the cells that are shown, so they never reveal a suppressed one either.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Line:
    """Cells whose sum the report publishes (through the total named ``total``)."""

    cells: tuple[Hashable, ...]
    total: str


def complementary(weights: Mapping[Hashable, int], primary: set[Hashable],
                  lines: Sequence[Line]) -> tuple[set[Hashable], set[str]]:
    """The cells to suppress (``primary`` and their complements) and the totals that must be hidden.

    ``weights``: each cell's n (cells with n = 0 hold nothing and are never a complement).
    Complement choice: the smallest n on the line, ties to the line's first such cell; shorter lines
    first, so that a partner forced on a short line also serves the long lines it lies on.
    """
    hidden = set(primary)
    hidden_totals: set[str] = set()
    changed = True
    while changed:
        changed = False
        for line in sorted(lines, key=lambda line: len(line.cells)):  # short lines have the fewest choices
            if line.total in hidden_totals:
                continue
            lone = [cell for cell in line.cells if cell in hidden]
            if len(lone) != 1:
                continue
            partners = [cell for cell in line.cells if cell not in hidden and weights.get(cell, 0) > 0]
            if partners:
                hidden.add(min(partners, key=lambda cell: (weights[cell], line.cells.index(cell))))
            else:
                hidden_totals.add(line.total)
            changed = True
    return hidden, hidden_totals
