"""One error shape for the API, whoever raised the error (a service, the schemas, routing),
while HTML pages keep their HTML error page."""

from __future__ import annotations

from tests.api.conftest import ApiWorld, assert_fields

API = "/api/v1"


def test_schema_errors_have_the_domain_error_shape(world: ApiWorld) -> None:
    cid = world.client_of()
    response = world.post(f"{API}/clients/{cid}/cases", {"opened_on": "soon", "x": 1})
    body = assert_fields(response, "opened_on", "x")
    assert set(body) == {"status", "error", "message", "fields"}
    assert body["fields"]["x"] == ["Unknown field."]


def test_bad_json_and_routing_errors_are_json(world: ApiWorld) -> None:
    headers = {"Authorization": f"Bearer {world.token()}", "Content-Type": "application/json"}
    response = world.http.post(f"{API}/clients", data="{not json", headers=headers)
    assert response.status_code == 400 and response.json["status"] == 400
    response = world.http.delete(f"{API}/clients", headers=headers)
    assert response.status_code == 405 and response.json["status"] == 405
    response = world.http.get(f"{API}/no-such-thing", headers=headers)
    assert response.status_code == 404 and set(response.json) == {"status", "error", "message"}


def test_html_pages_keep_the_html_error_page(world: ApiWorld) -> None:
    response = world.http.get("/no-such-page", headers={"Accept": "text/html"})
    assert response.status_code == 404
    assert response.content_type.startswith("text/html")
