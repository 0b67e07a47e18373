"""Schemathesis over the whole OpenAPI document: generated requests (valid and not), with
real ids of a seeded organisation, never get a server error.

A bounded number of examples per operation keeps it in the suite's budget; CI runs it on
SQLite and PostgreSQL like every test. Path ids named after an object of the seeded
organisation are replaced by that object's id, so the generated bodies reach the services
instead of stopping at "not found".
"""

from __future__ import annotations

import uuid
from datetime import date

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings

from app.assistance.inputs import ServiceInput
from app.assistance.service import record_service
from app.cases.inputs import CaseOpening
from app.cases.service import open_case
from app.clients.service import register_client
from tests.api.conftest import ApiWorld
from tests.clients.conftest import intake

EXAMPLES = 12


@pytest.fixture
def seeded(world: ApiWorld) -> tuple[ApiWorld, dict[str, uuid.UUID]]:
    """North with a client, an open case and a service; the ids the fuzzer will use."""
    with world.work() as (session, ctx):
        client = register_client(session, ctx, intake({"age_band": "12_17"}, {"name": "Fuzz"}))
        case = open_case(session, ctx, client.id, CaseOpening(date(2026, 1, 5)))
        service = ServiceInput(category="material", started_on=date(2026, 1, 6), quantity=1)
        record = record_service(session, ctx, client.id, service)
        ids = {"client_id": client.id, "case_id": case.id, "record_id": record.id}
    return world, ids


def test_no_generated_request_gets_a_server_error(seeded) -> None:  # type: ignore[no-untyped-def]
    world, ids = seeded
    token = world.token("north", "supervisor")
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", world.app)
    failures: list[str] = []
    statuses: list[int] = []
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) > 30  # the whole document, not a part of it

    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(max_examples=EXAMPLES, suppress_health_check=list(HealthCheck))
        def call(case) -> None:  # type: ignore[no-untyped-def]
            for name in list(case.path_parameters or {}):
                if name in ids:
                    case.path_parameters[name] = str(ids[name])
            response = case.call(headers={"Authorization": f"Bearer {token}"})
            statuses.append(response.status_code)
            if response.status_code >= 500:
                failures.append(f"{case.method} {case.formatted_path}: {response.status_code}")

        call()
    assert failures == []
    # The seeded ids took many requests past "not found" into the services.
    assert sum(200 <= status < 300 for status in statuses) > len(operations)
