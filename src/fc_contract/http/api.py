"""The operation under test, spelled once: its path template, a path for a function, a matcher."""

from __future__ import annotations

import re
from urllib.parse import quote, urlsplit

# API reference, ListFunctionAsyncInvokeConfigs: GET /2021-04-06/services/{serviceName}/functions/{functionName}/...
LIST_OPERATION = "/2021-04-06/services/{serviceName}/functions/{functionName}/async-invoke-configs"
LIST_PATH = re.compile("^" + LIST_OPERATION.replace("{serviceName}", "([^/]+)").replace("{functionName}", "([^/]+)")
                       + "/?$")


def list_path(service: str, function: str) -> str:
    """The operation's path for one function, each name percent-encoded as one segment."""
    return LIST_OPERATION.format(serviceName=quote(service, safe=""), functionName=quote(function, safe=""))


def is_list_call(method: str, url: str) -> bool:
    """A ListFunctionAsyncInvokeConfigs request (what the description judges), given its method and URL."""
    return method.upper() == "GET" and LIST_PATH.match(urlsplit(url).path) is not None
