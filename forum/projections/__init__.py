"""The inline projections, in the order they are applied."""

from __future__ import annotations

from forum.projections import (
    articles,
    circles,
    conferences,
    follows,
    inbound,
    learning,
    members,
    notifications,
    reading,
    rooms,
    rotas,
    skills,
    teamdays,
    threads,
)
from forum.projections.registry import Projection, Projections


def all_projections() -> Projections:
    items: list[Projection] = [
        members.projection,
        conferences.projection,
        threads.projection,
        inbound.projection,
        reading.projection,
        rooms.projection,
        rotas.projection,
        learning.projection,
        teamdays.projection,
        skills.projection,
        circles.projection,
        articles.projection,
        notifications.projection,
        follows.projection,
    ]
    return Projections(items)
