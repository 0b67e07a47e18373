"""The consent screens: the tab, recording with the notice in the client's language,
withdrawing in one action, receipts, the scan, the dashboard, notices; refusals are 422
with the message on the field and store nothing."""

from __future__ import annotations

import io
import re

from PIL import Image
from sqlalchemy import func, select

from app.consent.models import ConsentEvidence, ConsentRecord
from tests.conftest import csrf_from, sign_in
from tests.consent.conftest import in_days, notice_id


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (40, 20), "white").save(out, "PNG")
    return out.getvalue()


def _form(work, world, client_id, **overrides):
    notice = notice_id(work, world.north)
    data = {
        "notice_id": str(notice),
        "notice_language": "ar",
        "notice_version": "1",
        "decision": "given",
        "purposes": ["referral"],
        "field_groups": ["identity"],
        "recipient_types": ["partner_ngo"],
        "recipient_names": "Refuge Sud",
        "expires_on": in_days(60),
        "language": "ar",
        "interpreter_used": "y",
        "interpreter_code": "INT-07",
        "method": "verbal",
        "evidence_kind": "none",
        "legal_basis": "consent",
        "receipt_kind": "minimal",
    }
    data.update(overrides)
    return data


def _count(work, world, model=ConsentRecord):
    with work(world.north) as (session, _ctx):
        return session.scalar(select(func.count()).select_from(model))


def test_the_notice_is_shown_in_the_clients_language_right_to_left(
    client, world, people, work, new_client
):
    client_id = new_client(world.north, preferred_language="ar", languages=["ar"])
    sign_in(client, people.north_cw)
    client.post(
        "/account/language", data={"locale": "fr", "csrf_token": csrf_from(client, "/account")}
    )
    page = client.get(f"/clients/{client_id}/consent/new").get_data(as_text=True)
    assert '<html lang="fr" dir="ltr">' in page
    assert re.search(r'<section class="notice" lang="ar" dir="rtl"', page)
    assert "مشاركة معلوماتك مع منظمة أخرى" in page
    assert "Enregistrer" in page  # the screen stays French


def test_record_withdraw_and_print_from_the_client_page(client, world, people, work, new_client):
    client_id = new_client(world.north)
    sign_in(client, people.north_cw)
    url = f"/clients/{client_id}/consent"
    data = _form(work, world, client_id, csrf_token=csrf_from(client, f"{url}/new"))
    response = client.post(f"{url}/new", data=data)
    assert response.status_code == 302, response.get_data(as_text=True)
    page = client.get(url).get_data(as_text=True)
    assert "Refuge Sud" in page and "In force" in page and "interpreter INT-07" in page
    with work(world.north) as (session, _ctx):
        record = session.scalar(select(ConsentRecord))
        record_id, number = record.id, record.receipt_number
    token = csrf_from(client, url)
    pdf = client.post(f"{url}/{record_id}/receipt", data={"kind": "full", "csrf_token": token})
    assert pdf.status_code == 200 and pdf.headers["Content-Type"] == "application/pdf"
    assert (
        pdf.headers["Cache-Control"] == "no-store" and number in pdf.headers["Content-Disposition"]
    )
    withdrawn = client.post(
        f"{url}/{record_id}/withdraw", data={"channel": "phone", "csrf_token": token}
    )
    assert withdrawn.status_code == 302
    assert "Withdrawn" in client.get(url).get_data(as_text=True)
    again = client.post(
        f"{url}/{record_id}/withdraw", data={"channel": "phone", "csrf_token": token}
    )
    assert again.status_code == 422 and "already withdrawn" in again.get_data(as_text=True)


def test_a_scan_is_sealed_and_opened_only_through_the_logged_button(
    client, world, people, work, new_client
):
    client_id = new_client(world.north)
    sign_in(client, people.north_cw)
    url = f"/clients/{client_id}/consent"
    png = _png()
    data = _form(
        work, world, client_id, evidence_kind="scan", csrf_token=csrf_from(client, f"{url}/new")
    )
    data["evidence_scan"] = (io.BytesIO(png), "maria-ivanova.png")
    response = client.post(f"{url}/new", data=data, content_type="multipart/form-data")
    assert response.status_code == 302, response.get_data(as_text=True)
    with work(world.north) as (session, _ctx):
        evidence = session.scalar(select(ConsentEvidence))
        assert evidence.media_type == "image/png" and png not in evidence.sealed_scan
        record_id = evidence.record_id
    token = csrf_from(client, url)
    opened = client.post(f"{url}/{record_id}/scan", data={"csrf_token": token})
    assert opened.status_code == 200 and opened.data == png
    assert "maria" not in opened.headers["Content-Disposition"]


def test_a_scan_of_the_wrong_type_is_refused_on_its_field(client, world, people, work, new_client):
    client_id = new_client(world.north)
    sign_in(client, people.north_cw)
    url = f"/clients/{client_id}/consent/new"
    data = _form(work, world, client_id, evidence_kind="scan", csrf_token=csrf_from(client, url))
    data["evidence_scan"] = (io.BytesIO(b"MZ\x90\x00 not a scan" * 100), "form.pdf")
    response = client.post(url, data=data, content_type="multipart/form-data")
    assert response.status_code == 422
    assert "The scan must be a PDF, JPEG or PNG file." in response.get_data(as_text=True)
    assert _count(work, world) == 0


def test_a_50_mb_scan_is_refused_with_a_field_message(client, world, people, work, new_client):
    client_id = new_client(world.north)
    sign_in(client, people.north_cw)
    url = f"/clients/{client_id}/consent/new"
    data = _form(work, world, client_id, evidence_kind="scan", csrf_token=csrf_from(client, url))
    data["evidence_scan"] = (io.BytesIO(b"%PDF-1.4\n" + b"0" * (50 * 1024 * 1024)), "big.pdf")
    response = client.post(url, data=data, content_type="multipart/form-data")
    assert response.status_code == 413
    assert "larger than 10 MB" in response.get_data(as_text=True)
    assert _count(work, world) == 0


def test_an_expiry_beyond_the_maximum_is_refused_on_the_screen(
    client, world, people, work, new_client
):
    client_id = new_client(world.north)
    sign_in(client, people.north_cw)
    url = f"/clients/{client_id}/consent/new"
    data = _form(work, world, client_id, expires_on=in_days(800), csrf_token=csrf_from(client, url))
    response = client.post(url, data=data)
    assert response.status_code == 422
    assert "A consent lasts at most 12 months from today." in response.get_data(as_text=True)
    assert _count(work, world) == 0


def test_dashboard_and_notices_pages(client, world, people, work, new_client, give):
    client_id = new_client(world.north)
    give(world.north, client_id, expires_on=in_days(7))
    sign_in(client, people.north_cw)
    page = client.get("/consent/expiring").get_data(as_text=True)
    assert in_days(7) in page
    notices = client.get("/consent/notices").get_data(as_text=True)
    assert "Sharing your information with another organisation" in notices
    assert client.get("/consent/withdrawals").status_code == 200
