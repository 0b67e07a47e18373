"""Forms do not lose work: limits are shown and enforced in the form, text over a limit
comes back in the form, and a body too large to read leads back to the form."""

from __future__ import annotations

import re

from tests.conftest import csrf_from, sign_in

SERVICE = {
    "category": "counselling",
    "started_on": "2025-03-01",
    "quantity": "1",
    "unit": "sessions",
    "language": "ro",
    "interpreter_used": "n",
}


def _services(client, world, new_client, new_case) -> str:
    client_id = new_client(world.north)
    new_case(world.north, client_id, world.worker)
    sign_in(client, world.worker)
    return f"/clients/{client_id}/services"


def test_notes_box_carries_the_limit_and_says_it(client, world, new_client, new_case):
    url = _services(client, world, new_client, new_case)
    page = client.get(url).get_data(as_text=True)
    box = re.search(r"<textarea[^>]*id=\"notes\"[^>]*>", page).group(0)
    assert 'maxlength="10000"' in box
    assert 'notes-count"' in box and 'aria-describedby="' in box
    assert "At most 10,000 characters." in page


def test_notes_over_the_limit_come_back_in_the_form(client, world, new_client, new_case):
    url = _services(client, world, new_client, new_case)
    typed = "Long session. " * 900  # 12,600 characters
    response = client.post(
        url, data={**SERVICE, "notes": typed, "csrf_token": csrf_from(client, url)}
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert typed.strip() in page  # the text is kept, in the box
    assert "10,000" in page


def test_a_form_body_too_large_to_read_leads_back_to_the_form(client, world, new_client, new_case):
    url = _services(client, world, new_client, new_case)
    token = csrf_from(client, url)
    response = client.post(url, data={**SERVICE, "notes": "x" * 1_100_000, "csrf_token": token})
    page = response.get_data(as_text=True)
    assert response.status_code == 413
    assert "Nothing was saved" in page
    assert f'href="{url}"' in page and "Back to the form" in page
    # A POST-only address has no form page to go back to.
    search = client.post("/clients/search", data={"value": "x" * 1_100_000, "csrf_token": token})
    assert search.status_code == 413 and "Back to the form" not in search.get_data(as_text=True)
