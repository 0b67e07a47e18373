"""The canary reaches the consent tables (a scan holding it, identity carried under
consent) and is found in none of them in clear; every consent page of organisation A is
a 404 for organisation B and changes nothing."""

from __future__ import annotations

import io
import logging

from PIL import Image, ImageDraw
from sqlalchemy import func, select

from app.audit.models import AuditEvent
from app.consent.models import ConsentRecord, NoticeText
from app.referrals import service as referrals
from app.referrals.inputs import PlatformReferral
from tests.clients.conftest import intake
from tests.clients.test_canary import CANARY_NAME, _needles, _stored_bytes
from tests.conftest import csrf_from, sign_in
from tests.consent.conftest import in_days, notice_id


def _scan_with_canary() -> bytes:
    image = Image.new("RGB", (400, 60), "white")
    ImageDraw.Draw(image).text((5, 5), "x", fill="black")
    out = io.BytesIO()
    # The canary rides in a PNG text chunk: in clear in the file, so a scan stored
    # unsealed would show it.
    from PIL.PngImagePlugin import PngInfo

    info = PngInfo()
    info.add_text("Comment", CANARY_NAME)
    image.save(out, "PNG", pnginfo=info)
    return out.getvalue()


def test_canary_in_a_scan_and_carried_identity_is_never_stored_in_clear(
    app, client, world, people, work, give, caplog
):
    caplog.set_level(logging.DEBUG)
    from app.clients.service import register_client

    with work(world.north) as (session, ctx):
        client_id = register_client(
            session, ctx, intake({"age_band": "25_34"}, {"name": CANARY_NAME})
        ).id
    sign_in(client, people.north_cw)
    url = f"/clients/{client_id}/consent/new"
    scan = _scan_with_canary()
    assert CANARY_NAME.encode() in scan  # positive control
    data = {
        "notice_id": str(notice_id(work, world.north)),
        "notice_language": "en",
        "notice_version": "1",
        "decision": "given",
        "purposes": ["referral"],
        "field_groups": ["identity"],
        "recipient_types": ["partner_ngo"],
        "recipient_organisations": [str(world.south.id)],
        "expires_on": in_days(30),
        "language": "ro",
        "method": "written",
        "evidence_kind": "scan",
        "legal_basis": "consent",
        "receipt_kind": "full",
        "csrf_token": csrf_from(client, url),
        "evidence_scan": (io.BytesIO(scan), f"{CANARY_NAME}.png"),
    }
    response = client.post(url, data=data, content_type="multipart/form-data")
    assert response.status_code == 302, response.get_data(as_text=True)
    with work(world.north) as (session, ctx):
        data = PlatformReferral(world.south.id, ["legal"], _today(), carry_groups=["identity"])
        referrals.refer_to_platform_organisation(session, ctx, client_id, data)
    stored = _stored_bytes(app)
    with work(world.north) as (session, _ctx):
        number = session.scalar(select(ConsentRecord.receipt_number))
    assert number.encode() in stored  # positive control: the scan reads the consent tables
    assert [n for n in _needles() if n in stored] == []
    logged = "\n".join(r.getMessage() + str(r.args) for r in caplog.records).encode()
    assert [n for n in _needles() if n in logged] == []
    with work(world.north) as (session, _ctx):
        events = session.scalars(select(AuditEvent)).all()
    assert {"consent.given", "referral.identity_carried"} <= {e.action for e in events}
    audit = repr([(e.action, e.details) for e in events]).encode()
    assert [n for n in _needles() if n in audit] == []


def _today():
    from app.db.base import utcnow

    return utcnow().date()


def test_every_consent_page_of_another_organisation_is_not_found(
    app, client, world, people, work, new_client, give
):
    client_id = new_client(world.north)
    record_id = give(world.north, client_id)
    with work(world.north) as (session, _ctx):
        text_id = session.scalar(select(NoticeText.id))
        notice = session.scalar(select(NoticeText.notice_id))
    sign_in(client, people.south_cw)
    token = csrf_from(client, "/clients")
    base = f"/clients/{client_id}/consent"
    gets = [base, f"{base}/new", f"/consent/notices/{notice}", f"/consent/notice-texts/{text_id}"]
    posts = [
        (f"{base}/new", {}),
        (f"{base}/{record_id}/withdraw", {"channel": "phone"}),
        (f"{base}/{record_id}/receipt", {"kind": "full"}),
        (f"{base}/{record_id}/scan", {}),
        (f"/consent/withdrawals/{record_id}/acknowledge", {}),
    ]
    for url in gets:
        assert client.get(url).status_code == 404, url
    with work(world.north) as (session, _ctx):
        before = (
            session.scalar(select(func.count()).select_from(ConsentRecord)),
            session.scalar(select(func.count()).select_from(AuditEvent)),
        )
    for url, data in posts:
        assert client.post(url, data={**data, "csrf_token": token}).status_code == 404, url
    with work(world.north) as (session, _ctx):
        after = (
            session.scalar(select(func.count()).select_from(ConsentRecord)),
            session.scalar(select(func.count()).select_from(AuditEvent)),
        )
    assert after == before
    assert in_days(90) not in client.get("/consent/expiring").get_data(as_text=True)
