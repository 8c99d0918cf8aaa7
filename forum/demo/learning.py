"""How the demo organisation learns: the Friday talk rota, TILs and kudos, the blog,
who knows what (skills and mentoring), and study circles, sent through the handlers.
"""

from __future__ import annotations

import random
from datetime import timedelta

from forum.demo.loader import Loader
from forum.demo.plan import ADMIN_HANDLE, CirclePlan
from forum.demo.texts import (
    ARTICLES,
    CIRCLES,
    COMING_TALKS,
    MENTORING,
    PAST_TALKS,
    ROTA_ABOUT,
    SENT_BACK,
    SKILLS,
    TILS,
    WAITING,
    WRITEUP,
)
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
from forum.features.kudos import handlers as kudos
from forum.features.kudos.commands import ChooseTilConference, GiveKudos, PostTil
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
from forum.features.threads.queries import list_posts

APPROVED_WRITEUPS = 2
CIRCLE_SESSIONS = sum(len(circle.sessions) for circle in CIRCLES)


def talk_rota(loader: Loader) -> int:
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
            loader.conference_ids["talks"], "fridays", "Friday talks", ROTA_ABOUT,
            "Europe/Stockholm"))
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
            rota_id, talk_id, title, WRITEUP.format(title=title)))
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


def recognise(loader: Loader) -> int:
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


def publish(loader: Loader, thread_ids: list[str]) -> int:
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


def who_knows_what(loader: Loader) -> int:
    """Each person's skills (can teach: their résumé's; want to learn: from another
    track), and mentoring offers and asks; returns how many mentoring entries."""
    tracks = sorted(SKILLS)
    mentors = {handle: skill for kind, handle, skill, _ in MENTORING if kind == "offer"}
    for person in loader.plan.people:
        rng = random.Random(f"skills-{person.handle}")  # the plan's own draws stay as they are
        elsewhere = [t for t in tracks if t != person.track]
        wants = tuple(rng.sample(SKILLS[rng.choice(elsewhere)], rng.randint(1, 2)))
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


def study_circles(loader: Loader) -> int:
    """Two study circles, each with a conference of its own: an internal one with a
    reading list, sessions, a request waiting and a guest from a customer added; a
    private one. Returns how many."""
    svc = loader.svc
    zope_plan, security_plan = CIRCLES
    zope = circles.start_circle(svc, loader.as_("alasdair"), _start(zope_plan))
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
    circles.set_reading_list(svc, loader.as_("maja"), SetReadingList(
        zope, zope_plan.reading))
    today = svc.store.clock().date()
    for weeks, title, notes in zope_plan.sessions:
        circles.record_circle_session(svc, loader.as_("alasdair"), RecordCircleSession(
            zope, (today - timedelta(weeks=weeks)).isoformat(), title, notes))
    security = circles.start_circle(svc, loader.as_("priya"), _start(security_plan))
    for who in ("johan", "lucia"):
        circles.add_circle_member(svc, loader.as_("priya"), AddCircleMember(
            security, loader.as_(who).member_id or ""))
    return 2


def _start(circle: CirclePlan) -> StartCircle:
    return StartCircle(circle.slug, circle.name, circle.description, circle.cadence,
                           circle.visibility, circle.join)
