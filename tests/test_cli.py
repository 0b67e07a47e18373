"""The haven CLI: each command is one unit of work with a clear error on bad input."""

from sqlalchemy import func, select

from app.auth.models import Membership, User, UserSession
from app.db import bind_actor
from app.tenants.models import Organisation
from tests.conftest import sign_in


def run(app, *args):
    return app.test_cli_runner().invoke(args=list(args))


def test_create_organisation_invite_and_assign_roles(app, db):
    result = run(
        app,
        "org",
        "create",
        "--name",
        "Lyon Shelter",
        "--slug",
        "lyon",
        "--kind",
        "shelter",
        "--country",
        "fr",
        "--locale",
        "fr",
    )
    assert result.exit_code == 0, result.output
    result = run(
        app,
        "user",
        "invite",
        "--org",
        "lyon",
        "--email",
        "ana@lyon.org",
        "--name",
        "Ana",
        "--role",
        "caseworker",
    )
    assert result.exit_code == 0, result.output
    assert "one-time password:" in result.output
    result = run(
        app,
        "user",
        "assign-role",
        "--org",
        "lyon",
        "--email",
        "ana@lyon.org",
        "--role",
        "supervisor",
        "--role",
        "caseworker",
    )
    assert result.exit_code == 0, result.output
    org = db.scalar(select(Organisation).where(Organisation.slug == "lyon"))
    assert org.country == "FR"
    bind_actor(db, org.id, None)
    membership = db.scalars(select(Membership)).unique().one()
    assert membership.roles == {"supervisor", "caseworker"}


def test_bad_input_gives_a_message_and_stores_nothing(app, db):
    bad_slug = run(
        app,
        "org",
        "create",
        "--name",
        "X",
        "--slug",
        "Not A Slug!",
        "--kind",
        "shelter",
        "--country",
        "FR",
    )
    assert bad_slug.exit_code == 2
    assert "lower-case letters" in bad_slug.output
    assert "Traceback" not in bad_slug.output
    bad_kind = run(
        app, "org", "create", "--name", "X", "--slug", "x", "--kind", "castle", "--country", "FR"
    )
    assert bad_kind.exit_code == 2
    unknown_org = run(
        app,
        "user",
        "invite",
        "--org",
        "nowhere",
        "--email",
        "a@b.org",
        "--name",
        "A",
        "--role",
        "caseworker",
    )
    assert unknown_org.exit_code == 1
    assert "No organisation with this handle." in unknown_org.output
    assert db.scalar(select(func.count()).select_from(Organisation)) == 0
    assert db.scalar(select(func.count()).select_from(User)) == 0


def test_revoke_sessions_signs_the_person_out(app, client, factory, db):
    org = factory.organisation("north")
    person = factory.person("cw@example.org", {org: {"caseworker"}})
    sign_in(client, person)
    result = run(app, "user", "revoke-sessions", "--email", person.email)
    assert result.exit_code == 0 and "1 sessions ended" in result.output
    assert client.get("/").status_code == 401
    assert run(app, "user", "revoke-sessions", "--email", "ghost@example.org").exit_code == 2


def test_demo_data_is_created_once_and_reused(app, db):
    first = run(app, "demo")
    assert first.exit_code == 0, first.output
    assert first.output.count("@demo.haven.example") == 6
    users = db.scalar(select(func.count()).select_from(User))
    clients, services, claims, referrals = _demo_casework(db)
    assert clients == 6 and services == 12 and claims == 2 and referrals == 2
    second = run(app, "demo")
    assert _demo_casework(db) == (clients, services, claims, referrals)
    assert second.exit_code == 0 and "reusing" in second.output
    assert db.scalar(select(func.count()).select_from(User)) == users
    assert db.scalar(select(func.count()).select_from(UserSession)) == 0


def test_reset_password_issues_a_new_one_time_password(app, factory, db):
    org = factory.organisation("north")
    person = factory.person("cw@example.org", {org: {"caseworker"}})
    result = run(app, "user", "reset-password", "--email", person.email)
    assert result.exit_code == 0 and "one-time password" in result.output
    db.expire_all()
    assert db.scalar(select(User.must_change_password)) is True




def _demo_casework(db):
    """Rows of the demo organisations' casework, counted inside each organisation."""
    from app.assistance.models import AssistanceRecord
    from app.claims.models import Claim
    from app.clients.models import Client
    from app.db.tenancy import acting_in
    from app.referrals.models import Referral

    totals = [0, 0, 0, 0]
    for org in db.scalars(select(Organisation).where(Organisation.slug.like("demo-%"))).all():
        with acting_in(db, org.id):
            for n, model in enumerate((Client, AssistanceRecord, Claim, Referral)):
                totals[n] += db.scalar(select(func.count()).select_from(model))
    db.rollback()
    return tuple(totals)
