"""The coaching plan as calendar feeds (RFC 5545, written with the ``icalendar`` library): one per
coach and one for the whole ILT, for the calendar people already use.

* One all-day event per open item of the coming weeks, on the day the plan puts it, saying what is
  due and for whom: "Observe Ana Lopez", with "Due 2026-12-10" in its description. Never a note, a
  score or the reason (the reason can say "lowest score quartile", which is a personnel record).
* **Stable UIDs**: an event's UID is a hash of the school, the feed (a coach's or the ILT's), the
  teacher, the kind and its "since" date, so a regenerated feed moves the same event instead of
  adding a copy; a new need (after the next visit) is a new event. Given the feed it replaces, an
  unchanged event keeps its DTSTAMP and SEQUENCE and a changed one gets SEQUENCE + 1, so rewriting
  an unchanged plan rewrites the same bytes.
* Calendar apps refresh a subscribed feed on their own schedule: Google Calendar roughly every 8 to
  24 hours, which the feed's description says; apps that read REFRESH-INTERVAL (RFC 7986) come
  back every :data:`REFRESH` hours.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable, Mapping
from typing import Any

import pandas as pd

from tracker_sync.patterns.plan import DONE, Plan
from tracker_sync.schemas import SchoolSettings
from tracker_sync.wording import file_slug

PRODID = "-//tracker-sync//coaching plan//EN"
ILT_FEED = "ilt.ics"
REFRESH = dt.timedelta(hours=6)  # as REFRESH-INTERVAL; X-PUBLISHED-TTL says the same as "PT6H"
_SUMMARY = {"observe": "Observe {}", "feedback": "Feedback meeting with {}", "one_on_one": "1:1 with {}",
            "goal": "Goal check-in with {}", "cycle": "Close the learning cycle with {}"}
SUBSCRIPTION_NOTE = ("Google Calendar refreshes a subscribed calendar on its own schedule, roughly every 8 to 24 hours, so a "
                     "change can take a day to show; other apps refresh every {hours} hours.")


def feed_names(coaches: Iterable[str]) -> dict[str, str]:
    """Coach -> the file of their feed: the name as a slug ("Chloé Brown" -> "chloe-brown.ics"), a
    number added when two names make the same slug."""
    names: dict[str, str] = {}
    for coach in coaches:
        base = file_slug(coach) or "coach"
        name, n = f"{base}.ics", 1
        while name in names.values() or name == ILT_FEED:
            n += 1
            name = f"{base}-{n}.ics"
        names[coach] = name
    return names


def calendar_feeds(settings: SchoolSettings, plan: Plan, *, now: dt.datetime,
                   previous: Mapping[str, bytes] | None = None) -> dict[str, bytes]:
    """File name -> feed: one per coach with a section on the Plan tab, and :data:`ILT_FEED`.
    ``previous``: the feeds these replace (same names), to keep unchanged events' DTSTAMP and SEQUENCE."""
    previous = previous or {}
    items = plan.items[[w is not None and s != DONE for w, s in zip(plan.items["week"], plan.items["status"], strict=True)]]
    items = items.sort_values(["day", "coach", "kind", "teacher"], kind="stable")
    weeks = len(plan.weeks)
    feeds = {}
    for coach, name in feed_names(plan.coaches["coach"]).items():
        feeds[name] = _feed(settings, f"Coaching plan: {coach}", f"What is due for {coach} in the coming {weeks} weeks",
                            items[items["coach"] == coach], "coach", now, previous.get(name), with_coach=False)
    feeds[ILT_FEED] = _feed(settings, f"Coaching plan: {settings.school} ILT",
                            f"What is due for every coach in the coming {weeks} weeks", items, "ilt", now, previous.get(ILT_FEED),
                            with_coach=True)
    return feeds


def empty_feed(settings: SchoolSettings, title: str, *, now: dt.datetime) -> bytes:
    """A feed with no events, for a coach who no longer has a section: subscribers see it empty."""
    nothing = pd.DataFrame(columns=["coach"])
    return _feed(settings, title, "No longer part of the coaching plan", nothing, "coach", now, None, with_coach=False)


def event_uid(school: str, scope: str, teacher: str, kind: str, since: dt.date | None) -> str:
    key = "\n".join([school, scope, teacher, kind, since.isoformat() if since else ""])
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:32] + "@tracker-sync"


def _feed(settings: SchoolSettings, title: str, what: str, items: pd.DataFrame, scope: str, now: dt.datetime,
          before: bytes | None, *, with_coach: bool) -> bytes:
    from icalendar import Calendar, Event

    known = _known_events(before)
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    description = (f"{what}, from the {settings.school} coaching tracker (tracker-sync). "
                   + SUBSCRIPTION_NOTE.format(hours=int(REFRESH.total_seconds() // 3600)))
    for key, value in (("name", title), ("x-wr-calname", title), ("description", description), ("x-wr-caldesc", description),
                       ("x-wr-timezone", settings.timezone)):
        calendar.add(key, value)
    calendar.add("refresh-interval", REFRESH, parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", "PT6H")
    stamp = now.astimezone(dt.UTC).replace(microsecond=0)
    for coach, teacher, kind, since, due, day in _rows(items):
        summary = _SUMMARY[kind].format(teacher)
        summary = f"{coach}: {summary}" if with_coach else summary
        text = f"Due {due.isoformat()}. From the {settings.school} coaching plan."
        uid = event_uid(settings.school, scope, teacher, kind, since)
        signature = (day.isoformat(), summary, text)
        old = known.get(uid)
        event = Event()
        event.add("uid", uid)
        event.add("dtstamp", old[1] if old and old[0] == signature else stamp)
        event.add("sequence", 0 if old is None else old[2] if old[0] == signature else old[2] + 1)
        event.add("dtstart", day)
        event.add("dtend", day + dt.timedelta(days=1))
        event.add("summary", summary)
        event.add("description", text)
        event.add("transp", "TRANSPARENT")
        calendar.add_component(event)
    return bytes(calendar.to_ical())


def _rows(items: pd.DataFrame) -> Iterable[tuple[Any, ...]]:
    if items.empty:
        return []
    return zip(items["coach"], items["teacher"], items["kind"], items["since"], items["due"], items["day"], strict=True)


def _known_events(feed: bytes | None) -> dict[str, tuple[tuple[str, str, str], dt.datetime, int]]:
    """UID -> (signature, DTSTAMP, SEQUENCE) of the events of an earlier feed; {} when unreadable."""
    if not feed:
        return {}
    from icalendar import Calendar

    try:
        calendar = Calendar.from_ical(feed)
    except ValueError:
        return {}
    known = {}
    for event in calendar.walk("VEVENT"):
        start = event.decoded("dtstart")
        signature = (start.isoformat(), str(event.get("summary", "")), str(event.get("description", "")))
        known[str(event["uid"])] = (signature, event.decoded("dtstamp"), int(event.get("sequence", 0)))
    return known
