"""Who identified a victim is a kind of body from a list, never free text; an erased
client's facts are neither offered for editing nor editable."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.clients import service
from app.clients.models import Client
from app.clients.service import ClientErased
from app.clients.validation import ClientFacts
from app.errors import ValidationFailed
from tests.clients.conftest import intake
from tests.conftest import sign_in

FACTS = {"victim_status": "formally_identified"}


def test_identified_by_takes_a_body_from_the_list_and_nothing_else(work, casework):
    with work(casework.north) as (session, ctx):
        client = service.register_client(
            session, ctx, intake({**FACTS, "identified_by": "labour_inspectorate"})
        )
        assert client.identified_by == "labour_inspectorate"
    for typed in ("Police de Lyon, officer Martin", "<script>x</script>", "NRM"):
        with pytest.raises(ValidationFailed) as refused, work(casework.north) as (session, ctx):
            service.register_client(session, ctx, intake({**FACTS, "identified_by": typed}))
        assert refused.value.fields == {"identified_by": ["Choose a value from the list."]}


def test_an_erased_clients_facts_cannot_be_edited(work, casework):
    with work(casework.north, roles=("supervisor",)) as (session, ctx):
        client = service.register_client(session, ctx, intake(FACTS))
        service.erase_client(session, ctx, client.id)
        client_id = client.id
    with pytest.raises(ClientErased), work(casework.north) as (session, ctx):
        service.update_client_facts(session, ctx, client_id, ClientFacts(gender="female"))


def test_the_erased_clients_page_offers_no_edit_and_the_edit_page_refuses(
    client, work, casework
):
    with work(casework.north, roles=("supervisor",)) as (session, ctx):
        erased = service.register_client(session, ctx, intake(FACTS))
        service.erase_client(session, ctx, erased.id)
        erased_id = erased.id
    sign_in(client, casework.worker)
    page = client.get(f"/clients/{erased_id}").get_data(as_text=True)
    assert "Edit facts" not in page
    assert client.get(f"/clients/{erased_id}/facts").status_code == 409
    with work(casework.north) as (session, _ctx):
        assert session.scalar(select(Client.gender).where(Client.id == erased_id)) == "not_stated"
