"""The documentation page's own command, with OUTSCALE's CLI (osc-sdk's `osc-cli`):
it calls /api/latest/<Call> (joined with an extra slash) and signs
host;x-osc-date;x-osc-target."""

import json
import os
import shutil
import subprocess
import tempfile

import pytest
from osc_sdk_python import Gateway
from osc_sdk_python.credentials import Endpoint

from conftest import DEMO_EMAIL, DEMO_PASSWORD


@pytest.fixture(scope="module")
def cli_home(api):
    """A HOME whose ~/.osc/config.json has a "default" profile pointing at the server."""
    created = Gateway(
        region="eu-west-2", endpoints=Endpoint(api=f"{api}/api/v1"), email=DEMO_EMAIL, password=DEMO_PASSWORD
    ).CreateAccessKey()["AccessKey"]
    with tempfile.TemporaryDirectory() as home:
        os.makedirs(f"{home}/.osc")
        profile = {
            "access_key": created["AccessKeyId"],
            "secret_key": created["SecretKey"],
            "endpoint": api,
            "region_name": "eu-west-2",
            "https": False,
            "method": "POST",
        }
        with open(f"{home}/.osc/config.json", "w") as f:
            json.dump({"default": profile}, f)
        yield home


def osc_cli(home, *args):
    exe = shutil.which("osc-cli")
    assert exe, "osc-cli is installed (pip install osc-sdk)"
    return subprocess.run([exe, *args], env={**os.environ, "HOME": home}, capture_output=True, text=True)


def test_update_account_as_the_documentation_shows(cli_home):
    done = osc_cli(
        cli_home, "api", "UpdateAccount", "--profile", "default",
        "--AdditionalEmails", '["a@example.com", "b@example.com"]',
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["Account"]["AdditionalEmails"] == ["a@example.com", "b@example.com"]


def test_read_accounts_shows_the_update(cli_home):
    done = osc_cli(cli_home, "api", "ReadAccounts")
    assert done.returncode == 0, done.stderr
    (account,) = json.loads(done.stdout)["Accounts"]
    assert account["Email"] == DEMO_EMAIL
    assert account["AdditionalEmails"] == ["a@example.com", "b@example.com"]


def test_errors_reach_the_cli(cli_home):
    done = osc_cli(cli_home, "api", "UpdateAccount", "--Email", "nope")
    assert done.returncode != 0
    assert "4020" in done.stderr
