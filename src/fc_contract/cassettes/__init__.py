"""Layer 3, cassettes: record a run, replay it offline (imports http and judging)."""

from fc_contract.cassettes.format import REPLAY_BASE, Cassette, CassetteError, Interaction, load, load_all

__all__ = ["REPLAY_BASE", "Cassette", "CassetteError", "Interaction", "load", "load_all"]
