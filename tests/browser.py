"""Helpers for the Playwright tests."""

from collections.abc import Iterator
from contextlib import contextmanager

from playwright.sync_api import Browser, Page

from profiles.models import User
from profiles.two_factor import is_enabled
from tests.conftest import PASSWORD, code_for


def log_in(page: Page, email: str, *, base_url: str = "") -> None:
    """Through the login form, as a person would (everyone in the tests has PASSWORD),
    then, for an account with two-factor sign-in, the code its app shows now."""
    page.goto(base_url + "/accounts/login/")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    user = User.objects.get(email=email)
    if is_enabled(user):
        page.get_by_label("Code").fill(code_for(user))
        page.get_by_role("button", name="Log in").click()


def assert_no_axe_violations(page: Page) -> None:
    """Run axe-core (served from the Python package, not a CDN) on the page as it is."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()


# --- A phone's width (issue 16) ----------------------------------------------------------

PHONE = {"width": 375, "height": 740}
# One row of the header: its tallest control (44 px, a finger's width) and its padding.
HEADER_ONE_ROW = 72


@contextmanager
def phone(browser: Browser, base_url: str) -> Iterator[Page]:
    """A page on a 375 px phone, in a context of its own."""
    context = browser.new_context(viewport=PHONE, base_url=base_url, locale="en-GB")
    context.set_default_timeout(10_000)
    try:
        yield context.new_page()
    finally:
        context.close()


def phone_fit(page: Page, path: str) -> dict:
    """Open `path` and measure what a phone cares about: the page's width and the header's
    height. The caller asserts, so that one test can report every page that does not fit."""
    response = page.goto(path)
    return page.evaluate(
        """([path, status]) => ({
            path, status, url: location.pathname,
            width: document.scrollingElement.scrollWidth,
            header: document.querySelector('.site-header').getBoundingClientRect().height,
        })""",
        [path, response.status if response else None],
    )


def assert_fit_a_phone(page: Page, paths: list[str]) -> None:
    """Each of `paths` answers 200 on its own URL (not a redirect to another page), fits
    375 px without scrolling sideways, and keeps the header to one row."""
    measured = [phone_fit(page, path) for path in paths]
    misfits = [
        m
        for m in measured
        if m["status"] != 200
        or m["url"] != m["path"].split("?")[0]
        or m["width"] > PHONE["width"]
        or m["header"] > HEADER_ONE_ROW
    ]
    assert not misfits, misfits


# --- Words broken mid-word (issue 25) ---------------------------------------------------

# A word is broken when its letters lie on two lines or more: each text node's words (as
# Intl.Segmenter cuts them, in the language of the element) are measured with
# Range.getClientRects, one box per line the word is on. Measuring the outcome catches
# every cause (overflow-wrap: anywhere, word-break, a table column squeezed narrower than
# its heading), where a check of the CSS would catch only the causes it names. Excused:
# a word longer than a line of the page (a long address must break or overflow), and a
# Chinese word broken at the end of a line of running text, since Chinese breaks between
# any two characters. Running text is a box at least 8 characters wide: a Chinese word
# broken in a narrower one ("已完/成" in a squeezed table cell) is not excused.
BROKEN_WORDS = """() => {
  const column = document.querySelector("main").getBoundingClientRect().width;
  const skip = new Set(["SCRIPT", "STYLE", "NOSCRIPT", "TEMPLATE", "OPTION", "TEXTAREA"]);
  const lines = (rects) => {
    let count = 0, bottom = -Infinity;
    for (const r of [...rects].filter((r) => r.width > 0).sort((a, b) => a.top - b.top)) {
      if (r.top >= bottom - 1) { count += 1; bottom = r.bottom; }
      else bottom = Math.max(bottom, r.bottom);
    }
    return count;
  };
  const hidden = (el) => {
    for (; el; el = el.parentElement) {
      const style = getComputedStyle(el);
      if (style.clip !== "auto" || style.visibility === "hidden") return true;
    }
    return false;
  };
  const characters = (el) => {  // how many characters of its font a line of el's box holds
    const size = parseFloat(getComputedStyle(el).fontSize);
    for (; el.parentElement; el = el.parentElement) {
      const display = getComputedStyle(el).display;
      if (!display.startsWith("inline") && display !== "contents") break;
    }
    const style = getComputedStyle(el);
    const width = el.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
    return width / size;
  };
  const broken = [];
  const range = document.createRange();
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const el = node.parentElement;
    if (!node.data.trim() || skip.has(el.tagName) || el.closest("svg")) continue;
    range.selectNodeContents(node);
    if (lines(range.getClientRects()) < 2 || hidden(el)) continue;
    const lang = el.closest("[lang]")?.lang || "en";
    for (const s of new Intl.Segmenter(lang, { granularity: "word" }).segment(node.data)) {
      if (!s.isWordLike || [...s.segment].length < 2) continue;
      range.setStart(node, s.index);
      range.setEnd(node, s.index + s.segment.length);
      const rects = range.getClientRects();
      if (lines(rects) < 2) continue;
      const width = [...rects].reduce((sum, r) => sum + r.width, 0);
      if (width > column) continue;
      if (/\\p{Script=Han}/u.test(s.segment) && characters(el) >= 8) continue;
      const where = `<${el.tagName.toLowerCase()}>: ${node.data.trim().slice(0, 40)}`;
      broken.push(`${s.segment} (in ${where})`);
    }
  }
  return broken;
}"""


def phone_faults(page: Page, path: str) -> list[str]:
    """What is wrong with `path` on a phone, as it opens and with every fold open: an
    error, sideways scrolling, words broken."""
    response = page.goto(path)
    if response is None or response.status != 200:
        return [f"{path}: answered {response.status if response else 'nothing'}"]
    faults = []
    for state in ("", " (unfolded)"):
        width = page.evaluate("document.scrollingElement.scrollWidth")
        if width > PHONE["width"]:
            faults.append(f"{path}{state}: {width} px wide")
        faults += [f"{path}{state}: {word}" for word in page.evaluate(BROKEN_WORDS)]
        page.evaluate("document.querySelectorAll('details').forEach((d) => { d.open = true; })")
    return list(dict.fromkeys(faults))
