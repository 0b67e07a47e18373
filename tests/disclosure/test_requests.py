"""Requests decided per field group under the organisation's policy set, approved by a
second person, released as a signed package; every step in the register and the audit."""

from __future__ import annotations

import hashlib
import io
import json
import shutil
import subprocess
import zipfile

import pytest
from cryptography.hazmat.primitives.serialization import load_pem_public_key
from sqlalchemy import select, update

from app.audit.models import AuditEvent
from app.consent.inputs import Withdrawal
from app.consent.withdrawal import withdraw_consent
from app.disclosure import service
from app.disclosure.inputs import ApprovalInput, PolicyChoiceInput
from app.disclosure.models import DisclosureRequest, PolicyChoice, Status
from app.disclosure.package import release_package
from app.disclosure.policy import choose_policy
from app.errors import Conflict, Forbidden, NotFound, ValidationFailed
from tests.disclosure.conftest import (
    SECRET_ADDRESS,
    SECRET_NAME,
    SECRET_STATEMENT,
    SUPERVISOR,
    to_police,
)


def test_statement_allowed_address_denied_with_reasons(casework, work, new_client, give):
    client_id = new_client(casework.north)
    consent_id = give(casework.north, client_id)
    with work(casework.north, casework.worker) as (session, ctx):
        row = service.ask_for_disclosure(session, ctx, client_id, to_police())
        views = {str(v.field_group): v for v in service.explain(row)}
    assert row.status is Status.ready
    assert views["narrative"].outcome == "allowed"
    assert views["narrative"].policy_ids == ("share_with_consent",)
    assert views["location"].outcome == "denied"
    assert "location_needs_court_order" in views["location"].policy_ids
    assert any("court order" in r for r in views["location"].reasons)
    assert row.consent_record_id == consent_id
    with work(casework.north) as (session, _ctx):
        audit = session.scalars(
            select(AuditEvent).where(AuditEvent.action == "disclosure.decided")
        ).one()
    assert audit.details["set_sha256"] == row.policy_set_hash
    assert audit.details["context_sha256"] == row.context_sha256
    assert audit.details["consent_record"] == str(consent_id)
    assert "share_with_consent" in audit.details["policy_ids"]


def test_without_consent_everything_is_refused_and_recorded(app, casework, work, new_client):
    client_id = new_client(casework.north)
    with (
        pytest.raises(service.DisclosureRefused) as refused,
        work(casework.north, casework.worker) as (session, ctx),
    ):
        service.ask_for_disclosure(session, ctx, client_id, to_police())
    assert any("not consented" in m for m in refused.value.fields["field_groups"])


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"legal_basis": None}, "legal_basis"),
        ({"legal_basis": "gut_feeling"}, "legal_basis"),
        ({"legal_basis": "court_order"}, "legal_reference"),
        ({"legal_basis": "statutory_duty", "legal_reference": "  "}, "legal_reference"),
        ({"field_groups": []}, "field_groups"),
        ({"recipient_type": "neighbour"}, "recipient_type"),
    ],
)
def test_bad_input_is_refused_with_its_field(casework, work, new_client, overrides, field):
    client_id = new_client(casework.north)
    with (
        pytest.raises(ValidationFailed) as refused,
        work(casework.north, casework.worker) as (session, ctx),
    ):
        service.ask_for_disclosure(session, ctx, client_id, to_police(**overrides))
    assert field in refused.value.fields


def test_immigration_without_court_order_is_refused(casework, work, new_client, give):
    client_id = new_client(casework.north)
    give(casework.north, client_id, recipient_types=["immigration"])
    data = to_police(
        recipient_type="immigration", recipient_name="Prefecture", field_groups=["identity"]
    )
    with (
        pytest.raises(service.DisclosureRefused) as refused,
        work(casework.north, casework.worker) as (session, ctx),
    ):
        service.ask_for_disclosure(session, ctx, client_id, data)
    assert any("court order" in m for m in refused.value.fields["field_groups"])


def _statutory(casework, work, client_id):
    data = to_police(
        purpose="criminal_investigation",
        legal_basis="statutory_duty",
        legal_reference="Code de procedure penale art. 60-1",
        field_groups=["identity"],
    )
    with work(casework.north, casework.worker) as (session, ctx):
        row = service.ask_for_disclosure(session, ctx, client_id, data)
    assert row.status is Status.awaiting_approval
    return row


def test_self_approval_is_refused(casework, work, new_client):
    client_id = new_client(casework.north)
    with work(casework.north, casework.supervisor, SUPERVISOR) as (session, ctx):
        data = to_police(
            purpose="criminal_investigation",
            legal_basis="statutory_duty",
            legal_reference="CPP 60-1",
            field_groups=["identity"],
        )
        row = service.ask_for_disclosure(session, ctx, client_id, data)
    with (
        pytest.raises(Forbidden),
        work(casework.north, casework.supervisor, SUPERVISOR) as (session, ctx),
    ):
        service.approve_disclosure(session, ctx, row.id, ApprovalInput())


def test_caseworker_cannot_approve(casework, work, new_client):
    row = _statutory(casework, work, new_client(casework.north))
    with pytest.raises(Forbidden), work(casework.north, casework.worker) as (session, ctx):
        service.approve_disclosure(session, ctx, row.id, ApprovalInput())


def test_not_telling_the_client_needs_a_reason(casework, work, new_client):
    row = _statutory(casework, work, new_client(casework.north))
    with (
        pytest.raises(ValidationFailed) as refused,
        work(casework.north, casework.supervisor, SUPERVISOR) as (session, ctx),
    ):
        service.approve_disclosure(session, ctx, row.id, ApprovalInput(notify_client=False))
    assert "notify_reason" in refused.value.fields
    with work(casework.north, casework.supervisor, SUPERVISOR) as (session, ctx):
        approved = service.approve_disclosure(
            session,
            ctx,
            row.id,
            ApprovalInput(notify_client=False, notify_reason="endangers_client"),
        )
    assert approved.status is Status.ready
    assert (approved.notify_client, approved.notify_reason) == (False, "endangers_client")


#: An organisation's own rule (forbid only): nothing goes to the NRM coordinator without
#: the client's consent, even under a statute. With it, a statutory disclosure both needs a
#: supervisor and rests on consent.
NRM_ONLY_WITH_CONSENT = """
@id("org.nrm_only_with_consent")
@reason("no_consent_no_obligation")
@explain("Nothing goes to the NRM coordinator without the client's consent.")
forbid (principal, action in Action::"share", resource)
when {
  context.recipient_type == RecipientType::"nrm_coordinator" && !context.consent_valid
};
"""


def _nrm_request(casework, work, new_client, give):
    client_id = new_client(casework.north)
    consent_id = give(
        casework.north,
        client_id,
        purposes=["nrm_registration"],
        recipient_types=["nrm_coordinator"],
        field_groups=["identity"],
    )
    with work(casework.north, casework.admin, ("org_admin",)) as (session, ctx):
        choose_policy(session, ctx, PolicyChoiceInput("default", NRM_ONLY_WITH_CONSENT))
    data = to_police(
        recipient_type="nrm_coordinator",
        recipient_name="NRM coordinator",
        purpose="nrm_registration",
        legal_basis="statutory_duty",
        legal_reference="Loi 2026-12 art. 4",
        field_groups=["identity"],
    )
    with work(casework.north, casework.worker) as (session, ctx):
        row = service.ask_for_disclosure(session, ctx, client_id, data)
    assert row.status is Status.awaiting_approval
    return client_id, consent_id, row


def test_withdrawal_between_request_and_approval_fails_the_approval(
    casework, work, new_client, give
):
    client_id, consent_id, row = _nrm_request(casework, work, new_client, give)
    with work(casework.north, casework.worker) as (session, ctx):
        withdraw_consent(session, ctx, client_id, consent_id, Withdrawal())
    with (
        pytest.raises(Conflict) as failed,
        work(casework.north, casework.supervisor, SUPERVISOR) as (session, ctx),
    ):
        service.approve_disclosure(session, ctx, row.id, ApprovalInput())
    assert "no longer valid" in failed.value.message


def test_approval_with_consent_still_valid_succeeds(casework, work, new_client, give):
    _client_id, _consent_id, row = _nrm_request(casework, work, new_client, give)
    with work(casework.north, casework.supervisor, SUPERVISOR) as (session, ctx):
        approved = service.approve_disclosure(session, ctx, row.id, ApprovalInput())
    assert approved.status is Status.ready
    assert approved.approved_by == casework.supervisor.user.id


def test_withdrawal_before_release_stops_the_release(casework, work, new_client, give):
    client_id = new_client(casework.north)
    consent_id = give(casework.north, client_id)
    with work(casework.north, casework.worker) as (session, ctx):
        row = service.ask_for_disclosure(session, ctx, client_id, to_police())
    with work(casework.north, casework.worker) as (session, ctx):
        withdraw_consent(session, ctx, client_id, consent_id, Withdrawal())
    with pytest.raises(Conflict), work(casework.north, casework.worker) as (session, ctx):
        release_package(session, ctx, row.id)


def test_a_court_order_does_not_rest_on_consent(casework, work, new_client, give):
    client_id = new_client(casework.north)
    consent_id = give(casework.north, client_id, field_groups=["narrative"])
    # A court order and consent-based groups together: approval needed, consent relied on.
    data = to_police(
        purpose="criminal_investigation",
        legal_basis="court_order",
        legal_reference="TGI Lyon 2026/123",
        field_groups=["narrative", "identity"],
    )
    with work(casework.north, casework.worker) as (session, ctx):
        row = service.ask_for_disclosure(session, ctx, client_id, data)
    assert row.status is Status.awaiting_approval
    with work(casework.north, casework.worker) as (session, ctx):
        withdraw_consent(session, ctx, client_id, consent_id, Withdrawal())
    with work(casework.north, casework.supervisor, SUPERVISOR) as (session, ctx):
        approved = service.approve_disclosure(session, ctx, row.id, ApprovalInput())
    # A court order does not rest on consent: withdrawing it changes nothing here.
    assert approved.status is Status.ready


def test_package_holds_only_the_released_fields_and_verifies(casework, work, new_client, give):
    client_id = new_client(casework.north)
    give(casework.north, client_id)
    with work(casework.north, casework.worker) as (session, ctx):
        row = service.ask_for_disclosure(session, ctx, client_id, to_police())
    with work(casework.north, casework.worker) as (session, ctx):
        package = release_package(session, ctx, row.id)
    archive = zipfile.ZipFile(io.BytesIO(package.zip_bytes))
    names = set(archive.namelist())
    number = row.number
    assert names == {f"{number}.json", f"{number}.json.sig", f"{number}.pdf", "signing-key.pem"}
    document = archive.read(f"{number}.json")
    key = load_pem_public_key(archive.read("signing-key.pem"))
    key.verify(archive.read(f"{number}.json.sig"), document)  # raises if it does not verify
    content = json.loads(document)
    assert content["fields"] == {"narrative": {"narrative": SECRET_STATEMENT}}
    assert content["recipient"] == {"type": "police", "name": "Police nationale, Lyon"}
    assert content["policy_set_hash"] == row.policy_set_hash
    assert SECRET_ADDRESS.encode() not in package.zip_bytes
    assert SECRET_NAME.encode() not in package.zip_bytes
    assert hashlib.sha256(archive.read(f"{number}.pdf")).hexdigest() == content["pdf_sha256"]
    with work(casework.north) as (session, _ctx):
        stored = session.get(DisclosureRequest, (casework.north.id, row.id))
        assert stored.status is Status.released
        assert stored.package_sha256 == hashlib.sha256(document).hexdigest()
        reveals = session.scalars(
            select(AuditEvent).where(AuditEvent.action == "client.revealed")
        ).all()
        assert [r.details["field"] for r in reveals] == ["narrative"]
    with pytest.raises(Conflict), work(casework.north, casework.worker) as (session, ctx):
        release_package(session, ctx, row.id)


def test_other_organisation_cannot_see_or_act(casework, work, new_client, give):
    client_id = new_client(casework.north)
    give(casework.north, client_id)
    with work(casework.north, casework.worker) as (session, ctx):
        row = service.ask_for_disclosure(session, ctx, client_id, to_police())
    with pytest.raises(NotFound), work(casework.south, casework.stranger) as (session, ctx):
        service.get_request(session, ctx, row.id)
    with pytest.raises(NotFound), work(casework.south, casework.stranger) as (session, ctx):
        service.ask_for_disclosure(session, ctx, client_id, to_police())


@pytest.mark.skipif(shutil.which("openssl") is None, reason="openssl not installed")
def test_the_readme_openssl_command_verifies_the_package_and_refuses_a_change(
    casework, work, new_client, give, tmp_path
):
    client_id = new_client(casework.north)
    give(casework.north, client_id)
    with work(casework.north, casework.worker) as (session, ctx):
        row = service.ask_for_disclosure(session, ctx, client_id, to_police())
    with work(casework.north, casework.worker) as (session, ctx):
        package = release_package(session, ctx, row.id)
    zipfile.ZipFile(io.BytesIO(package.zip_bytes)).extractall(tmp_path)
    number = row.number

    def verify() -> subprocess.CompletedProcess[str]:
        command = [
            "openssl", "pkeyutl", "-verify", "-pubin", "-inkey", "signing-key.pem", "-rawin",
            "-in", f"{number}.json", "-sigfile", f"{number}.json.sig",
        ]  # fmt: skip
        return subprocess.run(command, cwd=tmp_path, capture_output=True, text=True, check=False)

    checked = verify()
    assert checked.returncode == 0 and "Verified Successfully" in checked.stdout
    document = tmp_path / f"{number}.json"
    document.write_text(document.read_text().replace("Lyon", "Lion"))
    assert verify().returncode != 0


def test_a_chosen_set_that_is_gone_decides_nothing(casework, work, new_client, give):
    client_id = new_client(casework.north)
    give(casework.north, client_id)
    with work(casework.north, casework.admin, ("org_admin",)) as (session, ctx):
        choose_policy(session, ctx, PolicyChoiceInput("example_labour_firewall", ""))
    with work(casework.north) as (session, _ctx):
        session.execute(update(PolicyChoice).values(policy_set="example_repealed"))
    with pytest.raises(Conflict), work(casework.north, casework.worker) as (session, ctx):
        service.ask_for_disclosure(session, ctx, client_id, to_police())
