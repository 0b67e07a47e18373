"""Signatures inside exports: each format keeps its signature where its readers ignore it,
and the documented check (``python -m app.reports.verify``, or OpenSSL) accepts the file as
signed and refuses it after any change."""

from __future__ import annotations

import io
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from openpyxl import Workbook, load_workbook

from app.reports.signatures import BadSignature, attach, trailer, verify
from app.reports.verify import main


def xlsx() -> bytes:
    book = Workbook()
    book.active.append(["People helped", 42])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


BODIES = {
    "csv": lambda: b"People helped,42\r\nTotal,42\r\n",
    "pdf": lambda: b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n",
    "xlsx": xlsx,
}


def signed(fmt: str, key: Ed25519PrivateKey) -> tuple[bytes, bytes]:
    body = BODIES[fmt]()
    return body, attach(fmt, body, trailer("0123456789abcdef", key.sign(body)))


@pytest.mark.parametrize("fmt", sorted(BODIES))
def test_a_signed_export_verifies_and_any_change_is_refused(fmt: str) -> None:
    key = Ed25519PrivateKey.generate()
    _, data = signed(fmt, key)
    assert verify(data, key.public_key()) == "0123456789abcdef"
    with pytest.raises(BadSignature):
        verify(data, Ed25519PrivateKey.generate().public_key())
    for at in (0, len(data) // 3, len(data) // 2):
        changed = data[:at] + bytes([data[at] ^ 1]) + data[at + 1 :]
        with pytest.raises((BadSignature, ValueError)):
            verify(changed, key.public_key())


def test_the_signed_xlsx_still_opens() -> None:
    _, data = signed("xlsx", Ed25519PrivateKey.generate())
    assert zipfile.ZipFile(io.BytesIO(data)).comment.startswith(b"haven-signature")
    sheet = load_workbook(io.BytesIO(data)).active
    assert sheet is not None and sheet["B1"].value == 42


@pytest.mark.parametrize("fmt", sorted(BODIES))
def test_the_documented_commands_verify(fmt: str, tmp_path: Path) -> None:
    key = Ed25519PrivateKey.generate()
    body, data = signed(fmt, key)
    pem = tmp_path / "haven-exports.pem"
    pem.write_bytes(
        key.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )
    )
    export = tmp_path / f"report.{fmt}"
    export.write_bytes(data)
    assert main([str(export), str(pem), "--extract"]) == 0
    assert Path(f"{export}.body").read_bytes() == body
    if shutil.which("openssl"):
        result = subprocess.run(  # noqa: S603 - fixed arguments, files of this test
            [
                "openssl",
                "pkeyutl",
                "-verify",
                "-pubin",
                "-inkey",
                str(pem),
                "-rawin",  # noqa: S607
                "-in",
                f"{export}.body",
                "-sigfile",
                f"{export}.sig",
            ],
            capture_output=True,
            check=False,
        )
        assert result.returncode == 0, result.stdout + result.stderr
    middle = len(body) // 2
    export.write_bytes(data[:middle] + bytes([data[middle] ^ 1]) + data[middle + 1 :])
    assert main([str(export), str(pem)]) == 1
