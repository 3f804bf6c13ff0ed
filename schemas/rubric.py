"""The rubric as data: indicators, scale and bands, loaded from sheet_templates/rubrics/*.toml."""

from __future__ import annotations

import re
import unicodedata
from functools import cached_property

from pydantic import BaseModel, ConfigDict, Field, model_validator


class Band(BaseModel):
    """A named range of scores, e.g. LEAP 5-6 "Effective"."""

    model_config = ConfigDict(frozen=True)
    name: str
    min: float
    max: float

    @property
    def scores(self) -> str:
        """The band's scores as a reader sees them: '5–6', or '7' for a band of one score."""
        return f"{self.min:g}" if self.min == self.max else f"{self.min:g}–{self.max:g}"


class Domain(BaseModel):
    """A group of indicators sharing a code prefix, and the words coaches type for it."""

    model_config = ConfigDict(frozen=True)
    prefix: str
    name: str
    words: list[str] = Field(default_factory=list)


class Indicator(BaseModel):
    model_config = ConfigDict(frozen=True)
    code: str
    name: str
    gateway: bool = False


def _squash(text: str) -> str:
    """Lower-case, strip accents and everything but letters and digits: 'I - 1' -> 'i1'."""
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]", "", text.lower())


class Rubric(BaseModel):
    """An observation rubric. Every indicator and score check in the validator reads from here."""

    model_config = ConfigDict(frozen=True)
    id: str
    name: str
    short_name: str
    scale_min: float
    scale_max: float
    half_points: bool = False
    meeting_band: str
    middle_band: tuple[float, float]
    #: Two co-observers' scores on the same indicator agree when at most this many points apart: 0 (exact)
    #: on a short scale, where "within one point" spans half of it and cannot fail; 1 on a long one.
    agreement_within: float = Field(1.0, ge=0)
    bands: list[Band]
    domains: list[Domain] = Field(default_factory=list)
    indicators: list[Indicator]

    @model_validator(mode="after")
    def _check(self) -> Rubric:
        codes = [i.code for i in self.indicators]
        if len(set(codes)) != len(codes):
            raise ValueError("indicator codes must be unique")
        if self.meeting_band not in {b.name for b in self.bands}:
            raise ValueError(f"meeting_band {self.meeting_band!r} is not one of the bands")
        for band in self.bands:
            if band.min < self.scale_min or band.max > self.scale_max or band.min > band.max:
                raise ValueError(f"band {band.name!r} lies outside the scale {self.scale_min}-{self.scale_max}")
        return self

    @property
    def codes(self) -> list[str]:
        return [i.code for i in self.indicators]

    @property
    def scores_tab(self) -> str:
        return f"{self.short_name} Scores"

    @property
    def agreement_rule(self) -> str:
        """The agreement rule in words: 'exact', 'within one point', 'within 2 points'."""
        if self.agreement_within == 0:
            return "exact"
        return "within one point" if self.agreement_within == 1 else f"within {self.agreement_within:g} points"

    @property
    def meeting_score(self) -> float:
        """Lowest score that counts as meeting expectations (LEAP: 5, "Effective")."""
        return next(b.min for b in self.bands if b.name == self.meeting_band)

    def band_named(self, word: str) -> Band | None:
        key = _squash(word)
        return next((b for b in self.bands if _squash(b.name) == key), None)

    def is_valid_score(self, score: float) -> bool:
        if not self.scale_min <= score <= self.scale_max:
            return False
        step = 0.5 if self.half_points else 1.0
        return (score / step).is_integer()

    @cached_property
    def _lookup(self) -> dict[str, str]:
        """Every accepted spelling, squashed, mapped to its code."""
        lookup: dict[str, str] = {}
        for ind in self.indicators:
            lookup[_squash(ind.code)] = ind.code
            lookup[_squash(ind.name)] = ind.code
        for domain in self.domains:
            for ind in self.indicators:
                if not ind.code.startswith(domain.prefix):
                    continue
                number = ind.code[len(domain.prefix):].lstrip(".- ")
                for word in [domain.name, *domain.words]:
                    lookup.setdefault(_squash(word) + _squash(number), ind.code)
        return lookup

    def normalize_code(self, text: str) -> str | None:
        """The canonical code for a coach's spelling ('i1', 'I-1', 'Instruction 1' -> 'I.1'), or None."""
        return self._lookup.get(_squash(str(text)))
