"""Validator speed against frictionless on the same rows.

    python benchmarks/validate_speed.py [--quick] [--rows N] [--seed S] [--repeats R]

Builds synthetic Observations, LEAP Scores and 1-on-1 Meetings tabs (200,000 rows each; --quick:
20,000) with ~1% of cells planted wrong in ways both tools can see (dates that are not dates, names
not on the Roster, dropdown values not in the list, scores off the scale or typed as band words,
empty required cells). Our validator runs on the raw grids exactly as a backend returns them;
frictionless validates the same rows against an equivalent Table Schema (types, required, enum,
minimum/maximum). Rows per second count the rows of the three tabs. The two sides take turns on the
same rows and each is timed, wall clock, as its best of --repeats runs (default 3). Beside the
totals it checks that every cell frictionless flags is flagged by us too. The last line is
machine-readable:

    ours_rows_per_s=... frictionless_rows_per_s=... ratio=... ours_findings=... frictionless_findings=...
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import time

from tracker_sync.schemas import SchoolSettings
from tracker_sync.sheet_templates import default_norms, load_rubric, load_template
from tracker_sync.validate import validate
from tracker_sync.validate.findings import column_letter

AS_OF = dt.date(2027, 5, 28)
YEAR = (dt.date(2026, 8, 17), dt.date(2027, 5, 28))
PLANT_RATE = 0.01
TABS = ("Observations", "LEAP Scores", "1-on-1 Meetings")


def roster(count: int = 400) -> list[list]:
    first = ["Ana", "Ben", "Cara", "Dan", "Eve", "Fay", "Gus", "Hana", "Ivan", "Jo"]
    last = ["Lopez", "Ross", "Diaz", "Wu", "Park", "Kim", "Hale", "Noor"]
    rows = [["Teacher", "Email", "Team", "Team Lead", "Role", "Subject", "Grade Band", "Years Experience", "Status"]]
    for i in range(count):
        name = f"{first[i % 10]} {last[i // 10 % 8]}" + (f" {i // 80 + 1}" if i >= 80 else "")
        rows.append([name, f"t{i}@school.org", f"Team {i % 8}", None, "Teacher" if i % 10 else "Team Lead", "Math", "3-5",
                     i % 30, "Active"])
    return rows


def synthetic_tabs(n: int, seed: int) -> tuple[dict[str, list[list]], int]:
    """Observations and LEAP Scores rows (one visit per score row) and as many 1:1s, with planted mistakes."""
    rng = random.Random(seed)
    rubric = load_rubric("leap")
    names = [r[0] for r in roster()[1:]]
    observers = names[::10]
    obs_types = ["Informal", "Walkthrough", "Scored – Partial", "Scored – Full", "Co-observation", "Video"]
    days = [YEAR[0] + dt.timedelta(days=i) for i in range((AS_OF - YEAR[0]).days + 1)
            if (YEAR[0] + dt.timedelta(days=i)).weekday() < 5]
    obs = [["Date", "Teacher", "Observer", "Type", "Focus Indicator", "Evidence / Notes", "Feedback Date", "Learning Cycle"]]
    scores = [["Date", "Teacher", "Observer", "Type", *rubric.codes, "Notes"]]
    meetings = [["Date", "Teacher", "Led By", "Kind", "Focus / Agenda", "Next Steps", "Next Steps Due", "Notes"]]
    kinds = ["Teacher 1:1", "Team Lead check-in", "Leadership coaching"]
    planted = 0

    def plant(good, bad):
        nonlocal planted
        if rng.random() < PLANT_RATE:
            planted += 1
            return rng.choice(bad)
        return good

    visits = rng.sample(range(len(days) * len(names) * len(observers)), n)  # one visit per teacher, day and observer
    for i, visit in enumerate(visits):
        rest, day_at = divmod(visit, len(days))
        observer_at, teacher_at = divmod(rest, len(names))
        day, teacher, observer = days[day_at], names[teacher_at], observers[observer_at]
        feedback = min(day + dt.timedelta(days=rng.randint(0, 4)), AS_OF)
        obs.append([
            plant(day, ["13/45/2026", "soon", None]), plant(teacher, ["Zed Zulu", "#REF!", None]), observer,
            plant(rng.choice(obs_types), ["Formal", "Scored"]), plant(rng.choice(rubric.codes), ["I.9", "X"]),
            f"Visit {i}: students worked in pairs", feedback, None,
        ])
        scored = rng.sample(range(len(rubric.codes)), 4)
        marks = [plant(rng.randint(2, 7), [9, 0, "Effective", "n/a"]) if k in scored else None for k in range(len(rubric.codes))]
        scores.append([day, teacher, observer, rng.choice(["Scored – Partial", "Scored – Full"]), *marks, None])
        due = min(day + dt.timedelta(days=rng.choice([7, 14])), YEAR[1])  # due by the last day of school
        meetings.append([
            plant(day, ["13/45/2026", "soon", None]), plant(teacher, ["Zed Zulu", "#REF!", None]), observer,
            plant("Teacher 1:1" if teacher_at % 10 else rng.choice(kinds), ["1:1", "Weekly"]), f"Agenda {i}: co-plan the unit",
            "Try the exit ticket" if i % 4 else None, plant(due, ["next week", "31/31/2026"]) if i % 4 else None, None,
        ])
    return {"Roster": roster(), "Observations": obs, "LEAP Scores": scores, "1-on-1 Meetings": meetings}, planted


def frictionless_schemas(grids: dict[str, list[list]]) -> dict[str, dict]:
    """Table Schemas equivalent to our template for the three tabs (types, required, enums, ranges)."""
    rubric = load_rubric("leap")
    template = load_template().for_rubric(rubric)
    names = [r[0] for r in grids["Roster"][1:]]
    schemas = {}
    for tab in (template.tab_of_kind("observation"), template.tab_of_kind("score"), template.tab_of_kind("one_on_one")):
        fields = []
        for column in tab.columns:
            constraints: dict = {"required": True} if column.required else {}
            field = {"name": column.header, "type": "string"}
            if column.type == "date":
                field["type"] = "date"
            elif column.type in ("teacher", "observer"):
                constraints["enum"] = names
            elif column.type == "choice":
                constraints["enum"] = column.choices
            elif column.type == "indicator":
                constraints["enum"] = rubric.codes
            elif column.type == "score":
                field["type"] = "integer"
                constraints.update(minimum=int(rubric.scale_min), maximum=int(rubric.scale_max))
            if constraints:
                field["constraints"] = constraints
            fields.append(field)
        schemas[tab.name] = {"fields": fields}
    return schemas


def run_ours(grids: dict[str, list[list]]) -> tuple[float, list]:
    settings = SchoolSettings(school="Bench", rubric=load_rubric("leap"), norms=default_norms(),
                              school_year_start=YEAR[0], school_year_end=YEAR[1])
    template = load_template().for_rubric(settings.rubric)
    started = time.perf_counter()
    result = validate(grids, template, settings, AS_OF)
    elapsed = time.perf_counter() - started
    return elapsed, [f for f in result.findings if f.tab in TABS]


def run_frictionless(grids: dict[str, list[list]]) -> tuple[float, list[tuple[str, int, str]]]:
    from frictionless import Resource, Schema

    schemas = frictionless_schemas(grids)
    cells = []
    started = time.perf_counter()
    for tab, descriptor in schemas.items():
        resource = Resource(data=grids[tab], schema=Schema.from_descriptor(descriptor))
        report = resource.validate(limit_errors=10**9)
        cells += [(tab, e.row_number, e.field_name) for e in report.tasks[0].errors]
    return time.perf_counter() - started, cells


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="20,000 rows a tab instead of 200,000")
    parser.add_argument("--rows", type=int, help="rows per tab (overrides --quick)")
    parser.add_argument("--seed", type=int, default=3)
    parser.add_argument("--repeats", type=int, default=3, help="runs per side, taken in turns; the best counts")
    args = parser.parse_args()
    n = args.rows or (20_000 if args.quick else 200_000)
    grids, planted = synthetic_tabs(n, args.seed)
    rows = len(TABS) * n
    print(f"rows: {n:,} Observations + {n:,} LEAP Scores + {n:,} 1-on-1 Meetings; planted mistakes: {planted:,}")

    # Other processes share the machine: the two sides take turns, each run on the same rows, and
    # each side keeps its best run (the spread is printed so the noise can be seen).
    ours_runs, theirs_runs = [], []
    for _ in range(args.repeats):
        ours_runs.append(run_ours(grids))
        theirs_runs.append(run_frictionless(grids))
    ours_s, ours = min(ours_runs, key=lambda run: run[0])
    theirs_s, theirs = min(theirs_runs, key=lambda run: run[0])
    for name, seconds, found, runs in (("ours", ours_s, ours, ours_runs), ("frictionless", theirs_s, theirs, theirs_runs)):
        spread = ", ".join(f"{run[0]:.2f}" for run in runs)
        print(f"{name + ':':13s} {seconds:7.2f} s  {rows / seconds:12,.0f} rows/s  {len(found):,} findings  "
              f"(best of {args.repeats}: {spread} s)")

    headers = {tab: grids[tab][0] for tab in TABS}
    flagged = {(f.tab, f.row, f.column) for f in ours}
    missed = [c for c in theirs if (c[0], c[1], column_letter(headers[c[0]].index(c[2]))) not in flagged]
    print(f"cells frictionless flags that we do not: {len(missed)}")
    ratio = (rows / ours_s) / (rows / theirs_s)
    print(f"ours_rows_per_s={rows / ours_s:.0f} frictionless_rows_per_s={rows / theirs_s:.0f} ratio={ratio:.1f} "
          f"ours_findings={len(ours)} frictionless_findings={len(theirs)}")


if __name__ == "__main__":
    main()
