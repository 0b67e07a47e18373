"""Audit events: append-only, one per security-relevant action, never any plaintext.

Tamper evidence (issue 12), pure code with no database contact:

- :mod:`app.audit.entries`: an event as a log leaf, RFC 8785 canonical JSON
  (``entry_bytes``, ``read_entry``, ``context_hash``).
- :mod:`app.audit.merkle`: the organisation's RFC 6962 tree on the server
  (``MerkleTree``: roots, RFC 9162 inclusion and consistency proofs; ``CompactRange``:
  extending the tree at checkpoint time).
- :mod:`app.audit.notes`: C2SP tlog-checkpoint / signed-note checkpoints with Ed25519
  (``origin_for``, ``sign_checkpoint``, ``verifier_key``).
- :mod:`app.audit.bundle`: writing the bundle an auditor downloads (``write_bundle``).
- :mod:`app.audit.verifier`: the offline verifier, one file that auditors run alone as
  ``haven_verify.py``; the hashing above is its own. Format: docs/audit-bundle.md.
"""
