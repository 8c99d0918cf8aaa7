"""Calendar feeds (iCalendar, RFC 5545) of talks: the only importer of icalendar."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

from icalendar import Calendar, Event

PRODUCT = "-//Commonroom//Talk rota//EN"


@dataclass(frozen=True)
class Entry:
    """One talk in a feed: stable ``uid``, times in UTC, and where to read more."""

    uid: str
    starts_at: datetime
    ends_at: datetime
    summary: str
    description: str
    url: str
    stamp: datetime


def _utc(moment: datetime) -> datetime:
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).astimezone(UTC)


def calendar(name: str, entries: Iterable[Entry]) -> bytes:
    """A whole feed: one VEVENT per talk, in UTC so every calendar agrees."""
    feed = Calendar()
    feed.add("prodid", PRODUCT)
    feed.add("version", "2.0")
    feed.add("calscale", "GREGORIAN")
    feed.add("method", "PUBLISH")
    feed.add("x-wr-calname", name)
    for entry in entries:
        item = Event()
        item.add("uid", entry.uid)
        item.add("dtstamp", _utc(entry.stamp))
        item.add("dtstart", _utc(entry.starts_at))
        item.add("dtend", _utc(entry.ends_at))
        item.add("summary", entry.summary)
        item.add("description", entry.description)
        item.add("url", entry.url)
        feed.add_component(item)
    result: bytes = feed.to_ical()
    return result
