"""Client screens: list, search, intake, overview and reveal, identity, facts, erasure;
every route refuses another organisation's client ids as not found and changes nothing."""

from __future__ import annotations

import re
import uuid

import pytest
from sqlalchemy import func, select

from app.audit.models import AuditEvent
from app.clients import service
from app.clients.models import Client
from tests.clients.conftest import intake
from tests.conftest import csrf_from, sign_in

FACTS = {"gender": "female", "age_band": "18_24", "nationality": "UA"}


def _register(work, org, identity=None, facts=None):
    with work(org) as (session, ctx):
        return service.register_client(session, ctx, intake(facts or FACTS, identity)).id


def _client(work, org, client_id):
    with work(org) as (session, _ctx):
        return session.get(Client, (org.id, client_id))


def _intake(**overrides):
    data = {
        "gender": "female",
        "age_band": "25_34",
        "nationality": "MD",
        "languages": "ro, ru",
        "preferred_language": "ro",
        "forms_of_exploitation": ["labour"],
        "sector": "agriculture",
        "movement": "cross_border",
        "victim_status": "presumed",
        "referral_source": "ngo",
        "name": "Ana Ciobanu",
        "date_of_birth": "1995-03-02",
        "phone": "+373 600 11 222",
    }
    data.update(overrides)
    return data


def _post(client, url, data, form_url=None):
    token = csrf_from(client, form_url or url)
    return client.post(url, data={**data, "csrf_token": token})


def test_intake_registers_a_client_and_shows_only_the_code(client, casework, work):
    sign_in(client, casework.worker)
    page = client.get("/clients/new").get_data(as_text=True)
    for name in ("name", "date_of_birth", "nationality", "languages", "is_minor"):
        assert f'for="{name}"' in page and f'id="{name}"' in page
    assert 'autocomplete="off"' in page
    response = _post(client, "/clients/new", _intake())
    assert response.status_code == 302
    location = response.headers["Location"]
    client_id = uuid.UUID(re.fullmatch(r"/clients/([0-9a-f-]+)", location).group(1))
    page = client.get(location).get_data(as_text=True)
    stored = _client(work, casework.north, client_id)
    assert f"<title>{stored.code} · Haven</title>" in page
    assert "Ana Ciobanu" not in page and "sealed" in page
    assert stored.nationality_region == "Eastern Europe" and stored.languages == ["ro", "ru"]


def test_intake_with_bad_input_stores_nothing(client, casework, work):
    sign_in(client, casework.worker)
    for bad in [
        {"date_of_birth": "2999-01-01"},
        {"name": "x" * 201},
        {"is_minor": "y", "age_band": "35_49"},
        {"languages": "ro, elvish"},
        {"gender": "robot"},
        {"narrative": "x" * 10_001},
    ]:
        response = _post(client, "/clients/new", _intake(**bad))
        assert response.status_code == 422, bad
        assert "Some fields need attention" in response.get_data(as_text=True)
    with work(casework.north) as (session, _ctx):
        assert session.scalar(select(func.count()).select_from(Client)) == 0


def test_script_in_a_name_is_shown_as_text(client, casework, work):
    client_id = _register(work, casework.north, {"name": "<script>alert(1)</script>"})
    sign_in(client, casework.worker)
    url = f"/clients/{client_id}"
    response = _post(client, f"{url}/reveal", {"field": "name"}, url)
    page = response.get_data(as_text=True)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<script>alert(1)" not in page


def test_reveal_shows_one_value_in_that_response_only(client, casework, work):
    client_id = _register(work, casework.north, {"name": "Iryna Bondar", "phone": "+380 1"})
    sign_in(client, casework.worker)
    url = f"/clients/{client_id}"
    assert "Iryna" not in client.get(url).get_data(as_text=True)
    response = _post(client, f"{url}/reveal", {"field": "name"}, url)
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    page = response.get_data(as_text=True)
    assert "Iryna Bondar" in page and "+380 1" not in page
    assert "Iryna" not in page.split("<title>")[1].split("</title>")[0]
    assert "Iryna" not in client.get(url).get_data(as_text=True)
    with work(casework.north) as (session, _ctx):
        event = session.scalar(select(AuditEvent).where(AuditEvent.action == "client.revealed"))
        assert event.details == {"field": "name"} and event.actor_id == casework.worker.user.id
    assert _post(client, f"{url}/reveal", {"field": "sealed_name"}, url).status_code == 422


def test_list_and_search(client, casework, work):
    cyrillic = _register(work, casework.north, {"name": "мария иванова"})
    latin = _register(work, casework.north, {"name": "Maria Ivanova"})
    code = _client(work, casework.north, latin).code
    sign_in(client, casework.worker)
    page = client.get("/clients").get_data(as_text=True)
    assert code in page and "Ivanova" not in page and "иванова" not in page
    response = _post(
        client, "/clients/search", {"kind": "name", "value": "Мария Иванова"}, "/clients"
    )
    assert response.status_code == 200
    found = response.get_data(as_text=True)
    assert (
        f"/clients/{cyrillic}" in found
        and f'/clients/{latin}"' not in found.split("All clients")[0]
    )
    response = _post(client, "/clients/search", {"kind": "code", "value": code.lower()}, "/clients")
    assert f'href="/clients/{latin}">{code}</a></li>' in response.get_data(as_text=True)
    response = _post(
        client, "/clients/search", {"kind": "date_of_birth", "value": "2 May"}, "/clients"
    )
    assert response.status_code == 422
    response = _post(client, "/clients/search", {"kind": "phone", "value": ""}, "/clients")
    assert response.status_code == 422


def test_list_paginates(client, casework, work):
    with work(casework.north) as (session, ctx):
        codes = [service.register_client(session, ctx, intake()).code for _ in range(52)]
    sign_in(client, casework.worker)
    first = client.get("/clients").get_data(as_text=True)
    second = client.get("/clients?page=2").get_data(as_text=True)
    assert codes[-1] in first and codes[0] not in first
    assert codes[0] in second and codes[1] in second and codes[-1] not in second
    assert 'rel="next"' in first and 'rel="prev"' in second


def test_edit_identity_and_facts(client, casework, work):
    client_id = _register(work, casework.north, {"name": "Old Name", "phone": "+33 1"})
    sign_in(client, casework.worker)
    url = f"/clients/{client_id}"
    page = client.get(f"{url}/identity").get_data(as_text=True)
    assert "Old Name" not in page
    response = _post(client, f"{url}/identity", {"name": "New Name", "clear": ["phone"]})
    assert response.status_code == 302
    with work(casework.north) as (session, ctx):
        assert service.reveal_field(session, ctx, client_id, "name") == "New Name"
        assert service.reveal_field(session, ctx, client_id, "phone") is None
    response = _post(client, f"{url}/identity", {"date_of_birth": "2999-01-01"})
    assert response.status_code == 422
    assert client.get(f"{url}/facts").status_code == 200
    response = _post(client, f"{url}/facts", {**FACTS, "nationality": "VN", "sector": "garment"})
    assert response.status_code == 302
    stored = _client(work, casework.north, client_id)
    assert (stored.nationality_region, stored.sector) == ("South-eastern Asia", "garment")


def test_erase_needs_a_supervisor_and_the_code(client, casework, work):
    client_id = _register(work, casework.north, {"name": "Erin Doe"})
    url = f"/clients/{client_id}/erase"
    sign_in(client, casework.worker)
    assert client.get(url).status_code == 403
    client.post("/sign-out", data={"csrf_token": csrf_from(client, "/account")})
    sign_in(client, casework.supervisor)
    assert _post(client, url, {"confirm_code": "A1-BABA-00"}).status_code == 422
    assert _client(work, casework.north, client_id).erased_at is None
    code = _client(work, casework.north, client_id).code
    assert _post(client, url, {"confirm_code": code}).status_code == 302
    page = client.get(f"/clients/{client_id}").get_data(as_text=True)
    assert "was erased" in page and "Reveal" not in page
    assert code in client.get("/clients").get_data(as_text=True)
    token = csrf_from(client, f"/clients/{client_id}")
    reveal = client.post(
        f"/clients/{client_id}/reveal", data={"field": "name", "csrf_token": token}
    )
    assert reveal.status_code == 409


def test_other_roles_cannot_open_client_pages(client, factory, casework):
    admin = factory.person("admin@north.org", {casework.north: {"org_admin", "auditor"}}, totp=True)
    sign_in(client, admin)
    assert client.get("/clients").status_code == 403
    assert client.get("/clients/new").status_code == 403


@pytest.mark.parametrize("as_supervisor", [False, True])
def test_every_route_refuses_another_organisations_client(client, casework, work, as_supervisor):
    client_id = _register(work, casework.north, {"name": "Nadia North"})
    before = _client(work, casework.north, client_id)
    sign_in(client, casework.stranger_supervisor if as_supervisor else casework.stranger)
    token = csrf_from(client, "/clients")
    base = f"/clients/{client_id}"
    requests = [
        ("get", base, {}),
        ("post", f"{base}/reveal", {"field": "name"}),
        ("get", f"{base}/identity", {}),
        ("post", f"{base}/identity", {"name": "Hacked"}),
        ("get", f"{base}/facts", {}),
        ("post", f"{base}/facts", {**FACTS, "nationality": "FR"}),
    ]
    if as_supervisor:
        requests += [
            ("get", f"{base}/erase", {}),
            ("post", f"{base}/erase", {"confirm_code": before.code}),
        ]
    for method, url, data in requests:
        response = getattr(client, method)(url, data={**data, "csrf_token": token})
        assert response.status_code == 404, (method, url)
        assert "Nadia" not in response.get_data(as_text=True)
    found = client.post(
        "/clients/search", data={"kind": "code", "value": before.code, "csrf_token": token}
    )
    assert str(client_id) not in found.get_data(as_text=True)
    found = client.post(
        "/clients/search", data={"kind": "name", "value": "Nadia North", "csrf_token": token}
    )
    assert str(client_id) not in found.get_data(as_text=True)
    assert before.code not in client.get("/clients").get_data(as_text=True)
    after = _client(work, casework.north, client_id)
    assert (after.sealed_name, after.nationality, after.erased_at) == (
        before.sealed_name,
        "UA",
        None,
    )


def test_search_fields_follow_the_language_and_show_a_failed_searchs_input(client, casework, work):
    """The untouched search fields are kept per language (app.clients.views); a refused
    search renders its own fields, with the value typed and the message."""
    sign_in(client, casework.worker)
    english = client.get("/clients").get_data(as_text=True)
    assert ">Search by<" in english and "Rechercher par" not in english
    token = csrf_from(client, "/clients")
    client.post("/account/language", data={"locale": "fr", "csrf_token": token})
    french = client.get("/clients").get_data(as_text=True)
    assert ">Rechercher par<" in french and ">Search by<" not in french
    response = _post(
        client, "/clients/search", {"kind": "date_of_birth", "value": "2 mai"}, "/clients"
    )
    refused = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'value="2 mai"' in refused and 'aria-invalid="true"' in refused
    assert re.search(
        r'<option selected value="date_of_birth">|<option value="date_of_birth" selected', refused
    ), refused.split("<select")[1][:400]
