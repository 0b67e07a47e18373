"""The report screens and exports through the app: who sees which grant, bad input, the
signed files."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import load_pem_public_key
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from app.audit.models import AuditEvent
from app.context import Role
from app.reports.signatures import BadSignature, verify
from app.tenants.models import Organisation
from tests.conftest import Factory, Person, sign_in

from .app_data import add_clients, add_grant, in_org, link

FORMATS = ("csv", "xlsx", "pdf")


@dataclass
class Funding:
    north: Organisation
    south: Organisation
    grant: uuid.UUID
    other_grant: uuid.UUID
    south_grant: uuid.UUID
    funder: Person
    other_funder: Person
    supervisor: Person
    south_admin: Person


@pytest.fixture
def funding(app: Flask, factory: Factory) -> Funding:
    north, south = factory.organisation("north"), factory.organisation("south")
    grant, other = add_grant(app, north, "AMIF-1"), add_grant(app, north, "CITY-2")
    south_grant = add_grant(app, south, "SOUTH-1")
    funder = factory.person("funder@amif.example", {north: {Role.funder}})
    other_funder = factory.person("funder@city.example", {north: {Role.funder}})
    link(app, north, grant, funder.user.id)
    link(app, north, other, other_funder.user.id)
    add_clients(app, north, grant, 30)
    add_clients(app, south, south_grant, 12, seed=5)
    return Funding(
        north,
        south,
        grant,
        other,
        south_grant,
        funder,
        other_funder,
        factory.person("sup@north.org", {north: {Role.supervisor}}, totp=True),
        factory.person("admin@south.org", {south: {Role.org_admin}}, totp=True),
    )


def exports_pem(client: FlaskClient) -> Ed25519PublicKey:
    response = client.get("/reports/signing-key.pem")
    assert response.status_code == 200
    key = load_pem_public_key(response.data)
    assert isinstance(key, Ed25519PublicKey)
    return key


def events(app: Flask, org: Organisation, action: str) -> list[AuditEvent]:
    with in_org(app, org) as session:
        return list(session.scalars(select(AuditEvent).where(AuditEvent.action == action)))


def test_a_funder_lands_on_their_grants_and_reads_the_report(
    client: FlaskClient, funding: Funding, app: Flask
) -> None:
    sign_in(client, funding.funder)
    home = client.get("/")
    assert home.status_code == 302 and home.headers["Location"].endswith("/reports/")
    page = client.get("/reports/").get_data(as_text=True)
    assert "AMIF-1" in page and "CITY-2" not in page
    report = client.get(f"/reports/grants/{funding.grant}")
    assert report.status_code == 200
    text = report.get_data(as_text=True)
    assert "<svg" in text and 'role="img"' in text and "<table>" in text
    assert "People helped per month" in text and "[c]" in text
    assert len(events(app, funding.north, "report.run")) == 1


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_export_is_signed_and_audited(
    client: FlaskClient, funding: Funding, app: Flask, fmt: str
) -> None:
    sign_in(client, funding.funder)
    key = exports_pem(client)
    response = client.get(f"/reports/grants/{funding.grant}/export.{fmt}")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].endswith(f".{fmt}")
    data = response.data
    assert verify(data, key)
    tampered = (
        data.replace(b"AMIF-1", b"AMIF-9") if fmt == "csv" else data[:200] + b"x" + data[201:]
    )
    with pytest.raises(BadSignature):
        verify(tampered, key)
    exported = events(app, funding.north, "report.exported")
    assert [e.details["format"] for e in exported] == [fmt]


def test_the_csv_states_its_rules_and_no_client_code(client: FlaskClient, funding: Funding) -> None:
    sign_in(client, funding.funder)
    text = client.get(f"/reports/grants/{funding.grant}/export.csv").get_data(as_text=True)
    assert "Period:" in text and "are shown as [c]" in text and "Exact in this report" in text
    assert "T1-" not in text  # the seeded clients' codes


@pytest.mark.parametrize("suffix", ["", "/export.csv", "/export.xlsx", "/export.pdf"])
def test_a_funder_never_reaches_another_funders_grant(
    client: FlaskClient, funding: Funding, suffix: str
) -> None:
    sign_in(client, funding.funder)
    assert client.get(f"/reports/grants/{funding.other_grant}{suffix}").status_code == 404


@pytest.mark.parametrize(
    "url",
    [
        "/reports/grants/{g}",
        "/reports/grants/{g}/export.csv",
        "/reports/grants/{g}/export.pdf",
        "/reports/grants/{g}/export.xlsx",
        "/reports/grants/{g}/funders",
    ],
)
def test_another_organisation_never_reaches_a_grant(
    client: FlaskClient, funding: Funding, url: str
) -> None:
    sign_in(client, funding.south_admin)
    assert client.get(url.format(g=funding.grant)).status_code == 404


def test_another_organisation_reads_only_its_own_grants(
    client: FlaskClient, funding: Funding
) -> None:
    sign_in(client, funding.south_admin)
    page = client.get("/reports/").get_data(as_text=True)
    assert "SOUTH-1" in page and "AMIF-1" not in page
    report = client.get(
        "/reports/organisation?start=2026-01-01&end=2026-06-30&threshold=5"
    ).get_data(as_text=True)
    assert "People assisted by gender and age" in report


def test_funders_do_not_read_organisation_wide_reports(
    client: FlaskClient, funding: Funding
) -> None:
    sign_in(client, funding.funder)
    url = "/reports/organisation?start=2026-01-01&end=2026-06-30"
    assert client.get(url).status_code == 403
    assert client.get(url.replace("organisation?", "organisation/export.csv?")).status_code == 403


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ("start=2026-06-01&end=2026-01-01", "end", "The end date is before the start date."),
        ("start=2020-01-01&end=2025-06-30", "end", "A report covers at most 5 years."),
        ("threshold=2", "threshold", "The threshold must be at least 5"),
        ("threshold=ten", "threshold", "Enter a whole number."),
        ("cross=gender,shoe_size", "cross", "Unknown breakdown"),
        ("colour=red", "colour", "Unknown field."),
    ],
)
def test_bad_input_is_refused_in_words_and_nothing_is_exported(
    client: FlaskClient, funding: Funding, app: Flask, query: str, field: str, message: str
) -> None:
    sign_in(client, funding.supervisor)
    period = "" if "start=" in query else "start=2026-01-01&end=2026-06-30&"
    for url in (
        f"/reports/grants/{funding.grant}/export.csv?{query}",
        f"/reports/organisation/export.pdf?{period}{query}",
    ):
        response = client.get(url, headers={"Accept": "application/json"})
        assert response.status_code == 422, url
        body = response.get_json()
        assert any(message in m for m in body["fields"][field]), body
    assert events(app, funding.north, "report.exported") == []


def test_bad_input_is_refused_in_the_users_language(
    client: FlaskClient, factory: Factory, app: Flask
) -> None:
    nord = factory.organisation("nord", locale="fr")
    grant = add_grant(app, nord)
    sign_in(client, factory.person("sup@nord.org", {nord: {Role.supervisor}}, totp=True))
    response = client.get(f"/reports/grants/{grant}/export.csv?threshold=2")
    assert response.status_code == 422
    text = response.get_data(as_text=True)
    assert "Le seuil doit être d’au moins 5" in text
    assert "The threshold must be" not in text


def test_an_admin_links_a_funder_to_a_grant(
    client: FlaskClient, funding: Funding, factory: Factory, app: Flask
) -> None:
    admin = factory.person("admin@north.org", {funding.north: {Role.org_admin}}, totp=True)
    sign_in(client, admin)
    page = client.get(f"/reports/grants/{funding.other_grant}/funders")
    assert page.status_code == 200
    from tests.conftest import csrf_from

    token = csrf_from(client, f"/reports/grants/{funding.other_grant}/funders")
    response = client.post(
        f"/reports/grants/{funding.other_grant}/funders",
        data={"user_id": str(funding.funder.user.id), "action": "link", "csrf_token": token},
    )
    assert response.status_code == 302
    assert len(events(app, funding.north, "grant_funder.linked")) == 1
    other = client.post(
        f"/reports/grants/{funding.south_grant}/funders",
        data={"user_id": str(funding.funder.user.id), "action": "link", "csrf_token": token},
    )
    assert other.status_code == 404


def test_an_organisation_wide_report_counts_only_its_own_clients(
    client: FlaskClient, funding: Funding
) -> None:
    sign_in(client, funding.south_admin)
    query = "start=2026-01-01&end=2026-06-30&threshold=5"
    text = client.get(f"/reports/organisation/export.csv?{query}").get_data(as_text=True)
    # South has 12 clients, north 30: the exact grand totals are south's alone.
    assert "\r\nTotal," in text
    totals = [line for line in text.splitlines() if line.startswith("Total,")]
    assert totals and all(line.split(",")[-1] in {"12", "[c]", ""} for line in totals[:4]), totals


@pytest.mark.parametrize("variant", ["nrm", "greta", "evaluation"])
@pytest.mark.parametrize("fmt", FORMATS)
def test_each_organisation_wide_report_exports_signed(
    client: FlaskClient, funding: Funding, variant: str, fmt: str
) -> None:
    sign_in(client, funding.supervisor)
    key = exports_pem(client)
    response = client.get(
        f"/reports/organisation/export.{fmt}?start=2026-01-01&end=2026-06-30&variant={variant}"
    )
    assert response.status_code == 200
    assert verify(response.data, key)
