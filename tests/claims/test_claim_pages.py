"""The claims tab: listing, filing, status changes; 422 on bad input; 404 across tenants."""

from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy import func, select

from app.claims import service
from app.claims.models import Claim, ClaimStatusChange
from app.claims.service import ClaimFiling
from tests.conftest import csrf_from, sign_in


def _count(work, org, model=Claim):
    with work(org) as (session, _ctx):
        return session.scalar(select(func.count()).select_from(model))


def _form(**values):
    return {
        "route": "criminal_proceedings",
        "defendant_type": "trafficker",
        "currency": "EUR",
        "amount_claimed": "4200.00",
        "filed_on": "2026-02-03",
        **values,
    }


def test_caseworker_files_a_claim_and_sees_it_with_its_history(
    client, world, people, new_client, work
):
    client_id = new_client(world.north)
    sign_in(client, people.north_cw)
    url = f"/clients/{client_id}/claims"
    page = client.get(url)
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert 'value="EUR"' in html  # the organisation's country's currency, preselected
    assert '<label for="amount_claimed">' in html
    token = csrf_from(client, url)
    response = client.post(url, data=_form(csrf_token=token))
    assert response.status_code == 302
    html = client.get(url).get_data(as_text=True)
    assert "€4,200.00" in html
    assert "Criminal proceedings" in html and "Filed" in html and "2026-02-03" in html
    assert _count(work, world.north) == 1


def test_bad_claim_gets_422_with_field_messages_and_stores_nothing(
    client, world, people, new_client, work
):
    client_id = new_client(world.north)
    sign_in(client, people.north_cw)
    url = f"/clients/{client_id}/claims"
    token = csrf_from(client, url)
    for values, message in [
        ({"amount_claimed": "-3"}, "Enter an amount of zero or more."),
        ({"currency": "XYZ"}, "Enter a three-letter ISO 4217 currency code"),
        ({"filed_on": "2999-01-01"}, "This date is in the future."),
        ({"route": "tv_show"}, "Not a valid choice"),
        ({"amount_claimed": "a lot"}, "Not a valid decimal value"),
    ]:
        response = client.post(url, data=_form(csrf_token=token, **values))
        assert response.status_code == 422, values
        html = response.get_data(as_text=True)
        assert message in html, values
        assert 'aria-invalid="true"' in html
    assert _count(work, world.north) == 0


def _filed_claim(work, world, client_id):
    with work(world.north) as (session, ctx):
        return service.file_claim(
            session,
            ctx,
            client_id,
            ClaimFiling(
                route="civil",
                defendant_type="employer",
                currency="EUR",
                amount_claimed="5000",
                filed_on=date(2026, 1, 5),
            ),
        ).id


def test_status_update_page_records_award_and_refuses_bad_input(
    client, world, people, new_client, work
):
    client_id = new_client(world.north)
    claim_id = _filed_claim(work, world, client_id)
    sign_in(client, people.north_cw)
    url = f"/clients/{client_id}/claims/{claim_id}/status"
    page = client.get(url).get_data(as_text=True)
    assert 'value="awarded"' in page and 'value="preparing"' not in page
    token = csrf_from(client, url)
    bad = client.post(
        url, data={"status": "awarded", "changed_on": "2026-03-01", "csrf_token": token}
    )
    assert bad.status_code == 422
    assert "Enter the amount awarded." in bad.get_data(as_text=True)
    assert _count(work, world.north, ClaimStatusChange) == 1
    good = client.post(
        url,
        data={
            "status": "awarded",
            "changed_on": "2026-03-01",
            "amount_awarded": "4000",
            "decided_on": "2026-02-28",
            "csrf_token": token,
        },
    )
    assert good.status_code == 302
    html = client.get(f"/clients/{client_id}/claims").get_data(as_text=True)
    assert "€4,000.00" in html and "Awarded" in html
    assert _count(work, world.north, ClaimStatusChange) == 2


def test_a_withdrawn_claim_says_it_is_closed_instead_of_offering_an_empty_choice(
    client, world, people, new_client, work
):
    client_id = new_client(world.north)
    claim_id = _filed_claim(work, world, client_id)
    sign_in(client, people.north_cw)
    url = f"/clients/{client_id}/claims/{claim_id}/status"
    token = csrf_from(client, url)
    withdraw = {"status": "withdrawn", "changed_on": "2026-03-01", "csrf_token": token}
    assert client.post(url, data=withdraw).status_code == 302
    page = client.get(url).get_data(as_text=True)
    assert "This claim is closed (paid in full or withdrawn)" in page
    assert 'name="status"' not in page
    again = client.post(url, data={**withdraw, "status": "filed"})
    assert again.status_code == 409
    assert "its status no longer changes" in again.get_data(as_text=True)
    assert _count(work, world.north, ClaimStatusChange) == 2


def test_other_organisations_claims_are_not_found_and_unchanged(
    client, world, people, new_client, work
):
    client_id = new_client(world.north)
    claim_id = _filed_claim(work, world, client_id)
    own_client = new_client(world.east)
    sign_in(client, people.east_cw)
    token = csrf_from(client, f"/clients/{own_client}/claims")
    status = {"status": "withdrawn", "changed_on": "2026-03-01", "csrf_token": token}
    urls = [
        f"/clients/{client_id}/claims",
        f"/clients/{client_id}/claims/{claim_id}/status",
        f"/clients/{own_client}/claims/{claim_id}/status",
        f"/clients/{uuid.uuid4()}/claims",
    ]
    for url in urls:
        assert client.get(url).status_code == 404, url
        assert client.post(url, data={**_form(), **status}).status_code == 404, url
    assert client.get("/clients/not-a-uuid/claims").status_code == 404
    assert _count(work, world.east) == 0
    assert _count(work, world.north, ClaimStatusChange) == 1
    with work(world.north) as (session, _ctx):
        assert session.get(Claim, (world.north.id, claim_id)).status == "filed"


def test_claims_tab_is_for_casework_roles_only(client, world, people, new_client):
    client_id = new_client(world.north)
    sign_in(client, people.north_admin)
    assert client.get(f"/clients/{client_id}/claims").status_code == 403
