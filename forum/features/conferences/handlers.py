"""Handlers for conferences: create, update, and set the ordered access list."""

from __future__ import annotations

from forum.core.handlers import Services, run
from forum.core.permissions import Viewer
from forum.features.conferences import model as conference
from forum.features.conferences.commands import CreateConference, SetConferenceAcl, UpdateConference
from forum.features.conferences.queries import get_conference, get_conference_by_slug


def _stream(conference_id: str) -> str:
    return f"conference-{conference_id}"


def create_conference(svc: Services, actor: Viewer, command: CreateConference) -> str:
    with svc.engine.connect() as conn:
        slug_taken = get_conference_by_slug(conn, command.slug.strip().lower())
        parent = (get_conference(conn, command.parent_id)
                  if command.parent_id else None)
    conference_id = svc.new_id()
    new_events = conference.create(command, actor, conference_id, slug_taken is not None,
                                   parent is not None)
    svc.store.append(_stream(conference_id), new_events, expected_version=0,
                     meta=svc.meta(actor))
    return conference_id


def update_conference(svc: Services, actor: Viewer, command: UpdateConference) -> None:
    run(svc, actor, _stream(command.conference_id),
        lambda h: conference.load(command.conference_id, h),
        lambda s: conference.update(s, command, actor),
        expected_version=command.expected_version)


def set_conference_acl(svc: Services, actor: Viewer, command: SetConferenceAcl) -> None:
    run(svc, actor, _stream(command.conference_id),
        lambda h: conference.load(command.conference_id, h),
        lambda s: conference.set_acl(s, command, actor),
        expected_version=command.expected_version)
