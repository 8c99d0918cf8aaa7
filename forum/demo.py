"""Demo data: a small organisation that learns together, built through the real handlers.

:func:`load_demo` first *plans* everything from a seeded ``random.Random``
(people, conferences, threads with reply trees, edits, moderation and read
markers), then sends the commands one by one, each as the person concerned,
through :mod:`forum.handlers`. Nothing here writes a table: the log and its
projections see exactly what the web would have sent, and every rule
(permissions, locks, validation) applies.

The content is deterministic for a given seed; passwords are not (everyone
but the administrator gets a random one, since they are demo people).
"""

from __future__ import annotations

import random
import re
import secrets
import textwrap
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy import func, select

from forum.backend import Backend
from forum.core.errors import Conflict
from forum.core.handlers import Services
from forum.core.permissions import ConferenceAccess, Viewer, can_post, can_read
from forum.features.articles import handlers as articles
from forum.features.articles.commands import ApproveArticle, ProposeArticle, SendBackArticle
from forum.features.circles import handlers as circles
from forum.features.circles.commands import (
    AddCircleMember,
    AnswerJoinRequest,
    JoinCircle,
    NameCircleOrganiser,
    RecordCircleSession,
    SetReadingList,
    StartCircle,
)
from forum.features.conferences import handlers as conferences
from forum.features.conferences.commands import CreateConference, SetConferenceAcl
from forum.features.kudos import handlers as kudos
from forum.features.kudos.commands import ChooseTilConference, GiveKudos, PostTil
from forum.features.members import handlers as members
from forum.features.members.commands import RegisterMember, UpdateProfile
from forum.features.members.tables import members as members_table
from forum.features.reading import handlers as reading
from forum.features.reading.commands import MarkThreadRead
from forum.features.rooms import handlers as rooms
from forum.features.rooms.commands import (
    CreateRoom,
    JoinRoom,
    MarkRoomRead,
    OpenDirectRoom,
    PostMessage,
    React,
)
from forum.features.rotas import handlers as rotas
from forum.features.rotas import queries as rota_queries
from forum.features.rotas.commands import (
    ApproveWriteUp,
    CreateRota,
    JoinWaitlist,
    RequestSwap,
    SaveWriteUp,
    ScheduleSlots,
    SendBackWriteUp,
    SignUpForSlot,
    SubmitWriteUp,
)
from forum.features.skills import handlers as skills
from forum.features.skills.commands import AskForMentoring, ListSkills, OfferMentoring
from forum.features.threads import handlers as threads
from forum.features.threads.commands import (
    DeletePost,
    EditPost,
    HidePost,
    LockThread,
    PinThread,
    PostReply,
    StartThread,
)
from forum.features.threads.queries import list_posts

ADMIN_HANDLE = "admin"


def _t(text: str) -> str:
    """A Markdown body written indented in this file."""
    return textwrap.dedent(text).strip()


# --- the plan --------------------------------------------------------------


@dataclass(frozen=True)
class Person:
    handle: str
    name: str
    office: str  # "Gothenburg", "Edinburgh" or "Remote"
    role: str  # "admin", "staff" or "guest"
    title: str
    track: str
    city: str = ""
    core: tuple[str, ...] = ()  # what they are known for (and can teach)
    share_read_history: bool = True


@dataclass(frozen=True)
class Profile:
    bio: str
    skills: tuple[str, ...]
    interests: tuple[str, ...]
    can_teach: tuple[str, ...]


@dataclass(frozen=True)
class ConferencePlan:
    key: str
    slug: str
    name: str
    visibility: str
    resume: str
    moderator: str
    parent: str | None = None
    # (principal, access); a principal without ":" is a member's handle.
    acl: tuple[tuple[str, str], ...] = ()

    def access(self) -> ConferenceAccess:
        """The access rules with handles standing in for member ids (for planning)."""
        entries = tuple(
            (p if ":" in p or p == "members" else f"member:{p}", a) for p, a in self.acl
        )
        return ConferenceAccess(self.key, self.visibility, entries)


@dataclass(frozen=True)
class PostPlan:
    author: str
    body: str
    parent: int | None  # index of the post replied to; None for the first post


@dataclass(frozen=True)
class EditPlan:
    post: int
    body: str  # the whole new body


@dataclass
class ThreadPlan:
    conference: str
    subject: str
    age: float  # 0 is the oldest thread, 1 the newest
    posts: list[PostPlan]
    edits: list[EditPlan] = field(default_factory=list)
    pin: bool = False
    lock: str | None = None  # the reason, when the moderator locks it
    hide: tuple[int, str] | None = None  # (post index, reason)
    delete: int | None = None  # post index, removed by its own author


@dataclass(frozen=True)
class ReadPlan:
    handle: str
    thread: int  # index into DemoPlan.threads
    up_to_seq: int


@dataclass
class DemoPlan:
    people: list[Person]
    profiles: dict[str, Profile]
    conferences: list[ConferencePlan]
    threads: list[ThreadPlan]
    reads: list[ReadPlan]

    @property
    def post_count(self) -> int:
        return sum(len(t.posts) for t in self.threads)

    @property
    def steps(self) -> int:
        """How many commands loading this plan sends."""
        extra = sum(len(t.edits) + t.pin + (t.lock is not None) + (t.hide is not None)
                    + (t.delete is not None) for t in self.threads)
        return (2 * len(self.people) + 2 * len(self.conferences) + self.post_count + extra
                + len(self.reads))


@dataclass(frozen=True)
class DemoResult:
    admin_handle: str
    members: int
    conferences: int
    threads: int
    posts: int
    rooms: int = 0
    messages: int = 0
    talks: int = 0
    articles: int = 0
    circles: int = 0


# --- people ----------------------------------------------------------------

G, E, R = "Gothenburg", "Edinburgh", "Remote"

PEOPLE: tuple[Person, ...] = (
    Person(ADMIN_HANDLE, "Agnes Wikström", G, "admin",
           "Operations lead, and the person who looks after Commonroom", "ops",
           core=("Commonroom", "incident reviews")),
    # Gothenburg
    Person("astrid", "Astrid Lindqvist", G, "staff", "Backend developer", "dev",
           core=("Dexterity", "Python")),
    Person("johan", "Johan Bergström", G, "staff", "Tech lead", "dev",
           core=("software design", "code review")),
    Person("elin", "Elin Söderberg", G, "staff", "UX designer", "design",
           core=("interaction design",)),
    Person("marta", "Märta Åkesson", G, "staff", "Content strategist", "content",
           core=("content audits", "information architecture")),
    Person("oskar", "Oskar Nyström", G, "staff", "Senior Python developer", "dev",
           core=("ZODB", "Zope", "Plone")),
    Person("karin", "Karin Holmgren", G, "staff", "Project manager", "pm",
           core=("retrospectives",)),
    Person("linnea", "Linnea Sjöberg", G, "staff", "Frontend developer", "frontend",
           core=("CSS", "React")),
    Person("erik", "Erik Dahl", G, "staff", "Systems administrator", "ops",
           core=("Linux", "backups")),
    Person("sofia", "Sofia Ekström", G, "staff", "Accessibility specialist", "design",
           core=("accessibility audits", "screen readers")),
    Person("bjorn", "Björn Hägg", G, "staff", "Developer", "dev"),
    Person("ingrid", "Ingrid Blom", G, "staff", "Office manager", "office"),
    Person("anders", "Anders Öberg", G, "staff", "Database administrator", "ops",
           core=("PostgreSQL",)),
    Person("maja", "Maja Lundgren", G, "staff", "Junior developer", "dev"),
    Person("nils", "Nils Forsberg", G, "staff", "DevOps engineer", "ops",
           core=("GitLab CI", "Ansible")),
    Person("hanna", "Hanna Eriksson", G, "staff", "Developer", "dev"),
    # Edinburgh
    Person("fiona", "Fiona MacLeod", E, "staff", "Head of the Edinburgh office", "pm",
           core=("facilitation",)),
    Person("callum", "Callum Fraser", E, "staff", "Developer and Friday talks organiser", "dev",
           core=("public speaking",)),
    Person("iona", "Iona Campbell", E, "staff", "Frontend developer", "frontend"),
    Person("hamish", "Hamish Ross", E, "staff", "Systems administrator", "ops",
           core=("LDAP", "monitoring")),
    Person("morag", "Morag Stewart", E, "staff", "Project manager", "pm",
           core=("launch planning",)),
    Person("euan", "Euan Mackenzie", E, "staff", "Backend developer", "dev",
           core=("Plone migrations",)),
    Person("kirsty", "Kirsty Munro", E, "staff", "Content designer", "content",
           core=("plain language",)),
    Person("alasdair", "Alasdair Grant", E, "staff", "Senior developer", "dev",
           core=("profiling", "Plone")),
    Person("eilidh", "Eilidh Robertson", E, "staff", "UX researcher", "design",
           core=("user interviews",)),
    Person("duncan", "Duncan Murray", E, "staff", "Support engineer", "ops"),
    Person("catriona", "Catriona Reid", E, "staff", "QA engineer", "qa",
           core=("Playwright",)),
    Person("rory", "Rory Sinclair", E, "staff", "Graduate developer", "dev"),
    Person("shona", "Shona Paterson", E, "staff", "Finance and office", "office",
           share_read_history=False),
    Person("mhairi", "Mhairi Douglas", E, "staff", "Visual designer", "design"),
    # Remote
    Person("priya", "Priya Raman", R, "staff", "Search and data engineer", "dev",
           city="Bristol", core=("Solr", "search relevance")),
    Person("tomasz", "Tomasz Kowalczyk", R, "staff", "Backend developer", "dev",
           city="Kraków", core=("mypy", "collective.exportimport")),
    Person("lucia", "Lucía Fernández", R, "staff", "Frontend developer", "frontend",
           city="Valencia", core=("Volto",)),
    Person("noor", "Noor Haddad", R, "staff", "Security engineer", "ops",
           city="Amsterdam", core=("threat modelling", "security reviews"),
           share_read_history=False),
    Person("mateus", "Mateus Costa", R, "staff", "Developer", "dev", city="Porto",
           core=("plone.restapi",)),
    Person("aino", "Aino Virtanen", R, "staff", "Technical writer", "content",
           city="Tampere", core=("documentation",)),
    Person("samuel", "Samuel Mensah", R, "staff", "Python developer", "dev",
           city="Manchester"),
    # Guests: outside colleagues on the Harbour Museum project
    Person("greta", "Greta Vogel", "", "guest", "Digital curator at the Harbour Museum",
           "guest", city="Gothenburg", core=("collections management",)),
    Person("henrik", "Henrik Sørensen", "", "guest",
           "Designer at Nordlys Design, our partner agency", "guest", city="Copenhagen",
           core=("visual design",)),
    Person("dafydd", "Dafydd Owen", "", "guest", "Freelance Plone developer", "guest",
           city="Cardiff", core=("Plone", "redirects")),
)

_SKILLS: dict[str, tuple[str, ...]] = {
    "dev": ("Python", "Plone", "Zope", "pytest", "SQLAlchemy", "Pyramid", "REST APIs",
            "asyncio", "type hints", "Git", "ZCA", "Django"),
    "frontend": ("JavaScript", "React", "Volto", "CSS", "TypeScript", "accessibility",
                 "webpack"),
    "ops": ("Linux", "Ansible", "nginx", "Varnish", "PostgreSQL", "monitoring", "Docker",
            "backups", "HAProxy"),
    "design": ("user research", "prototyping", "Figma", "WCAG 2.2", "service design",
               "usability testing"),
    "content": ("editorial style", "information architecture", "plain language", "SEO",
                "translation workflows"),
    "pm": ("planning", "facilitation", "budgets", "retrospectives", "stakeholder workshops"),
    "qa": ("test automation", "Playwright", "exploratory testing", "accessibility testing"),
    "office": ("finance", "facilities", "onboarding", "travel planning"),
    "guest": ("museum collections", "design systems", "Plone", "project coordination"),
}

_TRACK_LINES: dict[str, tuple[str, ...]] = {
    "dev": (
        "I spend most of my days in Python: Plone add-ons, the odd Pyramid service, and "
        "whatever needs a test written.",
        "I like small pull requests, boring deployments and functions whose names tell "
        "the truth.",
        "Currently untangling old Zope code and writing down what I learn as I go.",
        "Happiest when a slow page becomes a fast one and I can explain why.",
    ),
    "frontend": (
        "I build the parts people actually see: Volto blocks, forms and a lot of careful CSS.",
        "Mostly React and Volto; I care more about keyboard navigation than animations.",
    ),
    "ops": (
        "I keep the servers boring: backups, monitoring, patching and the occasional "
        "3 a.m. page.",
        "Ansible, nginx, Varnish, PostgreSQL and the ZEO servers are my neighbourhood.",
    ),
    "design": (
        "I talk to the people who use what we build and bring what they say back to the team.",
        "Clear interfaces and accessibility; I will ask you to try it with the keyboard only.",
    ),
    "content": (
        "I help editors say things clearly and help the team structure content so people "
        "can find it.",
        "Words, information architecture and the style guide; I also run the translation "
        "workflow.",
    ),
    "pm": (
        "I keep projects moving, run our retrospectives and guard the team's calendar.",
        "Planning, budgets and customer workshops; I try to make meetings shorter than "
        "they were.",
    ),
    "qa": ("I break things on purpose before our customers do, mostly with Playwright "
           "and curiosity.",),
    "office": ("I keep the office running: travel, onboarding, invoices and the coffee "
               "machine.",),
    "guest": ("I'm a guest here, an outside colleague working with the team on the "
              "Harbour Museum website.",),
}

_INTERESTS = (
    "sea kayaking", "sourdough baking", "choir singing", "bouldering", "hill walking",
    "the Gothenburg archipelago", "board games", "birdwatching", "knitting", "trail running",
    "jazz piano", "allotment gardening", "Scottish country dancing", "chess", "photography",
    "crime novels", "football", "foraging", "cycling", "film photography", "woodworking",
    "learning Gaelic", "open-water swimming", "cross-country skiing", "orienteering",
)


def _ascii(text: str) -> str:
    text = text.replace("ø", "o").replace("Ø", "O")
    return "".join(c for c in unicodedata.normalize("NFKD", text)
                   if not unicodedata.combining(c))


def email_for(person: Person) -> str:
    return _ascii(person.name).lower().replace(" ", ".") + "@example.org"


def _profile(person: Person, rng: random.Random) -> Profile:
    pool = [s for s in _SKILLS[person.track] if s not in person.core]
    skills = person.core + tuple(rng.sample(pool, min(len(pool), rng.randint(2, 4))))
    interests = tuple(rng.sample(_INTERESTS, rng.randint(2, 3)))
    can_teach = person.core[:2] if person.core else (skills[0],)
    if person.role == "guest":
        where = f"Based in {person.city}."
    elif person.office == R:
        where = f"I work remotely from {person.city}, mostly on Central European hours."
    else:
        where = f"I work in our {person.office} office."
    line = rng.choice(_TRACK_LINES[person.track])
    teach = ", ".join(can_teach)
    bio = (f"**{person.title}.** {where}\n\n{line}\n\n"
           f"Happy to help with {teach}: just @-mention me. "
           f"Outside work: {interests[0]} and {interests[1]}.")
    return Profile(bio, skills, interests, can_teach)


# --- conferences -----------------------------------------------------------

STUDY_GROUP = ("astrid", "euan", "priya", "tomasz", "maja", "rory", "alasdair", "mateus")

CONFERENCES: tuple[ConferencePlan, ...] = (
    ConferencePlan("staff", "staff-room", "Staff room", "internal", _t("""
        The **Staff room** is for everything about working here: the offices in Gothenburg
        and Edinburgh, remote life, fika, the book club, holidays and practical questions.

        - Staff only; guests can't see it.
        - Not sure where something belongs? Post it here; @fiona moves threads when needed.
        - Please don't post passwords or customers' personal data. Use the vault and the CRM.
        """), moderator="fiona", acl=(("fiona", "moderator"),)),
    ConferencePlan("projects", "projects", "Projects", "internal", _t("""
        Work for customers. Each project has its own sub-conference; this top level is for
        what the projects share:

        - **On-call hand-overs**, one thread per week
        - **Retrospectives** that cover more than one project
        - Infrastructure and CI announcements
        """), moderator="karin", acl=(("karin", "moderator"),)),
    ConferencePlan("harbour", "harbour-museum", "Harbour Museum website", "internal", _t("""
        The new website for the **Harbour Museum**: Plone 6 with a Volto frontend, a
        collection of about 9 000 objects, and an exhibition calendar.

        Guests from the museum and our partner agency post here too, so write as if the
        customer is reading, because they are.

        Links: [staging](https://harbourmuseum-staging.example.org) ·
        [project wiki](https://wiki.example.org/harbour)
        """), moderator="morag", parent="projects",
        acl=(("morag", "moderator"), ("role:guest", "contributor"))),
    ConferencePlan("intranet", "intranet-plone-6", "Intranet on Plone 6", "internal", _t("""
        Migration of a customer's intranet from Plone 4.3 (Python 2.7) to Plone 6:
        dry runs, timings, the content audit, LDAP and redirects.

        The cut-over is planned for a Saturday; the latest dry-run thread has the plan.
        """), moderator="euan", parent="projects", acl=(("euan", "moderator"),)),
    ConferencePlan("talks", "friday-talks", "Friday talks", "internal", _t("""
        **Friday talks**: 30 minutes every Friday at 15:00 CET / 14:00 UK, in both offices
        and on video.

        One thread per talk: the announcement first, then questions, notes and a link to
        the slides. Want to give a talk? Reply to the programme thread or ask @callum.
        """), moderator="callum", acl=(("callum", "moderator"),)),
    ConferencePlan("study", "open-source-study-group", "Open source study group", "private",
                   _t("""
        A reading group for **Python, Zope and Plone internals**. We meet every second
        Tuesday; the notes from each session go here, one thread per topic.

        This conference is private so that people can ask half-formed questions freely.
        Ask @oskar to join.
        """), moderator="oskar",
        acl=(("oskar", "moderator"), *((h, "contributor") for h in STUDY_GROUP))),
    ConferencePlan("public", "notes-from-the-team", "Public: Notes from the team", "public",
                   _t("""
        Things we have learned, written for our guests and customers as much as for
        ourselves: how we work, what went well, what we would do differently.

        Staff post here; guests read. Anything here may be quoted, so write accordingly.
        """), moderator="marta",
        acl=(("marta", "moderator"), ("role:staff", "contributor"), ("role:guest", "reader"))),
    ConferencePlan("til", "today-i-learned", "Today I learned", "internal", _t("""
        Short notes of something you learned today, one small thread each, so others can
        reply, add to it or say thanks. Post from the **TIL** page.
        """), moderator="callum", acl=(("callum", "moderator"),)),
)


# --- scripted threads ------------------------------------------------------

# A reply: (index of the post it answers, author handle or "" for anyone, body).
Reply = tuple[int, str, str]


@dataclass(frozen=True)
class Script:
    conference: str
    age: float
    author: str
    subject: str
    body: str
    replies: tuple[Reply, ...]
    # (post index, text to replace or "" to append, new text), by the post's author
    edits: tuple[tuple[int, str, str], ...] = ()
    pin: bool = False
    lock: str | None = None
    hide: tuple[int, str] | None = None
    delete: int | None = None


STAFF_ROOM: tuple[Script, ...] = (
    Script("staff", 0.0, ADMIN_HANDLE, "Welcome to Commonroom: how we use the conferences", _t("""
        Hej and welcome, everyone!

        This is our new home for conversations that deserve more than a chat message.
        A quick tour:

        - **Staff room**: everything about working here. Offices, fika, book club, practical
          things.
        - **Projects**: one sub-conference per project, plus on-call hand-overs and
          retrospectives at the top level.
        - **Friday talks**: announcements, notes and follow-up questions.
        - **Open source study group**: our reading group for Python, Zope and Plone
          internals (ask @oskar to join).
        - **Public: Notes from the team**: things our guests may read. Write as if a
          customer is reading, because one may be.

        A few habits that make this work:

        1. Write a subject that says what the thread is about ("Varnish purges failing on
           staging", not "Help").
        2. Reply to the post you are answering, not always to the first one: the tree keeps
           conversations readable.
        3. Use `@handle` to bring someone in.
        4. Code goes in fenced blocks:

        ```python
        def greet(name: str) -> str:
            return f"Hej {name}!"
        ```

        If something is unclear, reply here or ask me directly.
        """), (
        (0, "fiona", "Thanks, @admin. One addition from the Edinburgh side: if you are not "
                     "sure where a thread belongs, start it in the Staff room and I'll move "
                     "it. Moving is cheap; a thread nobody finds is not."),
        (0, "bjorn", "Is there an e-mail digest? I'd rather read once a day than keep a tab "
                     "open."),
        (2, ADMIN_HANDLE, "Not yet. For now the unread counter on the front page is the "
                          "digest: it counts only what you haven't read, per conference. "
                          "Back from holiday to 300 posts? Mark the conference read. "
                          "Nobody will judge."),
        (3, "bjorn", "Fair. Marking everything read after a holiday is my love language."),
        (0, "lucia", _t("""
            Testing code blocks from Valencia:

            ```js
            const greet = (name) => `Hola ${name}, hej ${name}!`;
            ```

            Works, with highlighting even.
            """)),
        (0, "hamish", "Where do guests see things? I want to be sure the museum folk can't "
                      "wander into the Staff room."),
        (6, ADMIN_HANDLE, "Guests can read **Public: Notes from the team** and post in the "
                          "**Harbour Museum website** project. Everything else is internal "
                          "or private. Each conference's access list is on its settings page "
                          "if you want to check."),
    ), pin=True),
    Script("staff", 0.35, "ingrid", "Thursday fika: kanelbullar or kardemummabullar?", _t("""
        Hej allihopa! It's my turn to bring fika on Thursday (15:00, the kitchen on floor 3).
        The eternal question: **kanelbullar** or **kardemummabullar**?

        Vote by replying. Edinburgh colleagues: I'll post a photo so you can suffer along.
        """), (
        (0, "johan", "Kardemumma, always. Cinnamon buns are for people who have given up."),
        (1, "astrid", "Strong words from someone who ate three kanelbullar last week, @johan."),
        (2, "johan", "That was research."),
        (0, "callum", "Edinburgh counter-offer: we bring tablet (the Scottish kind, not the "
                      "iPad kind) to the next video fika. It's pure sugar and regret."),
        (4, "ingrid", "@callum deal. I'll order a tin for Gothenburg too so we can compare."),
        (0, "maja", "Kardemumma, and could we have a vegan option? The bakery on Linnégatan "
                    "does good ones."),
        (6, "ingrid", "Yes! Six vegan ones ordered as well. Results on Thursday."),
    ), edits=((1, "Cinnamon buns are for people who have given up.",
               "~~Cinnamon buns are for people who have given up.~~ Both are fine. "
               "Kardemumma is better."),)),
    Script("staff", 0.2, "fiona", "Edinburgh office move: decision and dates", _t("""
        We have signed for the new space on **Leith Walk**: second floor, a lift, step-free
        entrance and indoor bike storage.

        - **Last day** in the old office: Friday the 28th.
        - **Packing**: crates arrive the Tuesday before. Label yours with your name and
          `desk`, `kitchen` or `shared`.
        - **First day** in the new office: the Monday after. Working from home that week is
          fine if you'd rather avoid the chaos.

        Thank you all for answering the survey: step-free access and quiet rooms were the
        top two wishes, and we got both.
        """), (
        (0, "kirsty", "Brilliant news. Is there somewhere to lock a bike inside? The old rack "
                      "was basically a donation to the bike thieves of Edinburgh."),
        (1, "fiona", "Indoor bike room with a code lock, twelve spaces. If we need more, "
                     "tell me."),
        (0, "rory", "Will the big screen come along? The Friday talks need it."),
        (3, "callum", "It's coming. I've claimed it personally; it will be the first thing "
                      "unpacked."),
        (0, "eilidh", "Are the quiet rooms bookable, or first come, first served?"),
        (5, "fiona", "First come for now; if that turns into a fight we'll add booking. "
                     "Locking this thread now that it's decided. New questions in a new "
                     "thread, please!"),
    ), lock="Decided: the summary is in the first post. Please start a new thread for "
            "questions about the new office."),
    Script("staff", 0.55, "alasdair", "Conference talk proposals: who is submitting?", _t("""
        The EuroPython call for proposals closes in three weeks and the Plone Conference's
        opens next month. Who is thinking of submitting something?

        We have budget for **four** people to travel this year, and an accepted proposal
        makes the case easy. Friday talks that would work well on a bigger stage:

        1. @oskar on ZODB internals
        2. @sofia on ten-minute accessibility checks
        3. @priya on search relevance

        If you want a second pair of eyes on an abstract, post it here.
        """), (
        (0, "sofia", _t("""
            I'd like to try. First draft of the abstract:

            > Most accessibility problems are found in the first ten minutes by a person with
            > a keyboard and a screen reader. This talk shows the routine our team runs every
            > day, what it catches, and what it doesn't.

            Too plain?
            """)),
        (1, "kirsty", "Not too plain at all; plain is the point. I'd add one concrete number, "
                      "say how many issues the routine found in the Harbour audit."),
        (2, "sofia", "Good idea: 11 of the 14 issues in the Harbour audit would have been "
                     "caught by the routine. Adding that."),
        (0, "oskar", "I'll send the ZODB one to the Plone Conference rather than EuroPython; "
                     "that audience will enjoy the conflict-resolution part more."),
        (0, "priya", "I'm in, but I'd like to pair on it. @tomasz, fancy co-presenting the "
                     "search evaluation part?"),
        (5, "tomasz", "Yes, happily. We can use the judgement-list tooling from the intranet "
                      "as the example."),
    )),
    Script("staff", 0.15, "priya", "Monthly remote coffee: first Wednesday, 10:00 UK / 11:00 CET",
           _t("""
        Those of us who aren't in either office miss the random kitchen conversations.
        Proposal: a **30-minute video coffee** on the first Wednesday of every month. No
        agenda, cameras optional.

        Everyone is welcome, not only remote people. The link will be in the calendar invite.
        """), (
        (0, "mateus", "Yes please. Porto is lovely, but my kitchen conversations are with "
                      "my cat."),
        (0, "noor", "I'm in. Could we have a 'show your desk' moment now and then? I'm curious "
                    "about everyone's setups."),
        (2, "aino", "As long as nobody judges the pile of books on mine."),
        (0, "marta", "The Gothenburg office will join from the small meeting room, so you "
                     "see more than the usual faces."),
        (0, "samuel", "Count me in. First Wednesdays clash with nothing for me."),
    )),
    Script("staff", 0.45, "noor", "Shared logins: please move them to the vault by Friday", _t("""
        We still have a handful of shared accounts (the museum's staging admin, the DNS
        registrar, the old mail relay) whose passwords live in people's heads or in a
        spreadsheet. By **Friday**, please move any you know about into the team vault
        under `Shared/<customer>`.

        - Never paste a password into a chat, an e-mail or this forum.
        - If you must share one urgently, share the vault item, not the secret.
        - When someone leaves a project, rotate what they had access to.

        Thanks! I'll run a quick audit next week.
        """), (
        (0, "erik", "Moved the registrar and the mail relay. The museum staging admin was "
                    "already there."),
        (0, "rory", "For the DNS registrar the login is `ops@example.org` with password "
                    "`Harbour2023!`, is that the one to move?"),
        (2, "noor", "@rory thanks for checking, but please don't post it here either. I've "
                    "rotated it; the new one is in the vault under `Shared/Registrar`. "
                    "@fiona, could you hide the post above?"),
        (3, "fiona", "Hidden. No harm done, that's what rotation is for."),
        (3, "rory", "Oops. Sorry, lesson learned."),
        (0, "duncan", "Could we add a short 'how to share a vault item' section to the "
                      "onboarding page? New starters ask me every time."),
        (6, "noor", "Good idea, I'll write it this week."),
    ), hide=(2, "Contained a password in clear. It has been rotated; see Noor's reply.")),
    Script("staff", 0.7, "shona", "New starters in March: buddies wanted", _t("""
        Two new people start in March: a developer in Gothenburg and a designer in Edinburgh.
        We'd like each of them to have a **buddy** for their first month: someone who isn't
        their manager, has lunch with them, and answers the questions people feel silly
        asking.

        About an hour a week. Reply if you're up for it.
        """), (
        (0, "maja", "Me for Gothenburg! I started a year ago and still remember which "
                    "questions felt silly."),
        (0, "eilidh", "I'll buddy the designer. I'll show them where the good coffee is and "
                      "where the research recordings live."),
        (0, "johan", "Could we write down what a buddy does? A short checklist would help the "
                     "next round."),
        (3, "shona", "Started one on the wiki: "
                     "[Buddy checklist](https://wiki.example.org/people/buddy-checklist). "
                     "Edits welcome."),
        (4, "maja", "Added 'show them how to mark a conference read after their first week'."),
    )),
    Script("staff", 0.85, "ingrid", "Gothenburg: the standing desks are here", _t("""
        Four height-adjustable desks by the windows on floor 3. They're unassigned, so
        please don't leave your things on them overnight.

        The control panel remembers two heights: press and hold `1` or `2` to save yours.
        """), (
        (0, "hanna", "Tried one this morning. Ten minutes standing, then I remembered I have "
                     "knees."),
        (1, "linnea", "Alternate every half hour; that's what my physio told me."),
        (0, "anders", "Could one of them go next to the server cupboard? I'd like to stand "
                      "while waiting for restores."),
        (3, "ingrid", "@anders the cable won't reach, but nice try."),
    )),
    Script("staff", 0.92, "karin", "Summer holidays: overlap between the offices", _t("""
        Gothenburg and Edinburgh take their summers at different times, which is handy.
        Rough picture from the calendar so far:

        | Weeks | Gothenburg | Edinburgh |
        |-------|------------|-----------|
        | 27–30 | most people away | normal |
        | 31–33 | normal | school holidays, about half away |

        We need at least two people who can deploy in every week. Please put your holiday
        in the calendar by the end of the month.
        """), (
        (0, "fiona", "Edinburgh can cover weeks 28–30 fully. We'll want the favour back in "
                     "August."),
        (1, "karin", "Deal. Gothenburg covers 31–33."),
        (0, "nils", "I'm around in week 29 if anyone needs a deploy buddy."),
        (0, "nils", "I'm around in week 29 if anyone needs a deploy buddy."),
        (0, "tomasz", "The remote folks follow neither calendar, so count me as available "
                      "except week 32."),
    ), delete=4),
)

BOOK_CLUB: tuple[Script, ...] = (
    Script("staff", 0.1, "johan", "Book club: A Philosophy of Software Design (chapters 1–6)",
           _t("""
        For Thursday we read the first six chapters of John Ousterhout's
        *A Philosophy of Software Design*.

        The core idea: complexity is what makes software hard to change, and it comes from
        **dependencies** and **obscurity**. The tool he keeps returning to is the
        *deep module*: a simple interface in front of a lot of functionality.

        Questions to bring:

        1. Which of our modules is the deepest? Which is the shallowest?
        2. He argues against lots of small classes. Does that clash with how we write Python?
        3. "Tactical tornadoes": do we reward them by accident?
        """), (
        (0, "astrid", "1. Deepest: the catalog. `portal_catalog.searchResults(**query)` hides "
                      "an enormous amount. Shallowest: our old `utils.py` with forty "
                      "one-line wrappers."),
        (1, "oskar", "The catalog is deep, but it leaks: you need to know which indexes exist "
                     "and what type they are. Deep module, leaky interface."),
        (2, "johan", "Good point: depth isn't only about hiding things, it's also about what "
                     "you must know to use it."),
        (0, "maja", "2. I felt a bit called out. I've been splitting everything into tiny "
                    "functions because I was told that's clean code."),
        (4, "alasdair", "Small functions aren't wrong. Small functions that you must read "
                        "*all of* to understand one thing are. His point is about the cost "
                        "of interfaces, not the line count."),
        (0, "karin", "3. In stand-ups we celebrate 'shipped it by Friday' much more than "
                     "'made it simpler'. Maybe we should celebrate deletions too."),
        (6, "johan", "I'd happily start a 'lines deleted this week' leaderboard."),
    )),
    Script("staff", 0.3, "eilidh", "Book club: Team Topologies (part 1)", _t("""
        Part 1 of *Team Topologies* by Matthew Skelton and Manuel Pais. The short version:

        - Four team types: **stream-aligned**, **platform**, **enabling** and
          **complicated-subsystem**.
        - Design teams around **cognitive load**: a team can only own what it can hold in
          its head.
        - Conway's law works both ways, so organise the teams for the architecture you want.

        Questions:

        1. Are we one stream-aligned team or several?
        2. Is ops a platform team for the rest of us?
        3. What is our biggest source of cognitive load?
        """), (
        (0, "nils", "2. Ops is trying to be a platform team, but we still do a lot by ticket. "
                    "The CI runners are the closest thing we have to a self-service "
                    "platform."),
        (1, "hamish", "And the more self-service it is, the fewer 3 a.m. pages we get. "
                      "Self-service is an on-call strategy."),
        (0, "fiona", "3. Having every developer on three customer projects at once. I'd "
                     "rather we had fewer, longer assignments."),
        (3, "morag", "From the project side I agree, but customers don't arrive in neat "
                     "sizes. Worth discussing at the planning day."),
        (0, "tomasz", "Conway's law is visible in our code: Gothenburg code and Edinburgh code "
                      "have different conventions. The study group is slowly fixing that."),
    )),
    Script("staff", 0.5, "aino", "Book club: Thinking in Systems (Donella Meadows)", _t("""
        Meadows writes about **stocks** (things that accumulate), **flows** (what fills and
        drains them) and **feedback loops**, and ends with a list of *leverage points*:
        places where a small change shifts the whole system.

        For discussion:

        - What stocks do we manage, apart from code? (Knowledge? Goodwill? Technical debt?)
        - Where do we see a balancing loop with a delay, and do we overreact to it?
        - Which leverage point would you pull first?
        """), (
        (0, "priya", "A stock: unanswered questions from new starters. Inflow: new hires. "
                     "Outflow: answers written down. We usually fix it by answering, not by "
                     "writing down."),
        (1, "aino", "Yes! And writing things down turns a flow into a stock of documentation, "
                    "which has its own decay rate. Hence the yearly wiki clean-up."),
        (0, "erik", "On-call is a balancing loop with a delay: more pages lead to more fixes "
                    "lead to fewer pages, but the fixes land weeks later, so we overreact in "
                    "between."),
        (0, "sofia", "Her highest leverage point is the goal of the system. Ours says "
                     "'deliver projects'; maybe it should say 'deliver projects people can "
                     "use'."),
    )),
    Script("staff", 0.72, "callum", "Book club: Working in Public (Nadia Eghbal)", _t("""
        Eghbal looks at how open source is actually maintained: a few people carrying
        projects that thousands depend on, with attention as the scarce resource. She calls
        the one-maintainer-many-users shape a **stadium**.

        We build almost everything on Python, Zope and Plone, so this one is personal:

        1. Which of the projects we depend on are stadiums?
        2. Should we give more time to upstream maintenance?
        3. What's the most useful thing we have contributed so far?
        """), (
        (0, "oskar", "1. Several Plone add-ons we rely on are effectively one-person "
                     "stadiums. `collective.exportimport` is in good shape; some others "
                     "aren't."),
        (1, "callum", "Which ones worry you most? We could adopt one as a team."),
        (2, "oskar", "I'll make a list for the study group. We can pick one and start by "
                     "triaging its issues."),
        (0, "euan", "3. Probably the Swedish translations for Volto. Small, but used by "
                    "everyone in the Nordics."),
        (0, "karin", "2. I'd support a fixed 10 % of time for upstream work. It's cheaper "
                     "than maintaining forks."),
    )),
    Script("staff", 0.9, "kirsty", "Book club: The Pragmatic Programmer (20th anniversary)",
           _t("""
        A re-read for some of us. The chapters we picked:

        - *Software entropy*: broken windows invite more broken windows.
        - *DRY*: it's about **knowledge**, not about identical lines of code.
        - *Tracer bullets*: build a thin end-to-end path first, then fill it in.

        Bring one example of each from our own work.
        """), (
        (0, "rory", "I'd read it before, but the DRY chapter surprised me this time: it's "
                    "about knowledge, not lines that look alike."),
        (1, "euan", "Yes, and two identical-looking functions that encode different "
                    "knowledge *should* stay separate."),
        (0, "catriona", "Broken windows: our flaky tests. Once one is tolerated, everyone "
                        "re-runs pipelines without reading the failures."),
        (3, "nils", "I can add a `flaky` label and a weekly report so we at least see them."),
        (0, "linnea", "Tracer bullets is how we built the museum search, without calling it "
                      "that."),
    )),
)

PROJECTS: tuple[Script, ...] = (
    Script("projects", 0.38, "nils", "CI: moving to the new runners on Tuesday", _t("""
        On Tuesday all pipelines move to the new runners (8 cores, 16 GB, local cache).
        What changes for you:

        - Pipelines should be about twice as fast, mostly thanks to the pip cache.
        - The runner tag changes from `docker` to `linux-large`. I'll update the shared
          template, so most projects need no change.
        - The old runners stay up until Friday in case we need to roll back.
        """), (
        (0, "alasdair", "The Volto build needs more than 4 GB. Is the 16 GB per job or per "
                        "runner?"),
        (1, "nils", "Per runner, two concurrent jobs, so about 8 GB per job. Should be "
                    "enough; tell me if it isn't."),
        (0, "catriona", "Playwright needs its browsers cached too, or every job downloads "
                        "300 MB. Can we add `~/.cache/ms-playwright` to the cache?"),
        (3, "nils", "Added. The first run downloads, after that it's cached per branch."),
        (0, "lucia", "Tried the Volto pipeline on the new runners: 14 min → 6 min. "
                     "Thank you!"),
    )),
    Script("projects", 0.6, "karin", "Retrospective: moving CI to the new runners", _t("""
        Short one, as agreed.

        ## Went well

        - Pipelines are two to three times faster.
        - The shared template meant only two projects needed changes.
        - There was a rollback plan (we didn't need it).

        ## Could be better

        - Playwright browsers weren't cached on day one.
        - The announcement went out only two days before the move.

        ## Actions

        1. Announce infrastructure changes a week ahead, here in Projects (@nils).
        2. Keep the runner setup in Ansible, not in someone's shell history (@nils, @erik).
        """), (
        (0, "nils", "On the shell history point: guilty. The Ansible role is half-written; "
                    "done next week."),
        (0, "alasdair", "The speed-up changed how I work: I now wait for CI instead of "
                        "switching to something else."),
        (2, "maja", "Same! Faster feedback makes me push smaller commits."),
    )),
    Script("projects", 0.8, "fiona", "Retrospective: six months of on-call", _t("""
        Thanks to everyone who came, and to those who sent notes beforehand.

        ## Went well

        - A hand-over thread every week, with no gaps.
        - Median time to acknowledge a page: 4 minutes.
        - Runbooks were used (and improved) in 9 of 14 incidents.

        ## Could be better

        - Three pages between midnight and 06:00 weren't urgent and could have waited.
        - Developers on the rota felt less confident than the ops people.
        - Some hand-overs were a single line.

        ## Actions

        1. Split alerts into "page now" and "tell me in the morning" (@hamish, @erik).
        2. Shadow shifts for developers before their first solo week (@nils).
        3. A hand-over template, linked from the conference résumé (@fiona).
        """), (
        (0, "euan", "The shadow shift idea is great. My first week on call I spent more time "
                    "worrying than working."),
        (1, "duncan", "Same. Happy to host shadows; the best lesson is watching someone stay "
                      "calm."),
        (0, "hamish", "Alert split: a draft list of which alerts should page is on the wiki. "
                      "Disagree with me there, please."),
        (3, "noor", "Security alerts should always page, even if most are false positives. "
                    "I'll add comments."),
        (4, "hamish", "Fair, on the condition that we tune them until 'most' becomes 'some'."),
    )),
)

HARBOUR: tuple[Script, ...] = (
    Script("harbour", 0.08, "astrid", "Content types: Exhibition, Object and Loan", _t("""
        First draft of the object schema, for review. Exhibitions and loans follow the
        same pattern.

        ```python
        from plone.app.textfield import RichText
        from plone.namedfile.field import NamedBlobImage
        from plone.supermodel import model
        from zope import schema


        class IMuseumObject(model.Schema):
            \"\"\"One object in the collection.\"\"\"

            inventory_number = schema.TextLine(title="Inventory number", required=True)
            dating = schema.TextLine(title="Dating", description="Free text, e.g. 'c. 1890'")
            materials = schema.List(
                title="Materials", value_type=schema.TextLine(), required=False
            )
            text = RichText(title="Long description", required=False)
            image = NamedBlobImage(title="Main image", required=False)
        ```

        Questions and corrections welcome, especially from @greta.
        """), (
        (0, "greta", "Looks right. One thing: objects are sometimes **on loan** to another "
                     "museum for a while. Is that a field on the object, or its own thing?"),
        (1, "astrid", "Its own content type, I think: a Loan has a borrower, dates and a list "
                      "of objects. The object page can then say 'currently on loan to …' by "
                      "looking up active loans."),
        (2, "oskar", "+1 to a separate type. Use a `RelationList` on the Loan pointing at the "
                     "objects; back-references give you the object-to-loan lookup for free "
                     "through `zc.relation`."),
        (3, "astrid", "Nice. @oskar, are back-references cheap enough for a listing of 200 "
                      "objects?"),
        (4, "oskar", "Not in a loop, no. For listings, index the loan state in the catalog "
                     "(an `is_on_loan` boolean indexer) and keep the relations for the "
                     "detail page."),
        (0, "henrik", "From the design side: the inventory number should be visible but "
                      "quiet. Visitors rarely care; researchers care a lot."),
        (6, "greta", "Exactly right. Researchers search by inventory number, though, so "
                     "please keep it searchable."),
    ), edits=((0, "", "**Edit:** `inventory_number` is now in the catalog metadata and the "
                      "searchable text, after Greta's note."),)),
    Script("harbour", 0.25, "henrik", "Design review: object page, second round", _t("""
        The second round is in the shared folder. Changes since round one:

        - a bigger image, with zoom on click
        - the "related objects" row shows at most six
        - the metadata is a definition list instead of a table

        I'd love feedback from @elin and @sofia, and a reality check from @greta on the
        order of the metadata.
        """), (
        (0, "elin", "The definition list is a good call. Can we see the mobile version? "
                    "Zoom on click worries me on touch screens."),
        (1, "henrik", "Mobile mock-ups added. On touch, a tap opens a full-screen viewer with "
                      "pinch zoom."),
        (2, "sofia", "Make sure the full-screen viewer has a visible close button and that "
                     "Escape closes it. Focus should return to the image afterwards."),
        (0, "greta", "Metadata order: inventory number, title, dating, maker, materials, "
                     "dimensions. That's the order of our catalogue, and researchers expect "
                     "it."),
    )),
    Script("harbour", 0.33, "greta", "Feedback from the museum staff on the search page", _t("""
        We tried the search page with six colleagues yesterday. In short:

        - Searching for **fyrskepp** (lightship) found nothing, because the objects are
          catalogued as "fyrskeppet".
        - People expected to filter by decade.
        - Everyone liked seeing the number of results.

        Can we do something about Swedish compound words and definite forms? Our collection
        is full of them.
        """), (
        (0, "priya", "The classic Swedish search problem. Two options: a stemmer that "
                     "handles definite forms (Solr's Swedish light stemmer turns "
                     "'fyrskeppet' into 'fyrskepp'), or a decompounder with a dictionary, "
                     "for 'hamnkran' → 'hamn' + 'kran'. I'd start with the stemmer; it's a "
                     "configuration change."),
        (1, "greta", "A configuration change sounds wonderful. What's the risk?"),
        (2, "priya", "Some over-matching: 'båten' and 'båtar' will both match 'båt'. For a "
                     "museum collection I think that's what people want. I'll put it on "
                     "staging tomorrow and you can try the same six searches."),
        (3, "greta", "Tried it: 'fyrskepp' now finds all four lightship objects. "
                     "Tack så mycket!"),
        (0, "linnea", "Decade filter: the dating field is free text ('c. 1890', '1920s'). "
                      "We'd need a parsed year to filter on."),
        (5, "astrid", "I can add an indexer that pulls the first four-digit year out of the "
                      "dating text. Good enough for decades, and we can fix the odd ones by "
                      "hand."),
    )),
    Script("harbour", 0.36, "morag", "Retrospective: Harbour Museum, sprint 3", _t("""
        Thanks, everyone, for a productive hour. The summary, as agreed:

        ## Went well

        - Daily check-ins with Greta: questions answered within hours, not days.
        - The content types landed early, so design had real data to work with.
        - Linnea and Henrik pairing on the object page.

        ## Could be better

        - We estimated the search work at 3 days; it took 7 (Swedish compounds!).
        - Staging was broken for two days and nobody owned fixing it.
        - Too many review requests arrived on Friday afternoon.

        ## Actions

        1. @nils sets up a staging health check that posts here when it fails.
        2. Search stories get a spike first, then an estimate (@priya will help).
        3. We try "no new pull requests after Friday lunch" for two sprints.
        """), (
        (0, "linnea", "The pairing with Henrik was the best part of the sprint for me. Let's "
                      "do the same for the exhibition pages."),
        (1, "henrik", "Agreed. It saved us at least two rounds of mock-ups."),
        (0, "priya", "Happy to help with spikes. A search spike is mostly: collect 30 real "
                     "queries, see which fail, then estimate."),
        (0, "bjorn", "About Friday pull requests: I'm one of the culprits, I like to finish "
                     "things before the weekend. Would 'open as draft on Friday, request "
                     "review on Monday' work?"),
        (4, "morag", "That's a nice compromise. Let's try that instead of a hard rule."),
    )),
    Script("harbour", 0.42, "sofia", "Accessibility audit: 14 issues, 3 blockers", _t("""
        The audit of the staging site is done. The blockers first:

        1. **Blocker:** the image carousel on the start page traps keyboard focus.
        2. **Blocker:** search results update without telling screen reader users.
        3. **Blocker:** the grey caption text has a contrast of 3.1:1 (it needs 4.5:1).
        4. Several icon buttons have no accessible name ("button", "button", "button").
        5. The skip link points to `#content`, but the main landmark is `#main`.

        …and nine smaller ones, all in
        [the audit sheet](https://wiki.example.org/harbour/a11y-audit).
        """), (
        (0, "linnea", "I'll take 1 and 4. The carousel is a third-party component; I'd rather "
                      "replace it than patch it."),
        (1, "henrik", "Replacing it is fine by us. Honestly, a single hero image with a good "
                      "caption would serve visitors better than a carousel anyway."),
        (2, "greta", "Our director likes the carousel… but I'll show her the audit. Facts "
                     "help."),
        (0, "lucia", _t("""
            Number 2: a polite live region with the result count. I did the same on the
            intranet search:

            ```jsx
            <div aria-live="polite" className="visually-hidden">
              {total} results for “{query}”
            </div>
            ```
            """)),
        (4, "sofia", "That's the one. Please test with both NVDA and VoiceOver; they differ "
                     "in timing."),
        (0, "elin", "Contrast: the palette is updated. Captions are now `#595959` on white, "
                    "which is 7:1."),
    )),
    Script("harbour", 0.62, "morag", "Launch checklist: go-live on the 14th", _t("""
        Where we are, one week before launch:

        - [x] Content migrated and reviewed by the museum
        - [x] Accessibility blockers fixed and re-tested
        - [x] Redirects from the old site
        - [ ] DNS switch (the morning of the 14th)
        - [ ] Editor training for the last two museum editors
        - [ ] Press release timing agreed

        Shout if something is missing from the list.
        """), (
        (0, "nils", "DNS TTL lowered to 300 seconds yesterday, so the switch on the 14th "
                    "should propagate quickly."),
        (0, "greta", "The museum's press release goes out at 10:00. Can the site be live by "
                     "09:00?"),
        (2, "morag", "Yes: we switch at 07:30, smoke-test until 08:30, and @duncan is on "
                     "support from 08:00."),
        (3, "duncan", "Confirmed. I'll watch this conference and the support phone."),
        (0, "dafydd", "Redirect map from the old site: 412 rules, tested with a script "
                      "against staging. Three were loops; fixed now."),
        (5, "morag", "Thank you, @dafydd. Could you put the script on the project wiki? "
                     "We'll want it for the next migration."),
    )),
    Script("harbour", 0.78, "morag", "Retrospective: Harbour Museum launch", _t("""
        ## Went well

        - Switch at 07:30, site live at 07:52, smoke tests green by 08:20.
        - 412 redirects, and not a single broken link reported on day one.
        - The press-release peak (nine times the normal traffic) was served almost
          entirely by Varnish.

        ## Could be better

        - Image scales weren't generated in advance, so the first visitor to each object
          page waited for the scaling.
        - Two museum editors hadn't had training yet and published drafts of future
          exhibitions.
        - Our status updates were in three places (chat, e-mail and here).

        ## Actions

        1. Generate image scales as part of the import (@astrid).
        2. Editor training before launch, not after (@kirsty and @greta).
        3. Launch-day updates in one thread, linked from everywhere else (@morag).
        """), (
        (0, "greta", "From our side: the calmest launch we have ever had. The director asked "
                     "whom to thank, and I sent her this thread."),
        (1, "morag", "That's lovely to hear. Thank you for being such a good partner, Greta."),
        (0, "astrid", "Generating the scales: `plone.scale` can do it in a post-import "
                      "script. It adds about 20 minutes to the import, which is fine."),
        (0, "kirsty", "Training: I'll write a one-page publishing checklist for editors and "
                      "go through it with the museum team next week."),
        (4, "greta", "Yes please, and make it printable. Half our editors like paper."),
    ), edits=((0, "1. Generate image scales as part of the import (@astrid).",
               "1. Generate image scales as part of the import (@astrid). **Done.**"),)),
)

INTRANET: tuple[Script, ...] = (
    Script("intranet", 0.12, "euan", "Exporting from Plone 4.3 with collective.exportimport",
           _t("""
        Notes from the first export. We export on the old Python 2.7 site and import into
        Plone 6:

        ```bash
        # on the old site (Python 2.7, Plone 4.3)
        bin/instance run scripts/export_all.py --path /intranet --out /srv/export/
        ```

        Exported cleanly:

        - Documents, News Items, Events, Files and Images (about 48 000 items)
        - Local roles and workflow states
        - Comments, surprisingly

        Not exported:

        - The custom `ProjectFolder` type (old Archetypes); it needs a mapping to Dexterity
        - Portlets on about 300 folders

        The export takes 1 h 50 min; blobs are copied separately with `rsync`.
        """), (
        (0, "tomasz", _t("""
            For the `ProjectFolder` mapping, the import view has per-type hooks. I've done
            this before:

            ```python
            def dict_hook_projectfolder(self, item):
                item["@type"] = "Folder"
                item["project_code"] = item.pop("projectCode", None)
                return item
            ```
            """)),
        (1, "euan", "Exactly what I needed. And `project_code` ends up on a behavior we add "
                    "to Folder?"),
        (2, "tomasz", "Yes, a small `IProjectInfo` behavior. Folder stays standard and the "
                      "data lives where it belongs."),
        (0, "marta", "Portlets: honestly, most of those 300 are outdated 'Contact us' boxes. "
                     "Let's not migrate them; I'll list the ten that matter."),
        (4, "euan", "Perfect. Fewer portlets, fewer problems."),
        (0, "hamish", "1 h 50 min is fine for a weekend cut-over. And the import?"),
        (6, "euan", "3 h 10 min on the test server. With the catalog reindex deferred to the "
                    "end it went down to 2 h 20 min."),
    )),
    Script("intranet", 0.18, "marta", "What do we leave behind? Content audit results", _t("""
        I went through the old intranet with the analytics from the last twelve months:

        - **61 %** of pages had no views at all.
        - **9 %** of pages account for 80 % of all views.
        - There are 1 200 news items older than five years.

        Proposal: migrate everything edited or viewed in the last two years, archive the
        rest as a read-only export (PDF plus search), and tell the editors what we did
        and why.
        """), (
        (0, "karin", "I like it. The archive needs an owner, though, or it will become the "
                     "next 'old intranet'."),
        (1, "marta", "Agreed. I'll propose that the communications team owns it, with a "
                     "yearly review."),
        (0, "eilidh", "From the interviews: people's biggest complaint was finding outdated "
                      "pages in search. This fixes that directly."),
        (0, "euan", "Technically easy: the export script already takes a path filter; I'll "
                    "add a `--modified-after` option."),
    )),
    Script("intranet", 0.28, "hamish", "LDAP login via pas.plugins.ldap: group mapping", _t("""
        The new intranet authenticates against the company directory. The group mapping as
        configured now:

        | LDAP group | Plone group | Roles |
        |------------|-------------|-------|
        | `cn=staff` | Staff | Member, Reader |
        | `cn=editors` | Editors | Editor, Contributor |
        | `cn=it-ops` | Site Administrators | Site Administrator |

        Login works. Group membership shows up after about five minutes because of the
        plugin's cache. Is that acceptable?
        """), (
        (0, "noor", "Five minutes is fine for adding someone. For *removing* someone (a "
                    "leaver) I'd like it shorter. Can we clear the cache as part of the "
                    "leaver process?"),
        (1, "hamish", "Yes: the plugin has a 'clear cache' action. I'll add a step to the "
                      "leaver checklist and a small script."),
        (0, "euan", "Does it handle nested groups? HR has a group inside `cn=staff`."),
        (3, "hamish", "Not by default. There's a setting for recursive group lookups; slower, "
                      "but with caching it should be fine. Testing tomorrow."),
        (4, "hamish", "Tested: nested groups work with recursion on. Login takes 180 ms "
                      "instead of 120 ms with a cold cache. Fine."),
    )),
    Script("intranet", 0.4, "karin", "Retrospective: migration dry run #1", _t("""
        ## Went well

        - The export ran unattended overnight.
        - Tomasz's mapping hooks handled the old `ProjectFolder` type.
        - We found the redirect prefix bug before any real user did.

        ## Could be better

        - We only had the total time, not the time per step.
        - The smoke tests were manual and slow.
        - Nobody told the editors; two of them asked why the test site had their content.

        ## Actions

        1. Time each step separately (@tomasz).
        2. Automate the smoke tests (@catriona).
        3. Announce dry runs in the editors' newsletter (@marta).
        """), (
        (0, "tomasz", "I'll put the timings in a table in the next dry-run thread."),
        (0, "catriona", "On it. I'll start with login, search and the ten most visited "
                        "pages."),
        (2, "euan", "Add a check that a page with one of the portlets we *did* migrate still "
                    "shows it. That's the thing most likely to break quietly."),
        (3, "catriona", "Good one, added."),
        (0, "marta", "The editors' surprise was my fault; I should have told them. The "
                     "newsletter item for dry run #2 is written."),
    )),
    Script("intranet", 0.5, "mateus", "Redirects for the old URLs", _t("""
        Old URLs look like `/intranet/departments/hr/policies/travel-policy-2019`.
        `plone.app.redirector` keeps redirects for things moved *inside* Plone, but it
        knows nothing about paths from the old site. The plan: record `old path → UID`
        during the export, then add the redirects after the import.

        ```python
        from plone import api
        from plone.app.redirector.interfaces import IRedirectionStorage
        from zope.component import getUtility

        storage = getUtility(IRedirectionStorage)
        for old_path, uid in mapping.items():
            obj = api.content.get(UID=uid)
            if obj is not None:
                storage.add(old_path, "/".join(obj.getPhysicalPath()))
        ```
        """), (
        (0, "euan", "Good plan. Remember that the site id changes from `intranet` to "
                    "`Plone`, so the old paths need their prefix rewritten too."),
        (1, "mateus", "Yes, I rewrite the prefix before adding them. Found that on the first "
                      "dry run: 48 000 broken redirects in one go. Very efficient."),
        (0, "kirsty", "Can we log which old URLs still get hits after launch? Then editors "
                      "can fix the links at the source."),
        (3, "mateus", "Good idea: the nginx access log plus a small report, weekly for the "
                      "first two months."),
    )),
    Script("intranet", 0.66, "tomasz", "Dry run #2: timings per step", _t("""
        As promised, every step timed separately:

        | Step | Dry run 1 | Dry run 2 |
        |------|-----------|-----------|
        | Export (content) | 1 h 50 min | 1 h 35 min |
        | Copy blobs | 40 min | 12 min (incremental `rsync`) |
        | Import | 3 h 10 min | 2 h 20 min |
        | Catalog reindex | (included) | 55 min |
        | Smoke tests | 30 min | 25 min |

        The total went from about 6 h to 5 h 27 min, so the cut-over fits in a Saturday
        with room to spare.
        """), (
        (0, "karin", "Saturday works. I'll book the 22nd and tell the editors about the "
                     "content freeze from Friday noon."),
        (0, "catriona", "Smoke tests: 18 of the 25 manual checks are automated with "
                        "Playwright now, so the next dry run should need about 10 minutes."),
        (2, "tomasz", "Great. Can the Playwright run log in through LDAP, or does it need a "
                      "local user?"),
        (3, "catriona", "A local test user for now. I'll ask @hamish for an LDAP test "
                        "account so we cover the real login path too."),
    )),
)


def _talk(age: float, speaker: str, title: str, abstract: str, points: tuple[str, ...],
          replies: tuple[Reply, ...], *, extra: str = "", slides: str = "") -> Script:
    outline = "\n".join(f"- {p}" for p in points)
    body = (f"**When:** Friday 15:00 CET / 14:00 UK, in Kastanjen (Gothenburg), the Leith "
            f"room (Edinburgh) and on video.\n\n{abstract}\n\nWhat I'll cover:\n\n{outline}")
    if extra:
        body += "\n\n" + _t(extra)
    edits = ((0, "", f"**Slides:** [{slides}](https://talks.example.org/{slides}) "
                     "and the recording is on the intranet video page."),) if slides else ()
    return Script("talks", age, speaker, f"Friday talk: {title}", body, replies, edits=edits)


FRIDAY_TALKS: tuple[Script, ...] = (
    Script("talks", 0.02, "callum", "Friday talks: the spring programme", _t("""
        Here is the programme so far. Each talk gets its own thread for questions and notes.

        1. @oskar: What the ZODB actually does when you commit
        2. @sofia: Accessibility testing in ten minutes a day
        3. @priya: Search relevance without a PhD
        4. @nils: From push to production
        5. @eilidh: Five interviews that changed the intranet
        6. @tomasz: Type hints in a 15-year-old codebase
        7. @kirsty: Plain language for people who write code
        8. @alasdair: Profiling Plone, or where the time goes
        9. @lucia: Thinking in Volto blocks
        10. @noor: Threat modelling a content management system

        A few Fridays are still free. First-timers get a practice run with me beforehand.
        """), (
        (0, "elin", "Could I take a slot in May? 'Design critique without tears', about giving "
                    "feedback on designs (and code) that actually helps."),
        (1, "callum", "Yes! Pencilled in for the week after Noor's."),
        (0, "rory", "Are the talks recorded? Remote folks in other time zones would "
                    "appreciate it."),
        (3, "callum", "Yes: recordings go on the intranet video page within a day, and the "
                      "slides are linked from each talk's thread."),
    )),
    _talk(0.06, "oskar", "What the ZODB actually does when you commit",
          "Every Plone developer uses the ZODB, and most of us treat it as magic. In 30 "
          "minutes we'll walk through one commit: which objects get written, how conflicts "
          "are detected, and what `_p_changed` is for.",
          ("persistent objects, ghosts and the object cache",
           "two-phase commit, and why `transaction.commit()` can raise `ConflictError`",
           "conflict resolution in BTrees, and `BTrees.Length` for counters",
           "why changing a plain `list` attribute silently loses your change"),
          (
              (0, "astrid", "We have a view counter on the museum site that causes "
                            "`ConflictError`s at peak times. Is `BTrees.Length` the fix?"),
              (1, "oskar", "Yes. `Length` resolves conflicts by adding up the deltas, so two "
                           "simultaneous `change(1)` calls become +2 instead of a conflict. "
                           "It only works for counters, of course."),
              (2, "tomasz", "Or keep the counter out of the ZODB entirely: Redis `INCR` and a "
                            "nightly sync. Depends on whether it must be transactional."),
              (3, "oskar", "True, for page views I'd do exactly that. Transactional counters "
                           "are for things like inventory numbers."),
              (0, "maja", "Is `PersistentList` always better than setting `_p_changed`?"),
              (5, "oskar", "For lists that change often, yes: it's clearer and you can't "
                           "forget. `_p_changed` is for data structures you inherit and "
                           "can't change."),
          ),
          extra="""
              The bug we'll start with:

              ```python
              class Folder(Persistent):
                  def add_tag(self, tag):
                      self.tags.append(tag)  # a plain list: the ZODB doesn't notice
                      self._p_changed = True  # so we tell it
              ```
              """, slides="zodb-commit.pdf"),
    _talk(0.15, "sofia", "Accessibility testing in ten minutes a day",
          "You don't need an audit to find most accessibility problems. You need a keyboard, "
          "a screen reader and ten minutes.",
          ("the keyboard-only walk: Tab, Shift+Tab, Enter, Space and Escape",
           "five screen reader commands that cover most of the testing",
           "automated checks with axe, and what they can't see",
           "how to write an issue a developer can fix"),
          (
              (0, "iona", "Which screen reader should a developer start with?"),
              (1, "sofia", "NVDA with Firefox on Windows, or VoiceOver with Safari on a Mac. "
                           "Learn five things: start/stop, next heading, next link, next form "
                           "field, read all. That's enough for a first pass."),
              (2, "rory", "Is there a cheat sheet?"),
              (3, "sofia", "[The one I use](https://wiki.example.org/a11y/screen-reader-cheatsheet)"
                           ". Print it and stick it to your monitor."),
              (0, "johan", "Can we run axe in CI?"),
              (5, "catriona", "We already do for the museum site, through Playwright. It fails "
                              "the build on serious issues only, so people don't learn to "
                              "ignore it."),
          )),
    _talk(0.24, "priya", "Search relevance without a PhD",
          "Why does the intranet search find the 2014 travel policy before the current one? "
          "A practical talk about BM25, boosts, and measuring whether a change made things "
          "better.",
          ("how BM25 scores a document, without formulas",
           "field boosts: title, description, body",
           "recency as a gentle boost, not a filter",
           "judgement lists: 50 real queries and their right answers"),
          (
              (0, "euan", "How many queries does a judgement list need before we can trust "
                          "it?"),
              (1, "priya", "Start with 50 real queries from the logs: the 30 most frequent and "
                           "20 random ones from the long tail. Enough to catch regressions, "
                           "without turning it into a research project."),
              (2, "marta", "Editors could help write the 'right answers'. They know which page "
                           "is the current one."),
              (3, "priya", "Yes please! That's the hardest part, and editors are much better "
                           "at it than we are."),
              (0, "bjorn", "Doesn't a recency boost hurt evergreen pages?"),
              (5, "priya", "It can, which is why it's gentle: a boost that halves every two "
                           "years and never beats a title match."),
          ), slides="search-relevance.pdf"),
    _talk(0.33, "nils", "From push to production",
          "What happens between `git push` and your change being live on a customer's site, "
          "and why each step is there.",
          ("build once, deploy the same image everywhere",
           "the staging gate: automatic for small changes, manual for migrations",
           "rolling restarts of Plone instances behind HAProxy",
           "how to roll back, and when not to"),
          (
              (0, "alasdair", "How do we handle upgrade steps that take a long time? A rolling "
                              "restart doesn't help if the first instance runs a 20-minute "
                              "upgrade."),
              (1, "nils", "We don't run upgrade steps at start-up. They are a separate manual "
                          "job, run before the code that needs them goes out, and written so "
                          "the old code can live with the new data."),
              (2, "tomasz", "Expand and contract, basically. That deserves a talk of its own."),
              (3, "nils", "Volunteering you for it, then."),
              (0, "duncan", "Where do I look first when a deploy fails at 17:00 on a Friday?"),
              (5, "nils", "The pipeline log, then `journalctl -u 'plone-*'` on the host. And "
                          "maybe: don't deploy at 17:00 on a Friday."),
          ),
          extra="""
              The production job, for reference:

              ```yaml
              deploy_production:
                stage: deploy
                when: manual
                script:
                  - ansible-playbook deploy.yml -e image_tag=$CI_COMMIT_SHA
                environment: production
              ```
              """),
    _talk(0.42, "eilidh", "Five interviews that changed the intranet",
          "Before we designed anything for the new intranet we talked to five people at the "
          "customer. This is what they told us, and what we changed because of it.",
          ("\"I search, I don't browse\": navigation mattered less than we thought",
           "outdated pages destroy trust in search",
           "people read the intranet on their phones, on the tram",
           "the news nobody reads and the lunch menu everybody reads"),
          (
              (0, "karin", "Five people is a small sample. How confident were you?"),
              (1, "eilidh", "Confident about the patterns that came up in four or five "
                            "interviews, not about the rest. Five interviews find the big "
                            "problems; they don't measure how big they are. Analytics did "
                            "that."),
              (2, "marta", "And the analytics agreed on search: 70 % of sessions start with "
                           "one."),
              (0, "elin", "The lunch menu point made me laugh, but it's serious. Did it "
                          "change the start page?"),
              (4, "eilidh", "Yes: the menu is now a small block on the start page, and traffic "
                            "to the news went *up*, because people see the headlines on their "
                            "way to the menu."),
          )),
    _talk(0.51, "tomasz", "Type hints in a 15-year-old codebase",
          "How we added mypy to an old Zope codebase without stopping the world.",
          ("start with one package and `follow_imports = silent`",
           "Protocols for things that are really Zope interfaces",
           "a `type: ignore` budget that only goes down",
           "stubs for the untyped code you touch most"),
          (
              (0, "oskar", "Why Protocols instead of the existing `zope.interface` "
                           "declarations?"),
              (1, "tomasz", "mypy doesn't understand `implementer` on its own. There is a "
                            "plugin (`mypy-zope`) and it works, but Protocols need no plugin "
                            "and describe what the function uses, not what the object "
                            "claims."),
              (2, "oskar", "Fair. I'd keep the interfaces for adapter lookups; the two can "
                           "live side by side."),
              (3, "tomasz", "Absolutely, they do different jobs: interfaces for the component "
                            "registry, Protocols for the type checker."),
              (0, "rory", "How big was the ignore budget at the start?"),
              (5, "tomasz", "312. Eight months later it's 41. Nobody was asked to fix them; we "
                            "just don't add new ones, and fix the ones near code we touch."),
          ),
          extra="""
              ```python
              from typing import Protocol


              class HasTitle(Protocol):
                  def Title(self) -> str: ...


              def breadcrumb(items: list[HasTitle]) -> str:
                  return " › ".join(item.Title() for item in items)
              ```
              """, slides="type-hints-old-code.pdf"),
    _talk(0.6, "kirsty", "Plain language for people who write code",
          "Error messages, commit messages, READMEs: developers write a lot. Five habits from "
          "plain-language writing that make all of it better.",
          ("say the most important thing first",
           "use the words your reader uses",
           "one idea per sentence",
           "replace \"invalid input\" with what to do instead"),
          (
              (0, "euan", "Doesn't this make error messages longer? Some have to fit in a "
                          "small space."),
              (1, "kirsty", "Sometimes a little longer, but usually *shorter*, because the "
                            "jargon goes. And a long message that solves the problem beats a "
                            "short one that sends people to support."),
              (0, "duncan", "Support can confirm: 'Something went wrong' is the most common "
                            "thing people paste into tickets."),
              (3, "kirsty", "Exactly. Every 'something went wrong' is a ticket we wrote for "
                            "ourselves."),
          ),
          extra="""
              ```text
              Before: Error 422: Validation failed for field 'dob'.
              After:  Enter your date of birth as YYYY-MM-DD, for example 1990-04-23.
              ```
              """),
    _talk(0.69, "alasdair", "Profiling Plone, or where the time goes",
          "One slow page on the intranet, three tools, and the one-line fix at the end.",
          ("`py-spy top` on a live instance, safely",
           "the ZODB cache: hit rates, and why warm-up matters",
           "catalog queries sorted on something that isn't an index",
           "the fix, and how to stop it coming back"),
          (
              (0, "erik", "Is py-spy safe on production? It attaches to the process."),
              (1, "alasdair", "It reads the process's memory from outside, so Python isn't "
                              "paused. I'd still take the instance out of the load balancer "
                              "while profiling if you can."),
              (0, "priya", "So what was the one-line fix?"),
              (3, "alasdair", "`sort_on='sortable_title'` instead of `sort_on='title'`. The "
                              "second isn't an index, so the catalog woke up every object to "
                              "sort them. 4.2 s became 90 ms."),
              (4, "maja", "What a good example. Adding 'is `sort_on` an index?' to our review "
                          "checklist."),
          ),
          extra="""
              ```bash
              py-spy record -o profile.svg --pid "$(pgrep -f instance1)" --duration 30
              ```
              """),
    _talk(0.78, "lucia", "Thinking in Volto blocks",
          "A Volto page is a list of blocks. How blocks are stored, edited and rendered, and "
          "how to design one that editors will love.",
          ("a block is JSON in `blocks`, plus its place in `blocks_layout`",
           "the edit and view components, and the schema-driven sidebar",
           "variations instead of new blocks",
           "what editors actually need: fewer options"),
          (
              (0, "linnea", "When do you make a new block, and when a variation?"),
              (1, "lucia", "Same data, different look: a variation. Different data: a new "
                           "block. The museum's object teaser is a variation of the teaser "
                           "block, and that saved us a week."),
              (0, "kirsty", "Can we stop editors using some blocks in some places?"),
              (3, "lucia", "Yes: allowed blocks per content type, and restrictions per block. "
                           "The museum's object pages allow six block types."),
              (4, "elin", "Fewer choices also means more consistent pages. A designer's "
                          "favourite feature."),
          ),
          extra="""
              ```json
              {
                "blocks": {
                  "a1b2": {"@type": "slate"},
                  "c3d4": {"@type": "teaser", "href": [{"@id": "/exhibitions/ships"}]}
                },
                "blocks_layout": {"items": ["a1b2", "c3d4"]}
              }
              ```
              """, slides="volto-blocks.pdf"),
    _talk(0.87, "noor", "Threat modelling a content management system",
          "What could go wrong with a Plone site, who would do it, and what we already do "
          "about it: STRIDE, one letter at a time, on a real (anonymised) customer site.",
          ("drawing the data flow: editors, visitors, integrations",
           "STRIDE, one letter at a time",
           "the findings: mostly integrations and forgotten accounts",
           "making it a habit: 45 minutes at the start of every project"),
          (
              (0, "hamish", "What was the most surprising finding?"),
              (1, "noor", "An integration account with the Manager role, created years ago for "
                          "a newsletter tool the customer no longer uses. Still active, "
                          "password in an old config file."),
              (2, "erik", "Ouch. Can we check all our sites for accounts like that?"),
              (3, "noor", "Yes: a script that lists users with Manager or Site Administrator "
                          "roles and their last login. I'll share it in Projects."),
              (0, "morag", "Can customers join the 45-minute session?"),
              (5, "noor", "They should! They know their integrations much better than we do."),
          )),
)

STUDY_GROUP_THREADS: tuple[Script, ...] = (
    Script("study", 0.01, "oskar", "How the study group works, and the autumn reading plan",
           _t("""
        We meet every second Tuesday, 16:00 CET / 15:00 UK, for an hour. Someone presents
        notes on a topic, then we read real source code together. Notes go here, one thread
        per topic.

        The autumn plan:

        1. Python descriptors and `property`
        2. Zope acquisition
        3. The Zope Component Architecture
        4. ZODB persistence and BTrees
        5. Dexterity from scratch
        6. GenericSetup and upgrade steps
        7. Workflows
        8. `plone.restapi` from the outside

        To join, reply here or ping me. Everyone is welcome, whatever their level.
        """), (
        (0, "maja", "Thanks for letting me join! I'm the least experienced here, so I'll ask "
                    "the obvious questions."),
        (1, "oskar", "The obvious questions are the best ones. Half of us are pretending to "
                     "know how acquisition works."),
        (0, "priya", "Could we add 'reading the catalog code' at some point? I keep tripping "
                     "over `ZCatalog` internals from the search side."),
        (3, "oskar", "Yes: added as number 9."),
    )),
    Script("study", 0.09, "astrid", "Study notes: descriptors, and how property really works",
           _t("""
        Notes from Tuesday. A descriptor is any object that defines `__get__`, `__set__` or
        `__delete__` and lives on a **class**. Looking up an attribute on an instance checks
        the class for data descriptors first, then the instance `__dict__`, then non-data
        descriptors.

        ```python
        class Positive:
            def __set_name__(self, owner, name):
                self.name = "_" + name

            def __get__(self, obj, objtype=None):
                if obj is None:
                    return self
                return getattr(obj, self.name)

            def __set__(self, obj, value):
                if value <= 0:
                    raise ValueError(f"{self.name[1:]} must be positive")
                setattr(obj, self.name, value)


        class Loan:
            days = Positive()
        ```

        Takeaways:

        - `property` is just a data descriptor written in C.
        - Functions are non-data descriptors: that's how `obj.method` becomes a bound method.
        - Zope's `ComputedAttribute` and `plone.memoize` build on the same mechanism.

        Further reading: the
        [Descriptor HowTo Guide](https://docs.python.org/3/howto/descriptor.html).
        """), (
        (0, "maja", "So when I write `self.method`, Python calls "
                    "`function.__get__(self, type(self))`? That's how `self` gets passed?"),
        (1, "astrid", "Exactly. Try `Loan.__dict__['days'].__get__(loan, Loan)` in a shell; "
                      "it's the same as `loan.days`."),
        (2, "maja", "Tried it. Mind slightly blown."),
        (0, "euan", "One gotcha: data descriptors win over the instance `__dict__`, non-data "
                    "ones lose. That's why `functools.cached_property` (non-data) can cache "
                    "in the instance and a `property` can't."),
        (4, "tomasz", "And `cached_property` doesn't do what you'd hope on persistent "
                      "objects: the cached value lands in `__dict__` and gets pickled into "
                      "the ZODB."),
        (5, "oskar", "Good catch. On persistent objects, use a request-scoped "
                     "`plone.memoize` cache or a `_v_` attribute, which the ZODB never "
                     "stores."),
    ), edits=((0, "", "**Edit:** `__set_name__` needs Python 3.6 or newer; all our projects "
                      "qualify now."),)),
    Script("study", 0.19, "oskar", "Study notes: acquisition, explained with a family tree", _t("""
        Acquisition lets an object find attributes on its *containers*. In Zope,
        `aq_parent(doc)` is the folder an object was reached through, and any attribute not
        found on the object is looked up there, then on its parent, and so on.

        ```python
        from Acquisition import aq_inner, aq_parent

        folder = portal.exhibitions
        doc = folder.ships

        doc.title                             # its own title
        doc.portal_catalog                    # acquired from the site root!
        aq_parent(aq_inner(doc)) is folder    # True
        ```

        Why it exists: in 1998 it was a neat way to share templates and settings down a
        tree. Why it bites: a typo in an attribute name can silently find something *else*
        further up.

        Rule of thumb for new code: `aq_inner` before walking up, and explicit lookups
        (`api.portal.get_tool("portal_catalog")`) rather than acquired names.
        """), (
        (0, "rory", "So if I ask a document for an attribute it doesn't have, the value could "
                    "come from the folder?"),
        (1, "oskar", "Yes, or from the site root. That's how a museum page once showed the "
                     "site's title as its own."),
        (0, "alasdair", "The family-tree version I use when teaching: you can borrow a tool "
                        "from any ancestor, but you never know whose tool you got unless you "
                        "ask."),
        (0, "mateus", "Does code behind the REST API still need to care about this?"),
        (4, "oskar", "Less, because the API serialises explicit fields. But the server-side "
                     "code still runs in an acquisition context, so yes, a little."),
    )),
    Script("study", 0.29, "euan", "Study notes: the Zope Component Architecture", _t("""
        The ZCA is a registry that answers: *given these objects and this interface, give
        me something that does the job*.

        - **Utility**: a singleton looked up by interface (and optional name). Think "the
          mail host".
        - **Adapter**: turns an object providing `IA` into something providing `IB`.
        - **Multi-adapter**: adapts several objects at once; browser views are
          multi-adapters of `(context, request)`.

        ```python
        from zope.component import adapter
        from zope.interface import implementer


        @implementer(ISearchableText)
        @adapter(IMuseumObject)
        class ObjectSearchableText:
            def __init__(self, context):
                self.context = context

            def __call__(self):
                c = self.context
                return " ".join(filter(None, [c.title, c.inventory_number, c.dating]))
        ```

        Registered in ZCML with `<adapter factory=".indexers.ObjectSearchableText" />`.
        """), (
        (0, "priya", "How is this different from `functools.singledispatch`? That also picks "
                     "an implementation by type."),
        (1, "euan", "`singledispatch` dispatches on one argument's *class*. The ZCA "
                    "dispatches on *interfaces* (which objects can declare after the fact), "
                    "on several objects at once, and a site can override a lookup in its "
                    "local registry."),
        (2, "priya", "The per-site override is what I was missing. So the museum site could "
                     "register its own `ObjectSearchableText` without touching the add-on?"),
        (3, "euan", "Yes: with a more specific interface, or in the site's local component "
                    "registry. That's how most Plone customisation works."),
        (0, "maja", "Why the `__call__`? Couldn't it be a plain function?"),
        (5, "oskar", "You can register a function as an adapter factory, yes. Classes are "
                     "common because they can keep state and offer several methods."),
    )),
    Script("study", 0.37, "tomasz", "Study notes: BTrees, and when to use them", _t("""
        Following up on @oskar's Friday talk, we read the `BTrees` package.

        - `OOBTree` has object keys and values, `IOBTree` integer keys, and so on.
        - Each bucket is a separate persistent object, so changing one key writes one
          bucket, not the whole mapping.
        - Conflicts are resolved per bucket: two transactions adding *different* keys
          usually don't conflict.

        ```python
        from BTrees.Length import Length
        from BTrees.OOBTree import OOBTree
        from persistent import Persistent


        class Registry(Persistent):
            def __init__(self):
                self.items = OOBTree()
                self.count = Length()

            def add(self, key, value):
                if key not in self.items:
                    self.count.change(1)
                self.items[key] = value
        ```

        Don't call `len()` on a big BTree: it walks every bucket. That's why `Length` exists.
        """), (
        (0, "mateus", "So a `PersistentMapping` with 100 000 entries is rewritten completely "
                      "on every change?"),
        (1, "tomasz", "Yes, as one big pickle each time. The classic reason a `Data.fs` grows "
                      "fast."),
        (2, "alasdair", "We had exactly that on an old customer site: 2 GB of `Data.fs` growth "
                        "a week from one `PersistentMapping` of user preferences. An "
                        "`OOBTree` fixed it."),
        (0, "astrid", "Is iterating a BTree in key order cheap? The museum wants objects "
                      "listed by inventory number."),
        (4, "tomasz", "Iteration is in key order and lazy, bucket by bucket, so yes. "
                      "`items.keys(min='M-1900', max='M-1999')` gives you a range without "
                      "loading the rest."),
    )),
    Script("study", 0.47, "alasdair", "Study notes: a Dexterity content type from scratch",
           _t("""
        We built a content type in 40 minutes without a generator, to see every part:

        1. A schema: a `model.Schema` subclass with fields.
        2. An FTI in `profiles/default/types/Exhibition.xml`.
        3. Behaviors: `plone.dublincore`, `plone.namefromtitle`, `plone.leadimage`.
        4. A class, only if you need methods; otherwise `plone.dexterity.content.Container`.

        ```xml
        <property name="behaviors" purge="false">
          <element value="plone.dublincore"/>
          <element value="plone.namefromtitle"/>
          <element value="plone.leadimage"/>
        </property>
        ```

        The lesson: most of a content type is *configuration*. Code is the exception.
        """), (
        (0, "rory", "When do you need a custom class, then?"),
        (1, "alasdair", "When the object needs behaviour that depends on its own data: "
                        "computed values, or methods other code calls. The museum's `Loan` "
                        "has `is_active()`, so it has a class."),
        (0, "priya", "Are behaviors adapters under the hood?"),
        (3, "alasdair", "Yes! A behavior is a registered adapter plus a marker interface, so "
                        "adapting the object to the behavior's interface gives you its "
                        "fields. It ties back nicely to Euan's ZCA notes."),
    )),
    Script("study", 0.57, "mateus", "Study notes: GenericSetup profiles and upgrade steps", _t("""
        GenericSetup imports XML into a site: types, workflows, registry records, catalog
        indexes. A profile has a version in `metadata.xml`; when you change the profile,
        you bump the version and write an **upgrade step**.

        ```xml
        <genericsetup:upgradeStep
            source="1003"
            destination="1004"
            title="Add is_on_loan index"
            profile="harbour.site:default"
            handler=".upgrades.add_loan_index"
            />
        ```

        ```python
        from plone import api


        def add_loan_index(context):
            catalog = api.portal.get_tool("portal_catalog")
            if "is_on_loan" not in catalog.indexes():
                catalog.addIndex("is_on_loan", "BooleanIndex")
                catalog.manage_reindexIndex(ids=["is_on_loan"])
        ```

        The rule: an upgrade step must be safe to run twice.
        """), (
        (0, "euan", "And never import a whole profile in an upgrade step unless you mean it: "
                    "it re-applies *everything*, including settings editors changed through "
                    "the web."),
        (1, "mateus", "Learned that the hard way: re-importing `registry.xml` reset the site "
                      "title on a customer's site."),
        (0, "tomasz", "Adding an index is cheap; reindexing it on 48 000 objects is not. We "
                      "run those at night."),
        (3, "maja", "That's the Solr incident from the on-call hand-overs, isn't it? Same "
                    "lesson, different index."),
    )),
    Script("study", 0.68, "priya", "Study notes: workflows, and why review_state is a string",
           _t("""
        A Plone workflow is a state machine: states, transitions, and a permission map per
        state.

        - The history lives in `workflow_history`; `review_state` in the catalog is just an
          *index* of the current state.
        - Guards on transitions decide who may move an object.
        - After you change a workflow's definition, existing objects keep their old
          permissions until security settings are updated.

        The thing I'd never understood: a state doesn't *do* anything except set
        permissions. "Published" means "Anonymous has View", nothing more.

        ```python
        from plone import api

        api.content.transition(obj=doc, transition="publish")
        api.content.get_state(obj=doc)  # 'published'
        ```
        """), (
        (0, "rory", "So 'private' is just 'only Owner and Manager have View'?"),
        (1, "priya", "In the default workflow, yes. You can see it in the ZMI under "
                     "`portal_workflow`, on each state's permissions tab."),
        (0, "oskar", "And after changing the definition, remember 'update security "
                     "settings'. Otherwise old objects keep their old permission maps."),
        (2, "priya", "Which is also why that button can take hours on a big site: it "
                     "touches every object."),
    )),
    Script("study", 0.8, "maja", "Study notes: context managers and ExitStack", _t("""
        My first notes for the group!

        A context manager is an object with `__enter__` and `__exit__`.
        `contextlib.contextmanager` turns a generator into one:

        ```python
        from contextlib import contextmanager


        @contextmanager
        def savepoint(txn):
            sp = txn.savepoint()
            try:
                yield sp
            except Exception:
                sp.rollback()
                raise
        ```

        `ExitStack` is for when you don't know in advance how many things you'll open:

        ```python
        from contextlib import ExitStack

        with ExitStack() as stack:
            files = [stack.enter_context(open(p, encoding="utf-8")) for p in paths]
        ```

        A question I couldn't answer: what happens if `__exit__` itself raises?
        """), (
        (0, "astrid", "Great first notes, @maja! If `__exit__` raises, the new exception "
                      "replaces the original one, with the original attached as "
                      "`__context__`. You see both in the traceback."),
        (1, "maja", "Ah, that's the 'During handling of the above exception, another "
                    "exception occurred' message!"),
        (2, "astrid", "Exactly that one."),
        (0, "euan", "The savepoint example is nice: the import script uses that pattern, so "
                    "one bad item doesn't roll back a two-hour import."),
    )),
    Script("study", 0.93, "rory", "Study notes: plone.restapi from the outside", _t("""
        I tried the REST API with nothing but `curl`:

        ```bash
        curl -s -H 'Accept: application/json' \\
          https://intranet-staging.example.org/news | jq '.items[].title'

        curl -s --netrc -X PATCH \\
          -H 'Content-Type: application/json' -H 'Accept: application/json' \\
          -d '{"title": "Lunch menu, week 12"}' \\
          https://intranet-staging.example.org/lunch/week-12
        ```

        What surprised me:

        - Every URL is also an API endpoint; the `Accept` header decides which you get.
        - Expansion (`?expand=breadcrumbs,navigation`) saves round trips.
        - Errors come back as JSON with a `type` and a `message`, which is lovely.
        """), (
        (0, "mateus", "Tip: `/@search?portal_type=News%20Item&sort_on=effective"
                      "&sort_order=reverse` gives you the latest news, with the next page in "
                      "`batching.next`."),
        (0, "alasdair", "This is also why Volto works: it's a JavaScript client of exactly "
                        "this API. Anything Volto does, your `curl` can do."),
        (2, "rory", "That makes Volto much less mysterious, thanks."),
        (0, "priya", "Good call using `--netrc` rather than `-u user:password`: the latter "
                     "ends up in your shell history."),
    )),
)

PUBLIC_NOTES: tuple[Script, ...] = (
    Script("public", 0.22, "marta", "Why we write things down", _t("""
        We are about forty people in two offices and a handful of home offices. We can't
        rely on overhearing things in the kitchen, so we write:

        - **Decisions**, with the reasons, so people who join later know *why*.
        - **Hand-overs**, every week, when on-call duty moves from one person to the next.
        - **Study notes** from our reading group, so the learning doesn't end with the
          meeting.

        Writing takes time. It's also the cheapest way we know to make a team less
        dependent on who happens to be in the room.
        """), (
        (0, "johan", "The best side effect: writing a decision down often shows it wasn't "
                     "actually decided yet."),
        (0, "aino", "Speaking as the technical writer: the goal isn't more documents, it's "
                    "fewer, better ones that people keep up to date."),
        (2, "marta", "Yes. We delete at least as much as we write."),
    )),
    Script("public", 0.48, "hamish", "How we run on-call without heroes", _t("""
        At our size each person is on the on-call rota about one week in ten. What keeps it
        sustainable:

        1. **Weekly hand-over notes**, in writing, so nobody starts a week blind.
        2. **Runbooks** for every alert that can wake someone up.
        3. **Only urgent things page.** Everything else waits for the morning.
        4. **Shadow weeks** for people new to the rota.
        5. **Time off in lieu** after a night page, no questions asked.

        The goal is boring weeks. A hero who fixes everything at 3 a.m. is a sign that
        something upstream needs fixing.
        """), (
        (0, "duncan", "Point 5 matters more than people think. Knowing you can sleep in "
                      "after a night page makes the page itself less stressful."),
        (0, "noor", "We also review every page the following week: was it urgent, and was "
                    "the runbook right? Most improvements come from that review."),
    )),
    Script("public", 0.58, "sofia", "Accessibility is part of \"done\"", _t("""
        We used to treat accessibility as an audit at the end of a project. Now a story
        isn't done until:

        - it works with the keyboard alone,
        - a screen reader announces what changed,
        - text contrast is at least 4.5:1,
        - the automated checks (axe) pass in CI.

        It costs a few minutes per story. Fixing the same issues after launch costs days.
        """), (
        (0, "catriona", "From QA: accessibility bugs found after release went from 'lots' to "
                        "'a few' in about six months."),
        (0, "linnea", "It also made me a better frontend developer. Semantic HTML first, "
                      "ARIA only when needed."),
        (2, "sofia", "The first rule of ARIA: don't use ARIA if HTML can do the job."),
    )),
    Script("public", 0.7, "euan", "Migrating a 15-year-old Plone site: five lessons", _t("""
        We moved a customer's intranet from Plone 4.3 on Python 2.7 to Plone 6. What we'd
        tell anyone about to do the same:

        1. **Audit the content first.** 61 % of the pages had no views in a year.
        2. **Export and import** rather than upgrading in place when you cross from
           Python 2 to 3.
        3. **Do dry runs, and time every step.**
        4. **Keep the old URLs working.**
        5. **Tell the editors** what's happening, early and often.
        """), (
        (0, "marta", "Lesson 5 is the one we got wrong in the first dry run, so it has earned "
                     "its place on the list."),
        (0, "tomasz", "For anyone doing the same: "
                      "[collective.exportimport](https://github.com/collective/collective.exportimport)"
                      " did most of the heavy lifting. Thank you to its maintainers."),
    )),
    Script("public", 0.88, "callum", "A year of Friday talks", _t("""
        Every Friday at three, one of us talks for 30 minutes about something they know or
        are learning. Forty-one talks so far: ZODB internals, accessibility, search
        relevance, plain language, threat modelling, and one memorable talk on the history
        of the Forth Bridge.

        What we have learned about running them:

        - Short is better: 30 minutes, including questions.
        - Anyone can speak; first-timers get a practice run.
        - Recordings and notes go online the same day.
        """), (
        (0, "rory", "I gave my first talk ever this year. The practice run made all the "
                    "difference."),
        (0, "oskar", "The questions afterwards are often better than the talk. Several turned "
                     "into study-group topics."),
    )),
    Script("public", 0.95, "kirsty", "Plain language: before and after", _t("""
        Some examples from our work this year.

        > **Before:** Users are advised that applications submitted subsequent to the
        > deadline will not be processed.
        >
        > **After:** We can't accept applications after the deadline.

        > **Before:** Authentication failure. Please retry.
        >
        > **After:** That password doesn't match. Check caps lock, or reset your password.

        Shorter, clearer and friendlier. Not dumbed down: respectful of the reader's time.
        """), (
        (0, "aino", "My favourite was in a README: 'This project leverages a multitude of "
                    "paradigms' became 'This is a Plone add-on for museum collections'."),
        (0, "eilidh", "In user tests people read the 'after' versions about twice as fast. "
                      "Plain language is a usability feature."),
    )),
)

SCRIPTS: tuple[Script, ...] = (
    *STAFF_ROOM, *BOOK_CLUB, *PROJECTS, *HARBOUR, *INTRANET, *FRIDAY_TALKS,
    *STUDY_GROUP_THREADS, *PUBLIC_NOTES,
)


# --- generated threads: on-call hand-overs ---------------------------------


@dataclass(frozen=True)
class Incident:
    text: str
    question: str
    answer: str


INCIDENTS: tuple[Incident, ...] = (
    Incident("Tue 03:12: disk on `zeo-01` at 92 %. The weekly pack had been failing since the "
             "Python upgrade (the cron job still pointed at the old `bin/zeopack`). Packed by "
             "hand and fixed the cron entry.",
             "Is there an alert now if the pack fails again, or only on the disk?",
             "Only the disk for now. I've added a check that `Data.fs.old` is less than eight "
             "days old; it goes live on Monday."),
    Incident("Wed: the certificate renewal for `harbourmuseum.example.org` failed because the "
             "DNS record had moved to the museum's own provider. Renewed by hand with a DNS "
             "challenge.",
             "Who owns that DNS now, us or the museum? The renewal will fail again in 60 days.",
             "The museum's IT. They've agreed to add a CNAME for `_acme-challenge` pointing to "
             "us; the ticket is with Greta's colleague."),
    Incident("Thu 14:40: Varnish served stale listings on the intranet after a bulk publish. "
             "Purging by URL doesn't cover the search views.",
             "Couldn't we purge by tag instead? I thought `plone.cachepurging` could do that.",
             "It can, with `xkey`; we just never switched it on. It's on the list for the "
             "next maintenance window."),
    Incident("Sat 09:05: memory alarm on intranet instance 2 (4.1 GB resident). Restarted it; "
             "the last deploy had raised `zodb-cache-size` to 80 000 objects.",
             "Was 80 000 deliberate? I remember someone testing bigger caches for the catalog.",
             "Deliberate, but meant for the clients with 8 GB, not the 4 GB ones. The value "
             "is now set per host in the inventory."),
    Incident("Mon: the Solr reindex took 3 hours instead of 40 minutes; a new index on "
             "`Subject` triggered a full reindex during office hours.",
             "Should reindexes always go through the change calendar?",
             "Yes, anything longer than ten minutes. It's in the deploy checklist now."),
    Incident("Fri: a flood of Sentry errors from a bot requesting image scales that don't "
             "exist. Rate-limited the path in nginx.",
             "Does the rate limit affect real visitors on slow connections that retry?",
             "It's 20 requests a second per address with a burst of 40; a person can't reach "
             "that. The logs show no legitimate 429s so far."),
    Incident("Wed: restore test of Sunday's `Data.fs` and blob storage on `restore-test`. "
             "It worked, in 22 minutes.",
             "22 minutes is good. Did you check the blobs too, or only that the site started?",
             "Opened 50 random files and images through the site; all fine. The script for "
             "that is in the runbook now."),
    Incident("Tue: the cron job on `mail-relay` stopped after a reboot; its systemd timer "
             "wasn't enabled. Enabled it and wrote it down.",
             "Could other timers have the same problem?",
             "I checked every host with `systemctl list-timers --all`: two more were "
             "disabled, both enabled now."),
    Incident("Thu: a reporting query on the booking database blocked autovacuum for six "
             "hours. Cancelled it and talked to the report's owner.",
             "Can we put a statement timeout on the reporting user?",
             "Done: `ALTER ROLE reporting SET statement_timeout = '15min';`, and the report "
             "now runs against the replica."),
    Incident("Mon: the Volto build was killed for running out of memory on CI. Raised the "
             "memory limit for that job.",
             "Is it the build itself or the tests that use the memory?",
             "The webpack build. `NODE_OPTIONS=--max-old-space-size=6144` plus the larger "
             "runner fixed it."),
    Incident("Wed: the museum's translation export failed on file names with `å` and `ö`; "
             "the zip was written without the UTF-8 flag.",
             "Isn't Python's `zipfile` UTF-8 by default these days?",
             "For non-ASCII names, yes, but the old code built each `ZipInfo` by hand with "
             "`flag_bits = 0`. A one-line fix; the pull request is open."),
    Incident("Sun 22:30: a login loop on the intranet for a handful of people. Old cookies "
             "from the staging domain shadowed the real one.",
             "Do we need to tell people to clear their cookies?",
             "No: I renamed the staging cookie, so the conflict goes away on its own."),
    Incident("Fri 16:55 (of course): the museum's event calendar showed times in UTC. The "
             "timezone setting was lost in the Plone upgrade.",
             "Do we have a test for the site timezone? It's the second time this has bitten "
             "us.",
             "We do now: a smoke test that compares an event's displayed time with the "
             "expected local time."),
    Incident("Tue: backups to the offsite bucket slowed to 5 MB/s because the provider had a "
             "degraded region. They finished overnight.",
             "Would we get an alert if a backup didn't finish by morning?",
             "Yes, the backup-age check fires when the newest backup is older than 26 hours. "
             "It didn't fire, so the margin was fine."),
    Incident("Thu: an editor uploaded a 900 MB video to a customer's site; the request timed "
             "out and was retried three times. Pointed them to the video platform and set an "
             "upload limit of 200 MB.",
             "Should the limit be in nginx or in Plone?",
             "Both: `client_max_body_size 200m` in nginx to protect the servers, and a "
             "friendly validation message in Plone so editors know why."),
    Incident("Mon: HAProxy marked every instance down for 40 seconds during a deploy. The "
             "health check used a view that needs the catalog, which was still warming up.",
             "Should the health check be a simpler view?",
             "Yes: there's now an `@@ok` view that only checks the database connection. "
             "Deploys are invisible again."),
)

STILL_OPEN = (
    "OPS-431: move the last site off the old ZEO server (waiting for the customer's go-ahead).",
    "The certificate for `intranet-staging` expires in 12 days. Renewal is automatic, but "
    "check that it happened.",
    "The museum's monitoring dashboard still shows the old host names.",
    "Disk usage on `solr-02` is climbing about 1 GB a day; probably logs, not looked at yet.",
    "Security updates for the Edinburgh file server are scheduled for Wednesday night.",
    "A customer asked for last month's access logs; waiting for the signed request before we "
    "send anything.",
    "The `restore-test` machine needs a bigger disk before the next restore test.",
    "The nginx role in Ansible still deploys the old TLS ciphers on two hosts.",
)

WATCH_OUT = (
    "A big content import on the intranet on Thursday night: expect a long catalog queue.",
    "The museum launch is on the 14th; be reachable from 07:00.",
    "The booking system moves to Python 3.12 on Tuesday; the rollback plan is in the ticket.",
    "Edinburgh has a power test on Saturday morning; the office switch is down for an hour.",
    "Varnish memory is at 85 %. If it passes 95 %, raise it; the host has room.",
    "The registrar changes its API on the 1st, so the DNS script may break.",
    "The calendar is quiet this week, which usually means something surprising. Good luck.",
    "A load test against the museum's staging site on Wednesday afternoon (agreed with "
    "Greta); ignore alerts from staging then.",
)

OPS_FOLLOW_UPS = (
    "Nice. Could you add that to the runbook so the next person finds it at 3 a.m.?",
    "I'll review the runbook change tomorrow morning.",
    "Small fix, big relief. This would make a good five-minute Friday talk.",
    "Thanks for chasing it down. Closing my related ticket.",
    "Good to know. Staging had the same symptom last month and I never found out why.",
    "Let's bring this to the monitoring review on Thursday.",
)

ON_CALL_ROTA = ("erik", "hamish", "nils", "duncan", "anders", "alasdair", "noor", "euan",
                "astrid")
ON_CALL_MOODS = (
    "A fairly quiet week.", "A busier week than I'd like.", "Mostly quiet, one proper incident.",
    "Nothing on fire, a few things smouldering.",
)


def _first_name(handle: str) -> str:
    return next(p.name.split()[0] for p in PEOPLE if p.handle == handle)


def _on_call(rng: random.Random, weeks: int = 8) -> list[Script]:
    incidents = list(INCIDENTS)
    rng.shuffle(incidents)
    open_items = rng.sample(STILL_OPEN, weeks)
    watch_items = rng.sample(WATCH_OUT, weeks)
    follow_ups = list(OPS_FOLLOW_UPS)
    scripts = []
    for week in range(weeks):
        giver, taker = ON_CALL_ROTA[week], ON_CALL_ROTA[week + 1]
        first, second = incidents[2 * week], incidents[2 * week + 1]
        body = (f"Handing over to @{taker}. {rng.choice(ON_CALL_MOODS)}\n\n"
                f"**What happened**\n\n- {first.text}\n- {second.text}\n\n"
                f"**Still open**\n\n- {open_items[week]}\n\n"
                f"**Watch out for**\n\n- {watch_items[week]}\n\n"
                "Runbooks are on the [ops wiki](https://wiki.example.org/ops/runbooks). "
                "The pager was tested on Monday.")
        replies: list[Reply] = [
            (0, taker, f"Thanks @{giver}, I have the pager. {first.question}"),
            (1, giver, first.answer),
        ]
        if rng.random() < 0.7:
            asker = rng.choice([h for h in ON_CALL_ROTA if h not in (giver, taker)])
            replies += [(0, asker, second.question), (len(replies) + 1, giver, second.answer)]
        if rng.random() < 0.6:
            follower = rng.choice([h for h in ON_CALL_ROTA if h != giver])
            replies.append((2 if rng.random() < 0.5 else len(replies),
                            follower, follow_ups.pop(rng.randrange(len(follow_ups)))
                            if follow_ups else "Thanks for the write-up."))
        edits: tuple[tuple[int, str, str], ...] = ()
        if open_items[week].startswith("OPS-431"):
            edits = ((0, "", "**Edit:** OPS-431 is done; the customer said yes on Friday."),)
        age = 0.04 + week * (0.92 / (weeks - 1)) + rng.uniform(-0.02, 0.02)
        scripts.append(Script("projects", age, giver,
                              f"On-call hand-over: week {week + 1}, {_first_name(giver)} → "
                              f"{_first_name(taker)}",
                              body, tuple(replies), edits=edits))
    return scripts


# Short replies anyone might add to any thread; "@@" becomes the parent's handle.
CHATTER = (
    "Thanks for writing this up. Saving it for the next time I need it.",
    "Really useful, thank you. I'd missed half of this.",
    "Tack för att du skrev ihop det här! (Thanks for putting this together.)",
    "Late to the thread, but I agree with the above.",
    "Could we link this from the wiki? It'll be hard to find in six months otherwise.",
    "Following with interest.",
    "Good summary. It would have taken me an hour to get this from the recording.",
    "This answers the question I was about to ask. Thanks!",
    "@@ that's a good point; I hadn't thought of it that way.",
    "@@ agreed, and it's worth writing down somewhere more permanent.",
    "@@ do you have an example? I'd like to see how that looks in practice.",
    "Reading this on the tram home. Good thread.",
    "Hej från Göteborg! Catching up after a week off; this was a good one to come back to.",
    "We talked about this over lunch in Edinburgh: general agreement, and one question about "
    "timing that I'll ask separately.",
    "+1 from me.",
    "Happy to help if anything here needs another pair of hands.",
    "This is the kind of thread that makes me glad we left the mailing list.",
    "@@ exactly this.",
    "Bookmarked. Could someone add a short summary at the top once it settles?",
    "Noting this for our planning meeting on Thursday.",
)


# --- planning --------------------------------------------------------------


_CODE = re.compile(r"```.*?```|`[^`\n]*`", re.DOTALL)


def _check_mentions(body: str, handles: set[str]) -> None:
    """Every @-mention outside code must name a demo member."""
    for word in _CODE.sub(" ", body).split():
        if word.startswith("@") and len(word) > 1 and word[1] != "@":
            name = word[1:].rstrip(".,:;!?)'\"*")
            if name.isidentifier() and name.islower() and name not in handles:
                raise AssertionError(f"demo text mentions @{name}, who is not a demo member")


def _thread_from_script(script: Script, rng: random.Random,
                        posters: dict[str, list[str]], chatter: list[str]) -> ThreadPlan:
    """Turn a script into posts, adding a little random chatter to some threads."""
    eligible = posters[script.conference]
    handles = {p.handle for p in PEOPLE}

    def author(wanted: str, parent_author: str) -> str:
        if wanted:
            if wanted not in eligible:
                raise AssertionError(f"@{wanted} cannot post in {script.conference}")
            return wanted
        return rng.choice([h for h in eligible if h != parent_author])

    posts = [PostPlan(author(script.author, ""), script.body, None)]
    for parent, who, body in script.replies:
        if not 0 <= parent < len(posts):
            raise AssertionError(f"{script.subject!r}: reply to a later post")
        posts.append(PostPlan(author(who, posts[parent].author), body, parent))
    leaves_alone = {script.delete, script.hide[0] if script.hide else None}
    extra = rng.choices((0, 1, 2), weights=(55, 35, 10))[0] if script.lock is None else 0
    for _ in range(extra):
        if not chatter:
            break
        parent = rng.choice([i for i in range(len(posts)) if i not in leaves_alone])
        body = chatter.pop(rng.randrange(len(chatter)))
        who = author("", posts[parent].author)
        posts.append(PostPlan(who, body.replace("@@", "@" + posts[parent].author), parent))
    for post in posts:
        _check_mentions(post.body, handles)
    edits = []
    for index, old, new in script.edits:
        before = posts[index].body
        if old and old not in before:
            raise AssertionError(f"{script.subject!r}: edit does not match post {index}")
        edits.append(EditPlan(index, before.replace(old, new) if old else f"{before}\n\n{new}"))
    return ThreadPlan(script.conference, script.subject, script.age, posts, edits,
                      script.pin, script.lock, script.hide, script.delete)


def _viewer(person: Person) -> Viewer:
    """A stand-in viewer whose id is the handle, matching ConferencePlan.access()."""
    return Viewer(person.handle, person.role)


def _reads(rng: random.Random, threads: list[ThreadPlan],
           readers: dict[str, list[str]]) -> list[ReadPlan]:
    """Most people have read most older threads; newer ones are patchier.

    The administrator reads like everyone else but never the newest thread of a
    conference, so the front page shows unread posts in several conferences.
    """
    newest: dict[str, int] = {}
    for index, thread in enumerate(threads):
        newest[thread.conference] = index  # threads are in age order
    reads = []
    for person in PEOPLE:
        for index, thread in enumerate(threads):
            if person.handle not in readers[thread.conference]:
                continue
            last = len(thread.posts)
            roll = rng.random()
            if thread.age < 0.7:
                full, partial = 0.9, 0.06
            else:
                full, partial = 0.35, 0.3
            if person.handle == ADMIN_HANDLE and index == newest[thread.conference]:
                full, partial = 0.0, 0.5
            if roll < full:
                up_to = last
            elif roll < full + partial and last > 1:
                up_to = rng.randint(1, last - 1)
            else:
                continue
            reads.append(ReadPlan(person.handle, index, up_to))
    return reads


def plan_demo(seed: int = 7) -> DemoPlan:
    """The whole demo as data: deterministic for a given seed, and checked for consistency."""
    rng = random.Random(seed)
    people = list(PEOPLE)
    profiles = {p.handle: _profile(p, rng) for p in people}
    posters = {c.key: [p.handle for p in people if can_post(_viewer(p), c.access())]
               for c in CONFERENCES}
    readers = {c.key: [p.handle for p in people if can_read(_viewer(p), c.access())]
               for c in CONFERENCES}
    chatter = list(CHATTER)
    scripts = [*SCRIPTS, *_on_call(rng)]
    rng.shuffle(scripts)  # so the chatter lands in different threads per seed
    plans = [_thread_from_script(s, rng, posters, chatter) for s in scripts]
    plans.sort(key=lambda t: t.age)
    return DemoPlan(people, profiles, list(CONFERENCES), plans, _reads(rng, plans, readers))


# --- rooms -------------------------------------------------------------------


@dataclass(frozen=True)
class RoomPlan:
    """A chat room and what was said in it: (handle, text, index replied to or None).
    ``conference`` attaches it to a conference (by key); ``direct`` makes it a
    conversation between ``members``. Reactions: (message index, handle, emoji)."""

    slug: str
    name: str
    topic: str
    creator: str
    members: tuple[str, ...]
    said: tuple[tuple[str, str, int | None], ...]
    reactions: tuple[tuple[int, str, str], ...] = ()
    conference: str | None = None
    direct: bool = False


ROOMS: tuple[RoomPlan, ...] = (
    RoomPlan("coffee-corner", "Coffee corner", "Say hello. Nothing here is urgent.", "maja",
             ("maja", "astrid", "fiona", "callum", "priya", "tomasz", "noor", "johan", "iona"), (
        ("maja", "Good morning from a rainy Gothenburg ☔", None),
        ("fiona", "Sunny in Edinburgh, for once. Enjoy it while it lasts, says the forecast.", 0),
        ("priya", "Morning! Working from the allotment shed today, the wifi reaches 🌱", None),
        ("tomasz", "@priya that shed has better uptime than our staging server", 2),
        ("astrid", "Has anyone tried the new espresso machine on floor 2?", None),
        ("johan", "Yes. It makes *one* kind of coffee, but it makes it well.", 4),
        ("callum", "Reminder: Friday talk is @noor on accessibility testing, 15:00 CET.", None),
        ("noor", "Slides are nearly done. Bring questions, the harder the better.", 6),
        ("iona", "I'll bring the screen reader demo laptop.", 7),
        ("maja", "Lunch walk at 12 for anyone in Gothenburg?", None),
        ("astrid", "In!", 9),
    ), reactions=((1, "maja", "😄"), (3, "priya", "😄"), (6, "fiona", "👍"), (7, "callum", "🎉"),
                  (10, "maja", "👍"))),
    RoomPlan("incident-room", "Incident room", "Live coordination when something is on fire.",
             "admin", ("admin", "euan", "morag", "karin", "johan"), (
        ("euan", "Harbour Museum site returns 502 for some visitors since 09:12.", None),
        ("morag", "Looking. The cache node in Edinburgh restarted at 09:10.", 0),
        ("karin", "Customer called; I told them we're on it and will update by 10:00.", None),
        ("morag", "Cache warm again, errors gone since 09:31. Watching it.", 1),
        ("johan", "Let's write it up as an incident review in Projects this week.", 3),
        ("admin", "Thanks all. Closing the incident; review thread to follow.", None),
    ), reactions=((3, "karin", "🙏"), (5, "euan", "✅"))),
    RoomPlan("friday-talks-live", "Friday talks live", "Questions during the talk go here.",
             "callum", ("callum", "noor", "linnea", "hamish"), (
        ("callum", "We start in five minutes. Questions here, please.", None),
        ("linnea", "Can the axe checks run in our CI, or only in the browser?", None),
        ("noor", "Both: we run axe-core from the end-to-end tests, I'll show it.", 1),
        ("hamish", "Recording will be in the Friday talks conference afterwards?", None),
        ("callum", "Yes, with the slides and the write-up.", 3),
    ), reactions=((2, "linnea", "👍"),), conference="talks"),
    RoomPlan("dm-admin-astrid", "", "", "admin", ("admin", "astrid"), (
        ("admin", "Could you look at the Plone upgrade notes before Thursday?", None),
        ("astrid", "Sure, I'll read them tomorrow morning.", 0),
    ), direct=True),
)


# --- loading ---------------------------------------------------------------


class _Loader:
    def __init__(self, svc: Services, plan: DemoPlan,
                 progress: Callable[[int], None] | None) -> None:
        self.svc = svc
        self.plan = plan
        self.progress = progress
        self.viewers: dict[str, Viewer] = {}
        self.conference_ids: dict[str, str] = {}
        self.done = 0
        self.reported = -1

    def tick(self) -> None:
        self.done += 1
        if self.progress is not None:
            percent = min(100, self.done * 100 // max(1, self.plan.steps))
            if percent != self.reported:
                self.reported = percent
                self.progress(percent)

    def as_(self, handle: str) -> Viewer:
        return self.viewers[handle]

    def register(self, admin_password: str) -> None:
        for person in self.plan.people:
            is_admin = person.handle == ADMIN_HANDLE
            command = RegisterMember(
                person.handle, person.name, email_for(person),
                admin_password if is_admin else secrets.token_urlsafe(18), person.role)
            actor = members.SYSTEM if is_admin else self.as_(ADMIN_HANDLE)
            member_id = members.register_member(self.svc, actor, command)
            self.viewers[person.handle] = Viewer(member_id, person.role)
            self.tick()
        for person in self.plan.people:
            profile = self.plan.profiles[person.handle]
            members.update_profile(self.svc, self.as_(person.handle), UpdateProfile(
                person.name, profile.bio, profile.skills, profile.interests,
                profile.can_teach, person.share_read_history))
            self.tick()

    def principal(self, principal: str) -> str:
        if ":" in principal or principal == "members":
            return principal
        member_id = self.as_(principal).member_id
        assert member_id is not None
        return f"member:{member_id}"

    def create_conferences(self) -> None:
        admin = self.as_(ADMIN_HANDLE)
        for conf in self.plan.conferences:
            parent = self.conference_ids[conf.parent] if conf.parent else None
            self.conference_ids[conf.key] = conferences.create_conference(
                self.svc, admin,
                CreateConference(conf.slug, conf.name, conf.visibility, conf.resume, parent))
            self.tick()
        for conf in self.plan.conferences:
            entries = tuple((self.principal(p), a) for p, a in conf.acl)
            conferences.set_conference_acl(
                self.svc, admin, SetConferenceAcl(self.conference_ids[conf.key], entries))
            self.tick()

    def post_threads(self) -> list[str]:
        moderators = {c.key: c.moderator for c in self.plan.conferences}
        thread_ids = []
        for plan in self.plan.threads:
            first, *replies = plan.posts
            thread_id, post_id = threads.start_thread(
                self.svc, self.as_(first.author),
                StartThread(self.conference_ids[plan.conference], plan.subject, first.body))
            self.tick()
            post_ids = [post_id]
            for reply in replies:
                assert reply.parent is not None
                post_id, _seq = threads.post_reply(
                    self.svc, self.as_(reply.author),
                    PostReply(thread_id, post_ids[reply.parent], reply.body))
                post_ids.append(post_id)
                self.tick()
            for edit in plan.edits:
                threads.edit_post(self.svc, self.as_(plan.posts[edit.post].author),
                                  EditPost(thread_id, post_ids[edit.post], edit.body))
                self.tick()
            moderator = self.as_(moderators[plan.conference])
            if plan.hide is not None:
                index, reason = plan.hide
                threads.hide_post(self.svc, moderator,
                                  HidePost(thread_id, post_ids[index], reason))
                self.tick()
            if plan.delete is not None:
                threads.delete_post(self.svc, self.as_(plan.posts[plan.delete].author),
                                    DeletePost(thread_id, post_ids[plan.delete]))
                self.tick()
            if plan.pin:
                threads.pin_thread(self.svc, moderator, PinThread(thread_id))
                self.tick()
            if plan.lock is not None:
                threads.lock_thread(self.svc, moderator, LockThread(thread_id, plan.lock))
                self.tick()
            thread_ids.append(thread_id)
        return thread_ids

    def read(self, thread_ids: list[str]) -> None:
        for item in self.plan.reads:
            reading.mark_thread_read(self.svc, self.as_(item.handle),
                                     MarkThreadRead(thread_ids[item.thread], item.up_to_seq))
            self.tick()


def _chat_in_rooms(loader: _Loader) -> tuple[int, int]:
    """The rooms and what was said there; returns (rooms, messages)."""
    svc, said = loader.svc, 0
    for plan in ROOMS:
        creator = loader.as_(plan.creator)
        member_ids = tuple(loader.as_(h).member_id or "" for h in plan.members)
        if plan.direct:
            room_id = rooms.open_direct_room(svc, creator, OpenDirectRoom(member_ids))
        elif plan.conference is not None:
            room_id = rooms.create_room(svc, creator, CreateRoom(
                plan.name, plan.slug, plan.topic, "conference",
                loader.conference_ids[plan.conference]))
            for handle in plan.members:
                rooms.join_room(svc, loader.as_(handle), JoinRoom(room_id))
        else:
            room_id = rooms.create_room(svc, creator, CreateRoom(
                plan.name, plan.slug, plan.topic, "internal"))
            for handle in plan.members:
                rooms.join_room(svc, loader.as_(handle), JoinRoom(room_id))
        message_ids: list[str] = []
        for handle, text, reply in plan.said:
            message_id, _ = rooms.post_message(svc, loader.as_(handle), PostMessage(
                room_id, text, message_ids[reply] if reply is not None else None))
            message_ids.append(message_id)
            said += 1
        for index, handle, emoji in plan.reactions:
            rooms.react(svc, loader.as_(handle), React(room_id, message_ids[index], emoji))
        # Most people have read their rooms; the last few messages are new to them.
        for handle in plan.members[:-1]:
            rooms.mark_room_read(svc, loader.as_(handle), MarkRoomRead(
                room_id, max(0, len(message_ids) - 3)))
    return len(ROOMS), said


# --- the Friday talk rota -------------------------------------------------------

# (speaker, title, abstract) for past talks, oldest first; each has a write-up.
PAST_TALKS = (
    ("oskar", "What the ZODB actually does when you commit",
     "Transactions, savepoints and conflict resolution, from the object to the disk."),
    ("sofia", "Accessibility testing in ten minutes a day",
     "A keyboard, a screen reader and a checklist find most problems."),
    ("priya", "Search relevance without a PhD",
     "Why the 2014 travel policy outranks the current one, and the three fixes."),
    ("nils", "From push to production", "What happens between `git push` and a live site."),
)
# Talks still to come, in slot order after the past ones (None leaves the slot free).
COMING_TALKS = (
    ("noor", "Threat modelling a content management system",
     "What could go wrong with a Plone site, who would do it, and what we already do."),
    None,
    ("tomasz", "Type hints in a 15-year-old codebase",
     "How we added mypy to an old Zope codebase without stopping the world."),
    ("lucia", "Thinking in Volto blocks", "How blocks are stored, edited and rendered."),
    None,
    ("alasdair", "Profiling Plone, or where the time goes",
     "One slow page, three tools, and the one-line fix at the end."),
)


APPROVED_WRITEUPS = 2


def _talk_rota(loader: _Loader) -> int:
    """Friday talks as a rota: past talks written up (approved, and so on the public
    blog; in review; sent back), the coming ones, a waiting list and a swap on offer.
    Returns how many talks."""
    svc, organiser = loader.svc, loader.as_("callum")
    clock = svc.store.clock
    now = clock()
    started = now - timedelta(weeks=len(PAST_TALKS) + 1)
    # The rota began weeks ago: its first slots and sign-ups happened then.
    svc.store.clock = lambda: started + (clock() - now)
    try:
        rota_id = rotas.create_rota(svc, organiser, CreateRota(
            loader.conference_ids["talks"], "fridays", "Friday talks", _t("""
            30 minutes every Friday at 15:00 CET / 14:00 UK, in both offices and on video.
            Take a free slot, or join a slot's waiting list. First-timers get a practice
            run with @callum beforehand."""), "Europe/Stockholm"))
        first = started + timedelta(days=(4 - started.weekday()) % 7 or 7)
        rotas.schedule_slots(svc, organiser, ScheduleSlots(
            rota_id, first.date().isoformat(), "15:00", "FREQ=WEEKLY;COUNT=16",
            holidays="SE"))
        with svc.engine.connect() as conn:
            views = rota_queries.list_slots(conn, rota_id)
        slots = [s.slot.id for s in views]
        coming_slots = [s.slot.id for s in views if s.starts_at > now]
        talk_ids = [rotas.sign_up_for_slot(svc, loader.as_(who), SignUpForSlot(
            rota_id, slot, title, abstract)) for slot, (who, title, abstract)
            in zip(slots, PAST_TALKS, strict=False)]
    finally:
        svc.store.clock = clock
    coming = 0
    for slot, talk in zip(coming_slots, COMING_TALKS, strict=False):
        if talk is not None:
            who, title, abstract = talk
            talk_ids.append(rotas.sign_up_for_slot(svc, loader.as_(who), SignUpForSlot(
                rota_id, slot, title, abstract)))
            coming += 1
    for index, (who, title, _) in enumerate(PAST_TALKS):
        speaker, talk_id = loader.as_(who), talk_ids[index]
        rotas.save_writeup(svc, speaker, SaveWriteUp(
            rota_id, talk_id, title, _t(f"""
            Notes from the Friday talk **{title}**, for customers and partners.

            - What we covered, with the slides' main points.
            - What the audience asked, and what we would do differently.
            """)))
        if index < 3:
            rotas.submit_writeup(svc, speaker, SubmitWriteUp(rota_id, talk_id))
        if index < APPROVED_WRITEUPS:  # approval publishes them on the blog
            rotas.approve_writeup(svc, organiser, ApproveWriteUp(rota_id, talk_id))
        elif index == APPROVED_WRITEUPS:
            rotas.send_back_writeup(svc, organiser, SendBackWriteUp(
                rota_id, talk_id, "Lovely. Could you add the before-and-after numbers?"))
    taken = coming_slots[0]
    rotas.join_waitlist(svc, loader.as_("maja"), JoinWaitlist(
        rota_id, taken, "My first talk: what I learned in my first year", ""))
    rotas.request_swap(svc, loader.as_("lucia"), RequestSwap(
        rota_id, talk_ids[len(PAST_TALKS) + 2], talk_ids[len(PAST_TALKS) + 1]))
    rotas.send_due_reminders(svc)
    return len(PAST_TALKS) + coming


# (who, what they learned) for "today I learned", oldest first.
TILS = (
    ("maja", "`git commit --fixup` and `rebase --autosquash` tidy a branch before review."),
    ("hamish", "`ss -tlnp` shows which process holds a port; no need for netstat any more."),
    ("iona", "`:focus-visible` styles the keyboard focus without the mouse-click ring."),
    ("tomasz", "`typing.assert_never` makes mypy check that a match covers every case."),
    ("kirsty", "\"Sign in\" is a verb and \"sign-in\" a noun; our buttons mixed them up."),
)


def _recognise(loader: _Loader) -> int:
    """TIL posts in their own conference, and kudos on talks and posts; returns kudos given."""
    svc = loader.svc
    kudos.choose_til_conference(svc, loader.as_(ADMIN_HANDLE), ChooseTilConference(
        loader.conference_ids["til"]))
    til_threads = [kudos.post_til(svc, loader.as_(who), PostTil(text))
                   for who, text in TILS]
    given = 0
    with svc.engine.connect() as conn:
        talks = [t for t in rota_queries.list_member_talks(conn, None)]
        firsts = [list_posts(conn, thread_id, limit=1)[0].id
                  for thread_id in til_threads]
    thanks = ("Thank you, that helped", "Clear and practical", "", "Loved the demo")
    for index, talk in enumerate(talks[:4]):
        for handle in ("maja", "fiona", "johan")[: 3 - index % 2]:
            if loader.as_(handle).member_id != talk.speaker_id:
                kudos.give_kudos(svc, loader.as_(handle), GiveKudos(
                    "talk", talk.id, thanks[(index + given) % len(thanks)]))
                given += 1
    for index, post_id in enumerate(firsts):
        for handle in ("callum", "noor", "oskar")[: 1 + index % 3]:
            if handle != TILS[index][0]:
                kudos.give_kudos(svc, loader.as_(handle), GiveKudos("post", post_id))
                given += 1
    return given


# Articles on the public blog: (conference key, subject, summary, tags), approved by the
# conference's moderator; one from an internal conference (approved there: its words go
# public only by a moderator's decision), one waiting for review, one sent back.
ARTICLES = (
    ("public", "Why we write things down", "Memory is a team sport: notes outlive meetings.",
     ("writing", "learning")),
    ("public", "How we run on-call without heroes",
     "A rota, a runbook and a rule: nobody fixes things alone at 3 a.m.", ("on-call", "ops")),
    ("public", "Accessibility is part of \"done\"", "", ("accessibility",)),
    ("public", "Plain language: before and after",
     "Three paragraphs from a real report, rewritten.", ("writing", "accessibility")),
    ("talks", "Friday talk: Accessibility testing in ten minutes a day",
     "From our Friday talks: a keyboard, a screen reader and ten minutes.",
     ("accessibility", "friday-talks")),
)
WAITING = ("public", "A year of Friday talks")
SENT_BACK = ("public", "Migrating a 15-year-old Plone site: five lessons")


def _publish(loader: _Loader, thread_ids: list[str]) -> int:
    """Propose and review articles from the demo's threads; returns how many are published."""
    svc, plan = loader.svc, loader.plan
    moderators = {c.key: c.moderator for c in plan.conferences}
    by_subject = {(t.conference, t.subject): (thread_ids[i], t.posts[0].author)
                  for i, t in enumerate(plan.threads)}
    for key, subject, summary, tags in ARTICLES:
        thread_id, author = by_subject[(key, subject)]
        article_id = articles.propose_article(svc, loader.as_(author), ProposeArticle(
            "thread", thread_id, summary=summary, tags=tags))
        articles.approve_article(svc, loader.as_(moderators[key]),
                                 ApproveArticle(article_id))
    reviewer = loader.as_(moderators["public"])
    thread_id, author = by_subject[WAITING]
    articles.propose_article(svc, loader.as_(author), ProposeArticle(
        "thread", thread_id, tags=("talks",)))
    thread_id, author = by_subject[SENT_BACK]
    article_id = articles.propose_article(svc, loader.as_(author), ProposeArticle(
        "thread", thread_id, tags=("plone", "migration")))
    articles.send_back_article(svc, reviewer, SendBackArticle(
        article_id, "Lovely. Could you add a two-line summary for the blog's front page?"))
    return len(ARTICLES)


# Mentoring offered and asked for: (kind, handle, skill, note). Oskar's offer meets
# Maja's and Rory's asks; Catriona's meets Linnea's; Noor's and Elin's wait for a match.
MENTORING = (
    ("offer", "oskar", "Python", "An hour of pairing on Fridays; bring a real ticket."),
    ("ask", "maja", "Python", "I know the basics; I would like to write better tests."),
    ("ask", "rory", "python", "Reading other people's code faster."),
    ("offer", "catriona", "Accessibility testing",
     "Ten minutes a day with a keyboard and a screen reader, for a month."),
    ("ask", "linnea", "accessibility testing", "Where do I start with NVDA?"),
    ("offer", "noor", "Threat modelling", "One session per project, at the start."),
    ("ask", "elin", "SQL", "Enough to answer my own research questions."),
)


def _who_knows_what(loader: _Loader) -> int:
    """Each person's skills (can teach: their résumé's; want to learn: from another
    track), and mentoring offers and asks; returns how many mentoring entries."""
    tracks = sorted(_SKILLS)
    mentors = {handle: skill for kind, handle, skill, _ in MENTORING if kind == "offer"}
    for person in loader.plan.people:
        rng = random.Random(f"skills-{person.handle}")  # the plan's own draws stay as they are
        elsewhere = [t for t in tracks if t != person.track]
        wants = tuple(rng.sample(_SKILLS[rng.choice(elsewhere)], rng.randint(1, 2)))
        teach = loader.plan.profiles[person.handle].can_teach
        if person.handle in mentors:  # a mentor can teach what they offer
            teach += (mentors[person.handle],)
        skills.list_skills(loader.svc, loader.as_(person.handle), ListSkills(teach, wants))
    for kind, handle, skill, note in MENTORING:
        if kind == "offer":
            skills.offer_mentoring(loader.svc, loader.as_(handle),
                                   OfferMentoring(skill, note))
        else:
            skills.ask_for_mentoring(loader.svc, loader.as_(handle),
                                     AskForMentoring(skill, note))
    return len(MENTORING)


CIRCLE_SESSIONS = 2


def _study_circles(loader: _Loader) -> int:
    """Two study circles, each with a conference of its own: an internal one with a
    reading list, sessions, a request waiting and a guest from a customer added; a
    private one. Returns how many."""
    svc = loader.svc
    zope = circles.start_circle(svc, loader.as_("alasdair"), StartCircle(
        "zope-templating", "Zope & Python templating", _t("""
        We read our way through page templates: TAL, METAL, macros and Chameleon, one
        chapter a fortnight, and bring one question each to the session."""),
        "FREQ=WEEKLY;INTERVAL=2;BYDAY=TH", "internal", "approval"))
    for who in ("maja", "astrid"):
        circles.join_circle(svc, loader.as_(who), JoinCircle(zope, "Count me in"))
        circles.answer_join_request(svc, loader.as_("alasdair"), AnswerJoinRequest(
            zope, loader.as_(who).member_id or "", approve=True))
    circles.join_circle(svc, loader.as_("tomasz"), JoinCircle(
        zope, "I maintain an old Plone 4 site and would love to understand it"))
    circles.add_circle_member(svc, loader.as_("alasdair"), AddCircleMember(
        zope, loader.as_("greta").member_id or ""))
    circles.name_circle_organiser(svc, loader.as_("alasdair"), NameCircleOrganiser(
        zope, loader.as_("astrid").member_id or ""))
    circles.set_reading_list(svc, loader.as_("maja"), SetReadingList(zope, (
        ("Zope Page Templates reference", "https://zope.readthedocs.io/"),
        ("Chameleon: page templates for Python", "https://chameleon.readthedocs.io/"),
        ("Plone training: templates", "https://training.plone.org/"),
        ("Our own notes on macros", ""))))
    today = svc.store.clock().date()
    for weeks, title, notes in (
            (4, "TAL basics", "We went through `tal:content`, `tal:repeat` and "
                              "`tal:condition`. **Homework**: rewrite one of our "
                              "listings without Python in the template."),
            (2, "METAL and macros", "Slots versus macros, and why `define-slot` names "
                                    "matter. Greta showed how the museum's site uses "
                                    "one master macro.")):
        circles.record_circle_session(svc, loader.as_("alasdair"), RecordCircleSession(
            zope, (today - timedelta(weeks=weeks)).isoformat(), title, notes))
    security = circles.start_circle(svc, loader.as_("priya"), StartCircle(
        "security-reading", "Security reading group", _t("""
        Papers and post-mortems on application security; private, so we can talk about
        our own systems' weak spots."""), "Every second Monday, 12:00", "private",
        "invitation"))
    for who in ("johan", "lucia"):
        circles.add_circle_member(svc, loader.as_("priya"), AddCircleMember(
            security, loader.as_(who).member_id or ""))
    return 2


def _has_members(backend: Backend) -> bool:
    with backend.engine.connect() as conn:
        return bool(conn.execute(select(func.count()).select_from(members_table)).scalar())


def load_demo(backend: Backend, *, admin_password: str, seed: int = 7,
              progress: Callable[[int], None] | None = None) -> DemoResult:
    """Fill an empty database with the demo organisation, through the real handlers.

    ``admin_password`` is the password of the member ``admin``; everyone else
    gets a random one. ``progress`` is called with a percentage (0–100) as the
    commands go out. Raises :class:`~forum.errors.Conflict` if the database
    already has members, and :class:`~forum.errors.InvalidInput` (before
    anything is written) if the password is too short.
    """
    if _has_members(backend):
        raise Conflict("the database already has content; demo data goes into an empty one")
    plan = plan_demo(seed)
    loader = _Loader(backend.services, plan, progress)
    loader.register(admin_password)
    loader.create_conferences()
    thread_ids = loader.post_threads()
    loader.read(thread_ids)
    room_count, messages = _chat_in_rooms(loader)
    talks = _talk_rota(loader)
    _recognise(loader)
    _who_knows_what(loader)
    published = _publish(loader, thread_ids) + APPROVED_WRITEUPS
    study_circles = _study_circles(loader)
    # Each talk has its discussion thread, and each TIL is a thread, started with one post.
    # Each circle has a conference; each session's notes are a thread with one post.
    return DemoResult(ADMIN_HANDLE, len(plan.people), len(plan.conferences) + study_circles,
                      len(plan.threads) + talks + len(TILS) + CIRCLE_SESSIONS,
                      plan.post_count + talks + len(TILS) + CIRCLE_SESSIONS, room_count,
                      messages, talks, published, study_circles)

