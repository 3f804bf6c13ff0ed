"""Reading one cell: pure parsers that turn what a coach typed into a value, or say what is wrong.

Each parser returns ``Parsed(value, problem)``; ``problem`` is ``(code, message, fix)`` or None.
A warning problem still carries the value it settled on; an error problem carries ``value=None``.
Parsers see one raw value and nothing else, so the validator may call each once per distinct value.
"""

from __future__ import annotations

import calendar
import datetime as dt
import math
import re
import unicodedata
from dataclasses import dataclass
from typing import Any, NamedTuple

from tracker_sync.schemas import Rubric
from tracker_sync.validate.findings import shown

SERIAL_EPOCH = dt.date(1899, 12, 30)  # Google Sheets / Excel (1900 system) day zero
_SERIAL_RANGE = (25569, 73051)  # 1970-01-01 .. 2099-12-31: numbers outside are not meant as dates
SHORT_TEXT_LIMIT = 200  # names, teams, cycle names: longer is almost surely a paste in the wrong cell
CELL_TEXT_LIMIT = 50_000  # Google Sheets' own limit for one cell

#: What a spreadsheet shows when a formula fails (Google and Excel spellings).
ERROR_VALUES = frozenset({"#REF!", "#N/A", "#VALUE!", "#DIV/0!", "#NAME?", "#NULL!", "#NUM!", "#ERROR!", "#SPILL!", "#CALC!",
                          "#GETTING_DATA"})

MONTHS = {
    "jan": 1, "january": 1, "feb": 2, "february": 2, "mar": 3, "march": 3, "apr": 4, "april": 4,
    "may": 5, "jun": 6, "june": 6, "jul": 7, "july": 7, "aug": 8, "august": 8, "sep": 9, "sept": 9,
    "september": 9, "oct": 10, "october": 10, "nov": 11, "november": 11, "dec": 12, "december": 12,
}


class Parsed(NamedTuple):
    value: Any
    problem: tuple[str, str, str] | None = None


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
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"  # as the spreadsheet shows it
    return str(value).strip()


def _fold(text: str) -> str:
    """Case-folded, accents removed (combining marks only: non-Latin letters are kept)."""
    if text.isascii():  # most names and headers: nothing to decompose, and casefold is lower
        return text.lower()
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def name_key(name: str) -> str:
    """How names are compared: case, accents and spacing ignored ('José  Hernández' == 'jose hernandez').

    Letters outside the Latin alphabet are kept, so '李明' and '王芳' stay two different people.
    """
    return " ".join(_fold(name).split())


def squash_key(text: str) -> str:
    """name_key without anything but letters and digits, so headers and dropdown values compare without
    case, spacing or dash style ('scored - full' == 'Scored – Full')."""
    return "".join(ch for ch in _fold(text) if ch.isalnum())


def cell_oddity(value: object, *, optional_note: bool = False) -> Parsed | None:
    """Problems any cell can have whatever its column: a formula error such as #REF!.

    In an optional notes column the error only blanks that note (a warning): one broken note must
    not keep a whole observation out of the patterns.
    """
    if not isinstance(value, str):
        return None
    text = value.strip()
    if text.upper() in ERROR_VALUES:
        code = "formula-error-in-note" if optional_note else "formula-error"
        return Parsed(None, problem(code, f"The cell shows the spreadsheet error {text.upper()}."))
    return None


def check_text_length(text: str, limit: int) -> Parsed:
    if len(text) <= limit:
        return Parsed(text)
    return Parsed(text, problem(
        "very-long-text", f"This cell holds {len(text):,} characters; at most {limit:,} are expected here.",
        "Check that the text was pasted into the right cell; move long notes to the notes column."))


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
        return Parsed(None, problem("bad-date", f"{clean_text(value)} is a yes/no value, not a date."))
    if isinstance(value, (int, float)):
        return _from_serial(value)
    return _parse_date_text(" ".join(str(value).split()), year)


def _from_serial(number: float, *, typed_as_text: bool = False) -> Parsed:
    if not (math.isfinite(number) and _SERIAL_RANGE[0] <= number <= _SERIAL_RANGE[1]):
        return Parsed(None, problem("bad-date", f"The number {clean_text(number)} is not a date."))
    day = SERIAL_EPOCH + dt.timedelta(days=int(number))
    if typed_as_text:
        return Parsed(day, problem("ambiguous-date",
                                   f"Read the number {clean_text(number)} as a spreadsheet date serial: {day.isoformat()}."))
    return Parsed(day)


_ISO = re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[T ][\d:.]+(?:\s*[ap]m)?)?$", re.I)
_SLASH = re.compile(r"^(\d{1,2})[/.-](\d{1,2})(?:[/.-](\d{2}|\d{4}))?(?:\s+[\d:.]+(?:\s*[ap]m)?)?$", re.I)
_WORDY = re.compile(r"^(?:[a-z]+,?\s+)?([a-z]+)\.?\s*(\d{1,2})(?:st|nd|rd|th)?(?:,?\s+(\d{2}|\d{4}))?$")
_WORDY_DAY_FIRST = re.compile(r"^(\d{1,2})(?:st|nd|rd|th)?[\s-]*([a-z]+)\.?,?(?:[\s-]+(\d{2}|\d{4}))?$")


def _impossible(text: str, y: int, m: int) -> Parsed:
    if 1 <= m <= 12 and 1 <= y <= 9999:
        days = calendar.monthrange(y, m)[1]
        why = f"{calendar.month_name[m]} {y} has {days} days"
    else:
        why = f"there is no month {m}"
    return Parsed(None, problem("bad-date", f"'{shown(text)}' is not a real date: {why}.",
                                "Check the day and month; type the date as YYYY-MM-DD, e.g. 2026-09-14."))


def _dated(text: str, y: int, m: int, d: int, note: str | None) -> Parsed:
    try:
        day = dt.date(y, m, d)
    except ValueError:
        return _impossible(text, y, m)
    if note:
        return Parsed(day, problem("ambiguous-date", f"Read '{shown(text)}' as {day.isoformat()} ({note})."))
    return Parsed(day)


def _full_year(y: str, note: str | None) -> tuple[int, str | None]:
    if len(y) == 4:
        return int(y), note
    full = int(y) + 2000
    return full, f"a two-digit year; took {full}" + (f", and {note}" if note else "")


def _parse_date_text(text: str, year: SchoolYear) -> Parsed:
    if re.fullmatch(r"\d+(\.\d+)?", text):
        return _from_serial(float(text), typed_as_text=True)
    if m := _ISO.match(text):
        return _dated(text, int(m[1]), int(m[2]), int(m[3]), None)
    if m := _SLASH.match(text):
        first, second, y = int(m[1]), int(m[2]), m[3]
        if first > 12 and second <= 12:  # only day/month makes sense: say so
            month, day_n, note = second, first, f"day/month, since no month is numbered {first}"
        else:
            month, day_n, note = first, second, None
        if y is None:
            y_n = year.year_for(month) if 1 <= month <= 12 else year.start.year
            note = f"the year is missing; took {y_n} from the school year" + (f", and {note}" if note else "")
        else:
            y_n, note = _full_year(y, note)
        return _dated(text, y_n, month, day_n, note)
    lowered = text.lower()
    m = _WORDY.match(lowered)
    month_word, day_s, y = (m[1], m[2], m[3]) if m else (None, None, None)
    if month_word not in MONTHS and (m2 := _WORDY_DAY_FIRST.match(lowered)):
        day_s, month_word, y = m2[1], m2[2], m2[3]
    if month_word in MONTHS and day_s is not None:
        month = MONTHS[month_word]
        if y is None:
            y_n = year.year_for(month)
            note = f"the year is missing; took {y_n} from the school year"
        else:
            y_n, note = _full_year(y, None)
        return _dated(text, y_n, month, int(day_s), note)
    return Parsed(None, problem("bad-date", f"'{shown(text)}' is not a date."))


def parse_integer(value: object, lo: float | None, hi: float | None) -> Parsed:
    number = _number(value)
    if number is None or not float(number).is_integer():
        return Parsed(None, problem("bad-number", f"'{shown(clean_text(value))}' is not a whole number."))
    if lo is not None and hi is not None and not lo <= number <= hi:
        return Parsed(None, problem("bad-number", f"{int(number)} is outside {lo:g}-{hi:g}.",
                                    f"Type a whole number from {lo:g} to {hi:g}."))
    if lo is not None and number < lo:  # a column with one bound only
        return Parsed(None, problem("bad-number", f"{int(number)} is below {lo:g}.", f"Type a whole number of at least {lo:g}."))
    if hi is not None and number > hi:
        return Parsed(None, problem("bad-number", f"{int(number)} is above {hi:g}.", f"Type a whole number of at most {hi:g}."))
    return Parsed(int(number))


def _number(value: object) -> float | None:
    """A number, from a number cell or from a number stored as text ('5', ' 5.0 ', '4,5')."""
    if isinstance(value, bool) or isinstance(value, dt.date):
        return None
    if isinstance(value, (int, float)):
        return float(value) if math.isfinite(value) else None
    text = str(value).strip()
    if not text or len(text) > 40:
        return None
    try:
        number = float(text.replace(",", "."))
    except ValueError:
        return None
    return number if math.isfinite(number) else None


def parse_choice(value: object, choices: list[str]) -> Parsed:
    text = clean_text(value)
    wanted = squash_key(text)
    for choice in choices:
        if squash_key(choice) == wanted:
            return Parsed(choice)
    return Parsed(None, problem("bad-choice", f"'{shown(text)}' is not one of: {', '.join(choices)}."))


def is_email(text: str) -> bool:
    """Looks like an address: something@domain.tld, no spaces."""
    return re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", text) is not None


def parse_email(value: object) -> Parsed:
    text = clean_text(value)
    if is_email(text):
        return Parsed(text)
    return Parsed(text, problem("bad-email", f"'{shown(text)}' does not look like an email address."))


def parse_measure(value: object) -> Parsed:
    """A goal's baseline or target: a number when it is one ('3', '4.5'), else the text as typed
    ('42% proficient'), so a practice goal's scores can be compared and a student measure is kept."""
    number = _number(value)
    if number is not None:
        return Parsed(number)
    return check_text_length(clean_text(value), SHORT_TEXT_LIMIT)


def parse_indicator(value: object, rubric: Rubric) -> Parsed:
    text = clean_text(value)
    code = rubric.normalize_code(text)
    if code:
        return Parsed(code)
    from rapidfuzz import process  # lazy: only needed when a code is wrong

    best = process.extractOne(text[:SHORT_TEXT_LIMIT], rubric.codes, score_cutoff=50)
    fix = f"Did you mean {best[0]}? " if best else ""
    fix += f"{rubric.short_name} codes are {rubric.codes[0]} ... {rubric.codes[-1]}."
    return Parsed(None, problem("unknown-indicator", f"'{shown(text)}' is not a {rubric.short_name} indicator.", fix))


def score_range(low: float, high: float) -> str:
    """'5-6' for a band or a scale of several scores, '3' for a band of one."""
    return f"{low:g}" if low == high else f"{low:g}-{high:g}"


def parse_score(value: object, rubric: Rubric) -> Parsed:
    scale = score_range(rubric.scale_min, rubric.scale_max)
    number = _number(value)
    if number is None:
        text = clean_text(value)
        band = rubric.band_named(text) if len(text) <= SHORT_TEXT_LIMIT else None
        if band:
            return Parsed(None, problem(
                "score-band-word", f"'{shown(text)}' is a band name, not a score.",
                f"Type the number you gave: '{band.name}' means {score_range(band.min, band.max)} on the {scale} scale."))
        what = "a date" if isinstance(value, dt.date) else "a yes/no value" if isinstance(value, bool) else "a number"
        said = f"not {what}" if what == "a number" else f"{what}, not a score"
        return Parsed(None, problem("bad-score", f"'{shown(text)}' is {said}.", f"Type a score from {scale}, or leave it blank."))
    if not rubric.scale_min <= number <= rubric.scale_max:
        return Parsed(None, problem("score-out-of-range", f"{number:g} is outside the {rubric.short_name} scale {scale}.",
                                    f"Type a score from {scale}."))
    if not rubric.is_valid_score(number):
        step = "half points" if rubric.half_points else "whole points"
        return Parsed(None, problem("half-point-score", f"{number:g} is not allowed; {rubric.short_name} uses {step}.",
                                    f"Type a score from {scale} in {step}."))
    return Parsed(number)


_TITLE = re.compile(r"^(mr|mrs|ms|miss|mx|dr|coach|teacher)\.?\s+")


class People:
    """The Roster as a lookup: names compare ignoring case, accents and spacing; near misses suggest.

    ``members`` maps name_key -> the Roster spelling; ``broken`` maps name_key -> the sheet row of a
    Roster row that names the person but has errors (so the message can point there, not say "unknown").
    A near miss is never corrected: it is an unknown name with a "Did you mean ...?" hint.
    """

    def __init__(self, members: dict[str, str], broken: dict[str, int] | None = None,
                 teams: dict[str, str] | None = None) -> None:
        self.members = members
        self.broken = broken or {}
        self.teams = teams or {}  # name_key -> the Roster's spelling of each team

    def find(self, value: object, *, role: str) -> Parsed:
        text = clean_text(value)
        key = name_key(text)
        if key in self.members:
            return Parsed(self.members[key])
        is_teacher = role == "teacher"
        code = "unknown-teacher" if is_teacher else "unknown-observer"
        who = "a teacher" if is_teacher else "an observer"
        kept = None if is_teacher else text
        if key in self.broken:
            return Parsed(kept, problem(code,
                                        f"'{shown(text)}' is on row {self.broken[key]} of the Roster, but that row has errors.",
                                        "Fix that Roster row first (see its own flag); this row is then read as typed."))
        guess = self.suggest(key)
        fix = f"Did you mean '{guess}'? " if guess else ""
        fix += "Pick the name from the dropdown, or add the person to the Roster tab."
        return Parsed(kept, problem(code, f"'{shown(text)}' is not {who} on the Roster.", fix))

    def find_owner(self, value: object) -> Parsed:
        """A goal's owner: a person on the Roster, else a team of the Roster (a team goal)."""
        text = clean_text(value)
        key = name_key(text)
        if key in self.members:
            return Parsed(self.members[key])
        if key in self.teams:
            return Parsed(self.teams[key])
        if key in self.broken:
            return Parsed(None, problem("unknown-teacher-or-team", f"'{shown(text)}' is on row {self.broken[key]} of the Roster, "
                                        "but that row has errors.",
                                        "Fix that Roster row first (see its own flag); this row is then read as typed."))
        guess = self.suggest(key, {**self.teams, **self.members})
        fix = f"Did you mean '{guess}'? " if guess else ""
        fix += "Type a teacher's name, or a team's name, exactly as on the Roster tab."
        return Parsed(None, problem("unknown-teacher-or-team", f"'{shown(text)}' is neither a teacher nor a team on the Roster.",
                                    fix))

    def suggest(self, key: str, names: dict[str, str] | None = None) -> str | None:
        """The closest of `names` (name_key -> spelling; default the Roster's people) to `key`, if close."""
        names = self.members if names is None else names
        if not names or not key or len(key) > SHORT_TEXT_LIMIT:
            return None
        from rapidfuzz import fuzz, process, utils  # lazy: only needed for a near miss

        bare = _TITLE.sub("", key)
        best = process.extractOne(bare, list(names), scorer=fuzz.WRatio, processor=utils.default_process, score_cutoff=75)
        if best is None and bare != key:  # "Ms. Garcia": a title and a surname
            surname = [k for k in names if k.split()[-1:] == bare.split()[-1:]]
            return names[surname[0]] if len(surname) == 1 else None
        return names[best[0]] if best else None
