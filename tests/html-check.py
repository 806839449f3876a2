#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Checks an iommu-report HTML page in headless Chromium.

    html-check.py PAGE.html --expect-json DOC.json [--hostile-json NAMES.json]

Loads file://PAGE.html in Debian's chromium through chromedriver (python3-
selenium), waits until the page's script marks <body data-ready="1">, and
checks:

  * the DOM counts what the JSON document of the same run says: the device
    and finding cards, one lane per device, one table row per finding, the
    rows per severity and the per-severity cards;
  * the table works: the filter box, the severity boxes, sorting, and a
    click on a finding's time puts a marker on the timeline;
  * the browser logged no console message of level WARNING or SEVERE (an
    uncaught exception is SEVERE) and no alert opened;
  * the page requested nothing but itself and data: URLs (the performance
    log's Network.requestWillBeSent events);
  * with --hostile-json NAMES.json (a JSON array of the device names and
    comms of a trace made of markup): each is in the page's text, and no
    element or attribute was made from them:
    the page's two scripts only, no <img>, <iframe>, <object> or <embed>, no
    on* attribute anywhere, no javascript: link.

Exit status 0 when every check passes, 1 when one fails (each failure is
printed), 2 when the browser cannot be started.
"""
import argparse
import json
import pathlib
import sys

from selenium import webdriver
from selenium.common.exceptions import NoAlertPresentException, TimeoutException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"

# Elements the page never makes: one of them in the DOM came from the data.
FORBIDDEN_TAGS = ("img", "iframe", "object", "embed", "frame", "base", "form", "svg script",
                  "foreignObject", "meta[http-equiv=refresh]")

SEV_RANK = {"error": 3, "warning": 2, "info": 1}

DOM_PROBE = """
const q = (s) => document.querySelectorAll(s);
const val = (id) => {
	const e = document.getElementById(id);
	return e ? Number(e.getAttribute('data-value')) : null;
};
const out = {
	ready: document.body.getAttribute('data-ready'),
	buildMs: document.body.getAttribute('data-build-ms'),
	cards: {},
	lanes: q('.lane').length,
	laneIds: Array.from(q('.lane')).map((e) => e.id),
	rows: q('tr.finding').length,
	rowsBySeverity: {},
	shown: (document.getElementById('findings-shown') || {}).textContent,
	scripts: document.scripts.length,
	forbidden: [],
	onAttrs: [],
	jsLinks: [],
	text: document.body.innerText,
	titles: Array.from(q('[title]')).map((e) => e.getAttribute('title')),
	svgTitles: Array.from(q('svg title')).map((e) => e.textContent),
	docTitle: document.title,
};
for (const id of ['devices', 'groups', 'maps', 'unmaps', 'bytes', 'findings', 'error',
		  'warning', 'info', 'suspected', 'lost'])
	out.cards[id] = val('count-' + id);
for (const s of ['error', 'warning', 'info'])
	out.rowsBySeverity[s] = q('tr.finding[data-severity="' + s + '"]').length;
for (const sel of arguments[0])
	q(sel).forEach((e) => out.forbidden.push(e.outerHTML.slice(0, 120)));
for (const e of q('*')) {
	for (const a of e.attributes) {
		if (a.name.toLowerCase().startsWith('on'))
			out.onAttrs.push(e.tagName + ' ' + a.name);
		if (/^\\s*javascript:/i.test(a.value))
			out.jsLinks.push(e.tagName + ' ' + a.name);
	}
}
return out;
"""


def rows(drv):
    return drv.execute_script("return document.querySelectorAll('tr.finding').length")


def interact(drv, doc):
    """Filter, severity boxes, sort, time link; returns the failures."""
    findings = doc.get("findings", [])
    if not findings or len(findings) > 5000:
        return []
    out = []
    box = drv.find_element(By.ID, "findings-filter")
    want = findings[0]["type"]
    box.send_keys(want)
    n = sum(1 for f in findings if want in " ".join(
        [str(f.get(k) or "") for k in ("type", "severity", "confidence", "device", "iova",
                                       "message")] + (f.get("stack") or [])).lower())
    if rows(drv) != n:
        out.append(f"filter {want!r}: {rows(drv)} rows, expected {n}")
    box.clear()
    box.send_keys(" ")  # clear() fires no input event
    box.send_keys(Keys.BACKSPACE)
    if rows(drv) != len(findings):
        out.append(f"an empty filter shows {rows(drv)} rows, not {len(findings)}")
    drv.find_element(By.ID, "sev-info").click()
    n = sum(1 for f in findings if f.get("severity") != "info")
    if rows(drv) != n:
        out.append(f"without info: {rows(drv)} rows, expected {n}")
    drv.find_element(By.ID, "sev-info").click()
    drv.find_element(By.CSS_SELECTOR, "th[data-key='severity']").click()
    first = drv.execute_script("return document.querySelector('tr.finding').dataset.severity")
    top = max((f.get("severity") for f in findings), key=lambda s: SEV_RANK.get(s, 0))
    if first != top:
        out.append(f"sorted by severity, the first row is {first}, not {top}")
    drv.find_element(By.CSS_SELECTOR, "tr.finding td.t a").click()
    if not drv.execute_script("return document.querySelectorAll('.marker').length"):
        out.append("a click on a finding's time put no marker on the timeline")
    # a finding with a stack trace: its toggle shows the frames, the innermost first
    for i, f in enumerate(findings):
        if f.get("stack") and not f.get("history"):
            frames = drv.execute_script(
                "const b = document.querySelector(`tr.finding[data-index='${arguments[0]}'] "
                "button.toggle`); if (!b) return null; b.click(); return Array.from("
                "document.querySelectorAll(`tr.history[data-index='${arguments[0]}'] ol.stack li`))"
                ".map((li) => li.textContent);", i)
            if frames != f["stack"]:
                out.append(f"finding {i}'s stack shows {frames}, the JSON has {f['stack']}")
            break
    return out


def browser():
    opts = webdriver.ChromeOptions()
    opts.binary_location = CHROMIUM
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--window-size=1280,1600", "--no-first-run", "--disable-extensions",
                "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--disable-default-apps"):
        opts.add_argument(arg)
    opts.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
    return webdriver.Chrome(service=Service(CHROMEDRIVER), options=opts)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("page")
    ap.add_argument("--expect-json", required=True, help="the JSON document of the same run")
    ap.add_argument("--hostile-json", metavar="NAMES.json",
                    help="a JSON array of strings of the trace that must appear as text only")
    ap.add_argument("--expect-text", action="append", default=[], metavar="TEXT",
                    help="text the page must show (may be given more than once)")
    ap.add_argument("--reject-text", action="append", default=[], metavar="TEXT",
                    help="text the page must not show")
    ap.add_argument("--timeout", type=float, default=60)
    args = ap.parse_args()

    page = pathlib.Path(args.page).resolve()
    doc = json.loads(pathlib.Path(args.expect_json).read_text())
    hostile = json.loads(pathlib.Path(args.hostile_json).read_text()) if args.hostile_json else []
    url = page.as_uri()
    failures = []

    def check(cond, what):
        if not cond:
            failures.append(what)

    try:
        drv = browser()
    except Exception as e:  # noqa: BLE001 - any start-up failure is "cannot test"
        print(f"html-check: cannot start chromium: {e}", file=sys.stderr)
        return 2
    try:
        drv.set_page_load_timeout(args.timeout)
        drv.get(url)
        try:
            WebDriverWait(drv, args.timeout).until(
                lambda d: d.execute_script("return document.body && "
                                           "document.body.getAttribute('data-ready')"))
        except TimeoutException:
            failures.append("the page never set data-ready on <body>")
        try:
            alert = drv.switch_to.alert
            failures.append(f"an alert opened: {alert.text!r}")
            alert.dismiss()
        except NoAlertPresentException:
            pass
        dom = drv.execute_script(DOM_PROBE, list(FORBIDDEN_TAGS))
        if dom["ready"] == "1":
            failures.extend(interact(drv, doc))
        console = drv.get_log("browser")
        perf = drv.get_log("performance")
    finally:
        drv.quit()

    # counts
    devices, findings = doc.get("devices", []), doc.get("findings", [])
    summary = doc.get("summary", {})
    check(dom["ready"] == "1", f"data-ready is {dom['ready']!r}, not \"1\"")
    check(dom["cards"]["devices"] == len(devices),
          f"devices card {dom['cards']['devices']}, the JSON has {len(devices)}")
    check(dom["cards"]["groups"] == len(doc.get("groups", [])),
          f"groups card {dom['cards']['groups']}, the JSON has {len(doc.get('groups', []))}")
    check(dom["lanes"] == min(len(devices), 2000),
          f"{dom['lanes']} device lanes, the JSON has {len(devices)} devices")
    want_ids = {f"dev-{i}" for i in range(len(devices))}
    check(len(devices) > 2000 or set(dom["laneIds"]) == want_ids, "lane ids are not dev-0..dev-N")
    check(dom["cards"]["findings"] == len(findings) == summary.get("total"),
          f"findings card {dom['cards']['findings']}, the JSON has {len(findings)} "
          f"(summary.total {summary.get('total')})")
    check(dom["rows"] == min(len(findings), 5000),
          f"{dom['rows']} finding rows, the JSON has {len(findings)} findings")
    for sev in ("error", "warning", "info"):
        n = sum(1 for f in findings if f.get("severity") == sev)
        check(dom["cards"][sev] == summary.get(sev) == n,
              f"{sev} card {dom['cards'][sev]}, the JSON has {n} (summary {summary.get(sev)})")
        if len(findings) <= 5000:
            check(dom["rowsBySeverity"][sev] == n,
                  f"{dom['rowsBySeverity'][sev]} {sev} rows, the JSON has {n}")
    check(dom["cards"]["suspected"] == summary.get("suspected", 0), "suspected card differs")
    check(dom["cards"]["lost"] == doc.get("lost_events", {}).get("total", 0), "lost card differs")
    mp = doc.get("mappings", {})
    for k, key in (("maps", "maps"), ("unmaps", "unmaps"), ("bytes", "bytes_mapped")):
        check(dom["cards"][k] == mp.get(key, 0), f"{k} card {dom['cards'][k]}, the JSON has "
              f"{mp.get(key)}")

    # console: no warning, no error, no uncaught exception
    for entry in console:
        if entry.get("level") in ("SEVERE", "WARNING"):
            failures.append(f"console {entry['level']}: {entry.get('message')}")

    # network: the page itself and data: URLs only
    for entry in perf:
        try:
            msg = json.loads(entry["message"])["message"]
        except (KeyError, ValueError):
            continue
        if msg.get("method") != "Network.requestWillBeSent":
            continue
        req = msg.get("params", {}).get("request", {}).get("url", "")
        if req != url and not req.startswith("data:"):
            failures.append(f"the page requested {req}")

    # hostile strings: text only
    if hostile:
        check(dom["scripts"] == 2, f"{dom['scripts']} <script> elements, the page has 2")
        check(not dom["forbidden"], f"elements made from the data: {dom['forbidden']}")
        check(not dom["onAttrs"], f"event handler attributes: {dom['onAttrs']}")
        check(not dom["jsLinks"], f"javascript: URLs: {dom['jsLinks']}")
        for name in hostile:
            check(name in dom["text"], f"the hostile string {name!r} is not in the page's text")

    for text in args.expect_text:
        check(text in dom["text"], f"the page does not show {text!r}")
    for text in args.reject_text:
        check(text not in dom["text"], f"the page shows {text!r}")

    for f in failures:
        print(f"html-check: {page.name}: {f}")
    if not failures:
        print(f"html-check: {page.name}: ok ({dom['cards']['devices']} devices, "
              f"{dom['rows']} findings, built in {dom['buildMs']} ms)")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
