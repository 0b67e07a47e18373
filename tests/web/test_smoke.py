from tests.conftest import sign_in


def test_sign_in_page_is_served_with_security_headers(client):
    response = client.get("/sign-in")
    assert response.status_code == 200
    assert "default-src 'self'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Cache-Control"] == "no-store"


def test_caseworker_signs_in_and_sees_home(client, factory):
    org = factory.organisation("north-shelter")
    person = factory.person("cw@example.org", {org: {"caseworker"}})
    sign_in(client, person)
    page = client.get("/").get_data(as_text=True)
    assert "North-Shelter" in page
    assert "My cases" in page
