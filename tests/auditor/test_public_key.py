"""Each organisation's verifier key at a stable URL, and the standalone verifier file."""

from __future__ import annotations

import uuid
import zipfile

from app.audit import verifier
from app.audit.verifier import parse_vkey, read_keys


def test_key_url_serves_the_organisation_key_that_signs(app, client, factory, tmp_path):
    lyon, nice = factory.organisation("lyon"), factory.organisation("nice")
    first = client.get(f"/audit/{lyon.id}/key.vkey")
    assert first.status_code == 200 and first.mimetype == "text/plain"
    (key,) = read_keys(first.get_data(as_text=True))
    assert key.name == f"localhost/audit/{lyon.id}"
    assert client.get(f"/audit/{lyon.id}/key.vkey").get_data() == first.get_data()  # stable
    other = parse_vkey(client.get(f"/audit/{nice.id}/key.vkey").get_data(as_text=True))
    assert other.public_key != key.public_key and other.name.endswith(str(nice.id))
    assert client.get(f"/audit/{uuid.uuid4()}/key.vkey").status_code == 404

    runner = app.test_cli_runner()
    assert runner.invoke(args=["audit", "checkpoint", "--org", "lyon"]).exit_code == 0
    bundle = tmp_path / "b.zip"
    assert runner.invoke(args=["audit", "export", "--org", "lyon", str(bundle)]).exit_code == 0
    served = tmp_path / "lyon.vkey"
    served.write_bytes(first.get_data())
    verified = runner.invoke(args=["audit", "verify", str(bundle), "--key", str(served)])
    assert verified.exit_code == 0, verified.output
    wrong = tmp_path / "nice.vkey"
    wrong.write_text(str(other) + "\n")
    refused = runner.invoke(args=["audit", "verify", str(bundle), "--key", str(wrong)])
    assert refused.exit_code == 1 and "no signature by a trusted key" in refused.output
    assert zipfile.ZipFile(bundle).read("key.vkey").decode().startswith(str(key))


def test_the_verifier_file_is_downloadable_and_unchanged(client):
    response = client.get("/audit/haven_verify.py")
    assert response.status_code == 200
    assert "attachment" in response.headers["Content-Disposition"]
    with open(verifier.__file__, "rb") as source:
        assert response.get_data() == source.read()
