"""The case tab: opening, NRM changes, reflection period, permit track, closing,
assignments and the child section; 422 with field messages on bad input."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from app.audit.models import AuditEvent
from app.cases import children
from app.cases.inputs import ChildModule
from app.cases.models import Case, CaseAssignment, ChildDetails, NrmEvent
from tests.cases.conftest import SECRET, count
from tests.conftest import csrf_from, sign_in

FUTURE = (date.today() + timedelta(days=3)).isoformat()


def _post(client, client_id, path, **data):
    token = csrf_from(client, f"/clients/{client_id}/case")
    return client.post(f"/clients/{client_id}/{path}", data={"csrf_token": token, **data})


def test_caseworker_opens_a_case_from_the_tab(client, world, work, new_client):
    client_id = new_client(world.north)
    sign_in(client, world.worker)
    url = f"/clients/{client_id}/case"
    html = client.get(url).get_data(as_text=True)
    assert "This client has no open case." in html
    assert '<label for="open-opened_on">' in html and 'aria-current="page"' in html
    response = _post(
        client, client_id, "cases", **{"open-opened_on": "2025-03-01", "open-permit_track": "none"}
    )
    assert response.status_code == 302 and response.headers["Location"].endswith(url)
    html = client.get(url).get_data(as_text=True)
    assert "Current case" in html and "2025-03-01" in html
    assert "Cw" in html  # the opener is on the case team
    assert SECRET not in html
    assert count(work, world.north, Case) == 1


def test_bad_opening_gets_422_with_messages_and_stores_nothing(client, world, work, new_client):
    client_id = new_client(world.north)
    sign_in(client, world.worker)
    response = _post(
        client, client_id, "cases", **{"open-opened_on": FUTURE, "open-permit_track": "nope"}
    )
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Not a valid choice" in html  # the form refuses an unknown track first
    response = _post(
        client, client_id, "cases", **{"open-opened_on": FUTURE, "open-permit_track": "none"}
    )
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "This date is in the future." in html and 'id="open-opened_on-error"' in html
    assert count(work, world.north, Case) == 0


def test_nrm_reflection_and_permit_forms(client, world, work, new_client, new_case):
    client_id = new_client(world.north)
    case_id = new_case(world.north, client_id, world.worker)
    sign_in(client, world.worker)
    base = f"cases/{case_id}"
    for state, day in [("referred", "2025-03-02"), ("positive_reasonable_grounds", "2025-04-01")]:
        response = _post(
            client, client_id, f"{base}/nrm", **{"nrm-nrm_state": state, "nrm-changed_on": day}
        )
        assert response.status_code == 302
    response = _post(
        client,
        client_id,
        f"{base}/nrm",
        **{"nrm-nrm_state": "withdrawn", "nrm-changed_on": "2025-03-05"},
    )
    assert response.status_code == 422
    assert "This is before the latest recorded change." in response.get_data(as_text=True)
    response = _post(
        client,
        client_id,
        f"{base}/reflection",
        **{"reflection-reflection_start": "2025-03-10", "reflection-reflection_end": "2025-03-01"},
    )
    assert response.status_code == 422
    assert "The end cannot be before the start." in response.get_data(as_text=True)
    response = _post(
        client,
        client_id,
        f"{base}/reflection",
        **{"reflection-reflection_start": "2025-03-10", "reflection-reflection_end": "2025-06-07"},
    )
    assert response.status_code == 302
    response = _post(client, client_id, f"{base}/permit", **{"permit-permit_track": "humanitarian"})
    assert response.status_code == 302
    html = client.get(f"/clients/{client_id}/case").get_data(as_text=True)
    history = html[html.index("NRM history") :]
    assert history.index("Positive reasonable-grounds") < history.index("Referred")
    assert "2025-06-07" in html and "Humanitarian grounds" in html
    assert count(work, world.north, NrmEvent) == 2


def test_closing_needs_a_reason_and_leaves_the_case_in_the_earlier_list(
    client, world, work, new_client, new_case
):
    client_id = new_client(world.north)
    case_id = new_case(world.north, client_id, world.worker)
    sign_in(client, world.worker)
    path = f"cases/{case_id}/close"
    response = _post(
        client, client_id, path, **{"close-closed_on": "2025-05-01", "close-reason": ""}
    )
    assert response.status_code == 422
    assert "Choose a value from the list." in response.get_data(as_text=True)
    assert count(work, world.north, Case, Case.closed_on.is_not(None)) == 0
    response = _post(
        client,
        client_id,
        path,
        **{"close-closed_on": "2025-05-01", "close-reason": "returned_home"},
    )
    assert response.status_code == 302
    html = client.get(f"/clients/{client_id}/case").get_data(as_text=True)
    assert "This client has no open case." in html and "Earlier cases" in html
    assert "Returned to the country of origin" in html
    again = _post(
        client, client_id, path, **{"close-closed_on": "2025-05-02", "close-reason": "other"}
    )
    assert again.status_code == 409


def test_supervisor_assigns_and_unassigns_from_the_tab(client, world, work, new_client, new_case):
    client_id = new_client(world.north)
    case_id = new_case(world.north, client_id, world.worker)
    colleague = world.colleague.user.id
    sign_in(client, world.supervisor)
    html = client.get(f"/clients/{client_id}/case").get_data(as_text=True)
    assert f'value="{colleague}"' in html and '<label for="assign-user_id">' in html
    response = _post(
        client, client_id, f"cases/{case_id}/assignments", **{"assign-user_id": str(colleague)}
    )
    assert response.status_code == 302
    response = _post(
        client, client_id, f"cases/{case_id}/assignments/{world.worker.user.id}/remove"
    )
    assert response.status_code == 302
    with work(world.north) as (session, _ctx):
        assert set(session.scalars(select(CaseAssignment.user_id))) == {colleague}
    response = _post(
        client, client_id, f"cases/{case_id}/assignments", **{"assign-user_id": "bogus"}
    )
    assert response.status_code == 422
    assert "Choose a value from the list." in response.get_data(as_text=True)
    stranger = _post(
        client,
        client_id,
        f"cases/{case_id}/assignments",
        **{"assign-user_id": str(world.stranger.user.id)},
    )
    assert stranger.status_code == 404
    assert count(work, world.north, CaseAssignment) == 1


def test_caseworkers_do_not_assign(client, world, work, new_client, new_case):
    client_id = new_client(world.north)
    case_id = new_case(world.north, client_id, world.worker)
    colleague = world.colleague.user.id
    sign_in(client, world.worker)
    html = client.get(f"/clients/{client_id}/case").get_data(as_text=True)
    assert "assign-user_id" not in html and "A supervisor assigns caseworkers" in html
    response = _post(
        client, client_id, f"cases/{case_id}/assignments", **{"assign-user_id": str(colleague)}
    )
    assert response.status_code == 403
    response = _post(
        client, client_id, f"cases/{case_id}/assignments/{world.worker.user.id}/remove"
    )
    assert response.status_code == 403
    assert count(work, world.north, CaseAssignment) == 1


def test_child_section_for_the_assigned_caseworker(client, world, work, new_client, new_case):
    client_id = new_client(world.north, minor=True)
    case_id = new_case(world.north, client_id, world.worker)
    sign_in(client, world.worker)
    html = client.get(f"/clients/{client_id}/case").get_data(as_text=True)
    assert '<label for="child-guardian">' in html
    response = _post(
        client,
        client_id,
        f"cases/{case_id}/child",
        **{
            "child-guardian": SECRET,
            "child-schooling": "waiting",
            "child-child_protection_service": "ASE",
        },
    )
    assert response.status_code == 302
    html = client.get(f"/clients/{client_id}/case").get_data(as_text=True)
    assert (
        SECRET not in html and "Recorded (sealed)" in html and "Waiting for a school place" in html
    )
    bad = _post(
        client,
        client_id,
        f"cases/{case_id}/child",
        **{"child-guardian": "g" * 600, "child-schooling": "waiting"},
    )
    assert bad.status_code == 422 and "At most 500 characters." in bad.get_data(as_text=True)
    revealed = _post(client, client_id, f"cases/{case_id}/child/reveal")
    assert revealed.status_code == 200 and SECRET in revealed.get_data(as_text=True)
    assert SECRET not in revealed.get_data(as_text=True).split("<title>")[1].split("</title>")[0]
    assert count(work, world.north, AuditEvent, AuditEvent.action == "case.revealed") == 1
    assert client.get(f"/clients/{client_id}/cases/{case_id}/child/reveal").status_code == 405


def test_child_section_is_hidden_and_refused_for_other_caseworkers(
    client, world, work, new_client, new_case
):
    client_id = new_client(world.north, minor=True)
    case_id = new_case(world.north, client_id, world.worker)
    with work(world.north, world.worker) as (session, ctx):
        children.update_child_details(
            session,
            ctx,
            client_id,
            case_id,
            ChildModule(
                guardian=SECRET,
                schooling="enrolled",
                child_protection_service=None,
                child_protection_contact=None,
            ),
        )
    sign_in(client, world.colleague)
    html = client.get(f"/clients/{client_id}/case").get_data(as_text=True)
    assert "child-guardian" not in html and "Enrolled in school" not in html
    assert "Only supervisors and the caseworkers assigned to this case" in html
    for path, data in [
        (f"cases/{case_id}/child", {"child-guardian": "", "child-schooling": "waiting"}),
        (f"cases/{case_id}/child/reveal", {}),
    ]:
        response = _post(client, client_id, path, **data)
        assert response.status_code == 403 and SECRET not in response.get_data(as_text=True)
    with work(world.north) as (session, _ctx):
        assert session.scalar(select(ChildDetails.schooling)) == "enrolled"
    assert count(work, world.north, AuditEvent, AuditEvent.action == "case.revealed") == 0


def test_supervisor_sees_every_child_section(client, world, new_client, new_case):
    client_id = new_client(world.north, minor=True)
    new_case(world.north, client_id, world.worker)
    sign_in(client, world.supervisor)
    html = client.get(f"/clients/{client_id}/case").get_data(as_text=True)
    assert '<label for="child-guardian">' in html


def test_adults_have_no_child_section(client, world, new_client, new_case):
    client_id = new_client(world.north)
    case_id = new_case(world.north, client_id, world.worker)
    sign_in(client, world.worker)
    html = client.get(f"/clients/{client_id}/case").get_data(as_text=True)
    assert "Child module" not in html
    response = _post(client, client_id, f"cases/{case_id}/child", **{"child-schooling": "waiting"})
    assert response.status_code == 409


def test_case_and_risk_tabs_are_for_casework_roles_only(client, world, new_client):
    client_id = new_client(world.north)
    sign_in(client, world.admin)
    for path in ("case", "risks"):
        assert client.get(f"/clients/{client_id}/{path}").status_code == 403
    assert client.get("/risks/due").status_code == 403
