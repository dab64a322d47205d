"""A pytest plugin for the project's tests: aliyun-fc2 cannot be imported."""

import sys

sys.modules["fc2"] = None  # type: ignore[assignment]
