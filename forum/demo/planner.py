"""Plan the demo: profiles, threads with chatter and on-call hand-overs, and read markers.

Everything is drawn from one seeded ``random.Random``, so a seed always gives
the same plan, and the plan is checked (mentions, who may post) before anything
is sent.
"""

from __future__ import annotations

import random
import re
import unicodedata

from forum.core.permissions import Viewer, can_post, can_read
from forum.demo.plan import (
    ADMIN_HANDLE,
    DemoPlan,
    EditPlan,
    Person,
    PostPlan,
    Profile,
    ReadPlan,
    Reply,
    Script,
    ThreadPlan,
)
from forum.demo.texts import (
    CHATTER,
    CONFERENCES,
    INCIDENTS,
    INTERESTS,
    ON_CALL_MOODS,
    ON_CALL_ROTA,
    OPS_FOLLOW_UPS,
    PEOPLE,
    SCRIPTS,
    SKILLS,
    STILL_OPEN,
    TRACK_LINES,
    WATCH_OUT,
)

REMOTE = "Remote"


def _ascii(text: str) -> str:
    text = text.replace("ø", "o").replace("Ø", "O")
    return "".join(c for c in unicodedata.normalize("NFKD", text)
                   if not unicodedata.combining(c))


def email_for(person: Person) -> str:
    return _ascii(person.name).lower().replace(" ", ".") + "@example.org"


def _profile(person: Person, rng: random.Random) -> Profile:
    pool = [s for s in SKILLS[person.track] if s not in person.core]
    skills = person.core + tuple(rng.sample(pool, min(len(pool), rng.randint(2, 4))))
    interests = tuple(rng.sample(INTERESTS, rng.randint(2, 3)))
    can_teach = person.core[:2] if person.core else (skills[0],)
    if person.role == "guest":
        where = f"Based in {person.city}."
    elif person.office == REMOTE:
        where = f"I work remotely from {person.city}, mostly on Central European hours."
    else:
        where = f"I work in our {person.office} office."
    line = rng.choice(TRACK_LINES[person.track])
    teach = ", ".join(can_teach)
    bio = (f"**{person.title}.** {where}\n\n{line}\n\n"
           f"Happy to help with {teach}: just @-mention me. "
           f"Outside work: {interests[0]} and {interests[1]}.")
    return Profile(bio, skills, interests, can_teach)


# --- generated threads: on-call hand-overs ---------------------------------


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
