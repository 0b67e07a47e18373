"""What break-glass opens: the child module of a minor's case, to the caseworker who opened
it (not assigned to the case), until the opening ends; never to anyone else."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import update

from app.cases import children
from app.db.base import utcnow
from app.disclosure.break_glass import open_break_glass
from app.disclosure.inputs import BreakGlassInput
from app.disclosure.models import BreakGlass
from app.errors import Forbidden
from tests.cases.conftest import new_case, new_client, work, world

__all__ = ["new_case", "new_client", "work", "world"]


def test_break_glass_opens_the_child_module_for_its_time_only(
    app, world, work, new_client, new_case
):
    client_id = new_client(world.north, minor=True)
    case_id = new_case(world.north, client_id, world.worker)  # assigned to the worker only
    with pytest.raises(Forbidden), work(world.north, world.colleague) as (session, ctx):
        children.child_details(session, ctx, client_id, case_id)
    reason = BreakGlassInput("child_safeguarding", "School called about bruises", "30")
    with work(world.north, world.colleague) as (session, ctx):
        open_break_glass(session, ctx, client_id, reason)
    with work(world.north, world.colleague) as (session, ctx):
        children.child_details(session, ctx, client_id, case_id)  # open now
    with (
        pytest.raises(Forbidden),
        work(world.north, world.supervisor, ("caseworker",)) as (session, ctx),
    ):
        children.child_details(session, ctx, client_id, case_id)  # someone else's opening
    with work(world.north) as (session, _ctx):
        session.execute(update(BreakGlass).values(expires_at=utcnow() - timedelta(minutes=1)))
    with pytest.raises(Forbidden), work(world.north, world.colleague) as (session, ctx):
        children.child_details(session, ctx, client_id, case_id)  # ended
