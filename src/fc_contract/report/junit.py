"""The JUnit file pytest wrote, told how the run ended: an incomplete run is an error there, its unjudged clauses
listed as not run (a CI system that reads only JUnit must not show an interrupted run as green)."""

from __future__ import annotations

import os
import xml.etree.ElementTree as ET
from pathlib import Path

from fc_contract.run.results import RunVerdict

CLASSNAME = "fc-contract"


def amend(path: Path, verdict: RunVerdict) -> None:
    """Add the run's ending as an errored test case and each clause not run as a skipped one; written whole."""
    if verdict.complete or not path.is_file():
        return
    tree = ET.parse(path)
    root = tree.getroot()
    suite = root if root.tag == "testsuite" else root.find("testsuite")
    if suite is None:
        return
    ending = ET.SubElement(suite, "testcase", classname=CLASSNAME, name="the run", time="0")
    ET.SubElement(ending, "error", message=str(verdict)).text = str(verdict)
    for clause in verdict.not_run:
        case = ET.SubElement(suite, "testcase", classname=CLASSNAME, name=f"{clause} (not run)", time="0")
        ET.SubElement(case, "skipped", type="fc-contract.not-run", message=f"not run: {verdict}")
    for name, more in (("tests", 1 + len(verdict.not_run)), ("errors", 1), ("skipped", len(verdict.not_run))):
        suite.set(name, str(int(suite.get(name, "0")) + more))
        if root is not suite and root.get(name) is not None:
            root.set(name, str(int(root.get(name, "0")) + more))
    partial = path.with_name(path.name + ".partial")
    tree.write(partial, encoding="utf-8", xml_declaration=True)
    os.replace(partial, path)
