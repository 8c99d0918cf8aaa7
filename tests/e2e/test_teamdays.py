"""A team-together day in Chromium: take the last place; the next person finds it full."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from playwright.sync_api import Page, expect

from forum.backend import Backend
from forum.features.teamdays import handlers as teamdays
from forum.features.teamdays.commands import AddSession, CreateTeamDay
from tests.conftest import People
from tests.e2e.conftest import Axe, flash, login
from tests.web.conftest import World


def test_take_the_last_place(new_page: Callable[[], Page], backend: Backend, people: People,
                             world: World, axe: Axe) -> None:
    svc = backend.services
    day = (datetime.now(UTC) + timedelta(days=10)).date().isoformat()
    day_id = teamdays.create_team_day(svc, people.admin, CreateTeamDay(
        world.conference["internal"], "spring", "Spring day", day, timezone="Europe/Stockholm"))
    teamdays.add_session(svc, people.admin, AddSession(
        day_id, "Zope templating", people.staff.member_id or "", "Kastanjen", "09:00",
        "10:30", "novice", 1, "Bring a laptop"))
    oli = new_page()
    login(oli, "oli")
    oli.get_by_role("link", name="Team days", exact=True).click()
    oli.get_by_role("link", name="Spring day").click()
    session = oli.get_by_role("article", name="Zope templating")
    expect(session).to_contain_text("1 of 1 places left")
    expect(session).to_contain_text("novice")
    axe.check(oli)
    session.get_by_role("button", name="Join Zope templating").click()
    assert "You have a place" in flash(oli)
    expect(oli.get_by_role("article", name="Zope templating")).to_contain_text(
        "0 of 1 places left")

    ada = new_page()
    login(ada, "ada")
    ada.goto("/days/spring")
    full = ada.get_by_role("article", name="Zope templating")
    expect(full).to_contain_text("Full")
    expect(full.get_by_role("button", name="Join Zope templating")).to_have_count(0)
    full.get_by_role("link", name="Follow-up thread").click()
    expect(ada.get_by_role("heading", level=1)).to_have_text("Session: Zope templating")
