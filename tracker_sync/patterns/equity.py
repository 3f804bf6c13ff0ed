"""Who gets the attention: visits to novices and to the lowest-scoring teachers against the others.

TNTP's *The Widget Effect*: leaders "tend to visit the good teachers more", and novices are left
alone. Each group is compared with everyone else in the same scope (a team, or the whole school).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from tracker_sync.patterns.frames import Frames, positions
from tracker_sync.patterns.scores import WHOLE_SCHOOL
from tracker_sync.schemas import SchoolSettings

#: group -> what the brief and the tabs call it; the first two are the groups research worries about.
EQUITY_GROUPS = {
    "novice": "Novice teachers",
    "lowest_quartile": "Lowest score quartile",
    "others": "Everyone else",
}
EQUITY_COLUMNS = ["scope", "group", "teachers", "visits_30d", "visits_per_teacher", "scored_per_teacher",
                  "others_teachers", "others_visits_per_teacher", "ratio", "flag"]


def teacher_groups(frames: Frames, settings: SchoolSettings, cov: pd.DataFrame) -> pd.DataFrame:
    """Per active observed teacher (the coverage list): visits in 30 days, scored observations this
    year, Years Experience, mean score this school year, and the two groups.

    novice: Years Experience at most `novice_max_years` (blank: not a novice). lowest_quartile: a
    mean score at or below the 25th percentile of the teachers' mean scores (linear interpolation,
    as pandas' quantile); teachers with no score this year are in neither.
    """
    roster = frames.roster
    years = dict(zip(roster["teacher"][::-1], roster["years_experience"][::-1], strict=True))  # the first row of a name wins
    experience = pd.to_numeric(pd.Series([years.get(t) for t in cov["teacher"]], dtype=object), errors="coerce").to_numpy(float)
    scores = frames.scores
    year = (scores["date"] >= pd.Timestamp(settings.school_year_start)).to_numpy()
    whose = positions(scores["teacher"][year], cov["teacher"])
    mine = whose >= 0
    count = np.bincount(whose[mine], minlength=len(cov))
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.where(count > 0, np.bincount(whose[mine], weights=scores["score"].to_numpy(float)[year][mine],
                                               minlength=len(cov)) / count, np.nan)
    cut = np.quantile(mean[count > 0], 0.25) if (count > 0).any() else np.nan  # linear, as pandas' quantile
    novice = experience <= settings.norms.novice_max_years
    lowest = mean <= cut
    return pd.DataFrame({"teacher": cov["teacher"].to_numpy(object), "team": cov["team"].to_numpy(object),
                         "observations_30d": cov["observations_30d"].to_numpy(), "scored": cov["scored"].to_numpy(),
                         "years_experience": experience, "mean_score": mean, "novice": novice, "lowest_quartile": lowest,
                         "others": ~(novice | lowest)})


def observation_equity(groups: pd.DataFrame, settings: SchoolSettings) -> pd.DataFrame:
    """Per scope (the whole school first, then each team) and group: teachers, visits in the last 30
    days (total and per teacher), scored observations this year per teacher, and the same visits per
    teacher for the rest of the scope ("the others"). ratio = visits per teacher / the others'.

    flag (novices and the lowest quartile only): ratio below `equity_min_ratio`, with at least
    `equity_min_teachers` teachers on each side.
    """
    norms = settings.norms
    if groups.empty:
        return pd.DataFrame(columns=EQUITY_COLUMNS)
    teams = sorted(groups["team"].dropna().unique())
    scope = positions(groups["team"], teams) + 1  # 0: no team; the whole school is added below
    visits, scored = groups["observations_30d"].to_numpy(float), groups["scored"].to_numpy(float)

    def per_scope(weights: np.ndarray) -> np.ndarray:  # [whole school, *teams]
        by_team = np.bincount(scope, weights=weights, minlength=len(teams) + 1)[1:]
        return np.concatenate([[weights.sum()], by_team])

    everyone, all_visits = per_scope(np.ones(len(groups))), per_scope(visits)
    member = np.stack([groups[g].to_numpy(bool).astype(float) for g in EQUITY_GROUPS])  # (groups, teachers)
    # (groups, scopes) -> one row per scope and group, scope by scope
    count, group_visits, group_scored = (np.stack([per_scope(m * w) for m in member]).T.ravel()
                                         for w in (np.ones(len(groups)), visits, scored))
    rest = np.repeat(everyone, len(EQUITY_GROUPS)) - count
    rest_visits = np.repeat(all_visits, len(EQUITY_GROUPS)) - group_visits
    with np.errstate(invalid="ignore", divide="ignore"):
        per_teacher = np.where(count > 0, group_visits / count, np.nan)
        others = np.where(rest > 0, rest_visits / rest, np.nan)
        ratio = np.where((count > 0) & (others > 0), per_teacher / others, np.nan)
        scored_each = np.where(count > 0, group_scored / count, np.nan)
    kind = np.tile(list(EQUITY_GROUPS), len(teams) + 1)
    flag = ((kind != "others") & (count >= norms.equity_min_teachers) & (rest >= norms.equity_min_teachers)
            & (ratio < norms.equity_min_ratio))
    return pd.DataFrame({"scope": np.repeat([WHOLE_SCHOOL, *teams], len(EQUITY_GROUPS)), "group": kind,
                         "teachers": count.astype(int), "visits_30d": group_visits.astype(int), "visits_per_teacher": per_teacher,
                         "scored_per_teacher": scored_each, "others_teachers": rest.astype(int),
                         "others_visits_per_teacher": others, "ratio": ratio, "flag": flag})[EQUITY_COLUMNS]


def worst_gap(equity: pd.DataFrame) -> pd.Series | None:
    """The flagged group with the fewest visits relative to its colleagues (ties: by scope), or None."""
    flagged = equity[equity["flag"]]
    return None if flagged.empty else flagged.sort_values(["ratio", "scope"]).iloc[0]


def equity_sentence(equity: pd.DataFrame, settings: SchoolSettings) -> str | None:
    """One sentence for the brief: the school's visits per teacher by group, then the gaps flagged.
    Names teams, never a person."""
    school = equity[equity["scope"] == WHOLE_SCHOOL].set_index("group")
    if school.empty or school["teachers"].sum() == 0:
        return None
    novice = f"novice teachers ({settings.norms.novice_max_years} years or less)"
    label = {"novice": novice, "lowest_quartile": "teachers in the lowest score quartile", "others": "everyone else"}
    parts = [f"{label[g]} {school.at[g, 'visits_per_teacher']:.1f}" for g in EQUITY_GROUPS if school.at[g, "teachers"]]
    sentence = "Visits per teacher in the last 30 days: " + ", ".join(parts)
    flagged, worst = equity[equity["flag"]], worst_gap(equity)
    if worst is not None:
        where = "school-wide" if worst["scope"] == WHOLE_SCHOOL else f"in {worst['scope']}"
        others = f"; {len(flagged) - 1} more group{'s' if len(flagged) > 2 else ''} below the norm" if len(flagged) > 1 else ""
        sentence += (f"; {where}, {label[worst['group']]} get {worst['ratio']:.2f}x the visits of their colleagues "
                     f"(norm: at least {settings.norms.equity_min_ratio:g}x){others}")
    return sentence + "."
