"""Each teacher's own page: what it shows, that it shows nothing of anyone else, and how it prints."""

from __future__ import annotations

import copy
import datetime as dt
import json
import re
import subprocess

import pytest
from look_support import chromium
from typer.testing import CliRunner

from tracker_sync.cli import app
from tracker_sync.pages.html import PAGE_LINES, fit_to_page, page_lines, render_page_html
from tracker_sync.pages.model import (
    MAX_GOALS,
    MAX_MEETINGS,
    MAX_OBSERVATIONS,
    MAX_SCORE_DATES,
    MAX_STEPS,
    MAX_TEAM_GOALS,
    Cycle,
    GoalLine,
    Meeting,
    PageOwner,
    ScoreCell,
    ScoreGrid,
    ScoreRow,
    Step,
    TeacherPage,
    Visit,
    band_of,
    build_pages,
)
from tracker_sync.pages.tab import render_page_tab
from tracker_sync.patterns.frames import OPEN_STEP_STATUSES
from tracker_sync.sheet_templates import load_rubric, load_template
from tracker_sync.synthetic.demo import run_demo
from tracker_sync.synthetic.school import synthetic_school
from tracker_sync.validate import validate

NOW = dt.datetime(2026, 12, 18, 15, 0, tzinfo=dt.UTC)


def school_pages(school, grids=None, norms=None):
    settings = school.settings if norms is None else school.settings.model_copy(
        update={"norms": school.settings.norms.model_copy(update=norms)})
    result = validate(grids or school.grids, load_template().for_rubric(settings.rubric), settings, school.as_of)
    return build_pages(result.records, settings, school.as_of), result


@pytest.fixture(scope="module")
def demo():
    return synthetic_school(7)


@pytest.fixture(scope="module")
def pages(demo):
    (built, unpaged), result = school_pages(demo)
    return built, unpaged, result


def column(grid, header):
    return grid[0].index(header)


def tab_text(page) -> str:
    tab = render_page_tab(page, timezone="America/Denver", written_at=NOW)
    return "\n".join(str(v) for row in tab.rows for v in row if v is not None)


def test_one_page_per_active_observed_teacher_with_an_email(demo, pages):
    built, unpaged, result = pages
    roster = result.records.roster
    observed = [m for m in roster if m.status == "Active" and m.role not in ("Principal", "Assistant Principal")]
    assert [p.teacher for p in built] == [m.teacher for m in observed] and unpaged == []
    assert len(built) == 29 and "Lauren Ramírez" not in {p.teacher for p in built}  # Left
    lee = next(p for p in built if p.teacher == "Beatriz Lee")
    assert lee.owner.readers == ("beatriz.lee@cottonwoodcommunityschool.example.org",
                                 "deshawn.mwangi@cottonwoodcommunityschool.example.org")  # her, and her Team Lead


def test_a_teacher_without_an_email_gets_no_page_and_a_flags_line(demo):
    grids = copy.deepcopy(demo.grids)
    roster = grids["Roster"]
    email = column(roster, "Email")
    by_name = {row[0]: row for row in roster[1:]}
    by_name["Omar Tran"][email] = None
    by_name["Ana Sandoval"][email] = "ana.sandoval at school"  # a typo: not an address
    by_name["DeShawn Mwangi"][email] = None  # the K-2 Team Lead: the K-2 pages go to the teacher only
    (built, unpaged), _ = school_pages(demo, grids)
    names = {p.teacher for p in built}
    assert "Omar Tran" not in names and "Ana Sandoval" not in names and "DeShawn Mwangi" not in names
    reasons = {(u.teacher, u.reason) for u in unpaged}
    assert {("Omar Tran", "no-email"), ("Ana Sandoval", "bad-email"), ("DeShawn Mwangi", "no-email"),
            ("Beatriz Lee", "lead-no-email")} <= reasons
    lee = next(p for p in built if p.teacher == "Beatriz Lee")
    assert lee.owner.readers == ("beatriz.lee@cottonwoodcommunityschool.example.org",)


def test_sections_come_from_the_teachers_own_rows(pages):
    built, _, result = pages
    zoe = next(p for p in built if p.teacher == "Zoë Montoya")
    steps = [s for s in result.records.action_steps if s.teacher == "Zoë Montoya"]
    assert {s.action_step for s in zoe.steps} <= {s.action_step for s in steps} and zoe.steps
    assert all(s.overdue == (s.due_date is not None and s.due_date < zoe.as_of and s.status in OPEN_STEP_STATUSES)
               for s in zoe.steps)
    visits = sorted((o for o in result.records.observations if o.teacher == "Zoë Montoya"), key=lambda o: o.date, reverse=True)
    assert [v.date for v in zoe.visits] == [o.date for o in visits][:MAX_OBSERVATIONS]
    scores = [s for s in result.records.scores if s.teacher == "Zoë Montoya"]
    assert zoe.scores.dates == tuple(sorted({s.date for s in scores}))[-MAX_SCORE_DATES:]
    for row in zoe.scores.rows:
        for day, cell in zip(zoe.scores.dates, row.cells, strict=True):
            own = [s.score for s in scores if s.indicator == row.indicator and s.date == day]
            assert (cell.score if cell else None) == (round(sum(own) / len(own), 2) if own else None)
    assert all(m.led_by for m in zoe.meetings) and zoe.cycle is not None


def test_bands_are_the_trackers_rubrics_words():
    leap, danielson = load_rubric("leap"), load_rubric("danielson")
    assert [band_of(s, leap) for s in (1, 2, 3, 4.5, 5, 6.5, 7)] == [
        "Not Meeting", "Not Meeting", "Approaching", "Approaching", "Effective", "Effective", "Distinguished"]
    assert [band_of(s, danielson) for s in (1, 2, 2.5, 3, 4)] == [
        "Unsatisfactory", "Basic", "Basic", "Proficient", "Distinguished"]
    school = synthetic_school(3, rubric="danielson", teachers=10, typos=False)
    (built, _), _ = school_pages(school)
    html = "\n".join(render_page_html(p) for p in built)
    assert all(band.name in html for band in danielson.bands)  # its own bands, in the legend of every page
    for leap_word in ("Not Meeting", "Approaching", "Effective"):  # never LEAP's words on a Danielson tracker
        assert leap_word not in html and all(leap_word not in tab_text(p) for p in built)


def test_notes_stay_off_unless_the_school_allows_them(demo):
    observations = demo.grids["Observations"]
    notes = {row[column(observations, "Evidence / Notes")] for row in observations[1:]} - {None, ""}
    (hidden, _), _ = school_pages(demo)
    rendered = [render_page_html(p) + tab_text(p) for p in hidden]
    assert notes and not any(note in page for page in rendered for note in notes)
    (shown, _), _ = school_pages(demo, norms={"teacher_pages_show_notes": True})
    rendered = [tab_text(p) for p in shown]
    assert any(note in page for page in rendered for note in notes)


# -- privacy by construction --


def _perturbed(demo, teacher: str):
    """The demo's rows with every row about ``teacher`` changed: scores, texts, dates kept valid."""
    grids = copy.deepcopy(demo.grids)
    scores_tab = demo.settings.rubric.scores_tab
    codes = set(demo.settings.rubric.codes)
    for name, grid in grids.items():
        header = grid[0]
        if "Teacher" not in header:
            continue
        who = header.index("Teacher")
        for row in grid[1:]:
            if row[who] != teacher:
                continue
            for index, title in enumerate(header):
                value = row[index]
                if name == scores_tab and title in codes and isinstance(value, (int, float)):
                    row[index] = 1 if value != 1 else 2
                elif title in ("Evidence / Notes", "Notes", "Action Step", "Next Steps", "Focus / Agenda", "Goal", "Reflection"):
                    row[index] = f"Changed text {index}"
    return grids


def test_privacy_no_page_changes_when_another_teachers_rows_change(demo, pages):
    """By construction: changing every row about one teacher changes their own page and nobody else's."""
    built, _, _ = pages
    before = {p.teacher: p for p in built}
    for teacher in ("Beatriz Lee", "DeShawn Mwangi", "Renée Begay", "Kevin Baker"):  # a teacher, a Team Lead, two teams
        (after, _), _ = school_pages(demo, _perturbed(demo, teacher))
        changed = {p.teacher for p in after if p != before[p.teacher]}
        assert changed == {teacher}


def test_privacy_no_other_teachers_name_email_or_score_on_any_page(pages):
    """Every page of the demo, as HTML and as its tab: no other teacher's email; another person's name only as
    someone who acted on this teacher (observer, who set a step or led a 1:1) or as their Team Lead; and every
    score shown is one of the teacher's own."""
    built, _, result = pages
    roster = result.records.roster
    for page in built:
        me = page.teacher
        actors = {page.owner.team_lead} | {o.observer for o in result.records.observations if o.teacher == me}
        actors |= {s.set_by for s in result.records.action_steps if s.teacher == me}
        actors |= {m.led_by for m in result.records.one_on_ones if m.teacher == me}
        html, tab = render_page_html(page), tab_text(page)
        for member in roster:
            if member.teacher == me:
                continue
            assert member.email not in html and member.email not in tab, (me, member.teacher)
            if member.teacher not in actors:
                assert member.teacher not in html and member.teacher not in tab, (me, member.teacher)
        own = {(s.indicator, s.date) for s in result.records.scores if s.teacher == me}
        shown = {(row.indicator, day) for row in page.scores.rows
                 for day, cell in zip(page.scores.dates, row.cells, strict=True) if cell}
        assert shown <= own
        assert page.owner.email not in html  # not even their own: the page is about their practice


# -- one printed page --


def _full_page(rubric_id: str, notes: bool) -> TeacherPage:
    """Every section at its cap, every text longer than the page shows it."""
    rubric = load_rubric(rubric_id)
    text = "Plan two hinge questions per lesson and check every answer on whiteboards before independent practice. " * 4
    day, lead = dt.date(2026, 12, 1), "Bartholomew Okonkwo-Smith"
    owner = PageOwner("Maximiliano Fernández-Oyelaran", "m@school.org", "Mathematics 6-8", "Teacher", lead, "b@school.org", 9)
    cell = ScoreCell(rubric.scale_min, rubric.bands[0].name)
    return TeacherPage(
        owner, "Cottonwood Community School of the Arts", rubric, day, notes,
        steps=tuple(Step(day, text, "I.5", day, "In Progress", lead, None, True, text) for _ in range(MAX_STEPS)),
        goals=tuple(GoalLine("Mine", "Student learning / SLO", "I.5", text, "42%", "75%", day, day, "Active")
                    for _ in range(MAX_GOALS + MAX_TEAM_GOALS)),
        visits=tuple(Visit(day, lead, "Scored – Partial", "I.5", None, text) for _ in range(MAX_OBSERVATIONS)),
        scores=ScoreGrid(tuple(day - dt.timedelta(days=7 * i) for i in range(MAX_SCORE_DATES, 0, -1)),
                         tuple(ScoreRow(i.code, i.name, (cell,) * MAX_SCORE_DATES) for i in rubric.indicators), 2),
        cycle=Cycle("Cycle 3", day, day, "I.5", text, text, "Active", text),
        meetings=tuple(Meeting(day, lead, "Teacher 1:1", text, text, day, True, text) for _ in range(MAX_MEETINGS)))


def test_a_full_page_is_fitted_keeping_its_open_steps():
    page = _full_page("leap", notes=False)
    fitted = fit_to_page(page)
    assert page_lines(page) > PAGE_LINES >= page_lines(fitted)
    assert fitted.steps == page.steps and len(fitted.meetings) >= 1 and fitted.scores == page.scores


def pdf_pages(pdf) -> int:
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert "612 x 792" in info  # Letter
    return int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))


@pytest.mark.chromium
@pytest.mark.parametrize("rubric_id", ["leap", "danielson"])
def test_pages_print_on_one_letter_page_in_chromium(rubric_id, pages, tmp_path):
    pytest.importorskip("shutil").which("pdfinfo") or pytest.skip("pdfinfo (poppler-utils) is not installed")
    built = pages[0]
    heaviest = max(built, key=page_lines) if rubric_id == "leap" else max(
        school_pages(synthetic_school(7, rubric="danielson"), norms={"teacher_pages_show_notes": True})[0][0], key=page_lines)
    for name, page in (("demo", heaviest), ("full", _full_page(rubric_id, False)), ("notes", _full_page(rubric_id, True))):
        html = tmp_path / f"{name}.html"
        html.write_text(render_page_html(page), encoding="utf-8")
        pdf = tmp_path / f"{name}.pdf"
        chromium(f"--print-to-pdf={pdf}", "--no-pdf-header-footer", html.as_uri(), profile=tmp_path / f"profile-{name}")
        assert pdf_pages(pdf) == 1, (rubric_id, name)


# -- the command --


@pytest.fixture(scope="module")
def demo_tracker(tmp_path_factory):
    path, _ = run_demo(tmp_path_factory.mktemp("pages-demo"))
    return path


def run(*args):
    return CliRunner().invoke(app, ["teacher-pages", *map(str, args)])


def test_command_writes_one_html_page_per_teacher_and_removes_pages_of_teachers_gone(demo_tracker, tmp_path):
    out = tmp_path / "pages"
    (out / "notes.html").parent.mkdir()
    (out / "notes.html").write_text("<p>someone's own file</p>")  # not ours: never removed
    (out / "lauren-ramirez.html").write_text('<meta name="generator" '
                                             'content="tracker-sync teacher page: Cottonwood Community School">')
    (out / "other-school.html").write_text('<meta name="generator" content="tracker-sync teacher page: Aspen School">')
    result = run(demo_tracker, "--to", out, "--json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["as_of"] == "2026-12-18" and len(report["pages"]) == 29 and report["counts"]["html"] == 29
    assert report["removed"] == [str(out / "lauren-ramirez.html")]  # this school's page of a teacher who left
    assert (out / "notes.html").exists() and (out / "other-school.html").exists()  # not ours, or another school's
    made = [p["html"].rsplit("/", 1)[1] for p in report["pages"]]
    assert sorted(p.name for p in out.glob("*.html")) == sorted([*made, "notes.html", "other-school.html"])
    lee = (out / "beatriz-lee.html").read_text(encoding="utf-8")
    assert "Beatriz Lee" in lee and "<script" not in lee and "http" not in lee.split("<body", 1)[1]  # self-contained
    plain = run(demo_tracker, "--to", out)
    assert plain.exit_code == 0 and plain.stdout.startswith("Cottonwood Community School, as of 2026-12-18: 29 teacher pages\n")


def test_command_mistakes_are_one_line(demo_tracker, tmp_path):
    for args, words in (((demo_tracker,), "--to DIR"), ((demo_tracker, "--folder", "0AFb7mJmIeGFXUk9PVA"), "Google tracker"),
                        ((demo_tracker, "--to", tmp_path, "--as-of", "18/12/2026"), "--as-of"),
                        ((tmp_path / "missing.xlsx", "--to", tmp_path), "")):
        result = run(*args)
        assert result.exit_code in (2, 3) and result.stderr.count("\n") == 1 and words in result.stderr, result.stderr
    afile = tmp_path / "afile"
    afile.write_text("x")
    result = run(demo_tracker, "--to", afile)
    assert result.exit_code == 2 and "is a file, not a folder" in result.stderr


def test_help_shows_a_real_example(demo_tracker, tmp_path, monkeypatch):
    help_text = CliRunner().invoke(app, ["teacher-pages", "--help"]).stdout
    example = re.search(r"Example: tracker-sync (teacher-pages .+)", help_text)[1].split()
    monkeypatch.chdir(tmp_path)
    (tmp_path / "lincoln.xlsx").write_bytes(demo_tracker.read_bytes())
    result = CliRunner().invoke(app, example)
    assert result.exit_code == 0 and (tmp_path / "pages" / "beatriz-lee.html").exists()


# -- in the district runner --


def test_an_xlsx_school_of_the_registry_gets_html_pages_in_each_sync(tmp_path):
    from tracker_sync.district.registry import load_registry
    from tracker_sync.jobs.district import DistrictRunner
    from tracker_sync.testing.sample_district import build_district

    registry = build_district(tmp_path, xlsx=1, google=0, teachers=10, school={"teacher_pages": {"html": "pages"}})
    runner = DistrictRunner(load_registry(registry))
    run = runner.run_pass(as_of=dt.date(2026, 12, 18))[0]
    assert run.outcome == "ok" and run.extra["pages"] == {"pages": 9, "without_page": 0, "html": 9}
    assert len(list((tmp_path / "pages").glob("*.html"))) == 9 and "pages_pending" not in run.extra


def test_the_registry_says_where_pages_go_or_refuses_in_one_line(tmp_path):
    from tracker_sync.district.registry import parse_registry
    from tracker_sync.errors import ConfigError

    school = {"backend": "google", "location": "1AbCdEfGhIjKlMnOpQrStUvWxYz0123456789abcdefgh"}
    folder = "https://drive.google.com/drive/folders/0AGqTeacherPagesUk9PVA"
    loaded = parse_registry({"schools": {"Lincoln": {**school, "teacher_pages": {"folder": folder}}}})
    assert loaded.schools["Lincoln"].teacher_pages.folder == "0AGqTeacherPagesUk9PVA" and (
        loaded.district.page_writes_per_pass == 20)
    for pages, words in (({}, "say where the pages go"),
                         ({"folder": "not a folder!"}, "neither a Drive folder address nor a folder id")):
        with pytest.raises(ConfigError, match=words):
            parse_registry({"schools": {"Lincoln": {**school, "teacher_pages": pages}}})
    with pytest.raises(ConfigError, match="for Google schools only"):
        parse_registry({"schools": {"Aspen": {"backend": "xlsx", "location": "aspen.xlsx", "teacher_pages": {"folder": folder}}}})
