"""Referral tests share the claim tests' organisations, people and clients."""

from tests.claims.conftest import new_client, people, work, world  # noqa: F401
