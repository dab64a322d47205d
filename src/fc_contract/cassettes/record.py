"""Recording: what a run sent and got back, saved as cassettes or as a request log."""

from __future__ import annotations

from pathlib import Path

from fc_contract import __version__
from fc_contract.cassettes import writer
from fc_contract.http.redact import Redactor
from fc_contract.http.shown import visible
from fc_contract.judging.contract import Contract
from fc_contract.judging.spec import spec_hash

SOURCES = {"fake": "recorded against the reference server", "url": "recorded against a server at a URL",
           "live": "recorded against the live Function Compute service"}


def save_recording(contract: Contract, kind: str, description: str) -> None:
    """Write the run's exchanges as cassettes, redacted, and note where they went.

    `kind` and `description` name the target (fake, url, live) for the cassettes' metadata.
    """
    settings = contract.settings
    redactor = Redactor.from_environment()
    metadata = {
        "source": f"{SOURCES.get(kind, kind)}: {redactor.text(description)}",
        "target": kind, "spec_sha256": spec_hash(contract.spec.path),
        "suite_version": __version__,
        "profile": settings.profile, "service": settings.service, "function": settings.function,
        "invalid_input": settings.invalid_input,
    }
    written = writer.save(settings.cassette_dir, contract.client.recording or [], metadata, redactor)
    contract.note(f"recorded {len(contract.client.recording or [])} interactions into {len(written)} cassettes "
                  f"in {settings.cassette_dir}")


def write_request_log(path: Path, contract: Contract) -> None:
    """One line a request: clause, method, URL (as sent, in order)."""
    lines = [visible(f"{e.clause or '-'} {e.method} {e.url}").replace("\n", "\\n") + "\n"
             for e in contract.client.history]
    path.write_text("".join(lines), encoding="utf-8")
