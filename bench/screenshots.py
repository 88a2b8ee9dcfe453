"""Screenshots of Leap's main pages, in English and Chinese, on a desktop and a phone,
into docs/screenshots/ (docs/ui.md lists them), with each page's full height.

Run from the project root:  .venv/bin/python -m bench.screenshots [--out docs/screenshots]

It makes a throwaway SQLite database in a temporary folder, seeds the demo accounts and
their plans there (written in this process, so no worker and no broker are involved),
starts `manage.py runserver` on 127.0.0.1 and a free port, drives Chromium
(/usr/bin/chromium, or CHROMIUM_PATH) through the pages, and stops the server by its PID.
A page that this version of Leap does not have is skipped with a note. It prints how tall
each page is, in pixels and in screens of its viewport.

The pages and the seeding are shared: tests/test_phone.py walks the same pages on a
phone in the test suite (`seed`, `PAGES`, `path_of`, `log_in`).
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from bench.common import (
    CHROMIUM_FLAGS,
    HOST,
    BenchError,
    Processes,
    django_env,
    free_port,
    in_scratch_dir,
    manage,
    recovery_codes,
    setup_django,
    wait_for,
)

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
VIEWPORTS = {"desktop": {"width": 1280, "height": 800}, "phone": {"width": 375, "height": 812}}
LANGUAGES = {"en": "en-GB", "zh-hans": "zh-CN"}
PASSWORD = "screenshots-only-password-1234"  # noqa: S105 (a throwaway account in a throwaway database)
COUNSELLOR_LOG_INS = len(VIEWPORTS) * len(LANGUAGES)


@dataclass
class Demo:
    """What the seeding made: the people and the paths of their pages."""

    member: str
    counsellor: str
    codes: list[str]  # the counsellor's recovery codes, one per log-in
    paths: dict[str, str | None]  # page name -> path (None: Leap has no such page)


def seed() -> Demo:
    """The demo data, in the database this process is set up on (a throwaway one: the
    demo accounts' passwords are public, whatever DEBUG says). Plans are written here and
    now, as a worker would write them: all of them are ready when it returns."""
    from django.core.management import call_command
    from django.urls import NoReverseMatch, reverse

    from advisor.advice import catalogue, matching
    from advisor.advice.questionnaire import STEPS
    from advisor.counsel import rules
    from advisor.counsel.models import Review
    from advisor.plans import lifecycle
    from advisor.plans.models import Plan
    from profiles.models import Draft, Submission, User
    from profiles.personas import LI_JING

    def write_all() -> None:
        for plan_id in Plan.objects.filter(status=Plan.Status.QUEUED).values_list("pk", flat=True):
            lifecycle.write(plan_id)
        # In the test suite a running worker may have taken one first: it writes it.
        wait_for("the demo's plans", lambda: not Plan.objects.unfinished().exists(), seconds=60)

    call_command("seed_demo", "--allow-production", stdout=open(os.devnull, "w"))  # noqa: SIM115
    write_all()
    member = User.objects.get(email="member@example.com")
    counsellor = User.objects.get(email="counsellor@example.com")
    for person in (member, counsellor):
        person.set_password(PASSWORD)
        person.save(update_fields=["password"])
    codes = recovery_codes(counsellor, COUNSELLOR_LOG_INS)

    submission = Submission.objects.for_owner(member).first()
    plan = submission.plans.newest()
    # The same plan written in Chinese, for the Chinese screenshots.
    plan_zh = lifecycle.start(submission, language="zh-hans")
    # A counsellor's version for the runner-up, in each language, to compare with the first.
    runner_up = matching.rank(submission.answers).matches[1].archetype.slug
    other, other_zh = (
        lifecycle.start(submission, language=language, archetype=runner_up, by_counsellor=True)
        for language in ("en", "zh-hans")
    )
    write_all()
    review = Review.objects.get(submission=submission)
    # A review under way, so that the counsellor's page shows notes and a history.
    rules.claim(review, counsellor=counsellor)
    rules.set_status(review, by=counsellor, status=Review.Status.IN_REVIEW)
    rules.add_note(
        review,
        author=counsellor,
        text="Rest comes first: six months, as planned. Then we look at the runway together.",
        shared=True,
    )
    # A complete draft, so that the review page has something to review.
    Draft.objects.update_or_create(owner=member, defaults={"answers": LI_JING})

    def path(name: str, *args) -> str | None:
        try:
            return reverse(name, args=args)
        except NoReverseMatch:
            return None

    story = catalogue.archetypes()[0].slug
    return Demo(
        member=member.email,
        counsellor=counsellor.email,
        codes=codes,
        paths={
            "home": path("home"),
            "story": path("story", story),
            "step": path("questionnaire_step", STEPS[1].slug),
            "login": path("login"),
            "review": path("questionnaire_review"),
            "result": path("submission", submission.pk),
            "plan": path("plan", plan.pk),
            "plan-zh": path("plan", plan_zh.pk),
            "compare": _compare(path("plan_compare"), plan, other),
            "compare-zh": _compare(path("plan_compare"), plan_zh, other_zh),
            "my-plans": path("plans"),
            "my-data": path("account"),
            "counsel-queue": path("counsel_queue"),
            "counsel-submission": path("counsel_submission", submission.pk),
        },
    )


def _compare(path: str | None, first, second) -> str | None:
    return path and f"{path}?pick={first.pk}&pick={second.pk}"


# Who sees which pages.
PAGES = {
    "visitor": ["home", "story", "step", "login"],
    "member": ["review", "result", "plan", "compare", "my-plans", "my-data"],
    "counsellor": ["counsel-queue", "counsel-submission"],
}


def path_of(demo: Demo, name: str, language: str) -> str | None:
    """The path of page `name` for `language`: a plan, or two compared, in it."""
    return demo.paths.get(f"{name}-zh" if language.startswith("zh") else name, demo.paths[name])


def log_in(page, email: str, code: str | None = None) -> None:
    page.goto("/accounts/login/")
    page.locator("input[name=username]").fill(email)
    page.locator("input[name=password]").fill(PASSWORD)
    with page.expect_navigation():
        page.locator("input[name=password]").press("Enter")  # whatever the button says
    if code:
        page.locator("input[name=code]").fill(code)
        with page.expect_navigation():
            page.locator("input[name=code]").press("Enter")


def take(page, base_url: str, path: str | None, out: Path, note: Callable[[str], None]) -> int:
    """One viewport-sized screenshot of `path`, and a note of the page's full height;
    0 bytes (and a note) when it is missing."""
    if path is None:
        note(f"skipped {out.name}: this version of Leap has no such page")
        return 0
    response = page.goto(base_url + path)
    if response is None or response.status >= 400:
        note(f"skipped {out.name}: {path} answered {response.status if response else 'nothing'}")
        return 0
    page.wait_for_load_state("networkidle")
    page.screenshot(path=str(out), animations="disabled")
    height = page.evaluate("document.scrollingElement.scrollHeight")
    screens = height / page.viewport_size["height"]
    note(f"{out.stem}: {height:,} px tall, {screens:.1f} screens")
    return out.stat().st_size


def shoot(demo: Demo, base_url: str, out: Path) -> list[str]:
    from playwright.sync_api import sync_playwright

    from profiles.models import User

    notes: list[str] = []
    codes = list(demo.codes)
    total = 0
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        try:
            for language, locale in LANGUAGES.items():
                User.objects.filter(email__in=[demo.member, demo.counsellor]).update(
                    language=language
                )
                for width_name, viewport in VIEWPORTS.items():
                    prefix = f"{width_name}-{language.split('-')[0]}"
                    for who, pages in PAGES.items():
                        context = browser.new_context(
                            base_url=base_url, viewport=viewport, locale=locale
                        )
                        context.add_cookies(
                            [{"name": "django_language", "value": language, "url": base_url}]
                        )
                        page = context.new_page()
                        if who == "member":
                            log_in(page, demo.member)
                        elif who == "counsellor":
                            log_in(page, demo.counsellor, codes.pop())
                        for name in pages:
                            file = out / f"{prefix}-{name}.png"
                            target = path_of(demo, name, language)
                            total += take(page, base_url, target, file, notes.append)
                        context.close()
        finally:
            browser.close()
    notes.append(f"{total / 1e6:.1f} MB of screenshots in {out}")
    return notes


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    parser.add_argument("--port", type=int, help="the web server's port (default: a free one)")
    args = parser.parse_args(argv)
    if not Path(CHROMIUM).exists():
        print(f"screenshots: no Chromium at {CHROMIUM} (set CHROMIUM_PATH)", file=sys.stderr)
        return 1

    def run(folder: Path) -> int:
        env = django_env(
            f"sqlite:///{folder / 'screenshots.sqlite3'}",
            DJANGO_SETTINGS_MODULE="advisor.settings",
            DEBUG="true",  # runserver serves the static files, and seed_demo needs it
            REDIS_URL="",  # the embedded default, whatever the shell has
            EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
            PLAN_PDF="false",
        )
        manage(env, "migrate", "--noinput")
        setup_django(env)
        from advisor.celery import app

        # The messages meant for a worker go to an in-memory broker that nobody reads,
        # not to the folder broker in var/.
        app.conf.broker_url, app.conf.broker_transport_options = "memory://", {}
        logging.getLogger("kombu.connection").setLevel(logging.ERROR)  # memory:// has no host
        # Playwright's sync API runs an event loop in this thread; the ORM calls made
        # between pages are still plain synchronous code.
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
        demo = seed()
        args.out.mkdir(parents=True, exist_ok=True)
        for old in args.out.glob("*.png"):
            old.unlink()
        port = args.port or free_port()
        base_url = f"http://{HOST}:{port}"
        processes = Processes(folder, env)
        processes.start(
            "web", [sys.executable, "manage.py", "runserver", "--noreload", f"{HOST}:{port}"]
        )
        try:
            wait_for("runserver", lambda: _answers(base_url + "/livez"), seconds=60)
            for line in shoot(demo, base_url, args.out):
                print(f"screenshots: {line}")
        except BenchError:
            print(processes.log("web")[-3000:], file=sys.stderr)
            raise
        finally:
            processes.stop_all()
        return 0

    return in_scratch_dir(run)


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 (loopback)
            return response.status == 200
    except OSError:
        return False


if __name__ == "__main__":
    sys.exit(main())
