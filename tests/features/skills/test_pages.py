"""Who knows what through the test client: settings, profile, directory, ask who knows,
mentoring; the JSON API as documented; refusals that change nothing."""

from __future__ import annotations

from typing import Any

import schemathesis
from flask import Flask
from flask.testing import FlaskClient

from forum.backend import Backend
from forum.features.members import handlers as members
from forum.features.members.commands import IssueApiToken
from forum.features.skills import handlers as skills
from forum.features.skills.commands import AskForMentoring, ListSkills
from forum.features.threads import handlers as threads
from forum.features.threads.commands import StartThread
from tests.conftest import People
from tests.search.conftest import index_all
from tests.web.conftest import Auth, World, alert, html
from tests.web.test_openapi import CHECKS, DOCUMENT


def test_members_set_their_skills_in_settings_and_they_show_everywhere(
        client: FlaskClient, auth: Auth, people: People, backend: Backend) -> None:
    auth.login("sam")
    settings = html(client.get("/account"))
    assert 'id="skills-title"' in settings and 'name="want_to_learn"' in settings
    page = html(client.post("/skills/mine", data={
        "can_teach": "SQL, Café-Übung, , sql", "want_to_learn": "Rust, Машинное обучение"},
        follow_redirects=True))
    assert "Your skills are saved." in page and 'value="SQL, Café-Übung"' in page
    profile = html(client.get("/members/sam"))
    assert '<span class="tag">Café-Übung</span>' in profile and "Wants to learn" in profile
    assert "Café-Übung" in html(client.get("/members"))
    directory = html(client.get("/skills?q=cafe"))
    assert 'href="/skills/cafe-ubung">Café-Übung</a>' in directory and "SQL" not in directory
    assert "Nobody lists a skill starting with" in html(client.get("/skills?q=haskell"))
    skill = html(client.get("/skills/cafe-ubung"))
    assert "<h1>Café-Übung</h1>" in skill and ">Sam</a>" in skill
    assert client.get("/skills/nobody-knows").status_code == 404
    cyrillic = html(client.get("/skills?q=обуч"))
    assert 'href="/skills/%D0%BC%D0%B0%D1%88' in cyrillic and "Машинное обучение" in cyrillic
    assert "Машинное обучение" in html(client.get("/skills/машинное-обучение"))
    # Names the search reads oddly still have their page.
    client.post("/skills/mine", data={"can_teach": 'C++, #, Say "hi", in:nowhere, -x'})
    for key in ("c++", "#", "say-hi", "in-nowhere", "x"):
        assert client.get(f"/skills/{key.replace('#', '%23')}").status_code == 200, key
    auth.logout()
    # Anonymous visitors are asked to sign in, and see no skills on a profile.
    assert client.get("/skills").status_code == 302
    assert client.get("/who-knows?q=sql").status_code == 302
    assert client.get("/mentoring").status_code == 302


def test_bad_skills_are_a_400_with_the_reason_and_change_nothing(
        client: FlaskClient, auth: Auth, people: People, backend: Backend) -> None:
    auth.login("sam")
    head = backend.store.head()
    too_many = client.post("/skills/mine", data={
        "can_teach": ", ".join(f"skill {n}" for n in range(31))})
    assert too_many.status_code == 400 and "at most 30" in alert(too_many)
    punctuation = client.post("/skills/mine", data={"want_to_learn": "???"})
    assert punctuation.status_code == 400 and "no letters or digits" in alert(punctuation)
    bad_kind = client.post("/mentoring", data={"kind": "sell", "skill": "SQL"})
    assert bad_kind.status_code == 400 and "offer" in alert(bad_kind)
    no_skill = client.post("/mentoring", data={"kind": "offer", "skill": " "})
    assert no_skill.status_code == 400 and "must not be empty" in alert(no_skill)
    assert backend.store.head() == head


def test_ask_who_knows_never_shows_private_writers_to_outsiders(
        client: FlaskClient, auth: Auth, world: World, people: People,
        backend: Backend) -> None:
    svc = backend.services
    for n in range(2):  # oli writes about it in the private conference (sam and oli)
        threads.start_thread(svc, people.other, StartThread(
            world.conference["private"], f"Plans {n}", "zqterraform modules"))
    threads.start_thread(svc, people.admin, StartThread(
        world.conference["internal"], "Infra", "zqterraform state"))
    skills.list_skills(svc, people.guest, ListSkills(("zqTerraform",)))
    index_all(backend)
    auth.login("gus")  # a guest: reads neither the internal nor the private conference
    page = html(client.get("/who-knows?q=zqterraform"))
    assert ">Gus</a>" in page and "Oli" not in page and "Ada" not in page
    assert "Nothing you can read mentions it." in page
    auth.logout()
    auth.login("sam")
    page = html(client.get("/who-knows?q=zqterraform"))
    assert page.index(">Oli</a>") < page.index(">Ada</a>") and "2 posts" in page
    bad = client.get("/who-knows?q=zqterraform in:nowhere")
    assert bad.status_code == 400 and "in:nowhere" in alert(bad)


def test_mentoring_offer_ask_match_contact_and_withdraw(
        client: FlaskClient, auth: Auth, people: People, backend: Backend) -> None:
    skills.ask_for_mentoring(backend.services, people.other,
                             AskForMentoring("Python", "Starting out"))
    auth.login("sam")
    page = html(client.post("/mentoring", data={"kind": "offer", "skill": "python",
                                                 "note": "An hour a week"},
                            follow_redirects=True))
    assert "Your offer is listed" in page and "<h1>Python</h1>" in page
    assert "An hour a week" in page and "Starting out" in page
    assert 'href="/messages/new?to=oli">message Oli</a>' in page  # the match's contact link
    head = backend.store.head()
    again = client.post("/mentoring", data={"kind": "offer", "skill": "PYTHON"})
    assert again.status_code == 409 and "already offer" in alert(again)
    assert backend.store.head() == head
    listing = html(client.get("/mentoring"))
    assert "Offers to mentor" in listing and "Asks for a mentor" in listing
    [offer] = [m for m in _mentoring(backend) if m.kind == "offer"]
    auth.logout()
    auth.login("oli")
    refused = client.post(f"/mentoring/{offer.id}/withdraw")
    assert refused.status_code == 403 and backend.store.head() == head
    auth.logout()
    auth.login("sam")
    page = html(client.post(f"/mentoring/{offer.id}/withdraw", follow_redirects=True))
    assert "Withdrawn." in page and "An hour a week" not in page
    assert "No offer meets an ask yet." in page


def _mentoring(backend: Backend) -> list[Any]:
    from forum.features.skills import queries as skill_queries

    with backend.engine.connect() as conn:
        return skill_queries.list_mentoring(conn)


def test_the_api_does_what_the_pages_do(app: Flask, client: FlaskClient, world: World,
                                        people: People, backend: Backend) -> None:
    svc = backend.services
    token = members.issue_api_token(svc, people.staff, IssueApiToken("doc"))
    oli = members.issue_api_token(svc, people.other, IssueApiToken("doc"))
    threads.start_thread(svc, people.other, StartThread(
        world.conference["private"], "Deep", "zqgraphql resolvers"))
    schema = schemathesis.openapi.from_wsgi(DOCUMENT, app)

    def call(method: str, path: str, status: int, who: str = token, **case: Any) -> Any:
        made = schema["/api/v1" + path][method].Case(**case)
        response = made.call(headers={"Authorization": f"Bearer {who}"})
        made.validate_response(response, checks=CHECKS)
        assert response.status_code == status, response.text
        return response.json() if response.content else None

    mine = call("PUT", "/me/skills", 200, body={"can_teach": ["GraphQL", "graphql "],
                                                "want_to_learn": ["Élixir"]})
    assert mine == {"can_teach": ["GraphQL"], "want_to_learn": ["Élixir"]}
    assert call("GET", "/me/skills", 200) == mine
    [found] = call("GET", "/skills", 200, query={"q": "elix"})["items"]
    assert (found["key"], found["want_to_learn"][0]["handle"]) == ("elixir", "sam")
    assert call("GET", "/skills/{key}", 200, path_parameters={"key": "graphql"})[
        "can_teach"][0]["handle"] == "sam"
    call("GET", "/skills/{key}", 404, path_parameters={"key": "cobol"})
    index_all(backend)
    answer = call("GET", "/who-knows", 200, query={"q": "zqgraphql"})
    assert [w["member"]["handle"] for w in answer["writers"]] == ["oli"]  # sam may read it
    guest = members.issue_api_token(svc, people.guest, IssueApiToken("doc"))
    assert call("GET", "/who-knows", 200, who=guest, query={"q": "zqgraphql"})[
        "writers"] == []
    call("GET", "/who-knows", 400, query={"q": "zqgraphql in:nowhere"})
    made = call("POST", "/mentoring", 201, body={"kind": "offer", "skill": "GraphQL",
                                                 "note": "Pairing"})
    call("POST", "/mentoring", 201, who=oli, body={"kind": "ask", "skill": "graphql"})
    listed = call("GET", "/mentoring", 200)
    assert [(m["offer"]["id"], m["ask"]["member"]["handle"]) for m in listed["matches"]] == [
        (made["id"], "oli")]
    head = backend.store.head()
    call("POST", "/mentoring", 409, body={"kind": "offer", "skill": "GRAPHQL"})
    call("POST", "/mentoring", 400, body={"kind": "barter", "skill": "GraphQL"})
    call("PUT", "/me/skills", 400, body={"can_teach": ["!"], "want_to_learn": []})
    call("DELETE", "/mentoring/{mentoring_id}", 403, who=oli,
         path_parameters={"mentoring_id": made["id"]})
    assert backend.store.head() == head
    call("DELETE", "/mentoring/{mentoring_id}", 204, path_parameters={"mentoring_id":
                                                                      made["id"]})
    call("DELETE", "/mentoring/{mentoring_id}", 404, path_parameters={"mentoring_id":
                                                                      made["id"]})
    anonymous = client.get("/api/v1/skills")
    assert anonymous.status_code == 401
