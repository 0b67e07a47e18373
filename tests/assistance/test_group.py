"""Group intake: one record per client sharing a group id, all or nothing."""

from __future__ import annotations

import uuid
from datetime import date

import pytest
from sqlalchemy import select

from app.assistance import group
from app.assistance.inputs import ServiceInput
from app.assistance.models import AssistanceRecord
from app.errors import NotFound, ValidationFailed
from app.validation import typed_input

SHELTER = {"category": "accommodation", "started_on": date(2026, 3, 2), "quantity": 1}


def test_one_record_per_client_sharing_a_group(in_north, orgs, make_client):
    ids = [make_client(orgs.north, code) for code in ("K7-MORA-42", "B2-DALU-17", "C3-PITO-05")]
    records = group.record_group_service(
        in_north,
        orgs.north_worker,
        ids,
        typed_input(ServiceInput, {**SHELTER, "notes": "raid at the farm"}),
    )
    assert sorted(r.client_id for r in records) == sorted(ids)
    assert len({r.group_id for r in records}) == 1 and records[0].group_id is not None
    # Each client's notes are sealed under that client's own key.
    assert len({r.sealed_notes for r in records}) == 3


def test_one_unknown_or_foreign_client_and_nothing_is_stored(in_north, orgs, make_client):
    mine = make_client(orgs.north, "K7-MORA-42")
    theirs = make_client(orgs.south, "B2-DALU-17")
    for bad in (theirs, uuid.uuid4()):
        with pytest.raises(NotFound):
            group.record_group_service(
                in_north, orgs.north_worker, [mine, bad], typed_input(ServiceInput, SHELTER)
            )
    assert in_north.scalars(select(AssistanceRecord)).all() == []


def test_bad_fields_store_nothing_for_anyone(in_north, orgs, make_client):
    ids = [make_client(orgs.north, code) for code in ("K7-MORA-42", "B2-DALU-17")]
    with pytest.raises(ValidationFailed) as caught:
        group.record_group_service(
            in_north,
            orgs.north_worker,
            ids,
            typed_input(ServiceInput, {**SHELTER, "quantity": -3, "unit": "nights"}),
        )
    assert "quantity" in caught.value.fields
    assert in_north.scalars(select(AssistanceRecord)).all() == []
    with pytest.raises(ValidationFailed):
        group.record_group_service(
            in_north, orgs.north_worker, [], typed_input(ServiceInput, SHELTER)
        )


def test_find_clients_by_code_or_id_reports_lines_not_values(in_north, orgs, make_client):
    first = make_client(orgs.north, "K7-MORA-42")
    second = make_client(orgs.north, "B2-DALU-17")
    foreign = make_client(orgs.south, "C3-PITO-05")
    found = group.find_clients(in_north, orgs.north_worker, f"k7 mora 42\n\n{second}\n")
    assert found == [first, second]
    with pytest.raises(ValidationFailed) as caught:
        group.find_clients(
            in_north, orgs.north_worker, f"K7-MORA-42\nC3-PITO-05\n{foreign}\nAnna Petrova"
        )
    messages = caught.value.fields["clients"]
    assert messages[1] == "2, 3, 4"
    assert "Anna" not in " ".join(messages)


def test_erased_clients_are_reported_by_line_before_anything_is_recorded(
    in_north, orgs, make_client
):
    from app.clients.service import erase_client

    first = make_client(orgs.north, "K7-MORA-42")
    second = make_client(orgs.north, "B2-DALU-17")
    erase_client(in_north, orgs.ctx(orgs.north, "supervisor"), second)
    with pytest.raises(ValidationFailed) as caught:
        group.find_clients(in_north, orgs.north_worker, f"K7-MORA-42\nnobody\n{second}")
    assert caught.value.fields["clients"] == [
        "These lines match no client:",
        "2",
        "These lines are clients who were erased:",
        "3",
    ]
    assert group.find_clients(in_north, orgs.north_worker, "K7-MORA-42") == [first]
    assert in_north.scalars(select(AssistanceRecord)).all() == []
