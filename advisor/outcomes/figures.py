"""The outcomes page's figures: counts of members, submissions, plans and reviews, never
a person. Each table is counted in the database, in a fixed number of queries whatever
the number of rows (docs/outcomes.md lists them).

No figure rests on fewer than MIN_MEMBERS members: a month whose count comes from fewer
is hidden, a path chosen by fewer is merged into "Other paths", and a bucket of an
ordered scale (runway, strain) is merged with its neighbour, so that its label becomes a
wider range. A count of zero is shown: it names nobody.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from django.db.models import (
    BooleanField,
    Case,
    CharField,
    Count,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    FloatField,
    Func,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
    Window,
)
from django.db.models.fields.json import KeyTextTransform, KeyTransform
from django.db.models.functions import Cast, Coalesce, CumeDist, TruncMonth
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from advisor.advice.answers import HIGH_STRAIN_SIGNALS
from advisor.advice.formats import number
from advisor.checkins.models import CheckIn
from advisor.counsel.models import AuditEvent, Review, archetype_label
from advisor.plans.models import Plan
from profiles.models import Submission

# The fewest members a shown figure may rest on.
MIN_MEMBERS = 5
# Where a hidden count stands, in the CSV.
HIDDEN = "<5"


@dataclass(frozen=True)
class Period:
    """Whole months, from the first day of `first` to the end of `last` in the site's
    time zone; None leaves that end open."""

    first: date | None = None
    last: date | None = None

    @property
    def start(self) -> datetime | None:
        return _month_start(self.first) if self.first else None

    @property
    def end(self) -> datetime | None:
        return _month_start(_next_month(self.last)) if self.last else None

    def filter(self, rows: QuerySet, field_name: str) -> QuerySet:
        if self.start:
            rows = rows.filter(**{f"{field_name}__gte": self.start})
        if self.end:
            rows = rows.filter(**{f"{field_name}__lt": self.end})
        return rows


def _month_start(day: date) -> datetime:
    return timezone.make_aware(datetime(day.year, day.month, 1))


def _next_month(day: date) -> date:
    return date(day.year + day.month // 12, day.month % 12 + 1, 1)


@dataclass
class Row:
    """One line of a table: its key (a month, a slug, a bucket), its label in the reader's
    language, and its figures; None for a figure hidden as resting on too few members."""

    key: str
    label: str
    values: list[float | None]
    unit: str = ""  # "" for counts; "hours"

    @property
    def hidden(self) -> bool:
        return all(value is None for value in self.values)

    @property
    def shown(self) -> list[str]:
        """The figures as the page shows them, in the reader's language."""
        return [shown(value, self.unit) for value in self.values]


def shown(value: float | None, unit: str = "") -> str:
    if value is None:
        return _("fewer than %(count)d") % {"count": MIN_MEMBERS}
    if unit == "hours":
        return _hours(value)
    return number(value)


@dataclass
class Table:
    """The figures of one chart, as the page's table and the CSV show them."""

    key: str
    title: str
    head: str  # the first column's heading
    columns: list[str]
    rows: list[Row] = field(default_factory=list)
    note: str = ""  # how the figures were counted, under the table

    @property
    def empty(self) -> bool:
        return not self.rows or all(row.hidden for row in self.rows)


def _hours(value: float) -> str:
    if value >= 48:
        days = round(value / 24, 1)
        shown = f"{days:.1f}".rstrip("0").rstrip(".")
        return ngettext("%(count)s day", "%(count)s days", 1 if days == 1 else 2) % {"count": shown}
    shown = f"{value:.1f}".rstrip("0").rstrip(".")
    return ngettext("%(count)s hour", "%(count)s hours", 1 if value == 1 else 2) % {"count": shown}


def _small(count: int) -> bool:
    return 0 < count < MIN_MEMBERS


# --- Over time ---------------------------------------------------------------


def over_time(period: Period) -> Table:
    """Per month: members who submitted, their submissions (edits count), and plan
    versions written. Two queries."""
    submissions = (
        period.filter(Submission.objects.order_by(), "created_at")
        .annotate(month=TruncMonth("created_at"))
        .values("month")
        .annotate(members=Count("owner", distinct=True), count=Count("pk"))
    )
    plans = (
        period.filter(Plan.objects.order_by(), "created_at")
        .annotate(month=TruncMonth("created_at"))
        .values("month")
        .annotate(members=Count("submission__owner", distinct=True), count=Count("pk"))
    )
    by_month: dict[tuple[int, int], list[int]] = {}
    for found in submissions:
        by_month.setdefault(_month_key(found["month"]), [0, 0, 0, 0])[:2] = [
            found["members"],
            found["count"],
        ]
    for found in plans:
        by_month.setdefault(_month_key(found["month"]), [0, 0, 0, 0])[2:] = [
            found["members"],
            found["count"],
        ]
    table = Table(
        "over_time",
        _("Submissions and plans by month"),
        _("Month"),
        [_("Members who submitted"), _("Submissions"), _("Plans written")],
        note=_(
            "Submissions count every edit of the answers; plans count every version, by "
            "the month it was started. A month's figures are hidden where fewer than "
            "%(count)d members stand behind them."
        )
        % {"count": MIN_MEMBERS},
    )
    for year, month in _months(by_month, period):
        submitters, submitted, planners, planned = by_month.get((year, month), [0, 0, 0, 0])
        hide_submissions, hide_plans = _small(submitters), _small(planners)
        table.rows.append(
            Row(
                f"{year:04d}-{month:02d}",
                f"{year:04d}-{month:02d}",
                [
                    None if hide_submissions else submitters,
                    None if hide_submissions else submitted,
                    None if hide_plans else planned,
                ],
            )
        )
    return table


def _month_key(value) -> tuple[int, int]:
    if isinstance(value, datetime) and timezone.is_aware(value):
        value = timezone.localtime(value)
    return value.year, value.month


def _months(found: Iterable[tuple[int, int]], period: Period) -> list[tuple[int, int]]:
    """Every month of the period, or from the first month with data to the last."""
    keys = sorted(found)
    first = (period.first.year, period.first.month) if period.first else (keys or [None])[0]
    last = (period.last.year, period.last.month) if period.last else (keys or [None])[-1]
    if first is None or last is None:
        return []
    months = []
    year, month = first
    while (year, month) <= last:
        months.append((year, month))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


# --- Each member once ----------------------------------------------------------


def latest_submissions(period: Period) -> QuerySet:
    """Each member's latest submission in the period: the distributions count each
    member once, as they last answered."""
    submissions = period.filter(Submission.objects.order_by(), "created_at")
    newer = period.filter(Submission.objects.order_by(), "created_at").filter(
        Q(created_at__gt=OuterRef("created_at"))
        | Q(created_at=OuterRef("created_at"), pk__gt=OuterRef("pk")),
        owner=OuterRef("owner"),
    )
    return submissions.filter(~Exists(newer))


def latest_plans(period: Period) -> QuerySet:
    """Each member's latest plan written in the period (started in it, and ready)."""
    plans = period.filter(Plan.objects.order_by(), "created_at").filter(status=Plan.Status.READY)
    newer = plans.filter(
        Q(created_at__gt=OuterRef("created_at"))
        | Q(created_at=OuterRef("created_at"), pk__gt=OuterRef("pk")),
        submission__owner=OuterRef("submission__owner"),
    )
    return plans.filter(~Exists(newer))


# --- The mix of paths ------------------------------------------------------------

NO_CLOSE_PATH = ""
OTHER = "other"


def paths(period: Period) -> Table:
    """The path each member's latest plan leads with: the archetype it was written for,
    or none where no path fitted well. One query."""
    path = Case(
        When(content__close=False, then=Value(NO_CLOSE_PATH)),
        default=F("archetype"),
        output_field=CharField(),
    )
    counts = _count_by(latest_plans(period).annotate(path=path), "path")
    return _members_table(
        "paths",
        _("The mix of paths"),
        _("Path"),
        merge_small_categories(counts, _path_label),
        _(
            "Each member once, by the path their latest plan in these months leads with. "
            "Paths of fewer than %(count)d members are counted together as “Other paths”."
        )
        % {"count": MIN_MEMBERS},
    )


def _count_by(rows: QuerySet, name: str) -> dict[str, int]:
    """How many rows have each value of `name`: one query."""
    return dict(rows.values(name).annotate(members=Count("pk")).values_list(name, "members"))


def _members_table(
    key: str, title: str, head: str, merged: list[tuple[str, str, int | None]], note: str
) -> Table:
    rows = [Row(row_key, label, [count]) for row_key, label, count in merged]
    return Table(key, title, head, [_("Members")], rows, note)


def _path_label(slug: str) -> str:
    if slug == NO_CLOSE_PATH:
        return _("No close path yet")
    if slug == OTHER:
        return _("Other paths")
    return archetype_label(slug)


def merge_small_categories(
    counts: dict[str, int], label: Callable[[str], str]
) -> list[tuple[str, str, int | None]]:
    """(key, label, count) for each category, largest first, with those of fewer than
    MIN_MEMBERS counted together under OTHER, last. While that group is itself too
    small, the smallest category shown joins it. A total under MIN_MEMBERS shows
    nothing."""
    shown = {key: count for key, count in counts.items() if count >= MIN_MEMBERS}
    other = sum(count for key, count in counts.items() if key not in shown)
    while _small(other) and shown:
        smallest = min(shown, key=lambda key: (shown[key], key))
        other += shown.pop(smallest)
    if _small(other):
        return [(OTHER, label(OTHER), None)]
    rows = [
        (key, label(key), count)
        for key, count in sorted(shown.items(), key=lambda item: (-item[1], item[0]))
    ]
    if other:
        rows.append((OTHER, label(OTHER), other))
    return rows


# --- Ordered scales: strain and runway --------------------------------------------


@dataclass(frozen=True)
class Bucket:
    key: str
    label: Callable[[], str]


def merge_small_buckets(
    buckets: Sequence[Bucket], counts: dict[str, int], label: Callable[[int, int], str]
) -> list[tuple[str, str, int | None]]:
    """(key, label, count) for runs of neighbouring buckets of an ordered scale: a
    bucket of fewer than MIN_MEMBERS joins its neighbour (the smaller one), until none
    is too small; empty buckets between them join too. `label(first, last)` names a run
    by the indexes of its first and last bucket. A total under MIN_MEMBERS shows
    nothing."""
    runs = [[i, i, counts.get(bucket.key, 0)] for i, bucket in enumerate(buckets)]
    while True:
        small = [run for run in runs if _small(run[2])]
        filled = [run for run in runs if run[2]]
        if not small or len(filled) < 2:
            break
        run = min(small, key=lambda r: (r[2], r[0]))
        at = runs.index(run)
        left = next((i for i in range(at - 1, -1, -1) if runs[i][2]), None)
        right = next((i for i in range(at + 1, len(runs)) if runs[i][2]), None)
        if left is None or (right is not None and runs[right][2] < runs[left][2]):
            lo, hi = at, right
        else:
            lo, hi = left, at
        merged = [runs[lo][0], runs[hi][1], sum(r[2] for r in runs[lo : hi + 1])]
        runs[lo : hi + 1] = [merged]
    if sum(run[2] for run in runs) < MIN_MEMBERS and any(run[2] for run in runs):
        return [("all", label(0, len(buckets) - 1), None)]
    return [
        (
            "_".join(b.key for b in buckets[first : last + 1]),
            label(first, last),
            None if _small(count) else count,
        )
        for first, last, count in runs
    ]


class JSONArrayLength(Func):
    """The length of the JSON array under `key` of a JSON field; NULL where there is none."""

    output_field = IntegerField()

    def __init__(self, field_name: str, key: str):
        # SQLite reads the array by its path in the column; PostgreSQL by the key's value.
        super().__init__(F(field_name), Value(f'$."{key}"'), KeyTransform(key, field_name))

    def as_sqlite(self, compiler, connection, **extra):
        column, path, _key = self.get_source_expressions()
        column_sql, column_params = compiler.compile(column)
        path_sql, path_params = compiler.compile(path)
        return f"JSON_ARRAY_LENGTH({column_sql}, {path_sql})", (*column_params, *path_params)

    def as_sql(self, compiler, connection, **extra):
        _column, _path, key = self.get_source_expressions()
        key_sql, key_params = compiler.compile(key)
        return f"JSONB_ARRAY_LENGTH({key_sql})", key_params


STRAIN = [
    Bucket("none", lambda: _("No strain signals")),
    Bucket("some", lambda: _("One or two strain signals")),
    Bucket("high", lambda: _("High strain")),
]


def with_strain_level(submissions: QuerySet) -> QuerySet:
    """Each submission's strain, as `Answers.strain_is_high` reads it, worked out in the
    database: high for fainting or illness, HIGH_STRAIN_SIGNALS signals or more, or a
    wish for a long break; otherwise by the number of signals ticked."""
    return submissions.annotate(
        ticked=Coalesce(JSONArrayLength("answers", "strain_signals"), 0),
        # The list as JSON text, where a value is found by its quoted name on every
        # database (SQLite has no operator for "the array holds").
        listed=KeyTextTransform("strain_signals", "answers"),
    ).annotate(
        level=Case(
            When(listed__contains='"fainted_or_ill"', then=Value("high")),
            When(answers__need_break="long", then=Value("high")),
            When(ticked__gte=HIGH_STRAIN_SIGNALS, then=Value("high")),
            When(ticked__gte=1, then=Value("some")),
            default=Value("none"),
            output_field=CharField(),
        )
    )


def _range_label(buckets: Sequence[Bucket]) -> Callable[[int, int], str]:
    def label(first: int, last: int) -> str:
        if first == last:
            return buckets[first].label()
        return _("%(first)s to %(last)s") % {
            "first": buckets[first].label(),
            "last": buckets[last].label(),
        }

    return label


def strain(period: Period) -> Table:
    """Members by strain, as they last answered in the period. One query."""
    counts = _count_by(with_strain_level(latest_submissions(period)), "level")
    return _members_table(
        "strain",
        _("Strain"),
        _("Strain"),
        merge_small_buckets(STRAIN, counts, _range_label(STRAIN)),
        _(
            "Each member once, as they last answered in these months. High strain is "
            "fainting or illness, three signals or more, or a wish for a long break, as "
            "the review queue flags it. A level of fewer than %(count)d members is "
            "counted with its neighbour."
        )
        % {"count": MIN_MEMBERS},
    )


# Runway buckets by their lower bound in months; the last is open (it takes in a runway
# that other income makes endless: money.RUNWAY_CAP_MONTHS).
RUNWAY_BOUNDS = [0, 3, 6, 12, 24]


def _runway_label(first: int, last: int) -> str:
    low = RUNWAY_BOUNDS[first]
    high = RUNWAY_BOUNDS[last + 1] if last + 1 < len(RUNWAY_BOUNDS) else None
    if high is None and low == 0:
        return _("Any runway")
    if high is None:
        return _("%(low)d months or more") % {"low": low}
    if low == 0:
        return _("Under %(high)d months") % {"high": high}
    return _("%(low)d to under %(high)d months") % {"low": low, "high": high}


RUNWAY = [Bucket(f"{low}", lambda i=i: _runway_label(i, i)) for i, low in enumerate(RUNWAY_BOUNDS)]


def runway(period: Period) -> Table:
    """Members by runway (how long their money lasts without a salary), as their latest
    submission's newest plan worked it out with the money model. One query."""
    months = Subquery(
        Plan.objects.filter(submission=OuterRef("pk"), status=Plan.Status.READY)
        .order_by("-version")
        .annotate(months=Cast(KeyTextTransform("runway_months", "content"), FloatField()))
        .values("months")[:1]
    )
    whens = [
        When(months__lt=RUNWAY_BOUNDS[i + 1], then=Value(bucket.key))
        for i, bucket in enumerate(RUNWAY[:-1])
    ]
    bucket = Case(*whens, default=Value(RUNWAY[-1].key), output_field=CharField())
    known = latest_submissions(period).annotate(months=months).filter(months__isnull=False)
    counts = _count_by(known.annotate(bucket=bucket), "bucket")
    return _members_table(
        "runway",
        _("Runway"),
        _("Months the money lasts without a salary"),
        merge_small_buckets(RUNWAY, counts, _runway_label),
        _(
            "Each member once, as they last answered in these months, with the runway "
            "their plan worked out (members whose plan is not written yet are not "
            "counted). A range of fewer than %(count)d members is counted with its "
            "neighbour."
        )
        % {"count": MIN_MEMBERS},
    )


# --- Time to first review ------------------------------------------------------------


def first_review(period: Period) -> Table:
    """How long reviews opened in the period waited for their first "reviewed": the
    median and the 90th percentile, in hours. Three queries."""
    reviewed = AuditEvent.objects.filter(
        submission=OuterRef("submission"),
        action=AuditEvent.Action.STATUS,
        detail__endswith=f"→ {Review.Status.REVIEWED}",
        # A review opened again after consent was withdrawn starts afresh.
        created_at__gte=OuterRef("created_at"),
    ).order_by("created_at")
    reviews = period.filter(Review.objects.order_by(), "created_at").annotate(
        first_reviewed=Subquery(reviewed.values("created_at")[:1])
    )
    done = Q(first_reviewed__isnull=False)
    totals = reviews.aggregate(
        opened=Count("pk"),
        opened_by=Count("submission__owner", distinct=True),
        reviewed=Count("pk", filter=done),
        reviewed_by=Count("submission__owner", distinct=True, filter=done),
    )
    waits = reviews.filter(done).annotate(
        took=ExpressionWrapper(F("first_reviewed") - F("created_at"), output_field=DurationField())
    )
    enough = totals["reviewed_by"] >= MIN_MEMBERS
    median = _percentile(waits, 0.5) if enough else None
    p90 = _percentile(waits, 0.9) if enough else None
    waiting = totals["opened"] - totals["reviewed"]
    table = Table(
        "first_review",
        _("Time to first review"),
        _("Figure"),
        [_("Value")],
        note=_(
            "Reviews opened in these months (at submit, or when the member allowed a "
            "review later), timed from then to the first move to “Reviewed”, time "
            "awaiting the member included. The median and the 90th percentile are the "
            "nearest ranks. Hidden where fewer than %(count)d members stand behind them."
        )
        % {"count": MIN_MEMBERS},
    )
    table.rows = [
        Row("opened", _("Reviews opened"), [_hidden_if_few(totals["opened"], totals["opened_by"])]),
        Row("reviewed", _("Reviewed"), [_hidden_if_few(totals["reviewed"], totals["reviewed_by"])]),
        Row("waiting", _("Not reviewed yet"), [None if _small(waiting) else waiting]),
        Row("median_hours", _("Median time to first review"), [median], "hours"),
        Row("p90_hours", _("90th percentile"), [p90], "hours"),
    ]
    return table


def _hidden_if_few(count: int, members: int) -> int | None:
    return None if _small(members) else count


def _percentile(waits: QuerySet, share: float) -> float | None:
    """The nearest-rank percentile of the waits, in hours: the shortest wait that at
    least `share` of them took no longer than. One query."""
    took = (
        waits.annotate(rank=Window(CumeDist(), order_by=F("took").asc()))
        .filter(rank__gte=share)
        .order_by("took")
        .values_list("took", flat=True)
        .first()
    )
    return None if took is None else round(took.total_seconds() / 3600, 1)


# --- Check-in answers by path ----------------------------------------------------------


def latest_checkins(period: Period) -> QuerySet:
    """Each member's latest answered check-in in the period, with what `checkins_by_path`
    counts: the path of the plan checked in on ("" for none), and whether they said they
    had made the move, are earning, and show fewer signs of strain than when that plan
    was written (stored with the answers: advisor.members.checkins.answer)."""
    answered = period.filter(CheckIn.objects.order_by(), "answered_at").exclude(answered_at=None)
    newer = answered.filter(
        Q(answered_at__gt=OuterRef("answered_at"))
        | Q(answered_at=OuterRef("answered_at"), pk__gt=OuterRef("pk")),
        member=OuterRef("member"),
    )

    def said(condition: Q) -> ExpressionWrapper:
        return ExpressionWrapper(condition, output_field=BooleanField())

    return answered.filter(~Exists(newer)).annotate(
        path=Coalesce(F("plan__archetype"), Value("")),
        moved_on=said(Q(answers__progress=CheckIn.Progress.MOVED)),
        earning=said(Q(answers__earning=True)),
        strain_down=said(Q(answers__strain_down=True)),
    )


def checkins(period: Period) -> Table:
    return checkins_by_path(latest_checkins(period))


def checkins_by_path(checkins: QuerySet) -> Table:
    """What members said at their check-ins, by path: how many have moved on, are
    earning, and feel less strain. One query.

    `checkins` is any queryset with one row a member (their latest check-in:
    `latest_checkins`) and these names, as fields or annotations: `path` (the archetype
    slug their plan follows, "" for none), `moved_on`, `earning` and `strain_down`
    (booleans). Paths of fewer than MIN_MEMBERS members are counted together, as in
    `paths`."""
    found = (
        checkins.order_by()
        .values("path")
        .annotate(
            members=Count("pk"),
            moved_on=Count("pk", filter=Q(moved_on=True)),
            earning=Count("pk", filter=Q(earning=True)),
            strain_down=Count("pk", filter=Q(strain_down=True)),
        )
    )
    by_path = {row["path"]: row for row in found}
    table = Table(
        "checkins",
        _("Check-in answers by path"),
        _("Path"),
        [_("Members"), _("Moved on"), _("Earning"), _("Strain down")],
        note=_(
            "Each member once, by their latest check-in. Paths of fewer than %(count)d "
            "members are counted together as “Other paths”."
        )
        % {"count": MIN_MEMBERS},
    )
    merged = merge_small_categories({p: row["members"] for p, row in by_path.items()}, _path_label)
    figures = ("members", "moved_on", "earning", "strain_down")
    for key, label, count in merged:
        if count is None:
            table.rows.append(Row(key, label, [None] * len(figures)))
            continue
        group = [by_path[key]] if key in by_path and key != OTHER else _rest(by_path, merged)
        table.rows.append(Row(key, label, [sum(row[f] for row in group) for f in figures]))
    return table


def _rest(by_path: dict, merged: list[tuple[str, str, int | None]]) -> list[dict]:
    """The paths counted together as OTHER: those not shown on a line of their own."""
    named = {key for key, _label, _count in merged if key != OTHER}
    return [row for path, row in by_path.items() if path not in named]
