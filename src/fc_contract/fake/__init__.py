"""The reference server: a faithful in-memory ListFunctionAsyncInvokeConfigs (and its siblings)."""

from fc_contract.fake.app import FakeFC
from fc_contract.fake.server import serve
from fc_contract.fake.store import AsyncConfig, Store, seed_store
from fc_contract.fake.wire import FCError

__all__ = ["AsyncConfig", "FCError", "FakeFC", "Store", "seed_store", "serve"]
