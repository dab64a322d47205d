"""python -m fc_contract.fake: run the reference server."""

from __future__ import annotations

import argparse
import contextlib
import sys
from pathlib import Path

from fc_contract.cassettes.format import CassetteError
from fc_contract.fake.auth import Verifier
from fc_contract.fake.faults import HTTP_FAULTS, TOKEN_FAULTS, Fault, build
from fc_contract.fake.recorded import store_from_cassettes
from fc_contract.fake.server import Server
from fc_contract.fake.store import DEFAULT_FUNCTION, DEFAULT_SERVICE, load_store, seed_store


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m fc_contract.fake",
                                description="The fc-contract reference server for ListFunctionAsyncInvokeConfigs.")
    add_arguments(p)
    return p


def add_arguments(p: argparse.ArgumentParser) -> None:
    """The server's options (`fc-contract serve` takes the same)."""
    p.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    p.add_argument("--port", type=int, default=9000, help="port to bind, 0 for any free one (default 9000)")
    p.add_argument("--configs", type=int, default=45, metavar="N", help="seed N configs (default 45)")
    p.add_argument("--data", type=Path, metavar="FILE", help="load configs from a JSON file instead of seeding")
    p.add_argument("--from-cassettes", type=Path, metavar="DIR", help="serve the configs a recording's pages hold "
                   "(with --fc-baseline=DIR, a check that the recording and the reference server agree)")
    p.add_argument("--service", default=DEFAULT_SERVICE, help=f"seeded service (default {DEFAULT_SERVICE})")
    p.add_argument("--function", default=DEFAULT_FUNCTION, help=f"seeded function (default {DEFAULT_FUNCTION})")
    p.add_argument("--seed", type=int, default=20210406, help="seed of the generated values")
    p.add_argument("--access-key-id", help="require requests signed with this access key id (both schemes)")
    p.add_argument("--access-key-secret", help="the secret of --access-key-id")
    p.add_argument("--fault", action="append", default=[], metavar="KIND[:ARG][@EVERY]",
                   help=f"inject a fault into every EVERY-th request (default every one); KIND is one of "
                        f"{', '.join(HTTP_FAULTS + TOKEN_FAULTS)}; ARG is seconds (latency, hang), MiB (big) or "
                        "Retry-After (throttle). Repeatable.")


def main(argv: list[str] | None = None) -> int:
    p = parser()
    return serve(p.parse_args(argv), p)


def serve(args: argparse.Namespace, p: argparse.ArgumentParser) -> int:
    """Serve until interrupted; bad arguments go to `p.error`."""
    if args.configs < 0:
        p.error("--configs must be 0 or more")
    if bool(args.access_key_id) != bool(args.access_key_secret):
        p.error("--access-key-id and --access-key-secret go together")
    verifier = Verifier({args.access_key_id: args.access_key_secret}) if args.access_key_id else None
    try:
        faults = [Fault.parse(text) for text in args.fault]
    except ValueError as exc:
        p.error(str(exc))
    try:
        store = (load_store(args.data) if args.data else store_from_cassettes(args.from_cassettes)
                 if args.from_cassettes else seed_store(args.configs, args.service, args.function, args.seed))
        server = Server(build(store, faults, verifier=verifier), args.host, args.port)
    except OSError as exc:  # a busy or forbidden port: say which, and the fix
        print(f"fc_contract.fake: error: cannot serve on {args.host}:{args.port}: {exc.strerror or exc}; choose "
              "another --port (0: any free one)", file=sys.stderr)
        return 2
    except (ValueError, CassetteError) as exc:
        print(f"fc_contract.fake: error: {exc}", file=sys.stderr)
        return 2
    signed = " (signed requests only)" if verifier else ""
    signed += f" with faults {', '.join(args.fault)}" if faults else ""
    print(f"fc_contract.fake: serving ListFunctionAsyncInvokeConfigs on {server.url}{signed}", flush=True)
    with contextlib.suppress(KeyboardInterrupt):
        server.serve_forever()
    return 0


if __name__ == "__main__":
    sys.exit(main())
