"""Installing fc-contract changes nothing in a repository's other tests: settings, randomness, network."""

from __future__ import annotations

import shutil

import pytest

from harness import CONTRACTS, ROOT

UNRELATED = '''
import random
import socket

import requests
from hypothesis import given, settings, strategies as st

CONNECT = socket.socket.connect
SEEN = []
random.seed(99)
STATE = random.getstate()  # at collection: in the mixed run, the contracts run before these tests


def test_randomness_is_mine():
    assert random.getstate() == STATE


@given(st.integers())
def test_mine_keeps_its_profile(x):
    SEEN.append(x)
    assert settings.default.max_examples == 7
    assert not settings.default.derandomize


def test_mine_ran_as_many_examples_as_its_profile_says():
    assert len(SEEN) == 7


def test_sockets_and_requests_are_mine():
    assert socket.socket.connect is CONNECT
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(1)
        port = listener.getsockname()[1]
        try:
            requests.get(f"http://127.0.0.1:{port}/", timeout=0.2)
        except requests.Timeout:
            pass  # a real socket: the request reached the listener, nothing answered
'''
PROFILE = '''
from hypothesis import settings

settings.register_profile("mine", max_examples=7, derandomize=False, database=None)
settings.load_profile("mine")
'''


@pytest.fixture
def repository(pytester: pytest.Pytester) -> pytest.Pytester:
    """A mock server's repository: its own profile, tests, and a description of the API beside them."""
    pytester.makeconftest(PROFILE)
    pytester.makepyfile(test_mine=UNRELATED)
    shutil.copy(CONTRACTS / "openapi.yaml", pytester.path / "openapi.yaml")
    return pytester


def test_the_plugin_is_loaded_in_a_repository_that_installs_it(repository: pytest.Pytester) -> None:
    result = repository.runpytest_subprocess("--help")
    result.stdout.fnmatch_lines(["*fc-contract: the ListFunctionAsyncInvokeConfigs contract*"])


def test_other_tests_keep_their_settings_randomness_and_network(repository: pytest.Pytester) -> None:
    result = repository.runpytest_subprocess("-p", "no:cacheprovider", "test_mine.py")
    result.assert_outcomes(passed=4)


def test_they_keep_them_beside_the_contracts_in_one_run(repository: pytest.Pytester) -> None:
    shutil.copytree(CONTRACTS, repository.path / "contracts")
    shutil.copytree(ROOT / "cassettes", repository.path / "cassettes")
    first = repository.runpytest_subprocess("-p", "no:cacheprovider", "contracts", "test_mine.py")
    first.assert_outcomes(passed=47, xfailed=3, deselected=5)
    last = repository.runpytest_subprocess("-p", "no:cacheprovider", "test_mine.py", "contracts")
    last.assert_outcomes(passed=47, xfailed=3, deselected=5)
