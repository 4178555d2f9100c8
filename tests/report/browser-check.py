#!/usr/bin/python3
"""Opens an HTML report in headless Chromium and checks what a reader would see.

usage: tests/report/browser-check.py REPORT.html [--pages N] [--organizations N]
           [--screenshot FILE.png] [--screenshot-top PX | --screenshot-at SELECTOR]
           [--screenshot-height PX] [--pdf FILE.pdf] [--width PX] [--layout]

Checks, each failure printed as "browser-check: FAIL: ..." (exit 1):
  * the console shows no error and the page throws no exception;
  * the page makes no network request except for the report file itself;
  * every organization section (section.org) has a radar and a bar chart SVG whose drawn
    geometry is non-empty, lies inside the SVG's viewBox (no label cut off) and inside the
    viewport's width (no chart wider than the page); --organizations N: there are N sections;
  * printed to PDF (Page.printToPDF, A4, backgrounds on), it has --pages N pages.
It also saves a screenshot (--screenshot) and the PDF (--pdf) when asked.

Chromium is Debian's `chromium`, driven over the DevTools protocol with python3-websocket
(both from scripts/install-deps --browser). Setup problems exit 2.
"""

import argparse
import base64
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--remote-debugging-port=0"]

# What the page is asked, in the page: one entry per organization section and per chart.
CHECK_JS = r"""
(() => {
  const vw = document.documentElement.clientWidth;
  const out = {viewport: vw, sections: []};
  const chart = (svg) => {
    if (!svg) return null;
    const r = svg.getBoundingClientRect();
    const vb = svg.viewBox && svg.viewBox.baseVal;
    let bb = null;
    try { const b = svg.getBBox(); bb = {x: b.x, y: b.y, w: b.width, h: b.height}; } catch (e) {}
    const shapes = svg.querySelectorAll('polygon,rect,line,circle,path,polyline').length;
    return {left: r.left, right: r.right, width: r.width, height: r.height, shapes: shapes,
            bbox: bb, vb: vb ? {x: vb.x, y: vb.y, w: vb.width, h: vb.height} : null,
            title: !!svg.querySelector('title'), role: svg.getAttribute('role'),
            label: svg.getAttribute('aria-label')};
  };
  document.querySelectorAll('section.org').forEach((s) => {
    out.sections.push({id: s.id, radar: chart(s.querySelector('svg.radar')),
                       bars: chart(s.querySelector('svg.bars'))});
  });
  return JSON.stringify(out);
})()
"""


def fail_setup(msg):
    print("browser-check: error: " + msg, file=sys.stderr)
    sys.exit(2)


class DevTools:
    """A minimal DevTools client: one websocket, flat sessions, events kept in order."""

    def __init__(self, url):
        import websocket  # python3-websocket
        # Chromium refuses websocket handshakes that carry an Origin it was not told about.
        self.ws = websocket.create_connection(url, timeout=60, suppress_origin=True)
        self.next_id = 0
        self.events = []

    def call(self, method, params=None, session=None, timeout=60):
        self.next_id += 1
        msg = {"id": self.next_id, "method": method, "params": params or {}}
        if session:
            msg["sessionId"] = session
        self.ws.send(json.dumps(msg))
        deadline = time.time() + timeout
        while time.time() < deadline:
            reply = json.loads(self.ws.recv())
            if reply.get("id") == self.next_id:
                if "error" in reply:
                    raise RuntimeError("%s: %s" % (method, reply["error"].get("message")))
                return reply.get("result", {})
            if "method" in reply:
                self.events.append(reply)
        raise RuntimeError("%s: no reply in %ds" % (method, timeout))

    def wait_event(self, name, timeout=60):
        for e in self.events:
            if e["method"] == name:
                return e
        deadline = time.time() + timeout
        while time.time() < deadline:
            e = json.loads(self.ws.recv())
            if "method" in e:
                self.events.append(e)
                if e["method"] == name:
                    return e
        raise RuntimeError("no %s in %ds" % (name, timeout))

    def close(self):
        self.ws.close()


def start_chromium(profile):
    exe = shutil.which("chromium") or shutil.which("chromium-browser")
    if not exe:
        fail_setup("chromium not found: install the Debian package 'chromium' "
                   "(scripts/install-deps --browser)")
    try:
        import websocket  # noqa: F401
    except ImportError:
        fail_setup("the Python module websocket is missing: install the Debian package "
                   "'python3-websocket' (scripts/install-deps --browser)")
    proc = subprocess.Popen([exe] + FLAGS + ["--user-data-dir=" + profile, "about:blank"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    # With port 0 Chromium picks a free port and writes it to DevToolsActivePort.
    port_file = os.path.join(profile, "DevToolsActivePort")
    deadline = time.time() + 30
    while time.time() < deadline:
        if proc.poll() is not None:
            err = proc.stderr.read().decode("utf-8", "replace")[-2000:]
            fail_setup("chromium exited with status %d:\n%s" % (proc.returncode, err))
        if os.path.exists(port_file):
            lines = open(port_file).read().split("\n")
            if len(lines) >= 2 and lines[0].strip() and lines[1].strip():
                return proc, "ws://127.0.0.1:%s%s" % (lines[0].strip(), lines[1].strip())
        time.sleep(0.05)
    proc.kill()
    fail_setup("chromium did not open its DevTools port in 30 s")


def pdf_pages(data):
    """Page count of a PDF: the largest /Count of a /Pages node (the root's), else the number
    of /Type /Page objects. Chromium's PDFs keep these dictionaries uncompressed."""
    counts = [int(m) for m in re.findall(rb"/Type\s*/Pages\b[^>]*?/Count\s+(\d+)", data)]
    counts += [int(m) for m in re.findall(rb"/Count\s+(\d+)[^>]*?/Type\s*/Pages\b", data)]
    if counts:
        return max(counts)
    return len(re.findall(rb"/Type\s*/Page(?![s\w])", data))


def check_chart(kind, c, section, viewport, failures):
    where = "%s: %s chart" % (section, kind)
    if c is None:
        failures.append(where + " is missing")
        return
    if c["width"] <= 0 or c["height"] <= 0:
        failures.append("%s is not drawn (%gx%g px)" % (where, c["width"], c["height"]))
    if c["shapes"] == 0 or not c["bbox"] or c["bbox"]["w"] <= 0 or c["bbox"]["h"] <= 0:
        failures.append(where + " has no geometry")
    if c["left"] < -0.5 or c["right"] > viewport + 0.5:
        failures.append("%s lies outside the viewport width (%.1f..%.1f of %d px)"
                        % (where, c["left"], c["right"], viewport))
    bb, vb = c["bbox"], c["vb"]
    if bb and vb:
        if (bb["x"] < vb["x"] - 1 or bb["y"] < vb["y"] - 1
                or bb["x"] + bb["w"] > vb["x"] + vb["w"] + 1
                or bb["y"] + bb["h"] > vb["y"] + vb["h"] + 1):
            failures.append("%s draws outside its viewBox (content %.1f,%.1f %.1fx%.1f, "
                            "viewBox %g,%g %gx%g): a label is cut off"
                            % (where, bb["x"], bb["y"], bb["w"], bb["h"],
                               vb["x"], vb["y"], vb["w"], vb["h"]))
    if not c["title"] or c["role"] != "img" or not c["label"]:
        failures.append(where + " lacks <title>, role=img or aria-label")


LAYOUT_JS = r"""
JSON.stringify(Array.from(document.querySelectorAll('body > section, body > header, body > nav'))
  .map((s) => {
    const d = s.querySelector('div.detail');
    const top = s.getBoundingClientRect().top;
    return [s.id || s.tagName, s.getBoundingClientRect().height,
            d ? d.getBoundingClientRect().top - top : null,
            d ? d.getBoundingClientRect().height : null];
  }))
"""


def print_layout(dt, sid, width):
    """Heights of the sections as print lays them out (A4 content width at 96 px/in), in
    pages of A4 content height: for tuning the print CSS without a PDF viewer."""
    dt.call("Emulation.setEmulatedMedia", {"media": "print"}, session=sid)
    dt.call("Emulation.setDeviceMetricsOverride",
            {"width": int((210 - 24) / 25.4 * 96), "height": 1200, "deviceScaleFactor": 1,
             "mobile": False}, session=sid)
    res = dt.call("Runtime.evaluate", {"expression": LAYOUT_JS, "returnByValue": True}, session=sid)
    page = (297 - 24) / 25.4 * 96
    for name, h, first, detail in json.loads(res["result"]["value"]):
        if first is None:
            print("layout: %-12s %7.0f px  %4.2f pages" % (name, h, h / page))
        else:  # an organization: its overview page and its detail page(s)
            print("layout: %-12s %7.0f px  overview %4.2f pages, detail %4.2f pages"
                  % (name, h, first / page, detail / page))
    dt.call("Emulation.setEmulatedMedia", {"media": ""}, session=sid)
    dt.call("Emulation.setDeviceMetricsOverride",
            {"width": width, "height": 1200, "deviceScaleFactor": 1, "mobile": False}, session=sid)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("html")
    ap.add_argument("--pages", type=int, help="expected page count of the printed PDF")
    ap.add_argument("--organizations", type=int, help="expected number of organization sections")
    ap.add_argument("--screenshot", help="write a PNG of the page there")
    ap.add_argument("--screenshot-height", type=int, default=0,
                    help="height of the screenshot in px (default: the whole page, at most 16000)")
    ap.add_argument("--screenshot-top", type=int, default=0, help="start the screenshot here (px)")
    ap.add_argument("--screenshot-at", metavar="SELECTOR",
                    help="start the screenshot at the top of this element (CSS selector)")
    ap.add_argument("--pdf", help="keep the printed PDF there")
    ap.add_argument("--width", type=int, default=1000, help="viewport width in px")
    ap.add_argument("--layout", action="store_true",
                    help="also print each section's height under print media, in A4 pages")
    a = ap.parse_args()

    path = os.path.abspath(a.html)
    if not os.path.isfile(path):
        fail_setup("no such file: " + a.html)
    url = "file://" + path

    profile = tempfile.mkdtemp(prefix="lotk-browser-")
    proc = None
    failures = []
    try:
        proc, ws_url = start_chromium(profile)
        dt = DevTools(ws_url)
        target = dt.call("Target.createTarget", {"url": "about:blank"})["targetId"]
        sid = dt.call("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        for domain in ("Page", "Runtime", "Network", "Log"):
            dt.call(domain + ".enable", session=sid)
        dt.call("Emulation.setDeviceMetricsOverride",
                {"width": a.width, "height": 1200, "deviceScaleFactor": 1, "mobile": False},
                session=sid)
        dt.events.clear()  # what about:blank did before is not the report's
        dt.call("Page.navigate", {"url": url}, session=sid)
        dt.wait_event("Page.loadEventFired", timeout=120)
        # fonts and layout settle after load; a round trip through the page is enough
        dt.call("Runtime.evaluate", {"expression": "document.fonts.ready.then(() => 1)",
                                     "awaitPromise": True}, session=sid)
        res = dt.call("Runtime.evaluate", {"expression": CHECK_JS, "returnByValue": True},
                      session=sid, timeout=120)
        if "exceptionDetails" in res:
            failures.append("the check script failed: %s" % res["exceptionDetails"].get("text"))
            info = {"viewport": a.width, "sections": []}
        else:
            info = json.loads(res["result"]["value"])

        sections = info["sections"]
        if a.organizations is not None and len(sections) != a.organizations:
            failures.append("%d organization sections, expected %d" % (len(sections), a.organizations))
        if not sections:
            failures.append("no organization section (section.org) in the page")
        for s in sections:
            check_chart("radar", s["radar"], s["id"], info["viewport"], failures)
            check_chart("bar", s["bars"], s["id"], info["viewport"], failures)

        if a.layout:
            print_layout(dt, sid, a.width)

        if a.screenshot and a.screenshot_at:
            sel = json.dumps(a.screenshot_at)
            top = dt.call("Runtime.evaluate", {
                "expression": "(() => { const e = document.querySelector(%s); return e ? "
                              "Math.floor(e.getBoundingClientRect().top + window.scrollY) : -1; })()"
                              % sel, "returnByValue": True}, session=sid)["result"]["value"]
            if top < 0:
                failures.append("--screenshot-at: nothing matches %s" % a.screenshot_at)
            else:
                a.screenshot_top = top
        if a.screenshot:
            metrics = dt.call("Page.getLayoutMetrics", session=sid)
            size = metrics.get("cssContentSize") or metrics["contentSize"]
            height = a.screenshot_height or min(16000, int(size["height"]) - a.screenshot_top)
            shot = dt.call("Page.captureScreenshot",
                           {"format": "png", "captureBeyondViewport": True,
                            "clip": {"x": 0, "y": a.screenshot_top, "width": a.width,
                                     "height": max(1, height), "scale": 1}},
                           session=sid, timeout=180)
            with open(a.screenshot, "wb") as f:
                f.write(base64.b64decode(shot["data"]))

        pdf = dt.call("Page.printToPDF", {"paperWidth": 210 / 25.4, "paperHeight": 297 / 25.4,
                                          "printBackground": True, "preferCSSPageSize": True},
                      session=sid, timeout=300)
        data = base64.b64decode(pdf["data"])
        if a.pdf:
            with open(a.pdf, "wb") as f:
                f.write(data)
        pages = pdf_pages(data)
        if a.pages is not None and pages != a.pages:
            failures.append("the PDF has %d pages, expected %d" % (pages, a.pages))

        # what happened while loading: console errors, exceptions, network requests
        for e in dt.events:
            m, p = e["method"], e.get("params", {})
            if m == "Runtime.consoleAPICalled" and p.get("type") in ("error", "assert"):
                args = " ".join(str(x.get("value", x.get("description", ""))) for x in p.get("args", []))
                failures.append("console error: " + args)
            elif m == "Runtime.exceptionThrown":
                failures.append("exception: " + p.get("exceptionDetails", {}).get("text", "?"))
            elif m == "Log.entryAdded" and p.get("entry", {}).get("level") == "error":
                failures.append("console error: %s %s" % (p["entry"].get("text", ""),
                                                          p["entry"].get("url", "")))
            elif m == "Network.requestWillBeSent":
                req = p.get("request", {}).get("url", "")
                if req != url:
                    failures.append("network request: " + req)
        try:
            dt.call("Browser.close", timeout=10)
        except Exception:  # noqa: BLE001 - the browser may close the socket first
            pass
        dt.close()
        print("browser-check: %s: %d organization sections, %d PDF pages%s"
              % (a.html, len(sections), pages,
                 (", screenshot " + a.screenshot) if a.screenshot else ""))
    except RuntimeError as e:
        failures.append("DevTools: %s" % e)
    finally:
        if proc:
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        shutil.rmtree(profile, ignore_errors=True)
    for f in failures:
        print("browser-check: FAIL: " + f, file=sys.stderr)
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
