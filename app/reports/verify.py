"""Check a Haven export's signature: ``python -m app.reports.verify FILE KEY.pem``.

Prints the key fingerprint and exits 0 when the file is unchanged since Haven signed it;
exits 1 otherwise. ``--extract`` writes ``FILE.body`` and ``FILE.sig`` for OpenSSL:
``openssl pkeyutl -verify -pubin -inkey KEY.pem -rawin -in FILE.body -sigfile FILE.sig``.
Needs only the standard library and ``cryptography``.
"""

from __future__ import annotations

import sys
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import load_pem_public_key

from app.reports.signatures import BadSignature, split, verify


def main(argv: list[str]) -> int:
    extract = "--extract" in argv
    args = [a for a in argv if a != "--extract"]
    if len(args) != 2:
        print(__doc__)
        return 2
    data = Path(args[0]).read_bytes()
    key = load_pem_public_key(Path(args[1]).read_bytes())
    if not isinstance(key, Ed25519PublicKey):
        print("not an Ed25519 public key")
        return 2
    if extract:
        body, _, signature = split(data)
        Path(args[0] + ".body").write_bytes(body)
        Path(args[0] + ".sig").write_bytes(signature)
    try:
        fingerprint = verify(data, key)
    except BadSignature as error:
        print(f"NOT VERIFIED: {error}")
        return 1
    print(f"verified: signed by key {fingerprint}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
