"""The coaching plan in the ILT brief: a few sentences (the brief stays one page).

Aggregates unless the brief is made with names: coaches are observers, so they are counted, not
named (the brief numbers observers otherwise); with names, each coach's completion and the teachers
carried over more than twice are listed. Never a reason (it can name a score quartile).
"""

from __future__ import annotations

from tracker_sync.patterns.discuss import percent
from tracker_sync.patterns.plan import Plan
from tracker_sync.patterns.plan_needs import KIND_LABELS
from tracker_sync.wording import plural


def plan_sentences(plan: Plan, *, include_names: bool = False) -> list[str]:
    """The plan of the coming week, last week's completion and carry-overs, and who the visits go to."""
    if plan.week is None:
        return []
    coaches = plan.coaches
    visits, meetings = int(coaches["planned_visits"].sum()), int(coaches["planned_meetings"].sum())
    sentences = [f"Week of {plan.week.start:%b %-d}: {plural(visits, 'visit')} and {plural(meetings, 'meeting')} planned for "
                 f"{plural(len(coaches), 'coach', 'coaches')} (Plan tab)."]
    review = plan.review
    if plan.previous_week is not None and len(review):
        planned, done = int(review["planned"].sum()), int(review["done"].sum())
        if include_names:
            each = ", ".join(f"{r.coach} {r.done}/{r.planned}" for r in review.itertuples(index=False))
        else:
            rates = review["completion"].dropna()
            each = f"coaches {percent(rates.min())} to {percent(rates.max())}" if len(rates) else ""
        sentences.append(f"Last week's plan: {done} of {planned} done ({percent(done / planned if planned else None)}"
                         f"{'; ' + each if each else ''}).")
    often = plan.carried_often
    if include_names and len(often):
        sentences.append("Carried over more than twice: " + ", ".join(
            f"{r.teacher} ({KIND_LABELS[r.kind]}, {r.carried} weeks)" for r in often.itertuples(index=False)) + ".")
    else:
        sentences.append(f"{plural(len(often), 'item') if len(often) else 'None'} carried over more than twice.")
    equity = plan.equity.set_index("group")
    shares = [f"{label.lower()} {percent(equity.at[label, 'share_of_visits'])} ({percent(equity.at[label, 'share_of_teachers'])} "
              "of teachers)" for label in equity.index[:2] if equity.at[label, "teachers"]]
    if shares and visits:
        sentences.append("Planned visits: " + ", ".join(shares) + ".")
    return sentences
