"""Cassettes: replay offline and deterministically, judge like live, redact, write atomically, fail clearly."""

from __future__ import annotations

import ast
import json
import re
import shutil
import socket
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from fc_contract import cassettes
from fc_contract.cassettes import writer as cassette_writer
from fc_contract.cassettes.format import CassetteError
from fc_contract.cassettes.replay import NetworkDuringReplay, Replayer
from fc_contract.fake import seed_store
from fc_contract.fake.server import Server
from fc_contract.http.exchange import Exchange
from fc_contract.http.redact import ACCESS_KEY_ID, ACCOUNT_IN_ARN, ACCOUNT_IN_HOST, Redactor
from fc_contract.judging.spec import Spec
from harness import CONTRACTS, ROOT, Verdict
from variants import AdditiveFields

Run = Callable[..., Verdict]
SHIPPED = ROOT / "cassettes"
# Where a replay's point is a non-SDK clause, the SDK clauses stay out: they are half of a replay's time, and
# tests/test_sdk_clauses.py replays the cassettes through the SDKs.
NOT_SDK = "--fc-skip-clause=sdk"
# libyaml where PyYAML has it, as fc-contract reads and writes cassettes: PyYAML's own takes 1.5 s each way for them.
LOADER: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
DUMPER: type[yaml.SafeDumper] = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


@pytest.fixture
def copied(tmp_path: Path) -> Path:
    """A copy of the shipped cassettes to edit."""
    target = tmp_path / "cassettes"
    shutil.copytree(SHIPPED, target, ignore=shutil.ignore_patterns("documentation"))
    return target


def _edit(directory: Path, change: Callable[[dict[str, Any]], bool]) -> int:
    """Apply `change` to every interaction of every cassette; returns how many it changed."""
    changed = 0
    for path in directory.glob("*.yaml"):
        document = yaml.load(path.read_text(), Loader=LOADER)
        hits = sum(bool(change(interaction)) for interaction in document["interactions"])
        if hits:
            path.write_text(yaml.dump(document, Dumper=DUMPER, sort_keys=False))
            changed += hits
    return changed


def test_the_shipped_cassettes_replay_and_pass(run_contracts: Run) -> None:
    verdict = run_contracts()
    assert verdict.exit_code == 0, verdict.output
    assert "target https://fc-contract.invalid" in verdict.output
    assert "warning" not in verdict.output


def test_the_shipped_cassettes_say_what_they_are_and_vcrpy_loads_them() -> None:
    from vcr.persisters.filesystem import FilesystemPersister
    from vcr.serializers import yamlserializer

    for path in [*SHIPPED.glob("*.yaml"), SHIPPED / "documentation" / "sample.yaml"]:
        requests, responses_, *metadata = FilesystemPersister.load_cassette(str(path), yamlserializer)
        assert len(requests) == len(responses_) > 0
        source = metadata[0]["source"]
        expected = "documentation" if path.parent.name == "documentation" else "reference server"
        assert expected in source, (path, source)


def test_the_documentation_sample_conforms() -> None:
    sample = cassettes.load(SHIPPED / "documentation" / "sample.yaml").interactions[0]
    assert Spec().validate(sample.status, dict(sample.headers), sample.body).problems == []


def test_two_replays_send_the_same_requests_as_the_recording(server: Server, run_contracts: Run,
                                                            tmp_path: Path) -> None:
    recorded = tmp_path / "recorded"
    logs = [tmp_path / f"log{n}.txt" for n in range(3)]
    assert run_contracts(f"--fc-target={server.url}", "--fc-record", f"--fc-cassettes={recorded}",
                         f"--fc-request-log={logs[0]}").exit_code == 0
    for log in logs[1:]:
        assert run_contracts(f"--fc-cassettes={recorded}", f"--fc-request-log={log}", NOT_SDK).exit_code == 0
    first, second, third = (log.read_text().splitlines() for log in logs)
    assert len(first) > 200
    assert second == third
    assert [line.replace(server.url, "https://fc-contract.invalid") for line in first] == second


def test_an_edited_type_fails_replay_in_response_shape(copied: Path, run_contracts: Run) -> None:
    def stringify(interaction: dict[str, Any]) -> bool:
        body = interaction["response"]["body"]["string"]
        edited = re.sub(r'"maxAsyncRetryAttempts": (\d+)', r'"maxAsyncRetryAttempts": "\1"', body)
        interaction["response"]["body"]["string"] = edited
        return bool(edited != body)

    assert _edit(copied, stringify) > 0
    verdict = run_contracts(f"--fc-cassettes={copied}", NOT_SDK)
    assert verdict.exit_code == 1
    assert "response.shape" in verdict.failed_clauses
    assert "maxAsyncRetryAttempts" in verdict.output


def test_an_edited_looping_token_fails_replay_in_pagination_termination(copied: Path, run_contracts: Run) -> None:
    first_tokens: dict[str, str] = {}  # limit -> the first page's nextToken

    def remember(interaction: dict[str, Any]) -> bool:
        uri = interaction["request"]["uri"]
        match = re.search(r"\?limit=(\d+)$", uri)
        body = json.loads(interaction["response"]["body"]["string"] or "null")
        if match and isinstance(body, dict) and body.get("nextToken"):
            first_tokens[match[1]] = body["nextToken"]
        return False

    def loop(interaction: dict[str, Any]) -> bool:
        uri = interaction["request"]["uri"]
        match = re.search(r"\?limit=(\d+)&nextToken=", uri)
        body = json.loads(interaction["response"]["body"]["string"] or "null")
        if match and match[1] in first_tokens and isinstance(body, dict) and body.get("nextToken") == "":
            body["nextToken"] = first_tokens[match[1]]
            interaction["response"]["body"]["string"] = json.dumps(body)
            return True
        return False

    _edit(copied, remember)
    assert _edit(copied, loop) > 0
    verdict = run_contracts(f"--fc-cassettes={copied}", NOT_SDK)
    assert verdict.exit_code == 1
    assert "pagination.termination" in verdict.failed_clauses
    assert "token cycle" in verdict.output


def test_a_request_no_cassette_holds_fails_with_the_remedy(copied: Path, run_contracts: Run) -> None:
    def drop_default_page(interaction: dict[str, Any]) -> bool:
        if interaction["request"]["uri"].endswith("/async-invoke-configs"):
            interaction["request"]["uri"] += "?limit=77777"
            return True
        return False

    assert _edit(copied, drop_default_page) > 0
    verdict = run_contracts(f"--fc-cassettes={copied}", NOT_SDK)
    assert verdict.exit_code == 1
    assert re.search(r"^\[limit\.bounds\] no recorded response for GET https://fc-contract\.invalid/2021-04-06/"
                     r"services/demo-service/functions/helloworld/async-invoke-configs in the cassettes of .*; .*"
                     r"re-record it with --fc-record", verdict.output, re.MULTILINE), verdict.output


def test_replay_refuses_the_network(server: Server) -> None:
    replayer = Replayer(cassettes.load_all(SHIPPED), "https://fc-contract.invalid")
    replayer.start()
    try:
        host, port = server.url.removeprefix("http://").split(":")
        with pytest.raises(NetworkDuringReplay, match=r"network access to .* during replay"):
            socket.create_connection((host, int(port)), timeout=2)
    finally:
        replayer.stop()
    socket.create_connection(("127.0.0.1", int(port)), timeout=2).close()


def test_a_stale_cassette_warns_and_fails_under_strict(copied: Path, run_contracts: Run) -> None:
    path = copied / "errors.yaml"
    path.write_text(re.sub(r"spec_sha256: \w+", "spec_sha256: 0000", path.read_text()))
    verdict = run_contracts(f"--fc-cassettes={copied}", NOT_SDK)
    assert verdict.exit_code == 0
    assert "warning: errors.yaml recorded from another OpenAPI description" in verdict.output
    strict = run_contracts(f"--fc-cassettes={copied}", "--fc-strict-cassettes")
    assert strict.exit_code == 4
    assert "--fc-strict-cassettes: errors.yaml recorded from another OpenAPI description" in strict.output


@pytest.mark.parametrize(("damage", "message"), [
    (lambda p: p.write_text(p.read_text()[:5000]), r"limit\.bounds\.yaml:\d+: malformed YAML"),
    (lambda p: p.write_text("interactions: 3\nversion: 1\n"), r"limit\.bounds\.yaml: not a cassette"),
    (lambda p: p.write_text("interactions:\n- request: {}\nversion: 1\n"),
     r"limit\.bounds\.yaml: interaction 1 is incomplete"),
    (lambda p: (p.unlink(), p.mkdir()), r"limit\.bounds\.yaml: cannot read it"),
])
def test_a_broken_cassette_is_one_line_with_its_path(copied: Path, run_contracts: Run,
                                                     damage: Callable[[Path], Any], message: str) -> None:
    damage(copied / "limit.bounds.yaml")
    verdict = run_contracts(f"--fc-cassettes={copied}")
    assert verdict.exit_code == 4
    errors = [line for line in verdict.output.splitlines() if line.startswith("ERROR:")]
    assert len(errors) == 1, verdict.output
    assert re.search(message, errors[0]), errors[0]
    assert "re-record it with --fc-record" in errors[0]
    assert "Traceback" not in verdict.output


def test_a_missing_cassette_directory_is_one_line(tmp_path: Path, run_contracts: Run) -> None:
    verdict = run_contracts(f"--fc-cassettes={tmp_path / 'nowhere'}")
    assert verdict.exit_code == 4
    assert "nowhere: no cassette directory; record one with --fc-record" in verdict.output


def test_recording_redacts_credentials_and_account_ids(server: Server, run_contracts: Run, tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    secrets = {"ALIBABA_CLOUD_ACCESS_KEY_ID": "LTAI5tQk8Rx3Zs9FakeKeyId",
               "ALIBABA_CLOUD_ACCOUNT_ID": "1357924680135792",
               "ALIBABA_CLOUD_ACCESS_KEY_SECRET": "s3cr3tValueThatMustNeverLeak",
               "ALIBABA_CLOUD_SECURITY_TOKEN": "CAISTokenValueThatMustNeverLeak"}
    for name, value in secrets.items():
        monkeypatch.setenv(name, value)

    class Leaky(AdditiveFields):
        def render_config(self, config: Any) -> dict[str, Any]:
            wire = super().render_config(config)
            wire["functionArn"] = f"acs:fc:cn-hangzhou:{secrets['ALIBABA_CLOUD_ACCOUNT_ID']}:functions/f"
            wire["owner"] = f"{secrets['ALIBABA_CLOUD_ACCESS_KEY_ID']} {secrets['ALIBABA_CLOUD_SECURITY_TOKEN']}"
            return wire

    server.app = Leaky(seed_store(45, account="1357924680135792"))
    recorded = tmp_path / "recorded"
    assert run_contracts(f"--fc-target={server.url}", "--fc-record", f"--fc-cassettes={recorded}").exit_code == 0
    everything = b"".join(path.read_bytes() for path in recorded.iterdir())
    assert b"acs:fc:cn-hangzhou:<ALIBABA_CLOUD_ACCOUNT_ID>:functions/f" in everything
    for value in secrets.values():
        assert value.encode() not in everything
    assert b"LTAI" not in everything


def test_redaction_of_headers_hosts_and_arns() -> None:
    redactor = Redactor({"topsecret": "<SECRET>"})
    assert redactor.header("Authorization", "FC LTAI5tAbcdefghijk:sig") == "<REDACTED AUTHORIZATION>"
    assert redactor.header("x-acs-signature-nonce", "n") == "<REDACTED X-ACS-SIGNATURE-NONCE>"
    assert redactor.text("https://1234567890.cn-hangzhou.fc.aliyuncs.com/x") == \
        "https://account-id.cn-hangzhou.fc.aliyuncs.com/x"
    assert redactor.text("acs:mns:cn-hangzhou:1234567890:/queues/q topsecret") == \
        "acs:mns:cn-hangzhou:<ACCOUNT_ID>:/queues/q <SECRET>"


_SEP = st.sampled_from([":", "%3A", "%3a"])
_ARN = st.tuples(st.sampled_from(["acs", "ACS", "ac\u017f"]), _SEP, st.sampled_from(["fc", "mns"]), _SEP,
                 st.sampled_from(["cn-hangzhou", ""]), _SEP, st.sampled_from(["188077086902", "12345"]), _SEP)
_HOST = st.tuples(st.sampled_from(["", "/", "x"]), st.sampled_from(["1234567", "12"]), st.just(".cn-hangzhou"),
                  st.sampled_from([".fc.aliyuncs.com", ".FC.Aliyuncs.COM", ".fc.al\u0130yuncs.com", ".fc.aliyun"]))
_KEY = st.sampled_from(["LTAI5tAbcdefghijk", "STS.abcdefghijkl", "LTAIshort", "xLTAI5tAbcdefghijk"])
TEXTS = st.lists(st.one_of(_ARN.map("".join), _HOST.map("".join), _KEY, st.sampled_from([" ", "/", "\u00e9", "a1"])),
                 max_size=8).map("".join)


@settings(max_examples=300, deadline=None)
@given(TEXTS)
def test_redaction_skips_a_pattern_only_where_it_cannot_match(value: str) -> None:
    """Redactor.text tries each pattern only where its fixed part occurs: the same text as trying every one, the
    patterns' other cases of letters included (to them \u017f is an s and \u0130 an i)."""
    every = ACCESS_KEY_ID.sub("<ACCESS_KEY_ID>", ACCOUNT_IN_HOST.sub(r"account-id\2",
                                                                     ACCOUNT_IN_ARN.sub(r"\1<ACCOUNT_ID>\3", value)))
    assert Redactor().text(value) == every


def test_a_failed_recording_keeps_the_previous_cassettes(server: Server, run_contracts: Run, copied: Path) -> None:
    before = {path.name: path.read_bytes() for path in copied.iterdir()}
    release = threading.Event()

    def hang(environ: dict[str, Any], start_response: Callable[..., Any]) -> list[bytes]:
        release.wait(30)
        start_response("500 Internal Server Error", [])
        return [b""]

    server.app = hang
    try:
        verdict = run_contracts(f"--fc-target={server.url}", "--fc-record", f"--fc-cassettes={copied}",
                                "--fc-timeout=1")
    finally:
        release.set()
    assert verdict.exit_code == 1
    assert "cassettes NOT written, the previous ones are kept" in verdict.output
    assert {path.name: path.read_bytes() for path in copied.iterdir()} == before


def test_save_writes_every_file_or_none(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    exchanges = [Exchange("GET", f"http://x/p?limit={n}", {}, status=200, body=b"{}", clause=f"c{n}")
                 for n in range(3)]
    (tmp_path / "c0.yaml").write_text("old")
    calls = {"n": 0}
    real_dump = yaml.dump

    def failing_dump(*args: Any, **kwargs: Any) -> Any:
        calls["n"] += 1
        if calls["n"] == 3:
            raise OSError("disk full")
        return real_dump(*args, **kwargs)

    monkeypatch.setattr(yaml, "dump", failing_dump)
    with pytest.raises(OSError, match="disk full"):
        cassette_writer.save(tmp_path, exchanges, {}, Redactor())
    assert sorted(p.name for p in tmp_path.iterdir()) == ["c0.yaml"]
    assert (tmp_path / "c0.yaml").read_text() == "old"


HOSTILE_BODIES = [b"", b"{}", "line\u2028separator \u0085 next-line \ufeffbom".encode(), "😀 wide 中文 ".encode() * 40,
                  b"\x00\x07\x1b[31m control \r\n\t", b"\xff\xfe not UTF-8 \x80", b"x" * 500 + b" " + b"y" * 500,
                  b'"quoted" \'single\' \\ back: colon # hash - dash', b"null", b"  leading and trailing  "]


DUMPERS: list[type[yaml.SafeDumper]] = sorted({yaml.SafeDumper, DUMPER}, key=lambda d: d.__name__)


@pytest.mark.parametrize("dumper", DUMPERS, ids=[d.__name__ for d in DUMPERS])
def test_hostile_bodies_load_back_byte_for_byte(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                dumper: type[yaml.SafeDumper]) -> None:
    """Whichever emitter writes them (libyaml's where PyYAML has it, else PyYAML's own), bodies come back exact."""
    monkeypatch.setattr(cassette_writer, "_DUMPER", dumper)
    exchanges = [Exchange("GET", f"http://x/p?limit={n}", {"X-Fc-Date": "d"}, status=200, body=body, clause="c")
                 for n, body in enumerate(HOSTILE_BODIES, start=1)]
    (path,) = cassette_writer.save(tmp_path, exchanges, {}, Redactor())
    assert [i.body for i in cassettes.load(path).interactions] == HOSTILE_BODIES


def test_load_names_the_line_of_malformed_yaml(tmp_path: Path) -> None:
    path = tmp_path / "x.yaml"
    path.write_text("interactions:\n- request: [\nversion: 1\n")
    with pytest.raises(CassetteError, match=r"x\.yaml:\d+: malformed YAML"):
        cassettes.load(path)


def _edit_docstrings(directory: Path) -> int:
    """Prefix every docstring (modules, classes, functions) of the clause modules below `directory`; how many."""
    edited = 0
    for path in directory.rglob("*.py"):
        lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
        spots = [(node.body[0].lineno - 1, node.body[0].col_offset) for node in ast.walk(ast.parse("".join(lines)))
                 if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef) and node.body
                 and isinstance(node.body[0], ast.Expr) and isinstance(node.body[0].value, ast.Constant)
                 and isinstance(node.body[0].value.value, str)]
        for line, column in sorted(spots, reverse=True):
            lines[line] = lines[line][:column + 3] + "Edited, in another words. " + lines[line][column + 3:]
        path.write_text("".join(lines), encoding="utf-8")
        edited += len(spots)
    return edited


def test_edited_docstrings_leave_the_cassettes_fresh_and_other_requests_stale_their_own(
        tmp_path: Path, run_contracts_in_subprocess: Run) -> None:
    """Staleness follows what a cassette records: every docstring edited stales nothing; a clause that now sends
    another request stales its own cassette, named, and no other."""
    contracts = tmp_path / "contracts"
    shutil.copytree(CONTRACTS, contracts, ignore=shutil.ignore_patterns("__pycache__"))
    assert _edit_docstrings(contracts) > 40
    bounds = contracts / "test_limit_bounds.py"
    bounds.write_text(bounds.read_text().replace('@example(raw="0")', '@example(raw="00")'))
    verdict = run_contracts_in_subprocess(f"--fc-cassettes={SHIPPED}", contracts=contracts)
    assert verdict.failed_clauses == {"limit.bounds"}, verdict.output
    stale = [line for line in verdict.output.splitlines() if line.startswith("warning:")]
    assert len(stale) == 1, verdict.output
    assert stale[0].startswith("warning: limit.bounds.yaml: the clause limit.bounds now sends other requests than "
                               "were recorded (1 requests it lacks (the first: GET "), stale
    assert "limit=00" in stale[0]


@pytest.mark.parametrize("scheme", ["acs3", "fc"])
def test_a_signed_recording_keeps_no_credential(server: Server, run_contracts: Run, tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch, scheme: str) -> None:
    from fc_contract.fake import FakeFC
    from fc_contract.fake.auth import Verifier

    key_id, secret, token = "LTAI5tSignedRecording01", "signed-recording-secret", "CAISSignedRecordingToken"
    monkeypatch.setenv("ALIBABA_CLOUD_ACCESS_KEY_ID", key_id)
    monkeypatch.setenv("ALIBABA_CLOUD_ACCESS_KEY_SECRET", secret)
    monkeypatch.setenv("ALIBABA_CLOUD_SECURITY_TOKEN", token)
    server.app = FakeFC(seed_store(45), verifier=Verifier({key_id: secret}))
    recorded = tmp_path / "recorded"
    verdict = run_contracts(f"--fc-target={server.url}", f"--fc-signing={scheme}", "--fc-record",
                            f"--fc-cassettes={recorded}")
    assert verdict.exit_code == 0, verdict.output
    everything = b"".join(path.read_bytes() for path in recorded.iterdir())
    assert b"<REDACTED AUTHORIZATION>" in everything
    for value in (key_id, secret, token):
        assert value.encode() not in everything
