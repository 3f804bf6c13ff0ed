"""Reading one cell: pure parsers that turn what a coach typed into a value, or say what is wrong.

Each parser returns ``Parsed(value, problem)``; ``problem`` is ``(code, message, fix)`` or None.
A warning problem still carries the value it settled on; an error problem carries ``value=None``.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata
from dataclasses import dataclass
from typing import Any, NamedTuple

from tracker_sync.findings import FINDING_TYPES
from tracker_sync.schemas import Rubric

SERIAL_EPOCH = dt.date(1899, 12, 30)  # Google Sheets / Excel (1900 system) day zero
_SERIAL_RANGE = (25569, 73051)  # 1970-01-01 .. 2099-12-31: numbers outside are not meant as dates

MONTHS = {
    "jan": 1, "january": 1, "feb": 2, "february": 2, "mar": 3, "march": 3, "apr": 4, "april": 4,
    "may": 5, "jun": 6, "june": 6, "jul": 7, "july": 7, "aug": 8, "august": 8, "sep": 9, "sept": 9,
    "september": 9, "oct": 10, "october": 10, "nov": 11, "november": 11, "dec": 12, "december": 12,
}


class Parsed(NamedTuple):
    value: Any
    problem: tuple[str, str, str] | None = None

    @property
    def is_error(self) -> bool:
        return self.problem is not None and FINDING_TYPES[self.problem[0]].severity == "error"


def problem(code: str, message: str, fix: str = "") -> tuple[str, str, str]:
    return (code, message, fix)


def is_blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def clean_text(value: object) -> str:
    """Text as typed, trimmed; numbers that are whole print without '.0'."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (dt.datetime, dt.date)):
        return value.isoformat()[:10]
    return str(value).strip()


def name_key(name: str) -> str:
    """How names are compared: case, accents and spacing ignored ('José  Hernández' == 'jose hernandez')."""
    text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return " ".join(text.casefold().split())


def choice_key(text: str) -> str:
    """Dropdown values compare without case, spacing or dash style ('scored - full' == 'Scored – Full')."""
    return re.sub(r"[\s\-–—_]+", "", name_key(text))


@dataclass(frozen=True)
class SchoolYear:
    """The school year dates used to infer a missing year ('9/5' in 2026-27 is 2026-09-05)."""

    start: dt.date
    end: dt.date

    def year_for(self, month: int) -> int:
        return self.start.year if month >= self.start.month else self.end.year


def parse_date(value: object, year: SchoolYear) -> Parsed:
    if isinstance(value, dt.datetime):
        return Parsed(value.date())
    if isinstance(value, dt.date):
        return Parsed(value)
    if isinstance(value, bool):
        return Parsed(None, problem("bad-date", f"{value} is a yes/no value, not a date."))
    if isinstance(value, (int, float)):
        return _from_serial(value)
    text = str(value).strip()
    return _parse_date_text(text, year)


def _from_serial(number: float, *, typed_as_text: bool = False) -> Parsed:
    if not (math.isfinite(number) and _SERIAL_RANGE[0] <= number <= _SERIAL_RANGE[1]):
        return Parsed(None, problem("bad-date", f"The number {clean_text(number)} is not a date."))
    day = SERIAL_EPOCH + dt.timedelta(days=int(number))
    if typed_as_text:
        return Parsed(day, problem("ambiguous-date", f"Read the number {clean_text(number)} as a spreadsheet date serial: {day.isoformat()}."))
    return Parsed(day)


_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ][\d:.]+)?$")
_SLASH = re.compile(r"^(\d{1,2})[/.-](\d{1,2})(?:[/.-](\d{2}|\d{4}))?$")
_WORDY = re.compile(r"^(?:[a-z]+,?\s+)?([a-z]+)\.?\s+(\d{1,2})(?:st|nd|rd|th)?(?:,?\s+(\d{4}))?$")
_WORDY_DAY_FIRST = re.compile(r"^(\d{1,2})(?:st|nd|rd|th)?\s+([a-z]+)\.?,?(?:\s+(\d{4}))?$")


def _make(y: int, m: int, d: int) -> dt.date | None:
    try:
        return dt.date(y, m, d)
    except ValueError:
        return None


def _parse_date_text(text: str, year: SchoolYear) -> Parsed:
    bad = Parsed(None, problem("bad-date", f"'{text}' is not a real date."))
    if re.fullmatch(r"\d+(\.\d+)?", text):
        return _from_serial(float(text), typed_as_text=True)
    if m := _ISO.match(text):
        day = _make(int(m[1]), int(m[2]), int(m[3]))
        return Parsed(day) if day else bad
    if m := _SLASH.match(text):
        first, second, y = int(m[1]), int(m[2]), m[3]
        if first > 12 and second <= 12:  # only day/month makes sense: say so
            month, day_n, note = second, first, "day/month (month first is impossible)"
        else:
            month, day_n, note = first, second, None
        if y is None:
            y_n = year.year_for(month)
            note = f"the year is missing; took {y_n} from the school year" + (f", and {note}" if note else "")
        else:
            y_n = int(y) + 2000 if len(y) == 2 else int(y)
            if len(y) == 2:
                note = f"a two-digit year; took {y_n}" + (f", and {note}" if note else "")
        day = _make(y_n, month, day_n)
        if day is None:
            return bad
        if note:
            return Parsed(day, problem("ambiguous-date", f"Read '{text}' as {day.isoformat()} ({note})."))
        return Parsed(day)
    lowered = text.lower()
    m = _WORDY.match(lowered)
    month_word, day_s, y = (m[1], m[2], m[3]) if m else (None, None, None)
    if not m and (m2 := _WORDY_DAY_FIRST.match(lowered)):
        day_s, month_word, y = m2[1], m2[2], m2[3]
    if month_word in MONTHS:
        month = MONTHS[month_word]
        y_n = int(y) if y else year.year_for(month)
        day = _make(y_n, month, int(day_s))
        if day is None:
            return bad
        if y is None:
            return Parsed(day, problem("ambiguous-date", f"Read '{text}' as {day.isoformat()} (the year is missing; took {y_n} from the school year)."))
        return Parsed(day)
    return bad


def parse_integer(value: object, lo: float | None, hi: float | None) -> Parsed:
    number = _number(value)
    if number is None or not float(number).is_integer():
        return Parsed(None, problem("bad-number", f"'{clean_text(value)}' is not a whole number."))
    if (lo is not None and number < lo) or (hi is not None and number > hi):
        return Parsed(None, problem("bad-number", f"{int(number)} is outside {lo:g}-{hi:g}.", f"Type a whole number from {lo:g} to {hi:g}."))
    return Parsed(int(number))


def _number(value: object) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return float(value) if math.isfinite(value) else None
    try:
        number = float(str(value).strip().replace(",", "."))
    except ValueError:
        return None
    return number if math.isfinite(number) else None


def parse_choice(value: object, choices: list[str]) -> Parsed:
    text = clean_text(value)
    wanted = choice_key(text)
    for choice in choices:
        if choice_key(choice) == wanted:
            return Parsed(choice)
    return Parsed(None, problem("bad-choice", f"'{text}' is not one of: {', '.join(choices)}.", "Pick a value from the cell's dropdown."))


def parse_email(value: object) -> Parsed:
    text = clean_text(value)
    if re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", text):
        return Parsed(text)
    return Parsed(text, problem("bad-email", f"'{text}' does not look like an email address."))


def parse_indicator(value: object, rubric: Rubric) -> Parsed:
    text = clean_text(value)
    code = rubric.normalize_code(text)
    if code:
        return Parsed(code)
    from rapidfuzz import process  # lazy: only needed when a code is wrong

    best = process.extractOne(text, rubric.codes, score_cutoff=50)
    fix = f"Did you mean {best[0]}? " if best else ""
    fix += f"{rubric.short_name} codes are {rubric.codes[0]} ... {rubric.codes[-1]}."
    return Parsed(None, problem("unknown-indicator", f"'{text}' is not a {rubric.short_name} indicator.", fix))


def parse_score(value: object, rubric: Rubric) -> Parsed:
    scale = f"{rubric.scale_min:g}-{rubric.scale_max:g}"
    number = _number(value)
    if number is None:
        text = clean_text(value)
        band = rubric.band_named(text)
        if band:
            return Parsed(None, problem(
                "score-band-word", f"'{text}' is a band name, not a score.",
                f"Type the number you gave: '{band.name}' means {band.min:g}-{band.max:g} on the {scale} scale."))
        return Parsed(None, problem("bad-score", f"'{text}' is not a number.", f"Type a score from {scale}, or leave it blank."))
    if not rubric.scale_min <= number <= rubric.scale_max:
        return Parsed(None, problem("score-out-of-range", f"{number:g} is outside the {rubric.short_name} scale {scale}.", f"Type a score from {scale}."))
    if not rubric.is_valid_score(number):
        return Parsed(None, problem("half-point-score", f"{number:g} is not a whole point; {rubric.short_name} uses whole points.", f"Type a whole score from {scale}."))
    return Parsed(number)
