"""Who knows what end to end on a real database: skills, the directory, mentoring, and
"ask who knows X" counted from the search index over only what the asker may read."""

from __future__ import annotations

import inspect
import time
from collections.abc import Callable
from typing import Any

import pytest

from forum.backend import Backend
from forum.core.errors import CommonroomError, Conflict, Forbidden, InvalidInput, NotFound
from forum.core.permissions import ANONYMOUS, Viewer
from forum.features.conferences import handlers as conferences
from forum.features.conferences.commands import CreateConference, SetConferenceAcl
from forum.features.members import handlers as members
from forum.features.members.commands import DeactivateMember, ReactivateMember, UpdateProfile
from forum.features.skills import handlers as skills
from forum.features.skills import queries as skill_queries
from forum.features.skills.commands import (
    AskForMentoring,
    ListSkills,
    OfferMentoring,
    WithdrawMentoring,
)
from forum.features.threads import handlers as threads
from forum.features.threads.commands import StartThread
from tests.conftest import People
from tests.search.conftest import index_all

TESTED = {"list_skills", "offer_mentoring", "ask_for_mentoring", "withdraw_mentoring"}


def refused(backend: Backend, error: type[CommonroomError], call: Callable[[], Any],
            match: str | None = None) -> None:
    head = backend.store.head()
    with pytest.raises(error, match=match):
        call()
    assert backend.store.head() == head, "a refused command must not write"


def directory(backend: Backend, text: str = "") -> dict[str, tuple[list[str], list[str]]]:
    with backend.engine.connect() as conn:
        return {s.name: ([p.handle for p in s.teachers], [p.handle for p in s.learners])
                for s in skill_queries.list_skills(conn, text)}


def test_every_skills_handler_is_covered_here() -> None:
    public = {name for name, fn in inspect.getmembers(skills, inspect.isfunction)
              if not name.startswith("_") and fn.__module__ == skills.__name__}
    assert public == TESTED


def test_members_list_skills_and_the_directory_finds_them_by_any_words_start(
        backend: Backend, people: People) -> None:
    svc = backend.services
    skills.list_skills(svc, people.staff, ListSkills(
        ("Python", " python ", "Café-Übung", "C++"), ("Rust",)))
    skills.list_skills(svc, people.other, ListSkills(("PYTHON",), ("Zope & Python "
                                                                        "templating",)))
    with backend.engine.connect() as conn:
        assert skill_queries.list_member_skills(conn, people.staff.member_id or "") == {
            "teach": ["Python", "Café-Übung", "C++"], "learn": ["Rust"]}
    # The first spelling names the skill; both members are under it.
    assert directory(backend, "pyth") == {"Python": (["oli", "sam"], []),
                                          "Zope & Python templating": ([], ["oli"])}
    for typed in ("cafe", "CAFÉ", "ubung", "Café-Ü"):
        assert list(directory(backend, typed)) == ["Café-Übung"], typed
    assert list(directory(backend, "c+")) == ["C++"]
    assert directory(backend, "haskell") == {}
    assert set(directory(backend)) == {"Python", "Café-Übung", "C++", "Rust",
                                       "Zope & Python templating"}
    # The same lists again write nothing.
    head = backend.store.head()
    skills.list_skills(svc, people.other, ListSkills(("python",), ("zope & python "
                                                                        "templating",)))
    assert backend.store.head() == head + 1  # a new spelling is a change...
    skills.list_skills(svc, people.other, ListSkills(("python",), ("zope & python "
                                                                        "templating",)))
    assert backend.store.head() == head + 1  # ...the same one again is not


def test_bad_skills_are_refused_with_a_reason(backend: Backend, people: People) -> None:
    svc, sam = backend.services, people.staff
    refused(backend, InvalidInput, lambda: skills.list_skills(svc, sam, ListSkills(
        tuple(f"skill {n}" for n in range(31)))), "at most 30")
    refused(backend, InvalidInput, lambda: skills.list_skills(svc, sam, ListSkills(
        ("x" * 61,))), "limit is 60")
    refused(backend, InvalidInput, lambda: skills.list_skills(svc, sam, ListSkills(
        (), ("!!!",))), "no letters or digits")
    refused(backend, Forbidden, lambda: skills.list_skills(svc, ANONYMOUS, ListSkills(
        ("Python",))))
    assert directory(backend) == {}


def test_the_resumes_can_teach_stands_until_skills_are_listed(
        backend: Backend, people: People) -> None:
    svc, oli = backend.services, people.other
    members.update_profile(svc, oli, UpdateProfile("Oli", can_teach=("Chess", "Go")))
    assert directory(backend) == {"Chess": (["oli"], []), "Go": (["oli"], [])}
    skills.list_skills(svc, oli, ListSkills(("Go",), ("Chess",)))
    members.update_profile(svc, oli, UpdateProfile("Oli", can_teach=("Bridge",)))
    assert directory(backend) == {"Go": (["oli"], []), "Chess": ([], ["oli"])}


def test_mentoring_offers_asks_matches_and_withdrawals(backend: Backend,
                                                       people: People) -> None:
    svc, sam, oli, gus = backend.services, people.staff, people.other, people.guest
    offer = skills.offer_mentoring(svc, sam, OfferMentoring("Python", "Fridays, 1h"))
    ask = skills.ask_for_mentoring(svc, oli, AskForMentoring("python", "Beginner"))
    own_ask = skills.ask_for_mentoring(svc, sam, AskForMentoring("Python"))
    skills.ask_for_mentoring(svc, gus, AskForMentoring("SQL"))
    refused(backend, Conflict, lambda: skills.offer_mentoring(
        svc, sam, OfferMentoring(" PYTHON", "again")), "already offer")
    refused(backend, InvalidInput, lambda: skills.offer_mentoring(
        svc, oli, OfferMentoring("SQL", "x" * 501)), "limit is 500")
    refused(backend, InvalidInput, lambda: skills.offer_mentoring(
        svc, oli, OfferMentoring("  ")), "must not be empty")
    refused(backend, Forbidden, lambda: skills.offer_mentoring(
        svc, ANONYMOUS, OfferMentoring("SQL")))
    with backend.engine.connect() as conn:
        listed = skill_queries.list_mentoring(conn)
        assert {(m.member.handle, m.kind, m.skill, m.note) for m in listed} == {
            ("sam", "offer", "Python", "Fridays, 1h"), ("oli", "ask", "Python", "Beginner"),
            ("sam", "ask", "Python", ""), ("gus", "ask", "SQL", "")}
        # Sam's own ask does not match Sam's offer.
        assert [(o.id, a.id) for o, a in skill_queries.list_matches(listed)] == [(offer, ask)]
        python = skill_queries.get_skill(conn, "python")
        assert python is not None and (python.offers, python.asks) == (1, 2)
    refused(backend, Forbidden, lambda: skills.withdraw_mentoring(
        svc, oli, WithdrawMentoring(offer)), "only the member")
    skills.withdraw_mentoring(svc, sam, WithdrawMentoring(offer))
    refused(backend, NotFound, lambda: skills.withdraw_mentoring(
        svc, sam, WithdrawMentoring(offer)), "already withdrawn")
    skills.withdraw_mentoring(svc, sam, WithdrawMentoring(own_ask))
    with backend.engine.connect() as conn:
        assert skill_queries.list_matches(skill_queries.list_mentoring(conn)) == []
    # Withdrawn, it may be offered again.
    again = skills.offer_mentoring(svc, sam, OfferMentoring("Python", "Mondays"))
    with backend.engine.connect() as conn:
        listed = skill_queries.list_mentoring(conn, "python")
        assert [(o.id, a.id) for o, a in skill_queries.list_matches(listed)] == [(again, ask)]


def test_deactivated_members_leave_the_directory_and_mentoring(
        backend: Backend, people: People) -> None:
    svc, sam = backend.services, people.staff
    skills.list_skills(svc, sam, ListSkills(("SQL",)))
    skills.offer_mentoring(svc, sam, OfferMentoring("SQL"))
    members.deactivate_member(svc, people.admin, DeactivateMember(sam.member_id or ""))
    assert directory(backend) == {}
    with backend.engine.connect() as conn:
        assert skill_queries.list_mentoring(conn) == []
        assert skill_queries.get_skill(conn, "sql") is None
    members.reactivate_member(svc, people.admin, ReactivateMember(sam.member_id or ""))
    assert directory(backend) == {"SQL": (["sam"], [])}


WORD = "zqkubernetes"


def index_to_head(backend: Backend, timeout: float = 60.0) -> None:
    """Index up to the log's head. On PostgreSQL the indexer reads only below every running
    transaction's snapshot (which another client of the server may hold back a while)."""
    deadline = time.monotonic() + timeout
    while index_all(backend).position()[1] < backend.store.head():
        assert time.monotonic() < deadline, "the indexer did not reach the head"
        time.sleep(0.1)


def _asked(backend: Backend, viewer: Viewer, text: str) -> skill_queries.WhoKnows:
    index_to_head(backend)
    with backend.engine.connect() as conn:
        return skill_queries.who_knows(conn, backend.search, viewer, text)


def test_who_knows_counts_only_what_the_asker_may_read(backend: Backend,
                                                       people: People) -> None:
    # Given a private conference (sam and oli only) where oli writes a lot about it,
    svc, admin, sam, oli = backend.services, people.admin, people.staff, people.other
    sue = people._add(svc, admin, "sue", "staff")
    private = conferences.create_conference(svc, admin, CreateConference(
        "board", "Board", "private"))
    conferences.set_conference_acl(svc, admin, SetConferenceAcl(private, (
        (f"member:{oli.member_id}", "contributor"), (f"member:{sam.member_id}", "reader"))))
    public = conferences.create_conference(svc, admin, CreateConference(
        "open", "Open", "public"))
    for n in range(3):
        threads.start_thread(svc, oli, StartThread(private, f"Secret {n}",
                                                        f"{WORD} cluster notes {n}"))
    # and a public one where ada mentions it once and lists it as a skill,
    threads.start_thread(svc, admin, StartThread(public, "Hello", f"I run {WORD}"))
    skills.list_skills(svc, admin, ListSkills((WORD.title(),)))
    skills.list_skills(svc, sue, ListSkills((), (WORD,)))
    # outsiders see ada alone, as teacher and writer: oli never appears to them,
    for outsider in (sue, people.guest, ANONYMOUS):
        answer = _asked(backend, outsider, WORD)
        assert [(p.handle, n) for p, n in answer.writers] == [("ada", 1)], outsider
        assert [(s.name, [p.handle for p in s.teachers], [p.handle for p in s.learners])
                for s in answer.skills] == [("Zqkubernetes", ["ada"], ["sue"])]
        assert _asked(backend, outsider, f"{WORD[:6]}*").writers[0][0].handle == "ada"
        assert all(p.handle != "oli" for p, _ in _asked(backend, outsider,
                                                         f"{WORD[:6]}*").writers)
    # while those on the list see who wrote most, first.
    assert [(p.handle, n) for p, n in _asked(backend, sam, WORD).writers] == [
        ("oli", 3), ("ada", 1)]
    # Losing access takes effect at the next question.
    conferences.set_conference_acl(svc, admin, SetConferenceAcl(private, (
        (f"member:{oli.member_id}", "contributor"),)))
    assert [(p.handle, n) for p, n in _asked(backend, sam, WORD).writers] == [("ada", 1)]


def test_who_knows_leaves_out_deactivated_writers_and_refuses_bad_queries(
        backend: Backend, people: People) -> None:
    svc, admin = backend.services, people.admin
    public = conferences.create_conference(svc, admin, CreateConference(
        "open", "Open", "public"))
    threads.start_thread(svc, people.staff, StartThread(public, "Hi", f"{WORD} here"))
    assert [p.handle for p, _ in _asked(backend, admin, WORD).writers] == ["sam"]
    members.deactivate_member(svc, admin, DeactivateMember(people.staff.member_id or ""))
    assert _asked(backend, admin, WORD).writers == []
    from search import QueryError

    with pytest.raises(QueryError, match="in:nowhere"):
        _asked(backend, admin, f"{WORD} in:nowhere")
