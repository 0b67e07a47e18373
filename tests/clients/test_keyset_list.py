"""The client list pages by keyset: each page starts next to a row of the page shown (one
index seek at any depth), back and forth, within the reader's organisation only."""

from __future__ import annotations

import html
import re

from app.clients import service
from tests.clients.conftest import intake
from tests.conftest import sign_in


def _register(work, org, n):
    with work(org) as (session, ctx):
        return [service.register_client(session, ctx, intake()).id for _ in range(n)]


def test_pages_follow_their_cursors_both_ways(work, casework):
    ids = _register(work, casework.north, 5)[::-1]  # newest first
    _register(work, casework.south, 3)
    with work(casework.north) as (session, ctx):
        first = service.list_clients(session, ctx, per_page=2)
        assert [r.id for r in first.rows] == ids[:2] and first.has_next
        assert not first.has_previous and first.previous_cursor is None
        second = service.list_clients(session, ctx, 2, per_page=2, after=first.next_cursor)
        assert [r.id for r in second.rows] == ids[2:4] and second.has_previous
        third = service.list_clients(session, ctx, 3, per_page=2, after=second.next_cursor)
        assert [r.id for r in third.rows] == ids[4:] and not third.has_next
        back = service.list_clients(session, ctx, 2, per_page=2, before=third.previous_cursor)
        assert [r.id for r in back.rows] == ids[2:4] and back.has_next and back.has_previous
        front = service.list_clients(session, ctx, 1, per_page=2, before=back.previous_cursor)
        assert [r.id for r in front.rows] == ids[:2] and not front.has_previous


def test_a_cursor_round_trips_through_its_text_and_junk_is_the_first_page(work, casework):
    _register(work, casework.north, 3)
    with work(casework.north) as (session, ctx):
        first = service.list_clients(session, ctx, per_page=1)
        cursor = first.next_cursor
        assert service.ListCursor.parse(str(cursor)) == cursor
    for junk in ("", "x", "12-zz", "-", "99999999999999999999999-" + "0" * 32, None):
        assert service.ListCursor.parse(junk) is None


def test_another_organisations_cursor_shows_only_ones_own_clients(work, casework):
    north = _register(work, casework.north, 3)
    south = _register(work, casework.south, 3)
    with work(casework.south) as (session, ctx):
        south_page = service.list_clients(session, ctx, per_page=1)
    with work(casework.north) as (session, ctx):
        page = service.list_clients(session, ctx, per_page=50, after=south_page.next_cursor)
        assert {r.id for r in page.rows} <= set(north)
        assert not {r.id for r in page.rows} & set(south)


def test_the_list_pages_links_walk_the_caseload(client, casework, work):
    with work(casework.north) as (session, ctx):
        codes = [service.register_client(session, ctx, intake()).code for _ in range(103)]
    sign_in(client, casework.worker)
    seen, url, pages = [], "/clients", []
    while url:
        page = client.get(url).get_data(as_text=True)
        pages.append(page)
        seen += [c for c in codes if f">{c}</a>" in page]
        found = re.search(r'<a href="([^"]+)" rel="next">', page)
        url = html.unescape(found.group(1)) if found else ""
    assert len(pages) == 3 and sorted(seen) == sorted(codes) and len(seen) == len(codes)
    assert codes[-1] in pages[0] and codes[0] in pages[2]
    previous = re.search(r'<a href="([^"]+)" rel="prev">', pages[2])
    assert previous
    back = client.get(html.unescape(previous.group(1))).get_data(as_text=True)
    shown = {c for c in codes if f">{c}</a>" in back}
    assert shown == set(codes[3:53])  # the second page again: newest first, 50 rows
