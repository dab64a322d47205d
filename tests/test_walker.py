"""The walker ends on every kind of listing and says why."""

from __future__ import annotations

import pytest

from fc_contract.fake import FakeFC, seed_store
from fc_contract.fake.faults import EndlessTokens
from fc_contract.fake.server import Server, serve
from fc_contract.http.client import Client
from fc_contract.judging.expect import difference
from fc_contract.judging.spec import Spec
from fc_contract.judging.verdict import Changes
from fc_contract.judging.walker import End, observed_total, page_bound, walk
from variants import GrowsEndlessly, RepeatsToken, ShortPages


@pytest.fixture
def client(server: Server) -> Client:
    return Client(server.url, inspect=Spec().inspect)


def test_a_reference_walk_ends_on_the_last_page(server: Server, client: Client) -> None:
    server.app = FakeFC(seed_store(45))
    result = walk(client, "demo-service", "helloworld", 20, max_pages=100, total=45)
    assert (result.end, result.page_sizes, len(result.pages)) == (End.LAST_PAGE, [20, 20, 5], 3)
    assert result.item_pages == [0] * 20 + [1] * 20 + [2] * 5


def test_endless_tokens_stop_at_the_bound(server: Server, client: Client) -> None:
    server.app = EndlessTokens(seed_store(45))
    result = walk(client, "demo-service", "helloworld", 20, max_pages=100, total=45)
    assert result.end is End.CAP
    assert len(result.pages) == page_bound(45, 20) == 4
    unknown = walk(client, "demo-service", "helloworld", 20, max_pages=9)
    assert unknown.end is End.CAP  # the last pages brought nothing new: a runaway, not a large listing
    assert len(unknown.pages) == 10


def test_a_listing_longer_than_the_cap_is_too_large_not_a_loop(server: Server, client: Client) -> None:
    server.app = FakeFC(seed_store(45))
    result = walk(client, "demo-service", "helloworld", 4, max_pages=5)
    assert result.end is End.TOO_LARGE
    assert len(result.pages) == 6


def test_the_cap_bounds_only_walks_of_unknown_size(server: Server, client: Client) -> None:
    server.app = FakeFC(seed_store(250))
    result = walk(client, "demo-service", "helloworld", 1, max_pages=100, total=250)
    assert (result.end, len(result.pages)) == (End.LAST_PAGE, 250)


def test_a_walk_over_its_allowance_stops_unjudged(server: Server, client: Client) -> None:
    server.app = ShortPages(seed_store(45))
    result = walk(client, "demo-service", "helloworld", 20, max_pages=100, total=45, allowance=3)
    assert (result.end, len(result.pages)) == (End.OVER_ALLOWANCE, 3)
    server.app = EndlessTokens(seed_store(45))
    runaway = walk(client, "demo-service", "helloworld", 100, max_pages=100, total=90, allowance=3)
    assert runaway.end is End.CAP  # nothing new on the last page: a runaway whatever the allowance


def test_a_repeated_token_stops_at_once(server: Server, client: Client) -> None:
    server.app = RepeatsToken(seed_store(45))
    result = walk(client, "demo-service", "helloworld", 20, max_pages=100)
    assert result.end is End.REPEAT
    assert len(result.pages) == 3
    assert "page 3" in result.detail


def test_short_pages_raise_the_bound(server: Server, client: Client) -> None:
    server.app = ShortPages(seed_store(45))
    result = walk(client, "demo-service", "helloworld", 100, max_pages=100, total=45)
    assert result.end is End.LAST_PAGE
    assert len(result.pages) == 7


def test_an_error_page_ends_the_walk(client: Client) -> None:
    result = walk(client, "no-such-service", "helloworld", 20, max_pages=100)
    assert result.end is End.ERROR
    assert "ServiceNotFound" in result.detail


def test_a_dead_server_is_an_error_not_an_exception() -> None:
    with serve(FakeFC(seed_store(1))) as dead:
        url = dead.url
    result = walk(Client(url, inspect=Spec().inspect), "demo-service", "helloworld", 20, max_pages=3)
    assert result.end is End.ERROR
    assert "connection failed" in result.detail


def test_a_walk_keeps_no_more_page_bytes_than_allowed(server: Server, client: Client) -> None:
    server.app = FakeFC(seed_store(45))
    result = walk(client, "demo-service", "helloworld", 5, max_pages=100, total=45, max_bytes=5000)
    assert result.end is End.OVER_ALLOWANCE
    assert sum(len(page.body) for page in result.pages[:-1]) <= 5000
    assert "bytes the walks may keep" in result.detail


def test_a_listing_that_grows_while_it_is_walked_ends_within_its_observed_size(server: Server, client: Client) -> None:
    """One config more with every page: 46 configs at the start, and the limit=5 walk still reaches the end."""
    app = GrowsEndlessly(seed_store(45))
    server.app = app
    result = walk(client, "demo-service", "helloworld", 5, max_pages=100, total=46)
    assert result.end is End.LAST_PAGE, result.detail
    assert len(set(result.qualifiers())) > 46
    server.app = GrowsEndlessly(seed_store(45))
    endless = walk(client, "demo-service", "helloworld", 1, max_pages=1000, total=46)
    assert endless.end is End.CAP  # it gains one config a page on a walk that reads one: it never ends
    assert len(endless.pages) == observed_total(46, 10_000) + 1
    assert "46 when the listing was first walked" in endless.detail


@pytest.mark.parametrize(("total", "distinct", "bound"), [(46, 40, 46), (46, 50, 50), (46, 500, 69), (4, 30, 14)])
def test_the_observed_size_follows_growth_up_to_half_again(total: int, distinct: int, bound: int) -> None:
    assert observed_total(total, distinct) == bound


def test_changes_name_what_came_and_went_and_what_stayed() -> None:
    changes = Changes(["a", "b", "c"], [["a", "c", "d"], ["a", "d", "e"]])
    assert (changes.added, changes.removed, changes.stable()) == (["d", "e"], ["b", "c"], ["a"])
    assert changes.changed
    assert changes.describe() == "+2 / \u22122 configs"
    assert not Changes(["a"], [["a"]]).changed


def test_a_difference_names_its_first_position_with_items_either_side() -> None:
    assert difference(list("abcdefgh"), list("abcxefgh")) == (
        3, "at 3: ...['b', 'c', 'd', 'e', 'f']...", "at 3: ...['b', 'c', 'x', 'e', 'f']...")
    assert difference(list("ab"), list("abc")) == (2, "at 2: ['a', 'b'] (ends after 2)", "at 2: ['a', 'b', 'c']")
    assert difference(["a"], ["a"]) is None
