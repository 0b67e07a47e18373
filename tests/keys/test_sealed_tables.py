"""Key status and ``haven keys verify`` cover every sealed table: client identity, service
notes, risk notes and the child module (the last two reach the client through the case)."""

from __future__ import annotations

from datetime import date

from app.assistance.inputs import ServiceInput
from app.assistance.service import record_service
from app.cases.children import update_child_details
from app.cases.inputs import CaseOpening, ChildModule, RiskInput
from app.cases.models import ChildDetails, Risk
from app.cases.risks import add_risk
from app.cases.service import open_case
from app.clients import service
from app.key_admin import maintenance, verify
from app.keys.sealed import sealed_tables
from app.validation import typed_input
from tests.clients.conftest import intake


def test_every_sealed_table_is_known_with_its_way_to_the_client() -> None:
    found = {t.name: (t.columns, t.via_case) for t in sealed_tables()}
    assert found["risks"] == (("sealed_notes",), True)
    assert found["child_details"] == (("sealed_child_protection_contact", "sealed_guardian"), True)
    assert found["assistance_records"] == (("sealed_notes",), False)
    assert "sealed_name" in found["clients"][0]


def test_status_and_verify_open_values_of_every_sealed_table(work, casework) -> None:
    with work(casework.north, roles=("supervisor",)) as (session, ctx):
        client = service.register_client(
            session, ctx, intake({"age_band": "12_17", "is_minor": True}, {"name": "Olga Mazur"})
        )
        case = open_case(session, ctx, client.id, CaseOpening(date(2026, 1, 5)))
        risk = add_risk(
            session,
            ctx,
            client.id,
            case.id,
            RiskInput("retaliation", "high", date(2026, 12, 1), "a threat"),
        )
        update_child_details(
            session,
            ctx,
            client.id,
            case.id,
            ChildModule(
                guardian="Anna Mazur",
                schooling="enrolled",
                child_protection_service="ASE Lyon, service of Mme Durand",
                child_protection_contact="+33 1 23 45 67 89",
            ),
        )
        fields = {"category": "counselling", "started_on": date(2026, 1, 6), "quantity": 1}
        record_service(
            session,
            ctx,
            client.id,
            typed_input(
                ServiceInput,
                {**fields, "language": "uk", "interpreter_used": False, "notes": "calm"},
            ),
        )
        risk_id, case_id = risk.id, case.id
    with work(casework.north) as (session, _ctx):
        status = maintenance.key_status(session)
        [check] = [c for c in verify.verify_sample(session, sample=5) if c.slug == "north"]
    [key] = next(t for t in status.tenants if t.slug == "north").keys
    # name + risk notes + guardian + child-protection contact + service notes
    assert key.sealed_values == 5
    assert (check.values_checked, check.failures) == (5, [])

    with work(casework.north) as (session, _ctx):
        damaged = session.get(Risk, (casework.north.id, risk_id))
        damaged.sealed_notes = damaged.sealed_notes[:-1] + bytes([damaged.sealed_notes[-1] ^ 1])
        child = session.get(ChildDetails, (casework.north.id, case_id))
        # A value moved to another row of the same table must not open there either.
        child.sealed_guardian, child.sealed_child_protection_contact = (
            child.sealed_child_protection_contact,
            child.sealed_guardian,
        )
    with work(casework.north) as (session, _ctx):
        [check] = [c for c in verify.verify_sample(session, sample=5) if c.slug == "north"]
    assert sorted((f.what, f.error) for f in check.failures) == [
        ("child_details.sealed_child_protection_contact", "SealBroken"),
        ("child_details.sealed_guardian", "SealBroken"),
        ("risks.sealed_notes", "SealBroken"),
    ]
    assert all(f.client_id == client.id for f in check.failures)
    assert "Anna" not in repr(check) and "threat" not in repr(check)


def test_erasure_clears_the_clients_sealed_values_in_every_table(work, casework) -> None:
    from sqlalchemy import select

    from app.assistance.models import AssistanceRecord
    from app.keys.sealed import sealed_tables

    with work(casework.north, roles=("supervisor",)) as (session, ctx):
        client = service.register_client(
            session, ctx, intake({"age_band": "12_17", "is_minor": True}, {"name": "Olga Mazur"})
        )
        other = service.register_client(session, ctx, intake({}, {"name": "Anna Mazur"}))
        case = open_case(session, ctx, client.id, CaseOpening(date(2026, 1, 5)))
        add_risk(
            session,
            ctx,
            client.id,
            case.id,
            RiskInput("retaliation", "high", date(2026, 12, 1), "x"),
        )
        update_child_details(
            session,
            ctx,
            client.id,
            case.id,
            ChildModule(
                guardian="Anna Mazur",
                schooling="enrolled",
                child_protection_service="ASE Lyon, service of Mme Durand",
                child_protection_contact="+33 1 23 45 67 89",
            ),
        )
        fields = {"category": "counselling", "started_on": date(2026, 1, 6), "quantity": 1,
                  "language": "uk", "interpreter_used": False, "notes": "calm"}  # fmt: skip
        record_service(session, ctx, client.id, typed_input(ServiceInput, fields))
        record_service(session, ctx, other.id, typed_input(ServiceInput, fields))
        service.erase_client(session, ctx, client.id)
        client_id, other_id = client.id, other.id
    with work(casework.north) as (session, _ctx):
        for table in sealed_tables():
            for owner, _row, *values in session.execute(table.rows()):
                if owner == client_id:
                    assert values == [None] * len(values), table.name
        # Free text beside the sealed values goes too (the child module's service name).
        assert session.scalar(select(ChildDetails.child_protection_service)) is None
        # The other client's notes stay.
        kept = select(AssistanceRecord.sealed_notes).where(AssistanceRecord.client_id == other_id)
        assert session.scalar(kept) is not None
