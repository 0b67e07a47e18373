"""Disclosure: who may receive what of a client, decided by the organisation's Cedar policy
set (:mod:`policies`), approved by a second person where the policy says so, released as a
signed package, and kept in a register.

- ``policy``: the organisation's set and its own (forbid-only) rules; ``active_policy``.
- ``deciding``: the complete policy context, with the consent ledger's answer per group.
- ``service``: ask for a disclosure, approve, decline, prepare and record the release.
- ``package``: the zip (JSON + signature + PDF + public key), revealed at release time.
- ``register``: every request, decision, approval, refusal and release (pseudonyms only).
- ``break_glass``: opening a case outside normal access, alerted and reviewed.
- ``rules``: the active set in plain language and the "what if" tool.
- ``wording``: the sentence for each reason code, translated on screen.

A refusal (bad input, every group denied, a self-approval, consent gone at approval or
release, a break-glass without reason or too long, an override that permits) answers 4xx
and is still recorded: see :func:`app.db.session.keep_refusal`.
"""
