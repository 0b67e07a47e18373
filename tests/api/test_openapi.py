"""The OpenAPI document: every casework route is documented, secured by a bearer token, and
no response schema can carry a ``sealed_*`` property."""

from __future__ import annotations

from typing import Any

from flask.testing import FlaskClient

P = "/api/v1"
C = f"{P}/clients/{{client_id}}"
#: Every route the casework API modules add (method, path).
ROUTES = {
    ("get", f"{P}/clients"),
    ("post", f"{P}/clients"),
    ("get", f"{P}/clients/by-code"),
    ("post", f"{P}/clients/search"),
    ("get", C),
    ("patch", C),
    ("patch", f"{C}/identity"),
    ("post", f"{C}/reveal"),
    ("get", f"{C}/case"),
    ("post", f"{C}/cases"),
    ("post", f"{C}/cases/{{case_id}}/close"),
    ("put", f"{C}/cases/{{case_id}}/reflection-period"),
    ("put", f"{C}/cases/{{case_id}}/permit-track"),
    ("post", f"{C}/cases/{{case_id}}/nrm-states"),
    ("post", f"{C}/cases/{{case_id}}/risks"),
    ("get", f"{C}/cases/{{case_id}}/assignments"),
    ("post", f"{C}/cases/{{case_id}}/assignments"),
    ("delete", f"{C}/cases/{{case_id}}/assignments/{{user_id}}"),
    ("get", f"{C}/cases/{{case_id}}/child"),
    ("put", f"{C}/cases/{{case_id}}/child"),
    ("post", f"{C}/cases/{{case_id}}/child/reveal"),
    ("get", f"{C}/risks"),
    ("post", f"{C}/risks/{{risk_id}}/review"),
    ("post", f"{C}/risks/{{risk_id}}/close"),
    ("post", f"{C}/risks/{{risk_id}}/reveal"),
    ("get", f"{C}/claims"),
    ("post", f"{C}/claims"),
    ("post", f"{C}/claims/{{claim_id}}/status"),
    ("get", f"{P}/referral-partners"),
    ("get", f"{C}/referrals"),
    ("post", f"{C}/referrals/platform"),
    ("post", f"{C}/referrals/external"),
    ("post", f"{C}/referrals/{{referral_id}}/response"),
    ("post", f"{C}/referrals/{{referral_id}}/complete"),
    ("post", f"{C}/referrals/{{referral_id}}/cancel"),
    ("get", f"{P}/referrals/incoming"),
    ("post", f"{P}/referrals/incoming/{{referral_id}}/respond"),
    ("get", f"{C}/services"),
    ("post", f"{C}/services"),
    ("post", f"{C}/services/{{record_id}}/reveal"),
    ("patch", f"{C}/services/{{record_id}}"),
    ("delete", f"{C}/services/{{record_id}}"),
    ("post", f"{P}/services/group"),
    ("get", f"{P}/anonymous-contacts"),
    ("post", f"{P}/anonymous-contacts"),
    ("get", f"{P}/grants"),
    ("get", f"{P}/service-subtypes"),
    ("get", f"{P}/reports/grants"),
    ("get", f"{P}/reports/grants/{{grant_id}}"),
    ("get", f"{P}/reports/organisation"),
    ("get", f"{P}/reports/network"),
}


def _spec(client: FlaskClient) -> dict[str, Any]:
    response = client.get(f"{P}/openapi.json")
    assert response.status_code == 200
    spec: dict[str, Any] = response.json  # type: ignore[assignment]
    return spec


def _operations(spec: dict[str, Any]) -> dict[tuple[str, str], dict[str, Any]]:
    return {
        (method, path): operation
        for path, item in spec["paths"].items()
        for method, operation in item.items()
        if method in {"get", "post", "put", "patch", "delete"}
    }


def test_every_casework_route_is_documented_and_secured(client: FlaskClient) -> None:
    operations = _operations(_spec(client))
    missing = ROUTES - set(operations)
    assert not missing, missing
    for route in ROUTES:
        assert operations[route]["security"] == [{"bearer": []}], route
        assert operations[route].get("summary"), route
    for route, operation in operations.items():
        if route[0] != "get" and "requestBody" in operation:
            # Bodies are read by the ``…Args`` schemas only (see the next test).
            ref = operation["requestBody"]["content"]["application/json"]["schema"]["$ref"]
            assert ref.rsplit("/", 1)[1].endswith("Args"), route


def test_every_input_schema_refuses_unknown_fields() -> None:
    import importlib

    from marshmallow import RAISE, Schema

    found = 0
    for domain in ("clients", "cases", "assistance", "claims", "referrals"):
        module = importlib.import_module(f"app.{domain}.schemas")
        for name, value in vars(module).items():
            if isinstance(value, type) and issubclass(value, Schema) and name.endswith("Args"):
                assert value().unknown == RAISE, name
                found += 1
    assert found >= 20


def _property_names(spec: dict[str, Any], schema: dict[str, Any], seen: set[str]) -> set[str]:
    """Every property name reachable from ``schema`` (following $ref, arrays, nesting)."""
    if "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[1]
        if name in seen:
            return set()
        seen.add(name)
        return _property_names(spec, spec["components"]["schemas"][name], seen)
    names: set[str] = set()
    for key, inner in schema.get("properties", {}).items():
        names.add(key)
        names |= _property_names(spec, inner, seen)
    for key in ("items", "additionalProperties"):
        if isinstance(schema.get(key), dict):
            names |= _property_names(spec, schema[key], seen)
    for key in ("allOf", "oneOf", "anyOf"):
        for inner in schema.get(key, []):
            names |= _property_names(spec, inner, seen)
    return names


def test_no_response_schema_has_a_sealed_property(client: FlaskClient) -> None:
    spec = _spec(client)
    checked = 0
    for route, operation in _operations(spec).items():
        for response in operation["responses"].values():
            for content in response.get("content", {}).values():
                names = _property_names(spec, content["schema"], set())
                sealed = {n for n in names if n.startswith("sealed")}
                assert not sealed, (route, sealed)
                checked += 1
    assert checked >= len({route for route in ROUTES if route[0] != "delete"})  # 204: no body
    every = set()
    for schema in spec["components"]["schemas"].values():
        every |= _property_names(spec, schema, set())
    assert not {n for n in every if n.startswith("sealed")}


def test_decimal_outputs_are_documented_as_the_strings_they_are(client):
    """Budgets, amounts, quantities and costs are sent as "1250.00": the document says
    string with format decimal, never number (a client would otherwise parse a float)."""
    spec = client.get("/api/v1/openapi.json").json
    schemas = spec["components"]["schemas"]
    found = {
        (name, prop): body
        for name, schema in schemas.items()
        if name.endswith("Out")
        for prop, body in schema.get("properties", {}).items()
        if prop in {"budget", "amount_claimed", "amount_awarded", "amount_paid", "quantity",
                    "cost"}  # fmt: skip
    }
    assert len(found) >= 6, found
    for key, body in found.items():
        assert body["type"] == "string" and body["format"] == "decimal", (key, body)
