"""The demo organisation's content, read from the TOML files in ``content/``.

People, conferences, thread scripts, on-call notes, chat, talks, TILs, articles,
mentoring and study circles are prose and tables, kept as data so they read (and
edit) as text. This module turns them into the plan's dataclasses and tuples;
the files ship with the package (``[tool.setuptools.package-data]``).
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

from forum.demo.plan import CirclePlan, ConferencePlan, Incident, Person, Reply, RoomPlan, Script

_CONTENT = Path(__file__).with_name("content")

# The scripted threads, in the order the planner shuffles them from.
THREAD_FILES = ("staff-room", "book-club", "projects", "harbour-museum", "intranet",
                "friday-talks", "study-group", "public-notes")


def _read(name: str) -> dict[str, Any]:
    return tomllib.loads((_CONTENT / f"{name}.toml").read_text(encoding="utf-8"))


def _person(entry: dict[str, Any]) -> Person:
    return Person(entry["handle"], entry["name"], entry["office"], entry["role"],
                  entry["title"], entry["track"], city=entry.get("city", ""),
                  core=tuple(entry.get("core", ())),
                  share_read_history=entry.get("share_read_history", True))


def _conference(entry: dict[str, Any]) -> ConferencePlan:
    return ConferencePlan(entry["key"], entry["slug"], entry["name"], entry["visibility"],
                          entry["resume"], entry["moderator"], parent=entry.get("parent"),
                          acl=tuple(entry.get("acl", {}).items()))


def _replies(entry: dict[str, Any]) -> tuple[Reply, ...]:
    return tuple((reply["to"], reply["by"], reply["text"]) for reply in entry.get("reply", ()))


def _script(entry: dict[str, Any]) -> Script:
    hide = entry.get("hide")
    return Script(entry["conference"], entry["age"], entry["author"], entry["subject"],
                  entry["body"], _replies(entry),
                  edits=tuple((edit["post"], edit.get("old", ""), edit["new"])
                              for edit in entry.get("edit", ())),
                  pin=entry.get("pin", False), lock=entry.get("lock"),
                  hide=(hide["post"], hide["reason"]) if hide is not None else None,
                  delete=entry.get("delete"))


def _talk(entry: dict[str, Any]) -> Script:
    """A Friday talk's thread: the announcement, with its slides linked by a later edit."""
    outline = "\n".join(f"- {point}" for point in entry["points"])
    body = (f"**When:** Friday 15:00 CET / 14:00 UK, in Kastanjen (Gothenburg), the Leith "
            f"room (Edinburgh) and on video.\n\n{entry['abstract']}\n\n"
            f"What I'll cover:\n\n{outline}")
    if entry.get("extra"):
        body += "\n\n" + entry["extra"]
    slides = entry.get("slides", "")
    edits = ((0, "", f"**Slides:** [{slides}](https://talks.example.org/{slides}) "
                     "and the recording is on the intranet video page."),) if slides else ()
    return Script("talks", entry["age"], entry["speaker"], f"Friday talk: {entry['title']}",
                  body, _replies(entry), edits=edits)


def _thread(entry: dict[str, Any]) -> Script:
    return _talk(entry) if "speaker" in entry else _script(entry)


def _room(entry: dict[str, Any]) -> RoomPlan:
    return RoomPlan(entry["slug"], entry["name"], entry["topic"], entry["creator"],
                    tuple(entry["members"]),
                    tuple((said["by"], said["text"], said.get("reply_to"))
                          for said in entry["said"]),
                    reactions=tuple((index, handle, emoji)
                                    for index, handle, emoji in entry.get("reactions", ())),
                    conference=entry.get("conference"), direct=entry.get("direct", False))


def _circle(entry: dict[str, Any]) -> CirclePlan:
    return CirclePlan(entry["slug"], entry["name"], entry["description"], entry["cadence"],
                      entry["visibility"], entry["join"],
                      reading=tuple((title, link) for title, link in entry.get("reading", ())),
                      sessions=tuple((session["weeks_ago"], session["title"], session["notes"])
                                     for session in entry.get("session", ())))


def _talk_slot(entry: dict[str, Any]) -> tuple[str, str, str]:
    return entry["speaker"], entry["title"], entry["abstract"]


PEOPLE: tuple[Person, ...] = tuple(_person(p) for p in _read("people")["person"])

_profiles = _read("profiles")
SKILLS: dict[str, tuple[str, ...]] = {k: tuple(v) for k, v in _profiles["skills"].items()}
TRACK_LINES: dict[str, tuple[str, ...]] = {
    k: tuple(v) for k, v in _profiles["track_lines"].items()}
INTERESTS: tuple[str, ...] = tuple(_profiles["interests"])

CONFERENCES: tuple[ConferencePlan, ...] = tuple(
    _conference(c) for c in _read("conferences")["conference"])

SCRIPTS: tuple[Script, ...] = tuple(
    _thread(t) for name in THREAD_FILES for t in _read(f"threads/{name}")["thread"])

_on_call = _read("on-call")
INCIDENTS: tuple[Incident, ...] = tuple(
    Incident(i["text"], i["question"], i["answer"]) for i in _on_call["incident"])
STILL_OPEN: tuple[str, ...] = tuple(_on_call["still_open"])
WATCH_OUT: tuple[str, ...] = tuple(_on_call["watch_out"])
OPS_FOLLOW_UPS: tuple[str, ...] = tuple(_on_call["follow_ups"])
ON_CALL_ROTA: tuple[str, ...] = tuple(_on_call["rota"])
ON_CALL_MOODS: tuple[str, ...] = tuple(_on_call["moods"])

# Short replies anyone might add to any thread; "@@" becomes the parent's handle.
CHATTER: tuple[str, ...] = tuple(_read("chatter")["chatter"])

ROOMS: tuple[RoomPlan, ...] = tuple(_room(r) for r in _read("rooms")["room"])

_rota = _read("talk-rota")
ROTA_ABOUT: str = _rota["rota"]["description"]
WRITEUP: str = _rota["rota"]["writeup"]  # {title} is the talk's
# (speaker, title, abstract) for past talks, oldest first; each has a write-up.
PAST_TALKS: tuple[tuple[str, str, str], ...] = tuple(_talk_slot(t) for t in _rota["past"])
# Talks still to come, in slot order after the past ones (None leaves the slot free).
COMING_TALKS: tuple[tuple[str, str, str] | None, ...] = tuple(
    None if t.get("free") else _talk_slot(t) for t in _rota["coming"])

# (who, what they learned) for "today I learned", oldest first.
TILS: tuple[tuple[str, str], ...] = tuple((t["by"], t["text"]) for t in _read("tils")["til"])

_articles = _read("articles")
# (conference key, subject, summary, tags), approved by the conference's moderator.
ARTICLES: tuple[tuple[str, str, str, tuple[str, ...]], ...] = tuple(
    (a["conference"], a["subject"], a["summary"], tuple(a["tags"]))
    for a in _articles["article"])
WAITING: tuple[str, str] = (_articles["waiting"]["conference"], _articles["waiting"]["subject"])
SENT_BACK: tuple[str, str] = (_articles["sent_back"]["conference"],
                              _articles["sent_back"]["subject"])

# Mentoring offered and asked for: (kind, handle, skill, note).
MENTORING: tuple[tuple[str, str, str, str], ...] = tuple(
    (m["kind"], m["by"], m["skill"], m["note"]) for m in _read("mentoring")["mentoring"])

CIRCLES: tuple[CirclePlan, ...] = tuple(_circle(c) for c in _read("circles")["circle"])
