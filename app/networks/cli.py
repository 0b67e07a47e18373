"""``haven network join|leave``: the operator sets which organisations belong to a network
(on the owner's connection: the app role may only read membership)."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from app.keys.work import work
from app.networks.linkage import NotANetwork, join_network, leave_network
from app.tenants.service import get_organisation_by_slug


@click.group("network", cls=AppGroup, help="Networks of organisations (coalitions).")
def network_group() -> None: ...


@network_group.command("join")
@click.option("--network", "network_slug", required=True, help="the network's slug")
@click.option("--member", "member_slug", required=True, help="the member organisation's slug")
def network_join(network_slug: str, member_slug: str) -> None:
    with work(as_owner=True) as session:
        network = get_organisation_by_slug(session, network_slug)
        member = get_organisation_by_slug(session, member_slug)
        try:
            join_network(session, network, member)
        except NotANetwork as error:
            raise click.ClickException(
                "the first organisation must be of kind network, the second not"
            ) from error
        click.echo(f"{member.slug} is a member of {network.slug}")


@network_group.command("leave")
@click.option("--network", "network_slug", required=True)
@click.option("--member", "member_slug", required=True)
def network_leave(network_slug: str, member_slug: str) -> None:
    with work(as_owner=True) as session:
        network = get_organisation_by_slug(session, network_slug)
        member = get_organisation_by_slug(session, member_slug)
        deleted = leave_network(session, network, member)
        click.echo(f"{member.slug} left {network.slug}; {deleted} linkage tokens deleted")
