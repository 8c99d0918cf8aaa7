"""The demo organisation, loaded through the real handlers into an empty database.

Loading takes several seconds, so one test loads it once and runs every check.
"""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from forum.backend import Backend
from forum.core.errors import Conflict
from forum.core.passwords import Passwords
from forum.core.permissions import Viewer
from forum.demo import ADMIN_HANDLE, DemoResult, load_demo, plan_demo
from forum.features.articles import queries as article_queries
from forum.features.conferences.queries import get_conference_by_slug, readable_ids, tags
from forum.features.conferences.tables import conferences
from forum.features.members.queries import get_member_by_handle, list_members, viewer_from_row
from forum.features.reading.queries import unread_by_conference
from forum.features.rooms.queries import list_rooms
from forum.features.threads.queries import list_reply_tree
from forum.features.threads.tables import posts, threads

ADMIN_PASSWORD = "correct horse battery"


def test_demo_loads_through_the_handlers(sqlite: Backend) -> None:
    demo = load_demo(sqlite, admin_password=ADMIN_PASSWORD)
    check_counts(sqlite, demo)
    check_members(sqlite)
    check_private_conference_is_closed_to_staff_outside_its_list(sqlite)
    check_admin_has_unread_posts_in_several_conferences(sqlite)
    check_replies_nest_several_levels(sqlite)
    check_rooms(sqlite, demo)
    check_talk_rota(sqlite, demo)
    check_blog(sqlite, demo)
    check_who_knows_what(sqlite)
    check_circles(sqlite, demo)
    with pytest.raises(Conflict, match="already has content"):
        load_demo(sqlite, admin_password=ADMIN_PASSWORD)


def check_who_knows_what(sqlite: Backend) -> None:
    from forum.features.skills import queries as skill_queries

    with sqlite.engine.connect() as conn:
        python = skill_queries.get_skill(conn, "python")
        assert python is not None and "oskar" in {p.handle for p in python.teachers}
        assert python.learners or len(skill_queries.list_skills(conn)) > 20
        pairs = skill_queries.list_matches(skill_queries.list_mentoring(conn))
        assert {(o.member.handle, a.member.handle) for o, a in pairs} == {
            ("oskar", "maja"), ("oskar", "rory"), ("catriona", "linnea")}


def check_rooms(sqlite: Backend, demo: DemoResult) -> None:
    assert demo.rooms == 4 and demo.messages >= 20
    with sqlite.engine.connect() as conn:
        admin_rooms = list_rooms(conn, _viewer(sqlite, ADMIN_HANDLE))
        titles = {r.title: r for r in admin_rooms}
        assert titles["Incident room"].joined and titles["Astrid Lindqvist"].joined
        assert titles["Coffee corner"].unread == 0 and not titles["Coffee corner"].joined
        assert sum(r.unread for r in admin_rooms) >= 1
        # A direct conversation is nobody else's: not even other staff list it.
        assert "Astrid Lindqvist" not in {
            r.title for r in list_rooms(conn, _viewer(sqlite, "johan"))}


def check_talk_rota(sqlite: Backend, demo: DemoResult) -> None:
    from datetime import UTC, datetime

    from forum.features.rotas import queries as rota_queries

    assert demo.talks >= 6
    with sqlite.engine.connect() as conn:
        (rota,) = rota_queries.list_rotas(conn, _viewer(sqlite, "johan"))
        slots = rota_queries.list_slots(conn, rota.id)
        now = datetime.now(UTC)
        past = [s for s in slots if s.starts_at < now and s.talk is not None]
        assert [s.talk.writeup_status for s in past][:3] == ["approved", "approved",
                                                             "sent_back"]
        coming = rota_queries.next_talk(slots, now)
        assert coming is not None and coming.waiting
        assert any(s.talk is None for s in slots if s.starts_at > now)
        from forum.features.kudos import queries as learning_queries

        tils = learning_queries.list_tils(conn, _viewer(sqlite, "johan"))
        assert len(tils) == 5 and all(t.subject.startswith("TIL: ") for t in tils)
        assert sum(t.kudos for t in tils) >= 5
        assert learning_queries.list_kudos(conn, "talk", past[0].talk.id)
        # The rota is in an internal conference: a guest does not see it.
        assert rota_queries.list_rotas(conn, _viewer(sqlite, "greta")) == []


def check_blog(sqlite: Backend, demo: DemoResult) -> None:
    assert demo.articles == 7
    with sqlite.engine.connect() as conn:
        published = article_queries.list_published(conn)
        assert len(published) == demo.articles
        assert len([a for a in published if a.source_kind == "talk"]) == 2  # write-ups
        assert "Friday talk: Accessibility testing in ten minutes a day" in {
            a.title for a in published}  # from an internal conference, approved there
        drafts = article_queries.list_drafts(conn, _viewer(sqlite, ADMIN_HANDLE))
        assert sorted(row.status for row, _, _ in drafts) == ["proposed", "sent_back"]
        assert article_queries.list_drafts(conn, _viewer(sqlite, "greta")) == []


def check_circles(sqlite: Backend, demo: DemoResult) -> None:
    from forum.features.circles import queries as circle_queries

    assert demo.circles == 2
    with sqlite.engine.connect() as conn:
        seen = {c.slug for c in circle_queries.list_circles(conn, _viewer(sqlite, "karin"))}
        assert seen == {"zope-templating"}  # the private one is its members' alone
        assert {c.slug for c in circle_queries.list_circles(
            conn, _viewer(sqlite, "lucia"))} == {"zope-templating", "security-reading"}
        assert {c.slug for c in circle_queries.list_circles(
            conn, _viewer(sqlite, "greta"))} == {"zope-templating"}  # a guest, added
        zope = circle_queries.get_circle_by_slug(conn, "zope-templating")
        assert len(circle_queries.list_sessions(conn, zope.id)) == 2
        assert len(circle_queries.list_reading(conn, zope.id)) == 4
        assert [r.handle for r in circle_queries.list_requests(conn, zope.id)] == ["tomasz"]


def _viewer(backend: Backend, handle: str) -> Viewer:
    with backend.engine.connect() as conn:
        viewer = viewer_from_row(get_member_by_handle(conn, handle))
    assert viewer is not None
    return viewer


def check_counts(sqlite: Backend, demo: DemoResult) -> None:
    assert demo.admin_handle == ADMIN_HANDLE
    assert demo.members >= 35
    assert demo.conferences >= 5
    assert demo.posts >= 250
    with sqlite.engine.connect() as conn:
        assert len(list_members(conn)) == demo.members
        assert conn.execute(select(func.count()).select_from(conferences)).scalar() \
            == demo.conferences
        assert conn.execute(
            select(func.count()).select_from(conferences)
            .where(conferences.c.parent_id.is_not(None))
        ).scalar() == 2
        assert conn.execute(select(func.count()).select_from(threads)).scalar() == demo.threads
        assert conn.execute(select(func.count()).select_from(posts)).scalar() == demo.posts
        # Moderation happened through the handlers too.
        assert conn.execute(select(func.count()).where(threads.c.pinned)).scalar() == 1
        assert conn.execute(select(func.count()).where(threads.c.locked)).scalar() == 1
        assert conn.execute(
            select(func.count()).where(posts.c.hidden_by.is_not(None))).scalar() == 1
        assert conn.execute(
            select(func.count()).where(posts.c.deleted_by.is_not(None))).scalar() == 1
        edited = conn.execute(select(func.count()).where(posts.c.revision > 1)).scalar()
        assert (edited or 0) >= 5


def check_members(sqlite: Backend) -> None:
    with sqlite.engine.connect() as conn:
        admin = get_member_by_handle(conn, ADMIN_HANDLE)
        rows = list_members(conn)
    assert admin is not None and admin.role == "admin"
    assert Passwords().verify(admin.password_hash, ADMIN_PASSWORD)
    assert {r.role for r in rows} == {"admin", "staff", "guest"}
    assert all(r.bio and tags(r.skills) for r in rows)
    assert any("ö" in r.display_name or "å" in r.display_name for r in rows)
    assert all(r.email.endswith("@example.org") for r in rows)


def check_private_conference_is_closed_to_staff_outside_its_list(sqlite: Backend) -> None:
    with sqlite.engine.connect() as conn:
        study = get_conference_by_slug(conn, "open-source-study-group")
        public = get_conference_by_slug(conn, "notes-from-the-team")
        staff_room = get_conference_by_slug(conn, "staff-room")
        assert study is not None and public is not None and staff_room is not None
        outsider = _viewer(sqlite, "karin")  # staff, not in the study group
        member = _viewer(sqlite, "maja")
        guest = _viewer(sqlite, "greta")
        assert study.id not in readable_ids(conn, outsider)
        assert staff_room.id in readable_ids(conn, outsider)
        assert study.id in readable_ids(conn, member)
        guest_ids = readable_ids(conn, guest)
        assert public.id in guest_ids
        assert study.id not in guest_ids and staff_room.id not in guest_ids


def check_admin_has_unread_posts_in_several_conferences(sqlite: Backend) -> None:
    admin = _viewer(sqlite, ADMIN_HANDLE)
    with sqlite.engine.connect() as conn:
        ids = readable_ids(conn, admin)
        unread = unread_by_conference(conn, admin, ids)
        total = conn.execute(select(func.count()).select_from(posts)).scalar()
    assert len([n for n in unread.values() if n > 0]) >= 3
    # Most of what is there has been read, though.
    assert 0 < sum(unread.values()) < (total or 0) // 2


def check_replies_nest_several_levels(sqlite: Backend) -> None:
    with sqlite.engine.connect() as conn:
        thread_ids = conn.execute(select(threads.c.id)).scalars().all()
        depths = [max(d for _seq, d in list_reply_tree(conn, t)) for t in thread_ids]
    assert max(depths) >= 4
    assert sum(1 for d in depths if d >= 2) > len(depths) // 2


def test_the_plan_is_deterministic() -> None:
    first, again, other = plan_demo(7), plan_demo(7), plan_demo(8)
    assert [(t.subject, [p.body for p in t.posts]) for t in first.threads] == \
        [(t.subject, [p.body for p in t.posts]) for t in again.threads]
    assert first.reads == again.reads
    assert first.reads != other.reads
