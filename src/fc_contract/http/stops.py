"""Why the run, or one request's test, stops: the exceptions the client raises and the rules that raise them."""

from __future__ import annotations

import re
from collections import Counter
from urllib.parse import parse_qsl, urlsplit

from fc_contract.http.exchange import Exchange
from fc_contract.settings import given

AUTH_ERRORS = ("SignatureNotMatch", "InvalidAccessKeyID", "AccessDenied", "RequestTimeTooSkewed",
               "InvalidSecurityToken")
THROTTLED = (429, 503)
REFUSED = (401, 403)


def auth_fix() -> str:
    """What to do about refused credentials."""
    return ("sign the requests: set ALIBABA_CLOUD_ACCESS_KEY_ID and ALIBABA_CLOUD_ACCESS_KEY_SECRET and choose "
            f"{given('signing', 'acs3')} or fc (for a mock that only checks that an Authorization header is present, "
            "any values will do); against the service, check the credentials' permissions and the clock")


class RunAborted(Exception):
    """A reason to stop the whole run with one verdict; `clause` names it in the report."""

    clause = "run"


class BudgetExceeded(RunAborted):
    """The run has sent as many requests as --fc-max-requests allows, or spent its --fc-max-seconds."""

    clause = "budget"


class Throttled(RunAborted):
    """Several requests in a row stayed throttled after their retries: the run cannot go on at this rate."""

    clause = "throttled"


class AuthenticationFailed(RunAborted):
    """The target refused the credentials or the signature: every further request would be refused too."""

    clause = "auth"


class RequestRefused(Exception):
    """One signed request refused by a target that accepts the others: that request's test fails, the run goes on."""


class StillThrottled(Exception):
    """A request still throttled after its retries: its test cannot judge it, and skips saying so."""


class UnsafeRequest(RunAborted):
    """A request that could change the target, on a read-only (live) run."""

    clause = "safety"


class TargetUnresponsive(RunAborted):
    """Several requests in a row got no response: going on would only wait out more timeouts."""

    clause = "target"


class Guard:
    """Counts refusals and throttled answers in a row, and stops a request's test or the run when they say so."""

    def __init__(self, max_throttled: int, max_refused: int) -> None:
        self.max_throttled = max_throttled
        self.max_refused = max_refused
        self.accepted = False  # a response that was no refusal came back: the credentials work
        self.refused = 0  # refusals in a row since
        self.throttled = 0  # requests in a row still throttled after their retries

    def throttling(self, exchange: Exchange, spent: str) -> None:
        """Throttled after every retry, several requests in a row: the run stops with one verdict."""
        if exchange.status not in THROTTLED:
            self.throttled = 0
            return
        self.throttled += 1
        if self.throttled >= self.max_throttled:
            raise Throttled(f"{self.throttled} requests in a row stayed throttled after their retries, the last "
                            f"{exchange.describe()} with Retry-After {exchange.header('Retry-After') or '(none)'}; "
                            f"spent {spent}. Lower the rate (fewer pytest-xdist workers, -n), run later, or "
                            f"raise the quota; reproduce: {exchange.curl()}")
        raise StillThrottled(f"not judged: {exchange.method} {exchange.url} stayed throttled after its retries "
                             f"({exchange.describe()}); {self.throttled} in a row, the run stops at "
                             f"{self.max_throttled}")

    def refusal(self, exchange: Exchange) -> None:
        """Refused before any request was accepted: the run stops once. Refused after: this request's test fails.

        Before: 401 or 403 whatever the body (a mock wanting a header, or wrong credentials). After: 401,
        or 403 with an auth error code, names what is unusual in the query; a few in a row stop the run.
        """
        if exchange.status is None:
            return
        if exchange.status not in REFUSED:
            self.accepted, self.refused = True, 0
            return
        if not self.accepted:
            raise AuthenticationFailed(f"the target refuses requests for want of credentials or a valid signature: "
                                       f"{exchange.describe()}; {auth_fix()}; reproduce: {exchange.curl()}")
        data = exchange.json()
        if exchange.status == 403 and not (isinstance(data, dict) and data.get("ErrorCode") in AUTH_ERRORS):
            return  # a 403 of another kind is an answer to judge
        self.refused += 1
        if self.refused >= self.max_refused:
            raise AuthenticationFailed(f"{self.refused} requests in a row were refused after others were accepted "
                                       f"(expired credentials?): {exchange.describe()}; {auth_fix()}")
        raise RequestRefused(f"the target refused this request ({exchange.describe()}) though it accepts the run's "
                             f"other signed requests; its query has {_query_shape(exchange.url)}: how a server "
                             f"canonicalises such a query is not documented; reproduce: {exchange.curl()}")


def _query_shape(url: str) -> str:
    """What is unusual in a URL's query, for a signature refusal: repeated keys, empty values, escapes."""
    raw = urlsplit(url).query
    pairs = parse_qsl(raw, keep_blank_values=True)
    counts = Counter(key for key, _ in pairs)
    notes = [f"a repeated key ({', '.join(sorted(k for k, n in counts.items() if n > 1))})"] if max(
        counts.values(), default=0) > 1 else []
    empty = sorted({key for key, value in pairs if value == ""})
    notes += [f"an empty value ({', '.join(empty)})"] if empty else []
    notes += ["percent-encoded characters"] if re.search(r"%[0-9A-Fa-f]{2}", raw) else []
    return "; ".join(notes) or "nothing unusual (a plain query)"
