"""Starts the real account API binary on a free port for each test module."""

import os
import subprocess
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DEMO_EMAIL = "demo@example.com"
DEMO_PASSWORD = "Cockpit-Demo-2026!Saint-Cloud"


def server_binary() -> str:
    explicit = os.environ.get("ACCOUNT_API_BIN")
    if explicit:
        return explicit
    built = ROOT / "target" / "debug" / "account-api"
    if not built.exists():
        subprocess.run(["cargo", "build", "-q", "-p", "account-api"], cwd=ROOT, check=True)
    return str(built)


@pytest.fixture(scope="module")
def api():
    """The base URL (http://127.0.0.1:PORT) of a fresh server with the demo account."""
    with tempfile.TemporaryDirectory() as tmp:
        proc = subprocess.Popen(
            [server_binary(), "--db", f"{tmp}/api.sqlite", "serve", "--listen", "127.0.0.1:0", "--demo"],
            stdout=subprocess.PIPE,
            text=True,
            env={**os.environ, "ACCOUNT_API_LOG": "warn"},
        )
        base = None
        for line in proc.stdout:
            if line.startswith("Account API listening on "):
                base = line.split(" on ", 1)[1].strip().removesuffix("/api/v1/")
                break
        assert base, "the server did not start"
        try:
            yield base
        finally:
            proc.terminate()
            proc.wait(timeout=10)
