"""Paging through a client's services (list_services): newest first, 50 a page, and
whether another page follows known without counting."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import event

from app.assistance import service
from tests.assistance.test_service import DAY, fields


def test_services_page_newest_first_without_counting(app, in_north, orgs, make_client):
    client_id = make_client(orgs.north, "K7-MORA-42")
    days = [DAY - timedelta(days=n) for n in range(120)]
    for day in reversed(days):
        service.record_service(in_north, orgs.north_worker, client_id, fields(started_on=day))
    statements: list[str] = []
    engine = app.extensions["haven.engine"]

    def spy(_conn, _cursor, statement, *_args) -> None:  # noqa: ANN001
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", spy)
    try:
        pages = [service.list_services(in_north, orgs.north_worker, client_id, page=n)
                 for n in (1, 2, 3)]  # fmt: skip
    finally:
        event.remove(engine, "before_cursor_execute", spy)
    assert [len(p.records) for p in pages] == [50, 50, 20]
    assert [(p.has_previous, p.has_next) for p in pages] == [
        (False, True),
        (True, True),
        (True, False),
    ]
    assert [r.started_on for p in pages for r in p.records] == days
    assert not [s for s in statements if "count(" in s.lower()]


def test_page_arguments_are_kept_in_range(in_north, orgs, make_client):
    client_id = make_client(orgs.north, "K7-MORA-42")
    for n in range(3):
        service.record_service(
            in_north, orgs.north_worker, client_id, fields(started_on=DAY - timedelta(days=n))
        )
    first = service.list_services(in_north, orgs.north_worker, client_id, page=-4, per_page=0)
    assert (first.page, first.per_page, len(first.records), first.has_next) == (1, 1, 1, True)
    assert service.list_services(in_north, orgs.north_worker, client_id, per_page=999).per_page == (
        service.MAX_PER_PAGE
    )
    beyond = service.list_services(in_north, orgs.north_worker, client_id, page=10**30)
    assert beyond.records == [] and beyond.page == service.MAX_PAGE and not beyond.has_next
