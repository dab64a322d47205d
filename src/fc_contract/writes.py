"""For write clauses of one's own: put and delete configs on the qualifiers the run may touch, and clean up.

Every config a Writer puts is on the run's ledger (Contract.created) until it is deleted; `cleanup` deletes
what is left. See contracts/test_state_writes.py and contracts/test_pagination_under_writes.py.
"""

from fc_contract.judging.writes import PROBE, Writer, cleanup, put_values, redacted

__all__ = ["PROBE", "Writer", "cleanup", "put_values", "redacted"]
