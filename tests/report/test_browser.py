"""The HTML report in a real browser: Debian's chromium + chromedriver, driven by selenium.

`make test` installs them as root when missing; elsewhere these tests skip with one line.
"""

from __future__ import annotations

import base64
import json
import shutil
from pathlib import Path

import pytest

webdriver = pytest.importorskip("selenium.webdriver", reason="selenium is not installed")

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
DRIVER = shutil.which("chromedriver")
pytestmark = pytest.mark.skipif(
    not (CHROMIUM and DRIVER),
    reason="no browser: chromium and chromedriver are not installed (as root: "
           "apt-get install -y chromium chromium-driver)")


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    from selenium.webdriver.chrome.service import Service

    opts = webdriver.ChromeOptions()
    opts.binary_location = CHROMIUM
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--window-size=1280,1000",
                 f"--user-data-dir={tmp_path_factory.mktemp('profile')}"):
        opts.add_argument(flag)
    opts.set_capability("goog:loggingPrefs", {"performance": "ALL", "browser": "ALL"})
    driver = webdriver.Chrome(service=Service(DRIVER), options=opts)
    driver.execute_cdp_cmd("Network.enable", {})
    yield driver
    driver.quit()


@pytest.fixture(scope="module")
def loaded(browser, mejuto_html):
    browser.get("about:blank")
    browser.get_log("performance")  # drain what the browser's start-up page logged
    browser.get(Path(mejuto_html).resolve().as_uri())
    return browser


def test_no_request_leaves_the_file(loaded, mejuto_html):
    page = Path(mejuto_html).resolve().as_uri()
    urls = []  # every request the report's document made, the document itself included
    for entry in loaded.get_log("performance"):
        msg = json.loads(entry["message"])["message"]
        if msg["method"] == "Network.requestWillBeSent" and \
                msg["params"].get("documentURL") == page:
            urls.append(msg["params"]["request"]["url"])
    assert page in urls, "the performance log did not record the page's own request"
    assert [u for u in urls if u != page] == []


def test_figures_render_and_console_is_clean(loaded):
    sizes = loaded.execute_script(
        "return [...document.querySelectorAll('figure svg, img')].map(e => {"
        "const r = e.getBoundingClientRect(); return [r.width, r.height]; });")
    assert len(sizes) == 11  # 8 figures of the data, 3 of the reanalysis
    assert all(w > 100 and h > 50 for w, h in sizes)
    errors = [e for e in loaded.get_log("browser") if e["level"] in ("SEVERE", "ERROR")]
    assert errors == []


def test_prints_to_pdf_and_full_page_screenshot(loaded, tmp_path):
    pdf = loaded.execute_cdp_cmd("Page.printToPDF", {"printBackground": True})
    data = base64.b64decode(pdf["data"])
    assert data.startswith(b"%PDF") and len(data) > 50_000
    (tmp_path / "report.pdf").write_bytes(data)
    height = loaded.execute_script("return document.documentElement.scrollHeight")
    shot = loaded.execute_cdp_cmd("Page.captureScreenshot", {
        "captureBeyondViewport": True, "format": "png",
        "clip": {"x": 0, "y": 0, "width": 1280, "height": height, "scale": 0.5}})
    png = tmp_path / "report_full_page.png"
    png.write_bytes(base64.b64decode(shot["data"]))
    assert png.stat().st_size > 10_000 and height > 5000


def test_scrolled_screenshots(loaded, tmp_path):
    # Viewport screenshots at the top, at the reanalysis section and at the record, as a
    # reader scrolls; each one shows something (not a blank page).
    shots = {}
    for name, where in (("top", "0"), ("how_sure", "document.getElementById("
                                                  "'section-reanalysis').offsetTop"),
                        ("record", "document.getElementById('record').offsetTop")):
        loaded.execute_script(f"window.scrollTo(0, {where});")
        shots[name] = tmp_path / f"report_{name}.png"
        loaded.save_screenshot(str(shots[name]))
    sizes = {k: v.stat().st_size for k, v in shots.items()}
    assert all(size > 20_000 for size in sizes.values()), sizes
    assert loaded.execute_script("return window.scrollY") > 0
