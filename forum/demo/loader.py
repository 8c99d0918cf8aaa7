"""Send a demo plan through the handlers, each command as the person concerned.

Members and profiles, conferences and their access lists, threads with their
edits and moderation, read markers, and the chat rooms: nothing here writes a
table, so every rule the web applies applies here too.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable

from forum.core.handlers import Services
from forum.core.permissions import Viewer
from forum.demo.plan import ADMIN_HANDLE, DemoPlan
from forum.demo.planner import email_for
from forum.demo.texts import ROOMS
from forum.features.conferences import handlers as conferences
from forum.features.conferences.commands import CreateConference, SetConferenceAcl
from forum.features.members import handlers as members
from forum.features.members.commands import RegisterMember, UpdateProfile
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


class Loader:
    """Sends a plan's commands, each as the person concerned, and reports progress."""

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


def chat_in_rooms(loader: Loader) -> tuple[int, int]:
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
