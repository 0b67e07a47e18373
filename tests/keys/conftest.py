"""The client fixtures (organisations north and south, service-level units of work)."""

from tests.clients.conftest import casework, work

__all__ = ["casework", "work"]
