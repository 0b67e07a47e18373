"""What the auditor's workspace takes: filters of the access log, a bundle's period."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class LogQuery:
    """Filters of the access log, as the form and the API send them (strings or typed)."""

    #: A member's user id.
    actor: object = None
    #: An AuditAction value, or an object prefix such as ``client``.
    action: object = None
    #: First and last day (UTC), inclusive.
    since: object = None
    until: object = None
    #: A client's pseudonym code (``K7-MORA-42``).
    pseudonym: object = None
    page: object = None


@dataclass(frozen=True)
class BundleQuery:
    since: object = None
    until: object = None
    #: The size of a checkpoint the auditor kept: the bundle proves it extends it.
    since_size: object = None
