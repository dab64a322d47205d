"""fc-contract: the contract suite as one command. pytest is the engine; the exit code is its verdict.

Any --fc-* option of the pytest plugin may follow a command and keeps its meaning.
"""

from __future__ import annotations

import argparse
import contextlib
import difflib
import os
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn, TextIO

from fc_contract.cli.versions import version_lines
from fc_contract.config import CLI_SPELLING, FILE_NAME, FLAGS, OPTIONS, ConfigError, find_file, resolve
from fc_contract.fake import __main__ as fake
from fc_contract.run.catalogue import catalogue
from fc_contract.settings import SPEC_PATH, spelled

if TYPE_CHECKING:
    import pytest

# pytest and the plugin are imported by the commands that run the suite only: --version, clauses, config, serve
# and a usage error answer in 0.3 s, not 0.6.
USAGE = 4  # pytest.ExitCode.USAGE_ERROR, as the plugin's own usage errors exit
# CLI flag -> the plugin option it sets (None values are not passed: the environment and ini still apply)
SUITE_OPTIONS = {name: "--fc-" + name.replace("_", "-") for name in (
    "service", "function", "signing", "report", "json", "html", "profile", "max_requests", "invalid_input",
    "max_seconds", "timeout", "clause", "skip_clause")} | {"junit": "--junitxml"}
EXIT_CODES = """exit codes:
  0  every clause it ran passed
  1  a clause failed, or a run-wide verdict stopped the run (the request or time budget, the target's refusals)
  2  interrupted (Ctrl-C) or terminated (SIGTERM); the outputs are written and say so
  3  an internal error
  4  a usage error: one line on stderr names the option and the fix, before any request is sent

options are read from the command line, then FC_CONTRACT_<NAME> in the environment, then fc-contract.toml
(or [tool.fc-contract] in pyproject.toml), then the defaults shown; `fc-contract config` shows what applies."""


class _Parser(argparse.ArgumentParser):
    """argparse, but a usage error is one line and exit code 4, as pytest's."""

    def error(self, message: str) -> NoReturn:
        self.exit(USAGE, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


def parser() -> _Parser:
    p = _Parser(prog="fc-contract", description=__doc__.split("\n")[0] if __doc__ else None, epilog=EXIT_CODES,
                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--version", action="store_true", help="print the versions of fc-contract, its description "
                   "and the installed SDKs")
    commands = p.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    def command(name: str, text: str) -> argparse.ArgumentParser:
        return commands.add_parser(name, help=text, description=text, epilog=EXIT_CODES,
                                   formatter_class=argparse.RawDescriptionHelpFormatter)

    check = command("check", "run the whole suite against the server at URL")
    check.add_argument("url", help="the server: http(s)://HOST[:PORT], fake (the reference server) or live")
    replay = command("replay", "run the suite on recorded cassettes, offline")
    replay.add_argument("directory", nargs="?", help="the cassette directory (default: the packaged cassettes)")
    record = command("record", "record the suite's exchanges with URL into DIR (a baseline)")
    record.add_argument("url", help="the server to record from")
    record.add_argument("directory", metavar="DIR", help="where the cassettes go")
    diff = command("diff", "run the suite against URL and compare its answers with a recorded baseline "
                   "(behaviour.diff)")
    diff.add_argument("url", help="the server to compare")
    diff.add_argument("--baseline", required=True, metavar="DIR", help="the cassettes recorded from the reference")
    diff.add_argument("--compare", choices=("values", "shape"), help="values (the same data) or shape "
                      "(default values)")
    diff.add_argument("--allow", metavar="CLASSES", help="changed and/or additive: accepted, still listed "
                      "(default none)")
    for suite in (check, replay, record, diff):
        _suite_arguments(suite)
    commands.add_parser("clauses", help="list the clauses, each with its one-line purpose")
    config = commands.add_parser("config", help="show each option's value and where it comes from (the command "
                                 "line, the environment, a config file or the default)")
    _suite_arguments(config)
    serve = commands.add_parser("serve", help="run the reference server (as python -m fc_contract.fake)")
    fake.add_arguments(serve)
    return p


def _suite_arguments(p: argparse.ArgumentParser) -> None:
    def default(name: str) -> str:
        return OPTIONS[name][0] or "none"

    p.add_argument("--service", help=f"the service of the function under test (default {default('service')})")
    p.add_argument("--function", help=f"the function under test (default {default('function')})")
    p.add_argument("--clause", metavar="IDS", help="run only these clauses, comma-separated; a group such as "
                   "pagination names each of its own (default all; fc-contract clauses lists them)")
    p.add_argument("--skip-clause", metavar="IDS", help="run every clause but these, comma-separated")
    p.add_argument("--signing", choices=("auto", "acs3", "fc", "none"),
                   help="how to sign: acs3 or auto for live, none otherwise (default auto)")
    p.add_argument("--profile", choices=("dev", "ci", "thorough"), help="how much to generate (default ci)")
    p.add_argument("--invalid-input", choices=("reject", "lenient"),
                   help="what bad input must get: 400 InvalidArgument, or any 4xx (default reject)")
    p.add_argument("--max-requests", type=int, metavar="N",
                   help=f"stop with a verdict after N requests (default {default('max_requests')})")
    p.add_argument("--max-seconds", type=float, metavar="S",
                   help=f"the run's wall-clock budget (default {default('max_seconds')})")
    p.add_argument("--timeout", type=float, metavar="S",
                   help=f"connect and read timeout of each request (default {default('timeout')})")
    p.add_argument("--report", metavar="PATH", help="write the conformance report as Markdown")
    p.add_argument("--html", metavar="PATH", help="write the report as one self-contained HTML page")
    p.add_argument("--json", metavar="PATH", help="write the results as one JSON document (its schema: "
                   "fc_contract/report/results.schema.json)")
    p.add_argument("--junit", metavar="PATH", help="write JUnit XML (each test case names its clause)")
    shown = p.add_mutually_exclusive_group()
    shown.add_argument("-v", "--verbose", action="store_true", help="show pytest's own output")
    shown.add_argument("-q", "--quiet", action="store_true", help="show the clause table and the verdict only")


def pytest_args(args: argparse.Namespace, extra: list[str]) -> list[str]:
    """The pytest command line of a suite command: the packaged contracts, isolated from any project's config."""
    contracts = SPEC_PATH.parent
    out = [str(contracts), "--rootdir", str(contracts), "-c", str(contracts / "fc-contract.ini"), "-p",
           "no:cacheprovider", "-W", "ignore::pytest.PytestAssertRewriteWarning"]
    if args.command == "check":
        out.append(f"--fc-target={args.url}")
    elif args.command == "diff":
        out += [f"--fc-target={args.url}", f"--fc-baseline={args.baseline}",
                *([f"--fc-baseline-compare={args.compare}"] if args.compare else []),
                *([f"--fc-baseline-allow={args.allow}"] if args.allow else [])]
    elif args.command == "record":
        out += [f"--fc-target={args.url}", "--fc-record", f"--fc-cassettes={args.directory}"]
    elif args.directory:  # replay
        out.append(f"--fc-cassettes={args.directory}")
    out += [f"{flag}={getattr(args, name)}" for name, flag in SUITE_OPTIONS.items() if getattr(args, name) is not None]
    return out + (["-v", "-rfEs"] if args.verbose else []) + extra


def main(argv: list[str] | None = None) -> int:
    p = parser()
    args, extra = p.parse_known_args(argv)
    if args.version:
        print("\n".join(version_lines()))
        return 0
    if args.command is None:
        p.error("name a command: check, replay, record, diff, clauses, config or serve")
    unknown = [a for i, a in enumerate(extra) if not a.startswith("--fc-") and not (  # or an --fc- option's value
        i and extra[i - 1].startswith("--fc-") and "=" not in extra[i - 1] and not a.startswith("-"))]
    if unknown:
        p.error(f"unrecognized arguments: {' '.join(unknown)} (only --fc-* options pass through to the suite)")
    known = {"--fc-" + name.replace("_", "-") for name in (*OPTIONS, *FLAGS)}
    for name in (a.split("=", 1)[0] for a in extra if a.startswith("--fc-")):
        if name not in known:
            close = difflib.get_close_matches(name, sorted(known), n=1)
            p.error(f"unknown option {name}" + (f"; did you mean {close[0]}?" if close else
                                                "; the suite's options are listed by pytest --help, group fc-contract"))
    if args.command == "serve":
        return USAGE if fake.serve(args, p) == 2 else 0
    if args.command in ("clauses", "config"):
        try:
            return clauses() if args.command == "clauses" else show_config(args, extra, p)
        except BrokenPipeError:  # the reader left (`| head`): what it did not take is dropped, quietly
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            return 0
    with spelled(CLI_SPELLING):
        return run(pytest_args(args, extra), verbose=args.verbose, quiet=args.quiet)


def clauses() -> int:
    """Each clause of the packaged contracts and its purpose, one a line."""
    found = catalogue(SPEC_PATH.parent)
    width = max(len(c.id) for c in found)
    for clause in found:
        print(f"{clause.id:{width}}  {clause.purpose}")
    return 0


def show_config(args: argparse.Namespace, extra: list[str], p: _Parser) -> int:
    """Which config file applies, and each option's value with where it came from."""
    typed: dict[str, object] = {name: getattr(args, name) for name in SUITE_OPTIONS if name != "junit"
                                and getattr(args, name, None) is not None}
    for i, item in enumerate(extra):  # --fc-name=value, --fc-name value and --fc-switch
        if not item.startswith("--fc-"):
            continue
        name, equals, value = item.removeprefix("--fc-").partition("=")
        following = extra[i + 1] if i + 1 < len(extra) and not extra[i + 1].startswith("-") else None
        key = name.replace("-", "_")
        typed[key] = value if equals else True if key in FLAGS else following
    try:
        file = find_file(Path.cwd())
        resolved = resolve(typed, os.environ, file)
    except ConfigError as exc:
        p.error(str(exc))
    none = f"none (no {FILE_NAME}, nor pyproject.toml with [tool.fc-contract], in {Path.cwd()} or above)"
    print(f"config file: {file.path if file is not None else none}")
    for name, resolved_value in resolved.items():
        where = f" ({resolved_value.where})" if resolved_value.where else ""
        chosen = resolved_value.value
        shown = str(chosen).lower() if isinstance(chosen, bool) else (chosen or "(none)")
        print(f"{name:20} {shown:40} {resolved_value.source.value}{where}")
    return 0


def run(arguments: list[str], verbose: bool = False, quiet: bool = False) -> int:
    """pytest.main on `arguments`: its own output when verbose, else Progress's lines on the real stdout.

    The CLI leaves no .hypothesis/ in the directory it was run from: hypothesis's storage (with no example database
    in the clause tests, only its caches) is the user's cache directory, else a directory of the run's own, removed
    at its end. HYPOTHESIS_STORAGE_DIRECTORY, when set, is kept.
    """
    with contextlib.ExitStack() as stack:
        if "HYPOTHESIS_STORAGE_DIRECTORY" not in os.environ:
            stored = _user_cache() or stack.enter_context(tempfile.TemporaryDirectory(prefix="fc-contract-hypothesis-"))
            stack.enter_context(_environment("HYPOTHESIS_STORAGE_DIRECTORY", str(stored)))
        return _run(arguments, verbose, quiet)


def _user_cache() -> Path | None:
    """fc-contract's directory for hypothesis's caches in the user's cache directory (as pip and black keep theirs),
    or None when it cannot be made. Its Unicode tables take 1.5 s of CPU to build, in every run without them."""
    try:
        if sys.platform == "win32":
            base = Path(os.environ.get("LOCALAPPDATA") or Path.home() / "AppData" / "Local")
        elif sys.platform == "darwin":
            base = Path.home() / "Library" / "Caches"
        else:
            base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
        folder = base / "fc-contract" / "hypothesis"
        folder.mkdir(parents=True, exist_ok=True)
    except (OSError, RuntimeError):  # no home directory, or none to write in
        return None
    return folder if os.access(folder, os.W_OK) else None


@contextlib.contextmanager
def _environment(name: str, value: str) -> Iterator[None]:
    os.environ[name] = value
    try:
        yield
    finally:
        os.environ.pop(name, None)


def _run(arguments: list[str], verbose: bool, quiet: bool) -> int:
    import pytest

    from fc_contract.cli.progress import Progress

    if verbose:
        return _verdict(pytest.main(arguments))
    live = sys.stdout.isatty() and not os.environ.get("CI")
    with contextlib.ExitStack() as stack:
        out = _real_stdout()
        if out is not sys.stdout:
            stack.callback(_close, out)
        stack.enter_context(contextlib.redirect_stdout(stack.enter_context(open(os.devnull, "w", encoding="utf-8"))))
        return _verdict(pytest.main([*arguments, "-q"], plugins=[Progress(out, live, quiet)]))


def _close(out: TextIO) -> None:
    with contextlib.suppress(BrokenPipeError):  # what a reader that left did not take is dropped
        out.close()


def _real_stdout() -> TextIO:
    """Our own handle on stdout, which pytest's capture and the silenced reporter do not reach."""
    try:
        return os.fdopen(os.dup(sys.stdout.fileno()), "w", encoding="utf-8", errors="replace")
    except (OSError, ValueError):  # no file descriptor: called from Python with stdout replaced
        return sys.stdout


def _verdict(code: int | pytest.ExitCode) -> int:
    import pytest

    if code == pytest.ExitCode.NO_TESTS_COLLECTED:
        print("fc-contract: error: no contract tests were collected; reinstall fc-contract", file=sys.stderr)
        return USAGE
    return int(code)
