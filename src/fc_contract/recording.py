"""Recording: what a run sent and got back, saved as cassettes or as a request log."""

from __future__ import annotations

from pathlib import Path

from fc_contract import __version__, cassette_writer
from fc_contract.contract import Contract
from fc_contract.redact import Redactor
from fc_contract.shown import visible
from fc_contract.spec import contracts_hash, spec_hash

SOURCES = {"fake": "recorded against the reference server", "url": "recorded against a server at a URL",
           "live": "recorded against the live Function Compute service"}


def save_recording(contract: Contract) -> None:
    """Write the run's exchanges as cassettes, redacted, and note where they went."""
    settings, target = contract.settings, contract.target
    redactor = Redactor.from_environment()
    metadata = {
        "source": f"{SOURCES.get(target.kind, target.kind)}: {redactor.text(target.description)}",
        "target": target.kind, "spec_sha256": spec_hash(settings.spec_path),
        "contracts_sha256": contracts_hash(settings.spec_path.parent), "suite_version": __version__,
        "profile": settings.profile, "service": settings.service, "function": settings.function,
        "invalid_input": settings.invalid_input,
    }
    written = cassette_writer.save(settings.cassette_dir, contract.client.recording or [], metadata, redactor)
    contract.note(f"recorded {len(contract.client.recording or [])} interactions into {len(written)} cassettes "
                  f"in {settings.cassette_dir}")


def write_request_log(path: Path, contract: Contract) -> None:
    """One line a request: clause, method, URL (as sent, in order)."""
    lines = [visible(f"{e.clause or '-'} {e.method} {e.url}").replace("\n", "\\n") + "\n"
             for e in contract.client.history]
    path.write_text("".join(lines), encoding="utf-8")
