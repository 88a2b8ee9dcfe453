import contextlib

import pytest
from django.utils import translation
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Page, expect

from advisor.advice import questionnaire as q
from profiles.models import Draft, Submission
from profiles.personas import LI_JING
from tests.browser import assert_no_axe_violations, log_in
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser


def fill_step(page: Page, slug: str, answers: dict, *, before: dict | None = None) -> None:
    """Answer a step's questions from `answers`: those that apply after the answers given
    `before` (by default, all of `answers`, as if every earlier step was answered so)."""
    step = q.STEPS_BY_SLUG[slug]
    context = (
        answers
        if before is None
        else {**before, **{k: answers[k] for k in step.keys & answers.keys()}}
    )
    for question in step.questions:
        if question.key not in answers or not question.applies(context):
            continue
        value = answers[question.key]
        labels = dict(question.choices)
        if question.kind == "integer" or question.kind == "text":
            page.get_by_label(str(question.label)).fill(str(value))
        elif question.kind == "choice" and len(question.choices) > 5:
            page.get_by_label(str(question.label)).select_option(value)
        else:
            group = page.get_by_role("group", name=str(question.label))
            for choice in value if isinstance(value, list) else [value]:
                group.get_by_label(str(labels[choice]), exact=True).check()


def save_and_expect(page: Page, next_title: str) -> None:
    page.get_by_role("button", name="Save and").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(next_title)


def test_a_visitor_completes_edits_resumes_signs_up_and_submits(page: Page, live_server):
    page.goto("/")
    page.get_by_role("link", name="Start the questionnaire").click()
    expect(page.get_by_text("Step 1 of 8")).to_be_visible()

    # The first four steps, through htmx swaps: the URL follows the step.
    for index, slug in enumerate(["situation", "work", "strain", "pulls"]):
        fill_step(page, slug, LI_JING)
        save_and_expect(page, str(q.STEPS[index + 1].title))
    expect(page).to_have_url(f"{live_server.url}/questionnaire/skills/")

    # An inline error, without a reload, and branching: an audience brings its questions.
    page.get_by_role("button", name="Back").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("What pulls you")
    page.get_by_role("button", name="Back").click()
    page.get_by_role("button", name="Back").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Work now")
    hours = page.get_by_label("Hours you actually work in a typical week")
    expect(hours).to_have_value("72")
    hours.fill("200")
    hours.press("Tab")
    expect(page.locator("#id_hours_per_week_error")).to_contain_text("cannot be more than 120")
    hours.fill("60")
    save_and_expect(page, "Strain")

    # Reload mid-way: the draft lives with the session, and resuming finds the first gap.
    page.reload()
    page.goto("/questionnaire/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Skills and assets")
    fill_step(page, "skills", LI_JING)
    page.get_by_role("group", name="Do you have an audience online?").get_by_label("Yes").check()
    expect(page.get_by_role("group", name="Where is your audience?")).to_be_visible()
    page.get_by_role("group", name="Where is your audience?").get_by_label("Xiaohongshu").check()
    page.get_by_role("group", name="How many followers, all platforms together?").get_by_label(
        "1,000 to 10,000"
    ).check()
    save_and_expect(page, "Money and risk")
    for slug, following in [
        ("money", "Place"),
        ("place", "Horizon"),
        ("horizon", "Review your answers"),
    ]:
        fill_step(page, slug, LI_JING)
        save_and_expect(page, following)

    review = page.locator("#questionnaire")
    expect(review).to_contain_text("60 hours")
    expect(review).to_contain_text("Xiaohongshu")

    # Edit one step from the review and come straight back.
    page.get_by_role("link", name="Edit Money and risk").click()
    page.get_by_label("Savings you could live on").fill("240000")
    save_and_expect(page, "Review your answers")
    expect(page.locator("#questionnaire")).to_contain_text("240,000 yuan")

    # Sign up at the end; the answers come along, then submit with consent.
    page.get_by_role("link", name="Sign up and submit").click()
    page.get_by_label("Email address").fill("luna@example.com")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Password confirmation").fill(PASSWORD)
    page.get_by_role("button", name="Sign up").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Review your answers")
    page.get_by_label("I agree that Leap may process my answers").check()
    page.get_by_role("button", name="Submit my answers").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your result")
    expect(page.get_by_text("No counsellor will see it.")).to_be_visible()
    # The match is there at once, best first, with its reasons and its story.
    first = page.locator(".match").first
    expect(first.get_by_role("heading", level=3)).to_contain_text("Influencer-services founder")
    expect(first.get_by_text("Your skills include “Traffic and growth”")).to_be_visible()
    first.get_by_text("The story: Li Jing (Luna)").click()
    expect(first.locator("blockquote")).to_contain_text("Natural Flow helps web influencers")
    assert_no_axe_violations(page)

    submission = Submission.objects.get()
    assert submission.owner.email == "luna@example.com"
    assert submission.answers["hours_per_week"] == 60
    assert submission.answers["savings"] == 240_000
    assert submission.answers["audience_size"] == "1k_10k"


def test_without_javascript_the_flow_works_by_plain_post(browser, live_server, transactional_db):
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    page = context.new_page()
    page.goto("/questionnaire/work/")
    fill_step(page, "work", LI_JING, before={})
    page.get_by_role("button", name="Save and continue").click()
    expect(page).to_have_url(f"{live_server.url}/questionnaire/strain/")
    page.get_by_role("button", name="Back").click()
    expect(page.get_by_label("Years of experience in tech")).to_have_value("8")
    context.close()


def test_without_javascript_a_follow_up_question_appears_as_a_new_question(
    browser, live_server, transactional_db
):
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    page = context.new_page()
    page.goto("/questionnaire/skills/")
    fill_step(page, "skills", LI_JING, before={})
    page.get_by_role("group", name="Do you have an audience online?").get_by_label("Yes").check()
    page.get_by_role("button", name="Save and continue").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Skills and assets")
    expect(page.get_by_text("Your answers bring 2 more questions.")).to_be_visible()
    expect(page.locator(".errorlist")).to_have_count(0)
    expect(page.get_by_role("alert")).to_have_count(0)
    where = page.get_by_role("group", name="Where is your audience?")
    where.get_by_label("Xiaohongshu").check()
    page.get_by_role("group", name="How many followers, all platforms together?").get_by_label(
        "1,000 to 10,000"
    ).check()
    page.get_by_role("button", name="Save and continue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Money and risk")
    context.close()
    answers = Draft.objects.get().answers
    assert answers["audience_platforms"] == ["xiaohongshu"]
    assert answers["audience_size"] == "1k_10k"


def test_ticked_boxes_survive_a_reload_mid_step(page: Page):
    page.goto("/questionnaire/strain/")
    asked = "Which of these have happened to you in the last year?"
    signals = page.get_by_role("group", name=asked)

    def saves_both(response) -> bool:  # an autosave sent after the second tick
        return "/strain/autosave/" in response.url and "dread" in response.request.post_data

    with page.expect_response(saves_both) as saved:
        signals.get_by_label("Sleep trouble most weeks").check()
        signals.get_by_label("Dread on Sunday evenings about the week ahead").check()
    assert saved.value.status == 204
    page.reload()
    expect(signals.get_by_label("Sleep trouble most weeks")).to_be_checked()
    expect(signals.get_by_label("Dread on Sunday evenings about the week ahead")).to_be_checked()
    expect(signals.get_by_label("Felt I have been running non-stop for years")).not_to_be_checked()
    assert Draft.objects.get().answers == {"strain_signals": ["sleep", "dread"]}


def test_an_autosave_in_flight_never_undoes_the_steps_own_save(page: Page):
    """Next waits for an autosave being sent (they share the form's queue), so an older
    autosave can never land after the save and put back what it replaced."""
    held = []
    page.route("**/questionnaire/work/autosave/", lambda route: held.append(route))
    page.goto("/questionnaire/work/")
    with page.expect_request("**/questionnaire/work/autosave/"):  # sent, and held
        fill_step(page, "work", LI_JING, before={})
    page.get_by_label("Hours you actually work in a typical week").fill("60")
    page.get_by_role("button", name="Save and continue").click()
    page.wait_for_timeout(300)
    expect(page.get_by_role("heading", level=1)).to_have_text("Work now")  # still waiting
    for route in held:
        route.continue_()
    expect(page.get_by_role("heading", level=1)).to_have_text("Strain")
    page.wait_for_timeout(1000)
    assert Draft.objects.get().answers["hours_per_week"] == 60


def test_a_step_page_has_no_accessibility_violations(page: Page):
    page.goto("/questionnaire/work/")
    page.get_by_role("button", name="Save and continue").click()  # with errors showing
    expect(page.get_by_role("alert")).to_be_visible()
    assert_no_axe_violations(page)


def test_a_quick_change_of_answer_wins_over_a_slow_check(page: Page):
    held = []

    def hold_the_first_check(route):
        if not held:
            held.append(route)  # answered only after the second answer is given
        else:
            route.continue_()

    page.route("**/questionnaire/skills/check/", hold_the_first_check)
    page.goto("/questionnaire/skills/")
    group = page.get_by_role("group", name="Do you have an audience online?")
    group.get_by_label("No").check()
    page.wait_for_timeout(200)
    group.get_by_label("Yes").check()
    assert len(held) == 1, "the first check was not held: the race was not exercised"
    with contextlib.suppress(PlaywrightError):  # htmx has aborted it by now
        held[0].continue_()
    expect(page.get_by_role("group", name="Where is your audience?")).to_be_visible()
    page.wait_for_timeout(500)
    expect(page.get_by_role("group", name="Where is your audience?")).to_be_visible()


def expect_focus_visible(page: Page) -> None:
    """The focused element shows it: :focus-visible matches and draws an outline or a ring."""
    focus = page.evaluate(
        """() => {
            const element = document.activeElement;
            const style = getComputedStyle(element);
            return {
                element: element.outerHTML.slice(0, 80),
                matches: element.matches(":focus-visible"),
                outline: style.outlineStyle,
                width: parseFloat(style.outlineWidth),
                shadow: style.boxShadow,
            };
        }"""
    )
    assert focus["matches"], f"no :focus-visible on {focus['element']}"
    outlined = focus["outline"] != "none" and focus["width"] > 0
    assert outlined or focus["shadow"] != "none", f"focus is invisible on {focus}"


def choose_by_keyboard(page: Page, question: q.Question, value) -> None:
    """Answer the question whose first control has focus, as a keyboard user would:
    type into a box, arrow down a select or through radios, Space and Tab through checkboxes.

    (Not typeahead in the select: each change re-renders its field through the inline
    check, and the new select starts a new search, so "Data" can end on "Operations".)
    """
    if question.kind in ("integer", "text"):
        page.keyboard.type(str(value))
    elif question.kind == "choice" and len(question.choices) > 5:
        for _ in range(question.choice_values.index(value) + 1):  # past "Choose…"
            page.keyboard.press("ArrowDown")
    elif question.kind == "choice":
        index = question.choice_values.index(value)
        # Nothing is chosen yet, so Tab landed on the first radio: Space picks it, and
        # each arrow moves on and picks the next.
        if index == 0:
            page.keyboard.press("Space")
        for _ in range(index):
            page.keyboard.press("ArrowDown")
    else:
        for index, choice in enumerate(question.choice_values):
            if index:
                page.keyboard.press("Tab")
            if choice in value:
                page.keyboard.press("Space")


def answer_by_keyboard(page: Page, slug: str, answers: dict, *, before: dict) -> None:
    """Tab into each question of a step in turn and answer it; skip none that applies
    after the answers given `before`."""
    for question in q.STEPS_BY_SLUG[slug].questions:
        if not question.applies({**before, **answers}):
            continue
        page.keyboard.press("Tab")
        expect(first_control(page, question)).to_be_focused()
        choose_by_keyboard(page, question, answers[question.key])


def first_control(page: Page, question: q.Question):
    controls = "input:not([type=hidden]), select, textarea"
    return page.locator(f"#slot-{question.key}").locator(controls).first


def test_a_keyboard_user_can_answer_and_fix_a_step(page: Page):
    page.goto("/questionnaire/work/")
    heading = page.get_by_role("heading", level=1)
    expect(heading).to_have_text("Work now")
    expect(heading).to_be_focused()  # so the first Tab goes to the first question

    # Work now: the role and the radios by arrow keys, the numbers by typing. Nothing is
    # answered before it, so the hours system, which depends on a job, is not asked.
    work = {k: v for k, v in LI_JING.items() if k in q.STEPS_BY_SLUG["work"].keys}
    answer_by_keyboard(page, "work", work, before={})
    expect_focus_visible(page)
    page.keyboard.press("Tab")
    next_button = page.get_by_role("button", name="Save and continue")
    expect(next_button).to_be_focused()
    expect_focus_visible(page)
    page.keyboard.press("Enter")
    expect(heading).to_have_text("Strain")
    expect(heading).to_be_focused()

    # Strain: tick the signals, leave the required question blank and go on. Fainting
    # brings in the optional question about a doctor, which is left blank.
    strain_signals, health_followup, need_break = q.STEPS_BY_SLUG["strain"].questions
    page.keyboard.press("Tab")
    choose_by_keyboard(page, strain_signals, LI_JING["strain_signals"])
    expect(first_control(page, health_followup)).to_be_visible()  # it appears, then Tab
    page.keyboard.press("Tab")
    expect(first_control(page, health_followup)).to_be_focused()
    page.keyboard.press("Tab")
    expect(first_control(page, need_break)).to_be_focused()
    page.keyboard.press("Tab")
    expect(next_button).to_be_focused()
    page.keyboard.press("Enter")

    # The error summary is announced and takes focus; its link takes focus to the question.
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text(str(need_break.label))
    expect(summary).to_be_focused()
    expect_focus_visible(page)
    page.keyboard.press("Tab")
    expect(summary.get_by_role("link")).to_be_focused()
    expect_focus_visible(page)
    page.keyboard.press("Enter")
    expect(first_control(page, need_break)).to_be_focused()
    expect_focus_visible(page)
    choose_by_keyboard(page, need_break, LI_JING["need_break"])
    page.keyboard.press("Tab")
    expect(next_button).to_be_focused()
    page.keyboard.press("Space")
    expect(heading).to_have_text("What pulls you")

    answers = Draft.objects.get().answers
    for key in ["role", "years_experience", "hours_per_week", "online_after_six"]:
        assert answers[key] == LI_JING[key]
    assert answers["strain_signals"] == LI_JING["strain_signals"]
    assert answers["need_break"] == "long"


def test_switching_language_mid_step_keeps_the_answers_given(page: Page):
    page.goto("/questionnaire/work/")
    page.get_by_label("Years of experience in tech").fill("8")
    page.get_by_label("Hours you actually work in a typical week").fill("72")
    page.get_by_role("button", name="简体中文").click()
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    expect(page.get_by_role("heading", level=1)).to_have_text("当前工作")
    expect(page.locator("#id_years_experience")).to_have_value("8")
    expect(page.locator("#id_hours_per_week")).to_have_value("72")


# --- Enter and the language switcher (issue 16) ------------------------------------------

HEADINGS = {
    "en": ["Your situation", "Work now", "Strain"],
    "zh-hans": ["你的现状", "当前工作", "工作压力"],
}


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_enter_saves_the_step_and_moves_on_in_either_language(page: Page, language):
    page.goto("/")
    if language == "zh-hans":
        page.get_by_role("button", name="简体中文").click()
    page.goto("/questionnaire/situation/")
    headings = HEADINGS[language]
    with translation.override(language):
        fill_step(page, "situation", LI_JING)
        page.locator("#id_tenure_years").press("Enter")
        expect(page.get_by_role("heading", level=1)).to_have_text(headings[1])
        # Step 2 came by htmx: Enter there goes on too, in the same language.
        fill_step(page, "work", LI_JING)
        page.locator("#id_hours_per_week").press("Enter")
        expect(page.get_by_role("heading", level=1)).to_have_text(headings[2])
    expect(page.locator("html")).to_have_attribute("lang", language)
    answers = Draft.objects.get().answers
    assert answers["tenure_years"] == 4
    assert answers["hours_per_week"] == 72


def test_without_javascript_enter_saves_the_step_too(browser, live_server, transactional_db):
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    page = context.new_page()
    page.goto("/questionnaire/work/")
    fill_step(page, "work", LI_JING, before={})
    page.locator("#id_hours_per_week").press("Enter")
    expect(page).to_have_url(f"{live_server.url}/questionnaire/strain/")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    context.close()
    assert Draft.objects.get().answers["hours_per_week"] == 72


def test_start_over_asks_first_then_clears(page: Page):
    page.goto("/questionnaire/work/")
    fill_step(page, "work", LI_JING, before={})
    save_and_expect(page, "Strain")
    page.goto("/questionnaire/review/")
    page.get_by_role("link", name="Start over with empty answers").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Start over with empty answers?")
    assert_no_axe_violations(page)
    assert Draft.objects.get().answers["hours_per_week"] == 72  # asking clears nothing
    page.get_by_role("button", name="Clear my answers").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your situation")
    assert Draft.objects.get().answers == {}


def test_after_htmx_steps_the_switcher_keeps_the_step_shown_and_its_answers(page: Page):
    page.goto("/questionnaire/situation/")
    fill_step(page, "situation", LI_JING)
    save_and_expect(page, "Work now")
    page.get_by_label("Years of experience in tech").fill("8")  # not saved yet
    page.get_by_role("button", name="简体中文").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("当前工作")
    expect(page.locator("#id_years_experience")).to_have_value("8")
    assert page.url.endswith("/questionnaire/work/")


def test_after_htmx_steps_the_switcher_works_on_the_review(page: Page, alice):
    Draft.objects.create(owner=alice, answers=LI_JING)
    log_in(page, alice.email)
    page.goto("/questionnaire/horizon/")
    save_and_expect(page, "Review your answers")
    page.get_by_role("button", name="简体中文").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("确认你的回答")
    assert page.url.endswith("/questionnaire/review/")


def test_logging_in_with_answers_asks_which_to_keep(page: Page, alice):
    Draft.objects.create(owner=alice, answers={"role": "design"})
    page.goto("/questionnaire/work/")
    fill_step(page, "work", LI_JING, before={})
    save_and_expect(page, "Strain")
    log_in(page, alice.email)
    expect(page.get_by_role("heading", level=1)).to_have_text("Which answers to keep?")
    assert_no_axe_violations(page)
    page.get_by_role("button", name="Keep the answers saved on my account").click()
    expect(page.get_by_text("You kept the answers saved on your account.")).to_be_visible()
    assert Draft.objects.get().answers == {"role": "design"}


def test_back_after_submitting_leads_to_the_result_not_an_empty_review(page: Page, alice):
    Draft.objects.create(owner=alice, answers=LI_JING)
    log_in(page, alice.email)
    page.goto("/questionnaire/horizon/")
    save_and_expect(page, "Review your answers")  # by htmx, as a member gets there
    page.get_by_label("I agree that Leap may process my answers").check()
    page.get_by_role("button", name="Submit my answers").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your result")
    submission = Submission.objects.get()

    page.go_back()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your result")
    expect(page).to_have_url(f"{page.url.split('/submissions/')[0]}/submissions/{submission.pk}/")
    expect(page.get_by_text("Not answered yet.")).to_have_count(0)
    expect(page.get_by_text("These answers are submitted.")).to_be_visible()
