import pytest

from tests.runtime.service_support import fresh_database, make_key, start_server


@pytest.fixture(params=["sqlite", "postgresql"], scope="module")
def db_url(request, tmp_path_factory):
    with fresh_database(request.param, tmp_path_factory.mktemp("db")) as url:
        yield url


@pytest.fixture(scope="module")
def server(db_url, tmp_path_factory):
    log = tmp_path_factory.mktemp("log") / "serve.log"
    srv = start_server(db_url, log, "--workers", "2")
    yield srv
    srv.stop()


@pytest.fixture(scope="module")
def key(server):
    return make_key(server.db_url)


@pytest.fixture(scope="module")
def other_key(server):
    return make_key(server.db_url, tenant="globex")


@pytest.fixture(scope="module")
def read_key(server):
    return make_key(server.db_url, scopes="read")
