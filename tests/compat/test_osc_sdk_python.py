"""OUTSCALE's Python SDK (osc-sdk-python) against our account API: it signs in with
email/password (CreateAccessKey), then signs ReadAccounts, UpdateAccount and
CheckAuthentication with the new key. It signs the host name without the port."""

import datetime

import pytest
from osc_sdk_python import Gateway
from osc_sdk_python.credentials import Endpoint

from conftest import DEMO_EMAIL, DEMO_PASSWORD


def gateway(api, **creds):
    return Gateway(region="eu-west-2", endpoints=Endpoint(api=f"{api}/api/v1"), max_retries=0, **creds)


@pytest.fixture(scope="module")
def key(api):
    expires = (datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(hours=1)).strftime(
        "%Y-%m-%dT%H:%M:%S.000Z"
    )
    created = gateway(api, email=DEMO_EMAIL, password=DEMO_PASSWORD).CreateAccessKey(
        ExpirationDate=expires, Tag="osc-sdk-python"
    )
    k = created["AccessKey"]
    assert k["Tag"] == "osc-sdk-python" and k["State"] == "ACTIVE" and len(k["SecretKey"]) == 40
    return k


def test_read_accounts_with_the_new_key(api, key):
    gw = gateway(api, access_key=key["AccessKeyId"], secret_key=key["SecretKey"])
    accounts = gw.ReadAccounts()["Accounts"]
    assert [a["Email"] for a in accounts] == [DEMO_EMAIL]


def test_update_account_changes_only_what_is_sent(api, key):
    gw = gateway(api, access_key=key["AccessKeyId"], secret_key=key["SecretKey"])
    before = gw.ReadAccounts()["Accounts"][0]
    after = gw.UpdateAccount(City="Lyon", AdditionalEmails=["ops@example.com"])["Account"]
    assert after["City"] == "Lyon"
    assert after["AdditionalEmails"] == ["ops@example.com"]
    assert {k: v for k, v in after.items() if k not in ("City", "AdditionalEmails")} == {
        k: v for k, v in before.items() if k not in ("City", "AdditionalEmails")
    }


def test_check_authentication(api, key):
    gw = gateway(api, access_key=key["AccessKeyId"], secret_key=key["SecretKey"])
    assert "RequestId" in gw.CheckAuthentication(Login=DEMO_EMAIL, Password=DEMO_PASSWORD)["ResponseContext"]
    with pytest.raises(Exception) as wrong:
        gw.CheckAuthentication(Login=DEMO_EMAIL, Password="not the password")
    assert "401" in str(wrong.value) or "AccessDenied" in str(wrong.value)


def test_errors_come_back_in_the_oapi_format(api, key):
    gw = gateway(api, access_key=key["AccessKeyId"], secret_key=key["SecretKey"])
    with pytest.raises(Exception) as bad:
        gw.UpdateAccount(Email="not-an-email")
    assert "4020" in str(bad.value)
