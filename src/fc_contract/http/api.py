"""The operation under test, spelled once: its path template, a path for a function, a matcher."""

from __future__ import annotations

import re
from urllib.parse import quote, urlsplit

# API reference, ListFunctionAsyncInvokeConfigs: GET /2021-04-06/services/{serviceName}/functions/{functionName}/...
LIST_OPERATION = "/2021-04-06/services/{serviceName}/functions/{functionName}/async-invoke-configs"
LIST_PATH = re.compile("^" + LIST_OPERATION.replace("{serviceName}", "([^/]+)").replace("{functionName}", "([^/]+)")
                       + "/?$")

# Its siblings Put/Get/DeleteFunctionAsyncInvokeConfig (the write clauses send them), ?qualifier=Q in the query
CONFIG_OPERATION = "/2021-04-06/services/{serviceName}/functions/{functionName}/async-invoke-config"


# The API versions the service serves the operation under: the first is the one the suite sends; the second is what
# aliyun-fc2 and @alicloud/fc2 send unless told otherwise (the same operation, the same answers).
API_VERSIONS = ("2021-04-06", "2016-08-15")
_OTHER_VERSION = re.compile(r"^/(?:" + "|".join(re.escape(v) for v in API_VERSIONS[1:]) + r")/services/")


def canonical_path(path: str) -> str:
    """`path` under the API version the suite sends: /2016-08-15/services/... as /2021-04-06/services/..."""
    return _OTHER_VERSION.sub(f"/{API_VERSIONS[0]}/services/", path, count=1)


def list_path(service: str, function: str) -> str:
    """The operation's path for one function, each name percent-encoded as one segment."""
    return LIST_OPERATION.format(serviceName=quote(service, safe=""), functionName=quote(function, safe=""))


def is_list_call(method: str, url: str) -> bool:
    """A ListFunctionAsyncInvokeConfigs request (what the description judges), given its method and URL."""
    return method.upper() == "GET" and LIST_PATH.match(urlsplit(url).path) is not None


def config_path(service: str, function: str) -> str:
    """The siblings' path for one function (the qualifier goes in the query)."""
    return CONFIG_OPERATION.format(serviceName=quote(service, safe=""), functionName=quote(function, safe=""))


# The clauses that send the siblings: what they record depends on the writes made, so no other reader of the
# cassettes (behaviour.diff, `serve --from-cassettes`) takes their pages for the listing.
WRITE_CLAUSES = frozenset({"state.writes", "pagination.under-writes"})
