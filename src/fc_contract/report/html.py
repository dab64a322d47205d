"""The run as one self-contained HTML page (--fc-html): the clause table, pictures, each failure's evidence.

Nothing is fetched (inline style and SVG, a Content-Security-Policy that forbids any load) and nothing runs
(no script); every text from the server or the run is escaped, so it stays text.
"""

from __future__ import annotations

import html
from collections import defaultdict
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

from fc_contract import __version__
from fc_contract.http.exchange import Exchange
from fc_contract.http.shown import visible
from fc_contract.report import write_whole
from fc_contract.run.engine import Run
from fc_contract.run.results import Ending

REASON = 200  # characters of a clause's first reason the table shows (a failure is shown whole below it)
LIMITS = range(1, 101)  # the documented limits, one cell each in the coverage picture
CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; form-action 'none'; base-uri 'none'"
STYLE = """
body { font: 14px/1.45 system-ui, sans-serif; margin: 2em auto; max-width: 72em; color: #1b1b1b; padding: 0 1em; }
h1 { font-size: 1.5em; } h1.passed { color: #1a7f37; } h1.failed, h1.incomplete { color: #b42318; }
table { border-collapse: collapse; margin: 1em 0; } th, td { border: 1px solid #d0d7de; padding: .3em .6em; }
th { background: #f6f8fa; text-align: left; } td.n { text-align: right; font-variant-numeric: tabular-nums; }
.FAILED { color: #b42318; font-weight: 600; } .passed { color: #1a7f37; } .skipped { color: #6e7781; }
pre { background: #f6f8fa; padding: .8em; overflow-x: auto; white-space: pre-wrap; word-break: break-all; }
figure { margin: 1.5em 0; } figcaption { color: #57606a; margin-bottom: .4em; }
.legend span { display: inline-block; width: .9em; height: .9em; margin: 0 .3em 0 1em; vertical-align: middle; }
"""
COLOURS = {"covered": "#2da44e", "failed": "#cf222e", "absent": "#eaeef2"}


def page(run: Run) -> str:
    """The whole HTML document."""
    verdict = run.verdict()
    tone = "passed" if verdict.ending is Ending.PASSED else "failed" if verdict.ending is Ending.FAILED \
        else "incomplete"
    target = run.contract.client.base_url if run.contract is not None else run.settings.target
    table = run.results.table()
    requests, seconds = run.requests(), run.results.seconds()
    rows = "".join(
        f"<tr><td><code>{_t(clause)}</code></td><td class='{row.verdict}'>{row.verdict}</td>"
        f"<td class='n'>{row.passed}</td><td class='n'>{row.failed}</td><td class='n'>{row.skipped}</td>"
        f"<td class='n'>{requests.get(clause, 0)}</td><td class='n'>{seconds.get(clause, 0.0):.1f}</td>"
        f"<td>{_t(_cut(row.reasons[0]) if row.reasons else '')}</td></tr>" for clause, row in table.items())
    parts = [
        "<!DOCTYPE html>", "<html lang='en'><head><meta charset='utf-8'>",
        f"<meta http-equiv='Content-Security-Policy' content=\"{CSP}\">",
        f"<title>fc-contract: {_t(str(verdict))}</title><style>{STYLE}</style></head><body>",
        f"<h1 class='{tone}'>fc-contract: {_t(str(verdict))}</h1>",
        f"<p>Target <code>{_t(target)}</code> &middot; {datetime.now(UTC).strftime('%Y-%m-%d %H:%M UTC')} "
        f"&middot; fc-contract {_t(__version__)}</p>",
        "<table><thead><tr><th>clause</th><th>verdict</th><th>passed</th><th>failed</th><th>skipped</th>"
        f"<th>requests</th><th>seconds</th><th>first reason</th></tr></thead><tbody>{rows}</tbody></table>",
    ]
    if verdict.not_run:
        parts.append("<p><strong>Not run</strong> (the run ended before judging them): "
                     + ", ".join(f"<code>{_t(c)}</code>" for c in verdict.not_run) + "</p>")
    parts += [_limits_figure(run), _bars("Requests per clause", {c: float(n) for c, n in requests.items() if c}, "",
                                          "#0969da"),
              _bars("Seconds per clause", seconds, " s", "#8250df")]
    coverage = run.results.coverage()
    if coverage:
        parts.append("<h2>Coverage</h2><ul>" + "".join(f"<li><code>{_t(c)}</code>: {_t(text)}</li>"
                                                       for c, text in coverage.items()) + "</ul>")
    failures = run.results.failures()
    if failures:
        parts.append("<h2>Failures</h2>")
    for test in failures:
        parts.append(f"<h3><code>{_t(test.clause)}</code>: {_t(test.nodeid)}</h3><pre>{_t(test.reason.strip())}</pre>")
        evidence = test.failure.evidence if test.failure is not None else None
        if evidence is not None:
            got = evidence.error or f"{evidence.status} {evidence.content_type or ''}".strip()
            parts.append(f"<p>Request to reproduce:</p><pre>{_t(evidence.curl)}</pre><p>Response: {_t(str(got))}</p>"
                         f"<pre>{_t(evidence.body or '(empty)')}</pre>")
    notes = run.findings.summary_notes()
    if notes or run.warnings:
        parts.append("<h2>Notes</h2><ul>" + "".join(f"<li>{_t(n)}</li>" for n in [*run.warnings, *notes]) + "</ul>")
    return "\n".join([*parts, "</body></html>", ""])


def _cut(text: str) -> str:
    return text if len(text) <= REASON else text[:REASON - 1] + "\u2026"


def _t(text: str) -> str:
    """Server or run text, inert: control and reordering characters escaped, then HTML-escaped."""
    return html.escape(visible(text), quote=True)


def _limit_of(exchange: Exchange) -> int | None:
    """The documented limit a list request asked for (1..100), else None."""
    if exchange.method != "GET":
        return None
    value = dict(parse_qsl(urlsplit(exchange.url).query, keep_blank_values=True)).get("limit", "")
    return int(value) if value.isdigit() and int(value) in LIMITS else None


def _limits_figure(run: Run) -> str:
    """Per clause, a strip of the limits 1..100: green where it sent or judged requests (its own, and the shared
    walks it judged), red where a failure's request did."""
    if run.contract is None or not run.contract.client.history:
        return ("<figure><figcaption>Limits covered: not known here (the requests were sent by pytest-xdist "
                "workers, or none were sent)</figcaption></figure>")
    covered: dict[str, set[int]] = defaultdict(set)
    for exchange in run.contract.client.history:
        limit = _limit_of(exchange)
        if limit is not None and exchange.clause:
            covered[exchange.clause].add(limit)
    for clause, limits in run.findings.walked.items():  # the shared walks a clause judged, whoever sent them
        covered[clause] |= {limit for limit in limits if limit is not None and limit in LIMITS}
    failed: dict[str, set[int]] = defaultdict(set)
    for verdict in run.findings.verdicts:
        for exchange in verdict.evidence:
            limit = _limit_of(exchange)
            if limit is not None:
                failed[verdict.clause].add(limit)
    clauses = sorted(covered)
    if not clauses:
        return ""
    cell, label, height = 6, 190, 18
    width = label + cell * len(LIMITS) + 10
    out = [f"<svg xmlns='http://www.w3.org/2000/svg' width='{width}' height='{height * len(clauses) + 24}' "
           "role='img' aria-label='limits covered by each clause'>"]
    for row, clause in enumerate(clauses):
        y = row * height
        out.append(f"<text x='0' y='{y + 12}' font-size='12'>{_t(clause)}</text>")
        for limit in LIMITS:
            state = "failed" if limit in failed[clause] else "covered" if limit in covered[clause] else "absent"
            out.append(f"<rect x='{label + (limit - 1) * cell}' y='{y + 2}' width='{cell - 1}' height='{height - 6}' "
                       f"fill='{COLOURS[state]}'><title>{_t(clause)} limit={limit}: {state}</title></rect>")
    axis = height * len(clauses) + 16
    out += [f"<text x='{label}' y='{axis}' font-size='11'>limit=1</text>",
            f"<text x='{label + cell * 90}' y='{axis}' font-size='11'>limit=100</text>", "</svg>"]
    legend = "".join(f"<span style='background:{colour}'></span>{name}" for name, colour in COLOURS.items())
    return (f"<figure><figcaption>Limits each clause judged (its own requests and the shared walks), and how they "
            f"fared "
            f"<span class='legend'>{legend}</span></figcaption>{''.join(out)}</figure>")


def _bars(title: str, values: dict[str, float], unit: str, colour: str) -> str:
    """A horizontal bar per clause."""
    if not values:
        return ""
    label, length, height = 190, 420, 18
    top = max(values.values()) or 1.0
    out = [f"<svg xmlns='http://www.w3.org/2000/svg' width='{label + length + 90}' height='{height * len(values)}' "
           f"role='img' aria-label='{_t(title)}'>"]
    for row, (clause, value) in enumerate(sorted(values.items())):
        y, bar = row * height, max(1.0, length * value / top)
        shown = f"{value:.1f}{unit}" if unit else f"{value:g}"
        out += [f"<text x='0' y='{y + 13}' font-size='12'>{_t(clause)}</text>",
                f"<rect x='{label}' y='{y + 3}' width='{bar:.1f}' height='{height - 6}' fill='{colour}'/>",
                f"<text x='{label + bar + 6:.1f}' y='{y + 13}' font-size='12'>{_t(shown)}</text>"]
    return f"<figure><figcaption>{_t(title)}</figcaption>{''.join(out)}</svg></figure>"


def write(path: Path, run: Run) -> None:
    """Written whole or not at all."""
    write_whole(path, page(run))
