"""The heat map's cells and colours, shared by the Patterns tab and the ILT brief (one meaning per colour)."""

from __future__ import annotations

from tracker_sync.patterns import WHOLE_SCHOOL, Patterns
from tracker_sync.schemas import Rubric, SchoolSettings
from tracker_sync.tabs import ColorScale, rgb

#: Red at the bottom of the scale, pale yellow at the first score of the meeting band, green at the top.
LOW, MEETING, HIGH = "F8696B", "FFEB84", "63BE7B"


def heat_scale(rubric: Rubric) -> ColorScale:
    """The heat map's colour scale, anchored on the rubric's own numbers (LEAP: 1, 5, 7)."""
    return ColorScale(((rubric.scale_min, LOW), (rubric.meeting_score, MEETING), (rubric.scale_max, HIGH)))


def heat_color(value: float, settings: SchoolSettings) -> tuple[str, str]:
    """Background and text colour for a heat-map mean: the Patterns tab's own colour scale (red at the
    bottom of the rubric's scale, yellow at the first meeting score, green at the top)."""
    return rubric_heat_color(value, settings.rubric)


def rubric_heat_color(value: float, rubric: Rubric) -> tuple[str, str]:
    """heat_color for a rubric alone (the district brief compares schools, not one school's settings)."""
    hex_rgb = heat_scale(rubric).color_at(value)
    red, green, blue = rgb(hex_rgb)
    luminance = 0.299 * red + 0.587 * green + 0.114 * blue
    return f"#{hex_rgb.lower()}", "#ffffff" if luminance < 140 else "#1a1a1a"


def heatmap_table(settings: SchoolSettings, patterns: Patterns) -> tuple[list[str], list[tuple[str, list[float | None], int]]]:
    """Teams (then the whole school) x indicators: the shown mean per cell, one decimal (None when n is
    below `heatmap_min_n`), and the number of scores per row."""
    codes = settings.rubric.codes
    minimum = settings.norms.heatmap_min_n
    lines = []
    frames = [(team, group) for team, group in patterns.heatmap.groupby("team", sort=True)]
    frames.append((WHOLE_SCHOOL, patterns.school_indicators))
    for team, group in frames:
        if group.empty:
            continue
        cells = group.set_index("indicator")
        values = [round(float(cells.at[c, "mean"]), 1) if c in cells.index and cells.at[c, "n"] >= minimum else None
                  for c in codes]
        lines.append((str(team), values, int(cells["n"].sum())))
    return codes, lines
