"""The case tests' world (north and south, their people) and units of work, reused."""

from tests.cases.conftest import new_case, new_client, work, world  # noqa: F401
