"""The HTML report: one self-contained page, loaded in a real browser (headless Chromium), inert to server text."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar
from urllib.parse import urlsplit

import pytest

from fc_contract.fake import seed_store
from harness import Verdict
from test_hostile_runs import HOSTILE, HostileErrors
from variants import MUTANTS

# As the machine's notes say: no background connections of the browser's own, a fresh profile.
FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--disable-features=NetworkTimeServiceQuerying", "--enable-logging=stderr", "--v=0",
         "--window-size=1200,2400")


BROWSER_OWN = (".google.com", ".googleapis.com", ".gstatic.com")  # Chromium's own updates and clock, not the page's


@pytest.fixture(scope="module")
def chromium() -> str:
    """Chromium on the PATH: when .ci/run is still installing it, once the file it names says the install ended."""
    ended = os.environ.get("FC_TESTS_CHROMIUM_INSTALL")
    give_up = time.monotonic() + 240
    while ended and not Path(ended).exists() and time.monotonic() < give_up:
        time.sleep(0.5)
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found is None:
        if os.environ.get("CI"):
            pytest.fail("chromium is not installed: .ci/run installs Debian's chromium package for this test")
        pytest.skip("chromium is not installed (apt-get install chromium)")
    return found


class _Fetches(BaseHTTPRequestHandler):
    """A proxy that answers nothing and remembers every request a page made."""

    seen: ClassVar[list[str]] = []

    def _record(self) -> None:
        host = (urlsplit(self.path).hostname or self.path.split(":")[0]).lower()
        if not host.endswith(BROWSER_OWN):
            self.seen.append(f"{self.command} {self.path}")
        self.send_response(403)
        self.end_headers()

    do_GET = do_POST = do_CONNECT = do_HEAD = _record

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def proxy() -> Iterator[tuple[str, list[str]]]:
    seen: list[str] = []
    handler = type("Fetches", (_Fetches,), {"seen": seen})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", seen
    finally:
        server.shutdown()


def _browse(chromium: str, page: Path, profile: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([chromium, *FLAGS, f"--user-data-dir={profile}", *args, page.as_uri()],
                          capture_output=True, text=True, timeout=120)


def test_the_report_is_one_inert_page(judge: Callable[..., Verdict], tmp_path: Path) -> None:
    page = tmp_path / "report.html"
    verdict = judge(HostileErrors(seed_store(45)), f"--fc-html={page}")
    assert verdict.exit_code == 1
    text = page.read_text(encoding="utf-8")
    assert "Content-Security-Policy" in text
    assert "default-src 'none'" in text
    assert not re.search(r"<script|<link|<iframe|<img|<object|\bsrc=|\bhref=|@import|url\(", text, re.IGNORECASE)
    assert "\x1b" not in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text  # the server's markup, shown as text
    assert "FAILED: 3 of 8 clauses" in text  # the run's verdict, as every output says it


def test_a_browser_shows_the_report_fetching_nothing(judge: Callable[..., Verdict], chromium: str,
                                                     proxy: tuple[str, list[str]], tmp_path: Path) -> None:
    page = tmp_path / "report.html"
    verdict = judge(MUTANTS["accepts-101"].build(), f"--fc-html={page}")
    assert verdict.exit_code == 1
    cells = re.findall(r"<title>pagination\.termination limit=\d+: (\w+)</title>", page.read_text())
    assert cells == ["covered"] * 100, cells  # the shared walks it judged, though limit.bounds sent them
    # Without its Content-Security-Policy, so that anything the page itself would load reaches the proxy.
    bare = tmp_path / "bare.html"
    bare.write_text(re.sub(r"<meta http-equiv='Content-Security-Policy'[^>]*>", "", page.read_text()))
    shot = tmp_path / "report.png"
    shown = _browse(chromium, bare, tmp_path / "profile", f"--proxy-server={proxy[0]}", f"--screenshot={shot}")
    assert shot.is_file(), shown.stderr
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert shot.stat().st_size > 20_000, "a blank page"  # a table and three pictures
    assert proxy[1] == [], proxy[1]  # nothing was fetched
    canary = tmp_path / "canary.html"  # the same page with one picture to fetch: the proxy does see a page's loads
    canary.write_text(bare.read_text().replace("</body>", "<img src='http://canary.invalid/x.png'></body>"))
    _browse(chromium, canary, tmp_path / "profile-canary", f"--proxy-server={proxy[0]}", f"--screenshot={shot}")
    assert proxy[1] == ["GET http://canary.invalid/x.png"], proxy[1]
    assert "CONSOLE" not in shown.stderr, shown.stderr  # no console message, error or other
    dom = _browse(chromium, page, tmp_path / "profile-2", "--dump-dom")
    assert "<svg" in dom.stdout
    assert "limit.bounds" in dom.stdout
    assert "CONSOLE" not in dom.stderr, dom.stderr


def test_hostile_text_stays_text_in_the_browser(judge: Callable[..., Verdict], chromium: str, tmp_path: Path) -> None:
    page = tmp_path / "report.html"
    judge(HostileErrors(seed_store(45)), f"--fc-html={page}")
    dom = _browse(chromium, page, tmp_path / "profile", "--dump-dom")
    assert dom.returncode == 0, dom.stderr
    assert "<script" not in dom.stdout.split("<body", 1)[1].replace("&lt;script", "")  # no element was made of it
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in dom.stdout  # the text itself, as text
    assert HOSTILE[:10] not in dom.stdout  # its escape sequence, shown escaped
    assert "CONSOLE" not in dom.stderr, dom.stderr
