"""response.shape: every response conforms to the OpenAPI description (contracts/openapi.yaml).

Documented (API reference, ListFunctionAsyncInvokeConfigs, response parameters, and the official
SDK's ListFunctionAsyncInvokeConfigsResponseBody): {"configs": [...], "nextToken": "..."}; each config
has createdTime and lastModifiedTime (ISO-8601), function, qualifier and service (strings), and
destinationConfig, maxAsyncEventAgeInSeconds, maxAsyncRetryAttempts and statefulInvocation, which
"if you have not configured this parameter" are null. A destination is null or {destination: ARN}.
Errors are {"ErrorCode", "ErrorMessage"}; every response has an X-Fc-Request-Id header.
Undocumented additional fields are allowed (additive) and listed in the run's summary. A body that
begins with a UTF-8 byte-order mark does not conform (RFC 8259, section 8.1: implementations "MUST
NOT add a byte order mark"), and every page of the run is also read as each installed official SDK
reads it, offline, as it arrives: one it cannot read, or reads otherwise than its JSON says, fails,
naming the SDK.
"""

from __future__ import annotations

import pytest

from fc_contract import ABSENT_SERVICE, Clause, Contract, Exchange

CLAUSE = Clause("response.shape")
pytestmark = CLAUSE.mark


def _conforms(exchange: Exchange, what: str) -> None:
    CLAUSE.responded(exchange, what)
    problems = exchange.shape.problems if exchange.shape else ["not validated"]
    CLAUSE.check(not problems, what, "a response as the OpenAPI description says",
                 f"{exchange.status}: " + "; ".join(problems[:4]), exchange)


def test_the_first_page_conforms(fc: Contract) -> None:
    _conforms(fc.page(), "the first page")


def test_every_page_of_a_walk_conforms(fc: Contract) -> None:
    """Every page of every planned walk (see fc_contract.judging.plan)."""
    for walk in fc.planned_walks(CLAUSE):
        for number, page in enumerate(walk.pages, start=1):
            _conforms(page, f"page {number} of a {'no-limit' if walk.limit is None else f'limit={walk.limit}'} walk")


@pytest.mark.parametrize(("label", "query", "service"), [
    ("an unknown service", [], ABSENT_SERVICE),
    ("limit=101", [("limit", "101")], None),
])
def test_error_responses_conform(fc: Contract, label: str, query: list[tuple[str, str]], service: str | None) -> None:
    _conforms(fc.page(query, service=service), label)


@pytest.mark.fc_after_all
def test_every_response_of_the_run_conforms(fc: Contract, pytestconfig: pytest.Config) -> None:
    """Runs last: every list response any clause received in this process."""
    if hasattr(pytestconfig, "workerinput"):
        pytest.skip("[response.shape] under pytest-xdist each worker sees only its own responses; run serially "
                    "to validate every response of every clause")
    bad = [e for e in fc.client.history if e.shape is not None and e.shape.problems]
    if not [e for e in fc.client.history if e.shape is not None]:
        CLAUSE.skip("responses from the other clauses; none was received in this process")
    if bad:
        first = bad[0]
        CLAUSE.fail(f"{len(bad)} of the run's responses (first, from {first.clause or 'setup'})",
                    "responses as the OpenAPI description says",
                    f"{first.status}: " + "; ".join(first.shape.problems[:4] if first.shape else []), first)


@pytest.mark.fc_after_all
def test_the_official_clients_read_every_page(fc: Contract, pytestconfig: pytest.Config) -> None:
    """Runs last: the run's pages as each installed official SDK read them on receipt (offline, no request added)."""
    reads = fc.findings.reads
    if reads is None:  # a Contract a fixture override made outside the run
        CLAUSE.skip("pages read as they arrived; this run's Contract did not read them (fc_contract.sdk.reading)")
    if hasattr(pytestconfig, "workerinput"):
        pytest.skip("[response.shape] under pytest-xdist each worker sees only its own responses; run serially "
                    "to read every response through the official SDKs")
    if reads.missing:
        fc.note(f"response.shape: pages not read as {len(reads.missing)} official SDK(s) read them: "
                f"{'; '.join(reads.missing)}")
    if not reads.clients:
        CLAUSE.skip("an official SDK to read the run's pages with; none is installed "
                    "(pip install alibabacloud-fc-open20210406 aliyun-fc2)")
    fc.cover(CLAUSE, "sdks", f"{reads.pages} distinct pages read as {', '.join(reads.clients)} read them")
    bad = [e for e in fc.client.history if e.misread]
    if bad:
        first = bad[0]
        problems = "; ".join(f"{client}: {problem}" for client, problem in first.misread.items())
        CLAUSE.fail(f"{len(bad)} of the run's pages, read as the official clients read them (first, from "
                    f"{first.clause or 'setup'})", "pages the official clients read as their JSON says", problems,
                    first)
