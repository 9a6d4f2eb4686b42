"""Three postcheck servers behind deploy/nginx.conf.example act as one service (issue 19): what one server
learns, the others know. The check rate limit is one budget in Redis, whichever server answers; an
election added through one server reaches the checks of the others within the poll interval; a comms
sign-in made through one server holds on the others, and a sign-out through one ends it on all of them;
and the servers' own /metrics add up to exactly the checks sent through nginx. Each test fails when
that sharing is taken away (limits in memory://, a database per server, one metrics folder for all).

Every test sends from a loopback address of its own (127.0.0.2, .3...; Linux answers the whole of
127.0.0.0/8): the rate limit counts per client address, which nginx passes on in X-Forwarded-For, so
each test has its own budget and no test's checks eat another's."""
from __future__ import annotations

import re
import time

import pytest
import requests
from requests.adapters import HTTPAdapter

from postcheck.admin.session import COOKIE_NAME
from postcheck.auth import create_token
from postcheck.store import Store
from tests.fleet.redis_server import RedisServer
from tests.fleet.topology import Topology
from tests.store.backends import fresh_postgres_database

# nginx's certificate is made for the test and self-signed: the requests to it do not verify it.
pytestmark = [pytest.mark.postgres, pytest.mark.filterwarnings("ignore::urllib3.exceptions.InsecureRequestWarning")]

LIMIT = 40            # checks per minute per client: more than any test but the limit's own sends from one address
POLL_SECONDS = 0.5    # CALENDAR_POLL_SECONDS: how soon a server sees another's calendar change
# "Within the poll interval, plus a moment" (config.py): the moment is the rebuild of the calendar and
# the election rules after the poll saw the change, and a loaded 2-core machine under the whole suite.
APPLIED_WITHIN = POLL_SECONDS + 2.5

DRAFT = "Lovely morning at the Wood Green market, thanks to everyone who came"
# Warns only during a pre-election period (election.party-promotion); at INSIDE, only the election
# this module adds has one.
CAMPAIGN_DRAFT = "Vote Labour on Thursday!"
INSIDE = "2027-01-20T12:00:00+00:00"
ELECTION = {"name": "Bruce Castle by-election", "kind": "local", "poll_date": "4 February 2027", "scope": ["Bruce Castle"]}

# One client address per test (see the module's docstring).
LIMIT_THROUGH_NGINX = "127.0.0.2"
LIMIT_ON_OWN_PORTS = "127.0.0.3"
METRICS_CLIENT = "127.0.0.4"
COMMS_BROWSER = "127.0.0.5"
ELECTION_CHECKER = "127.0.0.{}"  # .11 and .12 poll servers 1 and 2, .20 checks through nginx: polling eats no other budget

_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


@pytest.fixture(scope="module")
def topology(tmp_path_factory):
    folder = tmp_path_factory.mktemp("shared-state")
    with fresh_postgres_database("postcheck_shared") as database_url:
        redis = RedisServer(folder).start()
        try:
            # TRUSTED_PROXY_* as the example's header says: each server believes X-Forwarded-For from
            # nginx only, so the limit counts the client's address, not nginx's.
            with Topology(folder, instances=3, database_url=database_url, RATELIMIT_STORAGE_URL=redis.url,
                          CHECK_RATE_LIMIT=f"{LIMIT} per minute", CALENDAR_POLL_SECONDS=POLL_SECONDS,
                          TRUSTED_PROXY_HOPS=1, TRUSTED_PROXIES="127.0.0.1") as topology:
                yield topology
        finally:
            redis.stop()


@pytest.fixture(scope="module")
def comms_token(topology) -> str:
    """A comms token made as `postcheck tokens create` makes it, in the database server 0 uses: in this
    process, as a second command-line process took 5 to 10 s to start on a busy 2-core machine."""
    store = Store(topology.instances[0].env["POSTCHECK_DATABASE_URL"])
    try:
        return create_token(store, "Shared state test", "comms", "tests")[0]
    finally:
        store.dispose()


class FromAddress(HTTPAdapter):
    """Connections made from a given loopback address: the client address the servers see."""

    def __init__(self, address: str):
        self.address = address  # before HTTPAdapter's own __init__, which makes the pool manager
        super().__init__()

    def init_poolmanager(self, *args, **kwargs):
        super().init_poolmanager(*args, source_address=(self.address, 0), **kwargs)


def client_from(address: str) -> requests.Session:
    session = requests.Session()
    session.verify = False
    # Otherwise REQUESTS_CA_BUNDLE, where set, overrides `verify = False`, and a proxy could be used.
    session.trust_env = False
    adapter = FromAddress(address)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    return session


def check(client: requests.Session, url: str, n: int, text: str = DRAFT, **fields) -> requests.Response:
    """Check number n: every fifth through the LanguageTool protocol (a form), the rest the extension's JSON."""
    if n % 5 == 4:
        return client.post(f"{url}/v2/check", data={"text": text, "language": "en-GB", **fields}, timeout=30)
    return client.post(f"{url}/api/v1/check", json={"text": text, **fields}, timeout=30)


def metric_values(instance, name: str) -> dict[str, float]:
    """A counter's series on one server's own port: {labels: value}."""
    text = requests.get(f"{instance.url}/metrics", timeout=10).text
    return {labels: float(value) for labels, value in re.findall(rf"^{name}\{{([^}}]*)\}} (\S+)$", text, re.MULTILINE)}


def checks_counted(instance) -> dict[str, float]:
    """postcheck_checks_total on one server, per api (v1, languagetool)."""
    return {re.search(r'api="([^"]*)"', labels).group(1): value
            for labels, value in metric_values(instance, "postcheck_checks_total").items()}


def check_requests_counted(instance) -> float:
    """Requests to the two check routes that server answered 200, from its request counter."""
    return sum(value for labels, value in metric_values(instance, "postcheck_http_requests_total").items()
               if re.search(r'route="/(api/v1|v2)/check"', labels) and 'status="200"' in labels)


def assert_refused(response: requests.Response, where: str) -> None:
    assert response.status_code == 429, f"{where}: {response.status_code}, not 429, after the limit was spent"
    retry_after = response.headers.get("Retry-After")
    assert retry_after is not None and 0 < int(retry_after) <= 60, f"{where}: Retry-After {retry_after!r}"


def test_a_check_limit_is_one_budget_whichever_server_answers(topology):
    servers = topology.instances

    # Through nginx, which spreads the checks over the three servers in turn.
    client = client_from(LIMIT_THROUGH_NGINX)
    before = [sum(checks_counted(server).values()) for server in servers]
    answers = [check(client, topology.url, n).status_code for n in range(LIMIT)]
    assert answers == [200] * LIMIT, f"within the limit, through nginx: {answers}"
    answered = [sum(checks_counted(server).values()) - then for server, then in zip(servers, before)]
    assert sum(answered) == LIMIT and all(answered), f"checks answered per server: {answered}"
    # One more to each server in turn, through both protocols: each refuses, although it answered only
    # about a third of the budget itself.
    for n in range(3, 6):
        assert_refused(check(client, topology.url, n), f"check {n} through nginx")
    # The client's own address, counted by nginx's X-Forwarded-For, is the one each server sees directly.
    for i, server in enumerate(servers):
        assert_refused(check(client, server.url, i), f"server {i}'s own port, after the budget was spent through nginx")

    # On the servers' own ports, a fresh client taking them in turn.
    client = client_from(LIMIT_ON_OWN_PORTS)
    answers = [check(client, servers[n % 3].url, n).status_code for n in range(LIMIT)]
    assert answers == [200] * LIMIT, f"within the limit, on the servers' own ports: {answers}"
    for i, server in enumerate(servers):
        assert_refused(check(client, server.url, i), f"server {i}'s own port")
    assert_refused(check(client, topology.url, 0), "through nginx, after the budget was spent on the servers' ports")


def warns_of_the_election(client: requests.Session, url: str, n: int = 0) -> bool:
    response = check(client, url, n, CAMPAIGN_DRAFT, **({"postcheckAt": INSIDE} if n % 5 == 4 else {"at": INSIDE}))
    assert response.status_code == 200, response.text[:300]
    body = response.json()
    if n % 5 == 4:  # LanguageTool's answer: matches, each with its rule and the rule's category
        return any(match["rule"]["category"]["id"] == "POSTCHECK_ELECTION" for match in body["matches"])
    return any(warning["category"] == "election" for warning in body["warnings"])


def test_an_election_added_through_one_server_applies_on_the_others_within_the_poll_interval(topology, comms_token):
    servers = topology.instances
    checkers = {i: client_from(ELECTION_CHECKER.format(10 + i)) for i in (1, 2)}
    for i, checker in checkers.items():
        assert not warns_of_the_election(checker, servers[i].url), f"server {i} warned before any election"

    added = requests.post(f"{servers[0].url}/api/v1/elections", json=ELECTION,
                          headers={"Authorization": f"Bearer {comms_token}"}, timeout=10)
    assert added.status_code == 201, added.text
    started = time.monotonic()
    applied: dict[int, float] = {}
    while len(applied) < len(checkers) and time.monotonic() - started < APPLIED_WITHIN:
        for i, checker in checkers.items():
            if i not in applied and warns_of_the_election(checker, servers[i].url):
                applied[i] = round(time.monotonic() - started, 2)
        time.sleep(0.1)
    print(f"seconds from the election's 201 to each other server's first warning: {applied}")
    assert sorted(applied) == sorted(checkers), (
        f"seconds until each server warned: {applied}; the others did not within {APPLIED_WITHIN} s "
        f"(CALENDAR_POLL_SECONDS={POLL_SECONDS})")

    # And whichever server nginx sends a check to, through either protocol.
    client = client_from(ELECTION_CHECKER.format(20))
    assert all(warns_of_the_election(client, topology.url, n) for n in (0, 1, 2, 4, 9, 14))


def admin(method: str, url: str, path: str, cookie: str | None = None, **kwargs) -> requests.Response:
    """An /admin request with the session cookie carried by hand from server to server: a browser keeps
    a cookie for the one origin it came from, and this copy is also what a kept or stolen cookie is."""
    headers = {**kwargs.pop("headers", {}), **({"Cookie": f"{COOKIE_NAME}={cookie}"} if cookie else {})}
    return client_from(COMMS_BROWSER).request(method, f"{url}{path}", headers=headers, allow_redirects=False,
                                              timeout=10, **kwargs)


def form(page: requests.Response) -> tuple[str, str]:
    """The CSRF token of a page's form, and the cookie the page came with (which holds the token's secret)."""
    return _CSRF.search(page.text).group(1), page.cookies[COOKIE_NAME]


def signed_in(response: requests.Response) -> bool:
    if response.status_code == 302 and "/admin/sign-in" in response.headers["Location"]:
        return False
    assert response.status_code == 200, response.status_code
    return "Signed in as" in response.text


def test_a_sign_in_through_one_server_holds_on_the_others_and_a_sign_out_ends_it_on_all(topology, comms_token):
    servers = topology.instances
    # The sign-in form from server 2, posted to server 0: the form's CSRF secret travels in the cookie,
    # signed with the secret key every server shares.
    csrf, cookie = form(admin("GET", servers[2].url, "/admin/sign-in"))
    answer = admin("POST", servers[0].url, "/admin/sign-in", cookie, data={"csrf_token": csrf, "token": comms_token})
    assert answer.status_code == 302, answer.text[:500]
    kept = answer.cookies[COOKIE_NAME]
    assert comms_token not in kept

    for i, server in enumerate(servers):
        assert signed_in(admin("GET", server.url, "/admin/now", kept)), f"not signed in on server {i}'s own port"
    for n in range(3):
        assert signed_in(admin("GET", topology.url, "/admin/now", kept)), f"not signed in on request {n} through nginx"

    # Signed out on server 1, with the form its page gives.
    csrf, cookie = form(admin("GET", servers[1].url, "/admin/now", kept))
    signed_out = admin("POST", servers[1].url, "/admin/sign-out", cookie, data={"csrf_token": csrf})
    assert signed_out.status_code == 302 and "/admin/sign-in" in signed_out.headers["Location"], signed_out.status_code

    # The cookie kept from before the sign-out names a session that no server knows any more.
    for i, server in enumerate(servers):
        assert not signed_in(admin("GET", server.url, "/admin/now", kept)), f"still signed in on server {i}'s own port"
    for n in range(3):
        assert not signed_in(admin("GET", topology.url, "/admin/now", kept)), \
            f"still signed in on request {n} through nginx"


def test_a_comms_officer_signs_in_and_out_through_nginx_as_a_browser_does(topology, comms_token):
    browser = client_from(COMMS_BROWSER)
    # A browser sends its page's address as Referer with a form (the /admin pages' Referrer-Policy is
    # same-origin), and flask-wtf insists on one that matches the server's own address over HTTPS.
    page = browser.get(f"{topology.url}/admin/sign-in", timeout=10)
    answer = browser.post(f"{topology.url}/admin/sign-in", data={"csrf_token": _CSRF.search(page.text).group(1),
                                                                "token": comms_token},
                          headers={"Referer": page.url}, allow_redirects=False, timeout=10)
    assert answer.status_code == 302, answer.status_code
    assert "Secure" in answer.headers["Set-Cookie"], "the cookie of an HTTPS sign-in is sent over HTTPS only"
    page = browser.get(f"{topology.url}/admin/now", timeout=10)
    assert "Signed in as" in page.text
    answer = browser.post(f"{topology.url}/admin/sign-out", data={"csrf_token": _CSRF.search(page.text).group(1)},
                          headers={"Referer": page.url}, allow_redirects=False, timeout=10)
    assert answer.status_code == 302 and "/admin/sign-in" in answer.headers["Location"], answer.status_code
    assert "Signed in as" not in browser.get(f"{topology.url}/admin/now", timeout=10).text


def test_the_servers_own_metrics_add_up_to_the_checks_sent_through_nginx(topology):
    sent = 30  # within LIMIT: every one is answered 200
    servers = topology.instances
    client = client_from(METRICS_CLIENT)
    before = [(checks_counted(server), check_requests_counted(server)) for server in servers]
    answers = [check(client, topology.url, n).status_code for n in range(sent)]
    assert answers == [200] * sent, answers
    after = [(checks_counted(server), check_requests_counted(server)) for server in servers]

    def added(api: str) -> list[float]:
        return [counts.get(api, 0) - then.get(api, 0) for (then, _), (counts, _) in zip(before, after)]

    v1, languagetool = added("v1"), added("languagetool")
    per_server = [a + b for a, b in zip(v1, languagetool)]
    assert sum(per_server) == sent and all(per_server), f"checks counted per server: {per_server} of {sent} sent"
    assert (sum(v1), sum(languagetool)) == (sent - sent // 5, sent // 5), (v1, languagetool)
    requests_counted = [counted - then for (_, then), (_, counted) in zip(before, after)]
    assert requests_counted == per_server, f"requests counted per server {requests_counted}, checks {per_server}"
