"""The README's screenshots: a small, realistic organisation at 1280×800.

Everything is seeded through the handlers on a clock that we move by hand, so
the times on the page look like a real week and the images come out the same
on every run: a file is only rewritten when its pixels change.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from playwright.sync_api import Page, expect

from forum.backend import Backend
from forum.core.permissions import Viewer
from forum.features.conferences import handlers as conferences
from forum.features.conferences.commands import CreateConference, SetConferenceAcl
from forum.features.members import handlers as members
from forum.features.members.commands import RegisterMember
from forum.features.reading import handlers as reading
from forum.features.reading.commands import MarkThreadRead
from forum.features.threads import handlers as threads
from forum.features.threads.commands import EditPost, PostReply, StartThread
from tests.conftest import PASSWORD
from tests.e2e.conftest import ROOT, LiveServer, login

DOCS = ROOT / "docs"

PEOPLE = (  # handle, name, role
    ("ingrid", "Ingrid Holm", "admin"),
    ("tomas", "Tomás Ferreira", "staff"),
    ("amara", "Amara Okafor", "staff"),
    ("jonas", "Jonas Berg", "staff"),
    ("priya", "Priya Raman", "staff"),
    ("mei", "Mei Tanaka", "staff"),
    ("lena", "Lena Fischer", "guest"),
)


OLDER = (  # conference, author, subject, who replies
    ("welcome", "mei", "Hi, I'm Mei from the design team", ("amara", "jonas")),
    ("announcements", "ingrid", "New coffee machine on the second floor", ("tomas",)),
    ("engineering", "jonas", "Flaky test in the importer", ("amara", "tomas", "jonas")),
    ("help-desk", "mei", "How do I get a staging account?", ("jonas",)),
    ("reading-group", "priya", "February wrap-up: The Goal", ("mei", "jonas", "amara")),
    ("engineering", "amara", "Deploy freeze during the open day", ("ingrid",)),
    ("announcements", "ingrid", "Office closed on Good Friday", ()),
    ("help-desk", "lena", "The printer on floor 3 wants A4 in tray 2", ("tomas", "lena")),
    ("leadership", "priya", "Hiring plan for the data team", ("ingrid",)),
    ("databases", "tomas", "Autovacuum settings for the events table", ("jonas", "amara")),
)


class Clock:
    """The event store's clock, moved forward by hand."""

    def __init__(self, start: datetime) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def wait(self, **delta: float) -> None:
        self.now += timedelta(**delta)


class Organisation:
    def __init__(self, backend: Backend) -> None:
        self.svc = backend.services
        self.clock = Clock(datetime(2025, 2, 24, 8, 5, tzinfo=UTC))
        self.svc.store.clock = self.clock
        self.who: dict[str, Viewer] = {}
        self.conference: dict[str, str] = {}
        for handle, name, role in PEOPLE:
            actor = members.SYSTEM if role == "admin" else self.who["ingrid"]
            member_id = members.register_member(self.svc, actor, RegisterMember(
                handle, name, f"{handle}@example.org", PASSWORD, role))
            self.who[handle] = Viewer(member_id, role)

    def conf(self, slug: str, name: str, visibility: str, resume: str = "",
             parent: str | None = None) -> str:
        cid = conferences.create_conference(self.svc, self.who["ingrid"], CreateConference(
            slug, name, visibility, resume, self.conference.get(parent or "")))
        self.conference[slug] = cid
        return cid

    def thread(self, slug: str, author: str, subject: str, body: str) -> tuple[str, str]:
        self.clock.wait(minutes=37)
        return threads.start_thread(self.svc, self.who[author],
                                    StartThread(self.conference[slug], subject, body))

    def reply(self, thread_id: str, parent_id: str, author: str, body: str,
              after: timedelta = timedelta(minutes=23)) -> str:
        self.clock.now += after
        post_id, _ = threads.post_reply(self.svc, self.who[author],
                                        PostReply(thread_id, parent_id, body))
        return str(post_id)

    def read(self, handle: str, thread_id: str, up_to: int | None = None) -> None:
        reading.mark_thread_read(self.svc, self.who[handle],
                                 MarkThreadRead(thread_id, up_to))


def seed(backend: Backend) -> str:
    """The organisation; returns the id of the thread to show."""
    org = Organisation(backend)
    org.conf("announcements", "Announcements", "public",
             "News for everyone: open days, talks, changes to how we work.")
    org.conf("engineering", "Engineering", "internal", "How we build and run things.")
    org.conf("databases", "Databases", "internal", "Schemas, migrations, slow queries.",
             parent="engineering")
    org.conf("reading-group", "Reading group", "internal",
             "One book a month, a chapter a week.")
    org.conf("help-desk", "Help desk", "internal", "Ask anything; no question is too small.")
    org.conf("leadership", "Leadership circle", "private")
    conferences.set_conference_acl(org.svc, org.who["ingrid"], SetConferenceAcl(
        org.conference["leadership"],
        ((f"member:{org.who['priya'].member_id}", "contributor"),)))
    org.conf("welcome", "Welcome & introductions", "public",
             "New here? Say hello and tell us what you want to learn.")
    for slug in ("welcome", "help-desk"):  # guests (interns) may write here too
        conferences.set_conference_acl(org.svc, org.who["ingrid"], SetConferenceAcl(
            org.conference[slug], (("role:guest", "contributor"),)))

    # Older threads, a few replies each, to make a lived-in week or two.
    for slug, author, subject, replies in OLDER:
        t, p = org.thread(slug, author, subject, subject + ": details inside.")
        for replier in replies:
            org.reply(t, p, replier, "Thanks, noted.", after=timedelta(hours=3))
        org.clock.wait(hours=9)

    t, p = org.thread("welcome", "lena", "Hello from the new intern",
                      "Hi all, I'm Lena. I'll be with the data team until June.")
    org.reply(t, p, "amara", "Welcome, Lena! Ask me anything about the pipelines.")
    org.reply(t, p, "mei", "Welcome! Coffee on Thursday?", after=timedelta(hours=2))

    t, p = org.thread("announcements", "ingrid", "Open day on 14 March",
                      "Doors open at **10:00**. Talks in the big room, demos upstairs.")
    org.reply(t, p, "tomas", "I'll run the search demo.")

    t, p = org.thread("reading-group", "priya", "March: Thinking in Systems",
                      "Chapter 1 for Friday. Bring one example of a feedback loop from work.")
    org.reply(t, p, "jonas", "Our on-call rota is a reinforcing loop, sadly.")
    org.reply(t, p, "mei", "I'm in. The library has two copies.")

    t, p = org.thread("help-desk", "lena", "VPN drops every hour",
                      "Is that expected? It happens on the office Wi-Fi only.")
    org.reply(t, p, "tomas", "Known issue: the lease is 60 minutes. A fix ships on Monday.")

    t, p = org.thread("leadership", "ingrid", "Budget for next year",
                      "Drafts due at the end of March, please.")

    org.clock.wait(hours=20)
    subject = "Should we move search into PostgreSQL?"
    t, first = org.thread("engineering", "tomas", subject, (
        "Our search index is a separate service, rebuilt every night. "
        "PostgreSQL's full-text search would let us drop it: one system less to run, "
        "and results that are never a day old.\n\n"
        "@amara, you know the query side best: what would we lose?"))
    second = org.reply(t, first, "amara", (
        "Mostly ranking. Ours boosts recent posts and titles; `ts_rank` can do both, "
        "but we'd have to tune it.\n\n"
        "I'd try it on a copy of the data first."), after=timedelta(minutes=48))
    org.reply(t, second, "jonas", (
        "> I'd try it on a copy of the data first.\n\n"
        "Agreed. I can restore last night's backup to the staging box tomorrow."),
        after=timedelta(minutes=31))
    org.reply(t, first, "priya", (
        "If it works, it also answers the question from the reading group about "
        "feedback loops: fewer moving parts, fewer surprises at 3 a.m."),
        after=timedelta(hours=1, minutes=12))
    org.clock.wait(minutes=9)
    threads.edit_post(org.svc, org.who["tomas"], EditPost(t, first, (
        "Our search index is a separate service, rebuilt every night. "
        "PostgreSQL's full-text search would let us drop it: one system less to run, "
        "results that are never a day old, and **one** permission check.\n\n"
        "@amara, you know the query side best: what would we lose?")))
    org.reply(t, first, "mei", "Could we keep the old index running for a week, side by side?",
              after=timedelta(minutes=40))
    d, dp = org.thread("databases", "jonas", "Staging restore takes 40 minutes",
                       "Any objections to parallel restore (`pg_restore -j 4`)?")

    # Priya, who is looking, has read most things but not everything.
    for thread_id in _all_threads(backend):
        if thread_id not in (t, d):
            org.read("priya", thread_id)
    org.read("priya", t, up_to=2)
    org.clock.wait(minutes=5)
    return t


def _all_threads(backend: Backend) -> list[str]:
    from sqlalchemy import select

    from forum.features.threads.tables import threads as threads_table

    with backend.engine.connect() as conn:
        return list(conn.execute(select(threads_table.c.id)).scalars())


def _save(page: Page, path: Path) -> None:
    """Write the screenshot only when it differs, so a rerun leaves git clean."""
    png = page.screenshot(full_page=False, animations="disabled", caret="hide")
    if not path.exists() or path.read_bytes() != png:
        path.write_bytes(png)


def test_readme_screenshots(page: Page, live_server: LiveServer) -> None:
    thread_id = seed(live_server.backend)
    DOCS.mkdir(exist_ok=True)
    page.set_viewport_size({"width": 1280, "height": 800})
    login(page, "priya")

    page.goto("/")
    expect(page.locator("table.conferences tbody tr")).to_have_count(7)
    page.mouse.move(0, 0)
    _save(page, DOCS / "screenshot-home.png")

    page.goto(f"/t/{thread_id}?view=tree")
    expect(page.locator("article.post")).to_have_count(5)
    expect(page.locator("article.post.new")).to_have_count(2)
    _save(page, DOCS / "screenshot-thread.png")
