"""The canary through a whole disclosure: refused groups never reach the package; the
register, the audit log, the stored rows and the logs never hold any of it in clear."""

from __future__ import annotations

import io
import logging
import zipfile

from app.clients.service import register_client
from tests.clients.conftest import intake
from tests.clients.test_canary import (
    CANARY_NAME,
    CANARY_NOTE,
    CANARY_PHONE,
    _needles,
    _stored_bytes,
)
from tests.conftest import csrf_from, sign_in

STATEMENT = "Plain statement given to the police"


def test_canary_stays_out_of_packages_register_audit_and_logs(
    app, client, casework, work, give, caplog
):
    caplog.set_level(logging.DEBUG)
    identity = {
        "name": CANARY_NAME,
        "phone": CANARY_PHONE,
        "address": CANARY_NOTE,
        "narrative": STATEMENT,
    }
    with work(casework.north) as (session, ctx):
        client_id = register_client(session, ctx, intake({"age_band": "25_34"}, identity)).id
    give(casework.north, client_id, field_groups=["identity", "contact", "narrative"])
    sign_in(client, casework.worker)
    url = f"/clients/{client_id}/disclosures"
    response = client.post(
        url,
        data={
            "recipient_type": "police",
            "recipient_name": "Police nationale",
            "purpose": "criminal_proceedings_support",
            "legal_basis": "consent",
            "field_groups": ["narrative", "location"],
            "csrf_token": csrf_from(client, url),
        },
    )
    assert response.status_code == 302
    request_url = response.headers["Location"]
    package = client.post(
        f"{request_url}/release", data={"csrf_token": csrf_from(client, request_url)}
    )
    assert package.status_code == 200
    archive = zipfile.ZipFile(io.BytesIO(package.data))
    unpacked = b"".join(archive.read(name) for name in archive.namelist())
    assert STATEMENT.encode() in unpacked  # positive control: the released group is there
    assert [n for n in _needles() if n in unpacked] == []  # the refused address is not
    auditor = app.test_client()
    sign_in(auditor, casework.auditor)
    register = auditor.get("/disclosure/register").get_data(as_text=True).encode()
    assert b"Police" in register or b"police" in register.lower()  # positive control
    assert [n for n in _needles() if n in register] == []
    assert STATEMENT.encode() not in register
    stored = _stored_bytes(app)
    assert [n for n in _needles() if n in stored] == []
    assert STATEMENT.encode() not in stored  # released, yet never stored in clear
    logged = "\n".join(r.getMessage() + str(r.args) for r in caplog.records).encode()
    assert [n for n in _needles() if n in logged] == []
