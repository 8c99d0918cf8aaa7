"""Dates from a recurrence rule, less holidays: the only importer of dateutil and holidays.

A rota's slots repeat in its own time zone (13:00 every Friday in Stockholm
stays 13:00 across daylight saving), so the rule is expanded from a local
start; the decision gets aware times and stores them in UTC.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import holidays
from dateutil.rrule import rrulestr

from forum.core.errors import InvalidInput

LOOK_AHEAD = 1_000  # dates read from a rule without an end, before giving up


def _day(value: str, field: str) -> date:
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise InvalidInput(f"{value.strip()!r} is not a date (YYYY-MM-DD)", field=field) from None


def _time(value: str) -> time:
    try:
        return time.fromisoformat(value.strip())
    except ValueError:
        raise InvalidInput(f"{value.strip()!r} is not a time of day (HH:MM)",
                           field="time") from None


def _public_holidays(country: str, years: Iterable[int]) -> set[date]:
    try:
        found = holidays.country_holidays(country.strip().upper(), years=list(years))
    except NotImplementedError:
        raise InvalidInput(f"no holiday calendar for {country.strip()!r}; use a country "
                           "code such as SE, GB or DE", field="holidays") from None
    return set(found)


def expand(first_day: str, at: str, rule: str, timezone: str, skip_dates: Iterable[str],
           country: str, *, limit: int) -> tuple[list[datetime], list[str]]:
    """The rule's start times (aware, in ``timezone``), at most ``limit`` + 1 of them,
    and the ISO dates left out because they were listed or are public holidays."""
    start = datetime.combine(_day(first_day, "first_day"), _time(at), ZoneInfo(timezone))
    text = rule.strip().removeprefix("RRULE:")
    if not text:
        raise InvalidInput("give a recurrence rule, e.g. FREQ=WEEKLY;COUNT=8", field="rule")
    try:
        dates = rrulestr(text, dtstart=start, forceset=False)
        wanted = list(itertools.islice(iter(dates), LOOK_AHEAD))
    except (ValueError, TypeError, KeyError) as exc:
        raise InvalidInput(f"the recurrence rule is not valid ({exc}); for example "
                           "FREQ=WEEKLY;COUNT=8 or FREQ=WEEKLY;BYDAY=FR;UNTIL=20300101T000000Z",
                           field="rule") from None
    skip = {_day(d, "skip_dates") for d in skip_dates if d.strip()}
    if country.strip():
        skip |= _public_holidays(country, {d.year for d in wanted})
    kept = [d for d in wanted if d.date() not in skip][: limit + 1]
    last = kept[-1].date() if len(kept) > limit else date.max
    skipped = sorted({d.date().isoformat() for d in wanted if d.date() in skip
                      and d.date() <= last})
    return kept, skipped


def next_dates(rule: str, after: datetime, count: int) -> list[datetime]:
    """Up to ``count`` dates of ``rule`` (counted from ``after``) after ``after``;
    none for a rule that is not valid or has ended."""
    text = rule.strip()
    if text.upper().startswith("RRULE:"):
        text = text[len("RRULE:"):]
    try:
        dates = rrulestr(text, dtstart=after.replace(microsecond=0), forceset=False)
        return list(itertools.islice((d for d in dates if d > after), count))
    except (ValueError, TypeError, KeyError):
        return []
