"""The outcomes page: its figures against known members, the small groups it hides or
merges, who may see it, its CSVs and the month filter.

CI runs these on PostgreSQL (DATABASE_URL); they pass on SQLite too, the embedded run's
database.
"""

import csv
import io
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from advisor.advice import money
from advisor.advice.answers import Answers
from advisor.checkins.models import CheckIn
from advisor.counsel import rules
from advisor.counsel.models import AuditEvent, Review
from advisor.members.submit import submit as submit_draft
from advisor.outcomes import charts, figures
from advisor.outcomes.figures import Bucket, Period
from advisor.plans import worker
from advisor.plans.models import Plan
from profiles.models import Draft, Submission, User
from profiles.personas import LI_JING, LI_JING_V1, LIU_CHEN, MEI_CHEN, ZHANG_YIFEI
from tests.conftest import PASSWORD, log_in_verified

pytestmark = pytest.mark.django_db

HERE = ZoneInfo(settings.TIME_ZONE)
EXPENSES = LIU_CHEN["monthly_expenses"]
STRAINS = {"none": [], "some": ["sleep"], "high": ["fainted_or_ill"]}
P1, P2, P3 = "returnee_engineer", "job_search", "further_study"


def at(day: str, hour: int = 12, minute: int = 0) -> datetime:
    """A time on `day` (2026-09-05) in the site's time zone, as months are counted."""
    return datetime.fromisoformat(day).replace(hour=hour, minute=minute, tzinfo=HERE)


def answers_with(*, runway: int, strain: str) -> dict:
    """Liu Chen's answers with savings for `runway` months and the strain asked for."""
    answers = {**LIU_CHEN, "savings": runway * EXPENSES, "strain_signals": STRAINS[strain]}
    assert money.of(Answers.of(answers)).runway_months == runway
    return answers


def answer(user, when, *, path, runway, strain, reviewed_after=None, by=None) -> Submission:
    """A submission of `user` at `when`, with its plan written for `path` and, if
    `reviewed_after` (hours), a counsellor's review finished that long after it opened."""
    draft = Draft.objects.create(owner=user, answers=answers_with(runway=runway, strain=strain))
    submission = submit_draft(draft, consent_review=True)
    plan = submission.plans.get()
    Plan.objects.filter(pk=plan.pk).update(archetype=path)
    assert worker.generate(plan.pk) == "ready"
    Submission.objects.filter(pk=submission.pk).update(created_at=when)
    Plan.objects.filter(pk=plan.pk).update(created_at=when)
    Review.objects.filter(pk=submission.pk).update(created_at=when)
    if reviewed_after is not None:
        review = Review.objects.get(pk=submission.pk)
        rules.set_status(review, by=by, status=Review.Status.IN_REVIEW)
        rules.set_status(review, by=by, status=Review.Status.REVIEWED)
        AuditEvent.objects.filter(submission=submission, action=AuditEvent.Action.STATUS).update(
            created_at=when + timedelta(hours=reviewed_after)
        )
    return submission


def member(name: str, when, **kwargs) -> Submission:
    user = User.objects.create_user(f"{name}@example.com", PASSWORD)
    return answer(user, when, **kwargs)


@pytest.fixture
def members(carol_the_counsellor) -> dict[str, Submission]:
    """Twelve members: eight who answered in September 2026 (one of them twice), four in
    October. Their latest answers:

    | who    | path | runway | strain | reviewed after |
    |--------|------|--------|--------|----------------|
    | a1     | P1   | 2      | none   | 1 h (its first submission: high strain, not reviewed) |
    | a2-a5  | P1   | 2      | none   | 2, 3, 10, 100 h |
    | a6     | P1   | 4      | some   | 4 h            |
    | a7, a8 | P2   | 4      | some   | -              |
    | b1-b3  | P2   | 8      | some   | -              |
    | b4     | P3   | 30     | high   | -              |
    """
    carol = carol_the_counsellor
    made = {}
    alice = User.objects.create_user("a1@example.com", PASSWORD)
    answer(alice, at("2026-09-03"), path=P1, runway=2, strain="high")
    made["a1"] = answer(alice, at("2026-09-20"), path=P1, runway=2, strain="none",
                        reviewed_after=1, by=carol)  # fmt: skip
    for name, day, hours in [("a2", "05", 2), ("a3", "06", 3), ("a4", "07", 10), ("a5", "08", 100)]:
        made[name] = member(name, at(f"2026-09-{day}"), path=P1, runway=2, strain="none",
                            reviewed_after=hours, by=carol)  # fmt: skip
    made["a6"] = member("a6", at("2026-09-09"), path=P1, runway=4, strain="some",
                        reviewed_after=4, by=carol)  # fmt: skip
    made["a7"] = member("a7", at("2026-09-10"), path=P2, runway=4, strain="some")
    # Half an hour before October in the site's time zone (15:30 UTC): still September.
    made["a8"] = member("a8", at("2026-09-30", 23, 30), path=P2, runway=4, strain="some")
    for name, day in [("b1", "02"), ("b2", "03"), ("b3", "04")]:
        made[name] = member(name, at(f"2026-10-{day}"), path=P2, runway=8, strain="some")
    made["b4"] = member("b4", at("2026-10-05"), path=P3, runway=30, strain="high")
    # a2's submission was reviewed once before: then its member withdrew consent and gave
    # it again, which opened the review that counts. The earlier "reviewed" does not.
    AuditEvent.objects.create(
        submission=made["a2"],
        actor=carol,
        action=AuditEvent.Action.STATUS,
        detail="in_review → reviewed",
        created_at=at("2026-09-01"),
    )
    return made


ALL = Period()
SEPTEMBER = Period(date(2026, 9, 1), date(2026, 9, 1))
OCTOBER = Period(date(2026, 10, 1), date(2026, 10, 1))


def rows(table) -> list[tuple[str, list]]:
    return [(row.label, row.values) for row in table.rows]


# --- The figures against known data -------------------------------------------------


def test_submissions_and_plans_by_month_hide_a_month_of_fewer_than_five(members):
    assert rows(figures.over_time(ALL)) == [
        ("2026-09", [8, 9, 9]),
        ("2026-10", [None, None, None]),  # four members
    ]


def test_every_month_of_the_period_is_listed_even_empty(members):
    period = Period(date(2026, 8, 1), date(2026, 11, 1))
    assert rows(figures.over_time(period)) == [
        ("2026-08", [0, 0, 0]),
        ("2026-09", [8, 9, 9]),
        ("2026-10", [None, None, None]),
        ("2026-11", [0, 0, 0]),
    ]


def test_the_mix_of_paths_counts_each_members_latest_plan_and_merges_small_paths(members):
    # P2 (5) and P3 (1): P3 alone is too few, so P2 joins it as "Other paths".
    assert rows(figures.paths(ALL)) == [("Returnee engineer", [6]), ("Other paths", [6])]


def test_strain_merges_a_small_level_with_its_neighbour(members):
    assert rows(figures.strain(ALL)) == [
        ("No strain signals", [5]),  # a1 counted as she last answered: no strain
        ("One or two strain signals to High strain", [7]),  # one member with high strain
    ]


def test_runway_merges_small_ranges_into_wider_ones(members):
    # 3 to 6 months: 3 members, 6 to 12: 3, 24 or more: 1; merged from the smallest.
    assert rows(figures.runway(ALL)) == [("Under 3 months", [5]), ("3 months or more", [7])]


def test_time_to_first_review_is_the_median_and_90th_percentile_of_first_reviews(members):
    assert rows(figures.first_review(ALL)) == [
        ("Reviews opened", [13]),
        ("Reviewed", [6]),
        ("Not reviewed yet", [7]),
        # Waits of 1, 2, 3, 4, 10 and 100 hours: the 3rd and the 6th by rank.
        ("Median time to first review", [3.0]),
        ("90th percentile", [100.0]),
    ]
    shown = [row.shown[0] for row in figures.first_review(ALL).rows]
    assert shown[3:] == ["3 hours", "4.2 days"]


def test_a_second_review_does_not_change_the_first(members, carol_the_counsellor):
    review = Review.objects.get(pk=members["a5"].pk)
    rules.set_status(review, by=carol_the_counsellor, status=Review.Status.IN_REVIEW)
    rules.set_status(review, by=carol_the_counsellor, status=Review.Status.REVIEWED)
    assert figures.first_review(ALL).rows[4].values == [100.0]


def test_the_month_filter_counts_only_those_months(members):
    assert rows(figures.over_time(SEPTEMBER)) == [("2026-09", [8, 9, 9])]
    assert rows(figures.paths(SEPTEMBER)) == [("Other paths", [8])]  # 6 and 2: too few
    assert rows(figures.strain(SEPTEMBER)) == [
        ("No strain signals to One or two strain signals", [8]),
        ("High strain", [0]),  # none: nobody to hide
    ]
    assert rows(figures.runway(SEPTEMBER)) == [
        ("Under 6 months", [8]),
        ("6 to under 12 months", [0]),
        ("12 to under 24 months", [0]),
        ("24 months or more", [0]),
    ]
    assert [row.values[0] for row in figures.first_review(SEPTEMBER).rows] == [
        9, 6, None, 3.0, 100.0
    ]  # fmt: skip


def test_a_month_of_four_members_shows_no_figure_at_all(members):
    assert rows(figures.over_time(OCTOBER)) == [("2026-10", [None, None, None])]
    for table in (figures.paths, figures.strain, figures.runway):
        assert all(value is None for row in table(OCTOBER).rows for value in row.values)
    assert [row.values[0] for row in figures.first_review(OCTOBER).rows] == [
        None, 0, None, None, None
    ]  # fmt: skip


def test_a_plan_with_no_close_path_counts_as_such(members):
    Plan.objects.filter(archetype=P1).update(content={"close": False, "runway_months": 2.0})
    assert rows(figures.paths(ALL))[0] == ("No close path yet", [6])


@pytest.mark.parametrize(
    "answers",
    [
        LI_JING,
        LI_JING_V1,
        LIU_CHEN,
        MEI_CHEN,
        ZHANG_YIFEI,
        {**LIU_CHEN, "strain_signals": ["sleep", "nonstop"]},
        {**LIU_CHEN, "strain_signals": ["sleep", "nonstop", "anxiety"]},
        {**LIU_CHEN, "strain_signals": [], "need_break": "long"},
        {**LIU_CHEN, "strain_signals": ["fainted_or_ill"], "need_break": "no"},
        {k: v for k, v in LIU_CHEN.items() if k != "strain_signals"},
    ],
)
def test_the_databases_strain_level_is_the_answers_own(alice, answers):
    submission = Submission.objects.create(
        owner=alice, answers=answers, schema_version=1, consent_processing=True,
        draft_token=Draft().pk,
    )  # fmt: skip
    level = figures.with_strain_level(Submission.objects.filter(pk=submission.pk)).get().level
    person = Answers.of(answers)
    expected = "high" if person.strain_is_high else ("some" if person.strain_signals else "none")
    assert level == expected


def test_check_in_answers_by_path_count_each_members_latest_check_in(members):
    said = {"moved": ["a1", "a2", "a3"], "earning": ["a1", "a7"], "strain_down": ["b1"]}
    for plan in figures.latest_plans(ALL).select_related("submission__owner"):
        who = plan.submission.owner.email.split("@")[0]
        common = {"member": plan.submission.owner, "series": plan.submission, "plan": plan}
        # An earlier check-in that said the opposite: only the latest counts.
        CheckIn.objects.create(
            **common, day=30, due_on=date(2026, 9, 1), answered_at=at("2026-09-02"),
            answers={"progress": "moved", "earning": True, "strain_down": True},
        )  # fmt: skip
        CheckIn.objects.create(
            **common, day=60, due_on=date(2026, 10, 1), answered_at=at("2026-10-02"),
            answers={
                "progress": "moved" if who in said["moved"] else "working",
                "earning": who in said["earning"],
                "strain_down": who in said["strain_down"],
            },
        )  # fmt: skip
    assert rows(figures.checkins(ALL)) == [
        ("Returnee engineer", [6, 3, 1, 0]),
        ("Other paths", [6, 0, 1, 1]),
    ]
    # September alone holds only the earlier check-ins, each member's latest there.
    assert [row.values[1:] for row in figures.checkins(SEPTEMBER).rows] == [[6, 6, 6], [6, 6, 6]]


# --- Small groups, by the rule alone ---------------------------------------------------


def label(key: str) -> str:
    return key.upper()


@pytest.mark.parametrize(
    ("counts", "expected"),
    [
        ({"a": 9, "b": 5}, [("a", "A", 9), ("b", "B", 5)]),
        ({"a": 9, "b": 5, "c": 3, "d": 2}, [("a", "A", 9), ("b", "B", 5), ("other", "OTHER", 5)]),
        # "Other" of 1 would single out one member: the smallest path shown joins it.
        ({"a": 9, "b": 6, "c": 1}, [("a", "A", 9), ("other", "OTHER", 7)]),
        ({"a": 3, "b": 1}, [("other", "OTHER", None)]),
        ({}, []),
    ],
)
def test_paths_of_fewer_than_five_members_are_counted_together(counts, expected):
    assert figures.merge_small_categories(counts, label) == expected


SCALE = [Bucket(key, lambda key=key: key) for key in "abcde"]


def span(first: int, last: int) -> str:
    return "abcde"[first] + ("" if first == last else "-" + "abcde"[last])


@pytest.mark.parametrize(
    ("counts", "expected"),
    [
        ({"a": 5, "b": 6, "c": 0, "d": 7, "e": 5}, [5, 6, 0, 7, 5]),
        # b joins the smaller of its neighbours, a.
        ({"a": 5, "b": 2, "c": 9}, [("a-b", 7), ("c", 9), ("d", 0), ("e", 0)]),
        # b joins a (3 against 8); a-b's 4 then joins d, across the empty c.
        ({"a": 3, "b": 1, "d": 8, "e": 6}, [("a-d", 12), ("e", 6)]),
        # Each small range is merged until none is left: here, all of them.
        ({"a": 3, "b": 1, "d": 8, "e": 1}, [("a-e", 13)]),
        ({"b": 4}, [("a-e", None)]),
    ],
)
def test_a_small_range_of_a_scale_joins_its_neighbour(counts, expected):
    merged = figures.merge_small_buckets(SCALE, counts, span)
    if all(isinstance(e, int) for e in expected):
        assert [count for _key, _label, count in merged] == expected
    else:
        assert [(lab, count) for _key, lab, count in merged] == expected


# --- The page ------------------------------------------------------------------------


@pytest.fixture
def counsellor(client, carol_the_counsellor):
    log_in_verified(client, carol_the_counsellor)
    return client


def csv_url(table: str, query: str = "") -> str:
    return reverse("outcomes_export", args=[table]) + query


def test_a_visitor_is_sent_to_log_in(client):
    for target in [reverse("outcomes"), csv_url("paths")]:
        response = client.get(target)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


def test_a_member_gets_403(client, alice):
    client.force_login(alice)
    assert client.get(reverse("outcomes")).status_code == 403
    assert client.get(csv_url("paths")).status_code == 403


def test_a_counsellor_without_the_second_factor_is_asked_for_it(client, carol_the_counsellor):
    client.force_login(carol_the_counsellor)
    for target in [reverse("outcomes"), csv_url("paths")]:
        response = client.get(target)
        assert response.status_code == 302
        assert response["Location"] == reverse("login_verify")


def test_the_page_draws_each_table_with_the_same_figures_under_it(counsellor, members):
    response = counsellor.get(reverse("outcomes"))
    assert response.status_code == 200
    assert "no-cache" in response["Cache-Control"] or "no-store" in response["Cache-Control"]
    page = response.content.decode()
    for key in ["over_time", "paths", "strain", "runway", "first_review"]:
        assert f'id="chart-{key}-title"' in page
        assert f'aria-describedby="chart-{key}-desc"' in page
        assert csv_url(key) in page
    assert page.count("<table") == 5
    assert "<script" not in page.split("<main", 1)[1]  # drawn on the server, no script
    # The chart's description and the table hold the same figures.
    assert "Returnee engineer: Members 6." in page
    assert '<th scope="row">Returnee engineer</th><td data-label="Members">6</td>' in page
    assert "fewer than 5" in page
    assert "@example.com" not in page.split("<main", 1)[1].replace("carol@example.com", "")


def test_the_page_is_in_chinese_for_a_chinese_reader(counsellor, members):
    page = counsellor.get(reverse("outcomes"), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert 'lang="zh-hans"' in page
    assert "成果" in page
    assert "少于5" in page


def test_the_month_filter_narrows_every_table_and_its_csv_links(counsellor, members):
    response = counsellor.get(reverse("outcomes"), {"first": "2026-09", "last": "2026-09"})
    assert response.status_code == 200
    page = response.content.decode()
    assert 'value="2026-09"' in page
    assert "2026-10" not in page
    assert csv_url("paths", "?first=2026-09&amp;last=2026-09") in page


@pytest.mark.parametrize(
    "query",
    [{"first": "2026-13"}, {"first": "September"}, {"first": "2026-10", "last": "2026-09"}],
)
def test_a_bad_month_is_a_400_that_says_why(counsellor, query):
    response = counsellor.get(reverse("outcomes"), query)
    assert response.status_code == 400
    assert "month" in response.content.decode()
    assert counsellor.get(csv_url("paths"), query).status_code == 400


def test_the_page_costs_the_same_queries_whatever_the_data(counsellor, members):
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert counsellor.get(reverse("outcomes")).status_code == 200
        return len(captured)

    before = queries()
    for i in range(6):
        member(f"c{i}", at("2026-11-10"), path=P3, runway=13, strain="some")
    assert queries() == before


def read_csv(response) -> list[list[str]]:
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:])))


def test_each_table_downloads_as_csv_with_the_pages_figures(counsellor, members):
    response = counsellor.get(csv_url("over_time"))
    assert 'filename="leap-over-time.csv"' in response["Content-Disposition"]
    assert read_csv(response) == [
        ["key", "Month", "Members who submitted", "Submissions", "Plans written"],
        ["2026-09", "2026-09", "8", "9", "9"],
        ["2026-10", "2026-10", "<5", "<5", "<5"],
    ]
    assert read_csv(counsellor.get(csv_url("first_review")))[4:] == [
        ["median_hours", "Median time to first review", "3.0"],
        ["p90_hours", "90th percentile", "100.0"],
    ]


def test_the_csv_follows_the_month_filter(counsellor, members):
    response = counsellor.get(csv_url("runway"), {"first": "2026-09", "last": "2026-09"})
    assert 'filename="leap-runway-2026-09-2026-09.csv"' in response["Content-Disposition"]
    assert read_csv(response)[1:] == [
        ["0_3", "Under 6 months", "8"],
        ["6", "6 to under 12 months", "0"],
        ["12", "12 to under 24 months", "0"],
        ["24", "24 months or more", "0"],
    ]


def test_no_csv_cell_runs_as_a_formula(counsellor, members):
    """A path no longer in the catalogue shows as its slug, which could be anything."""
    Plan.objects.filter(archetype=P1).update(archetype='=HYPERLINK("http://evil.example")')
    found = read_csv(counsellor.get(csv_url("paths")))
    assert found[1] == [
        '\'=HYPERLINK("http://evil.example")',
        '\'=HYPERLINK("http://evil.example")',
        "6",
    ]
    assert all(not cell.startswith(("=", "+", "-", "@")) for row in found for cell in row)


def test_an_unknown_table_is_404(counsellor):
    assert counsellor.get(csv_url("members")).status_code == 404


def test_a_chart_says_in_words_what_it_draws(members):
    chart = charts.of(figures.runway(ALL))
    assert chart.summary == "Under 3 months: Members 5. 3 months or more: Members 7."
    assert len([s for s in chart.shapes if not s.is_line]) == 2
    assert charts.of(figures.paths(OCTOBER)) is None  # nothing shown, nothing drawn
