import pytest

from xero_sandbox import Sandbox

from .sandbox_helpers import Raw, accounting_api, authorize


@pytest.fixture(scope="session")
def running_sandbox():
    sandbox = Sandbox().start()
    yield sandbox
    sandbox.stop()


@pytest.fixture
def sandbox(running_sandbox):
    running_sandbox.reset(seed=False)
    return running_sandbox


@pytest.fixture
def token(sandbox):
    return authorize(sandbox)


@pytest.fixture
def uk(sandbox):
    return next(
        o for o in sandbox.state.orgs.values() if o.settings["Organisation"]["CountryCode"] == "GB"
    )


@pytest.fixture
def au(sandbox):
    return next(
        o for o in sandbox.state.orgs.values() if o.settings["Organisation"]["CountryCode"] == "AU"
    )


@pytest.fixture
def api(sandbox, token):
    return accounting_api(sandbox, token)


@pytest.fixture
def raw(sandbox, token, uk):
    return Raw(sandbox, token, uk.tenant_id)
