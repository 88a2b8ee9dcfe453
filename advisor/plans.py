"""Plans: written from a person's own answers, one section at a time.

`build()` is pure: answers in, the plan's content out (plain JSON data, in the active
language). `generate()` is what the Celery task runs: it claims a queued plan, builds it,
renders the PDF, stores both and emails the member, and is safe to run twice.
"""

from __future__ import annotations

import math
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from advisor import catalogue, matching
from advisor.catalogue import Archetype, Benchmark
from advisor.mail import email_member
from advisor.models import Note, Plan, PlanPDF
from profiles import questionnaire
from profiles.formats import is_chinese, number, us_dollars, yuan

STANDARD_WEEK = 40  # hours
OVERTIME_CAP_MONTH = 36  # hours a month, Labour Law of the PRC, article 41
WEEKS_PER_MONTH = 52 / 12
RESERVE_MONTHS = 3  # savings a rest never touches
REST_WANTED = {"long": 6, "short": 1, "no": 1}  # months; Li Jing took six


@dataclass
class Section:
    key: str
    title: str
    paragraphs: list[str] = field(default_factory=list)
    items: list[str] = field(default_factory=list)
    milestones: list[dict[str, Any]] = field(default_factory=list)


def strain_is_high(answers: Mapping[str, Any]) -> bool:
    signals = answers.get("strain_signals", [])
    return "fainted_or_ill" in signals or len(signals) >= 3 or answers.get("need_break") == "long"


def rest_months(answers: Mapping[str, Any]) -> int:
    """The rest a person can afford: what they want, what they said they could take, and
    what their savings allow once a reserve is put aside."""
    if not strain_is_high(answers):
        return 0
    affordable = max(0, answers.get("savings_months", 0) - RESERVE_MONTHS)
    wanted = REST_WANTED.get(answers.get("need_break", "no"), 1)
    return min(wanted, answers.get("months_off", 0), affordable)


def overtime_per_month(hours_per_week: int) -> float:
    return round(max(0, hours_per_week - STANDARD_WEEK) * WEEKS_PER_MONTH, 1)


def _quote(answers: Mapping[str, Any], key: str) -> str:
    return questionnaire.QUESTIONS[key].display(answers[key])


def _months(count: int) -> str:
    return ngettext("%(count)d month", "%(count)d months", count) % {"count": count}


def _match_section(answers, archetype: Archetype, result: matching.Result) -> Section:
    match = next(m for m in result.matches if m.archetype.slug == archetype.slug)
    section = Section("match", _("The match and why"))
    section.paragraphs.append(
        _("%(name)s: %(score)d / 100, %(fit)s. %(summary)s")
        % {
            "name": archetype.name,
            "score": match.score,
            "fit": match.fit_label.lower(),
            "summary": archetype.summary,
        }
    )
    if result.best.archetype.slug != archetype.slug:
        section.paragraphs.append(
            _(
                "Your counsellor chose this path for you; the best match on your answers "
                "alone was %(best)s."
            )
            % {"best": result.best.archetype.name}
        )
    section.items = [f.sentence for f in match.raised[:4]] + [f.sentence for f in match.lowered[:2]]
    if result.runner_up and result.best is match:
        section.paragraphs.append(result.runner_up.sentence)
    if result.confidence.level != "high":
        section.paragraphs.append(result.confidence.sentence)
    section.paragraphs.append(str(archetype.description))
    return section


def _rest_section(answers, rest: int) -> Section | None:
    if not strain_is_high(answers):
        return None
    section = Section("rest", _("Rest and reflection first"))
    signals = answers.get("strain_signals", [])
    if signals:
        section.paragraphs.append(
            _(
                "You told us: %(signals)s. This is not a diagnosis; it is a reason to stop "
                "before you start."
            )
            % {"signals": _quote(answers, "strain_signals")}
        )
    savings = answers.get("savings_months", 0)
    section.paragraphs.append(
        _(
            "Sizing it to your runway: your savings cover %(savings)s; keep %(reserve)s in "
            "reserve, which leaves %(affordable)s. You said you could take %(off)s off. "
            "Rest: %(rest)s."
        )
        % {
            "savings": _months(savings),
            "reserve": _months(RESERVE_MONTHS),
            "affordable": _months(max(0, savings - RESERVE_MONTHS)),
            "off": _months(answers.get("months_off", 0)),
            "rest": _months(rest),
        }
    )
    if rest:
        section.paragraphs.append(
            _(
                "Li Jing spent six months in self-reflection after she left, and called rest "
                "important for someone “running non-stop for years”. Plan nothing else for "
                "this time: sleep, see people, walk, and write down what you want next."
            )
        )
        section.items = [
            _("Month 1: stop. No plans, no job boards."),
            _("Then: one conversation a week with someone whose work you envy."),
            _("Last month: write down what you want your next working week to look like."),
        ]
    else:
        section.paragraphs.append(
            _(
                "Your savings do not allow months off yet. Take your annual leave in one "
                "block now, keep evenings and one full weekend day free of work, and build "
                "the reserve first."
            )
        )
    return section


def _milestones_section(answers, archetype: Archetype, rest: int) -> Section:
    skills = set(answers.get("skills", []))
    section = Section("milestones", _("30, 60 and 90 days"))
    if rest:
        section.paragraphs.append(
            _("The days count from the end of your rest, %(rest)s from now.")
            % {"rest": _months(rest)}
        )
    for milestone in archetype.milestones:
        if milestone.unless_skill is None or milestone.unless_skill not in skills:
            section.milestones.append({"day": milestone.day, "text": str(milestone.text)})
    return section


def _money_section(answers, archetype: Archetype, rest: int) -> Section:
    savings = answers["savings_months"]
    floor = answers["income_floor"]
    dependants = answers["dependants"]
    section = Section("money", _("Money"))
    left = max(0, savings - rest)
    section.paragraphs.append(
        _(
            "Runway: your savings cover %(savings)s of expenses. After %(rest)s of rest, "
            "%(left)s remain before the new path must pay you."
        )
        % {"savings": _months(savings), "rest": _months(rest), "left": _months(left)}
    )
    if floor:
        section.paragraphs.append(
            _("Your income floor is %(month)s a month: %(year)s a year.")
            % {"month": yuan(floor), "year": yuan(floor * 12)}
        )
    if dependants:
        section.paragraphs.append(
            ngettext(
                "%(count)d person depends on your income: count their needs in that floor.",
                "%(count)d people depend on your income: count their needs in that floor.",
                dependants,
            )
            % {"count": dependants}
        )
    if left < 6:
        section.paragraphs.append(
            _(
                "Less than six months of runway is thin for a change: keep a salary, or build "
                "the runway before you leap."
            )
        )
    keys = {b.key for b in archetype.benchmarks}
    if {"revenue", "clients"} <= keys and floor:
        per_client = archetype.benchmark("revenue").value / archetype.benchmark("clients").value
        needed = math.ceil(floor * 12 / per_client)
        section.paragraphs.append(
            _(
                "Target: Natural Flow earned about %(per)s a year per client "
                "(%(revenue)s from %(clients)d clients). At that rate your floor of %(year)s "
                "needs %(needed)d paying clients, before costs."
            )
            % {
                "per": yuan(per_client),
                "revenue": yuan(archetype.benchmark("revenue").value),
                "clients": archetype.benchmark("clients").value,
                "year": yuan(floor * 12),
                "needed": needed,
            }
        )
    section.items = [benchmark_text(b) for b in archetype.benchmarks]
    return section


def benchmark_text(benchmark: Benchmark) -> str:
    value = benchmark.value
    if benchmark.unit == "yuan":
        amount = yuan(value)
    elif benchmark.unit == "US$":
        amount = us_dollars(value)
    elif benchmark.unit == "%":
        amount = f"{value:g}%"
    else:
        amount = number(value)
    if is_chinese():
        return f"{benchmark.label}：{amount}"  # 一年的营收：1000万元
    return f"{amount} {benchmark.label}"  # 10,000,000 yuan of revenue in a year


def _risks_section(answers, archetype: Archetype) -> Section:
    section = Section("risks", _("Risks, and how to meet them"))
    section.items = [f"{risk.title}: {risk.how}" for risk in archetype.risks]
    if answers.get("political_risk_concern") == "high" and archetype.slug == "returnee_engineer":
        section.paragraphs.append(
            _(
                "You rate your concern about political risk high: weigh the risks below "
                "before any offer."
            )
        )
    if answers.get("has_audience") == "yes":
        section.items.append(
            _(
                "Your audience lives on %(platforms)s: keep a way to reach them that no "
                "platform controls."
            )
            % {"platforms": _quote(answers, "audience_platforms")}
        )
    if answers.get("savings_months", 0) < 6:
        section.items.append(
            _(
                "Runway: with %(savings)s of savings, a bad quarter ends the attempt. Build "
                "the reserve first."
            )
            % {"savings": _months(answers.get("savings_months", 0))}
        )
    return section


def _rights_section(answers) -> Section:
    hours = answers["hours_per_week"]
    overtime_week = max(0, hours - STANDARD_WEEK)
    monthly = overtime_per_month(hours)
    section = Section("rights", _("Your rights"))
    section.paragraphs.append(
        _(
            "Chinese labour law sets a standard week of %(standard)d hours and caps overtime "
            "at %(cap)d hours a month."
        )
        % {"standard": STANDARD_WEEK, "cap": OVERTIME_CAP_MONTH}
    )
    section.paragraphs.append(
        _(
            "You work %(hours)d hours a week: %(hours)d - %(standard)d = %(week)d hours of "
            "overtime a week; times 52 weeks, divided by 12 months, = %(month)s hours a month."
        )
        % {
            "hours": hours,
            "standard": STANDARD_WEEK,
            "week": overtime_week,
            "month": f"{monthly:g}",
        }
    )
    if monthly > OVERTIME_CAP_MONTH:
        section.paragraphs.append(
            _(
                "That is %(times)s times the legal cap of %(cap)d hours. 996, 72 hours a "
                "week, is illegal, as China's Supreme People's Court and the Ministry of "
                "Human Resources and Social Security said in 2021."
            )
            % {"times": f"{monthly / OVERTIME_CAP_MONTH:.1f}", "cap": OVERTIME_CAP_MONTH}
        )
        section.items = [
            _("Keep a record of your real hours: dates, start, end, and messages after hours."),
            _(
                "Overtime must be paid: 150% on working days, 200% on rest days, 300% on "
                "public holidays."
            ),
        ]
    else:
        section.paragraphs.append(_("That is within the legal cap."))
    return section


def _resources_section(archetype: Archetype) -> Section:
    section = Section("resources", _("Resources"))
    section.items = [str(r.title) + (f" ({r.url})" if r.url else "") for r in archetype.resources]
    return section


def _notes_section(notes: Sequence[str]) -> Section | None:
    if not notes:
        return None
    return Section("notes", _("Your counsellor's notes"), items=list(notes))


def build(
    *, answers: Mapping[str, Any], archetype: str | None = None, notes: Sequence[str] = ()
) -> dict[str, Any]:
    """The plan for a complete, valid answer set, in the active language.

    `archetype` is the slug to write it for (a counsellor's choice); the best match when
    None. `notes` are the counsellor's notes shared with the member.
    """
    result = matching.rank(answers)
    chosen = catalogue.by_slug(archetype) if archetype else result.best.archetype
    if chosen is None:
        raise ValueError(f"There is no archetype “{archetype}”.")
    rest = rest_months(answers)
    sections = [
        _match_section(answers, chosen, result),
        _rest_section(answers, rest),
        _milestones_section(answers, chosen, rest),
        _money_section(answers, chosen, rest),
        _risks_section(answers, chosen),
        _rights_section(answers),
        _resources_section(chosen),
        _notes_section(notes),
    ]
    return {
        "archetype": chosen.slug,
        "name": str(chosen.name),
        "rest_months": rest,
        "sections": [vars(s) for s in sections if s is not None],
    }


# --- Making a plan in the worker -----------------------------------------------------


def render_pdf(plan: Plan) -> bytes:
    from weasyprint import HTML

    with translation.override(plan.language):
        html = render_to_string("advisor/plan_pdf.html", {"plan": plan, "content": plan.content})
    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()


def generate(plan_id) -> str:
    """Build, render and store one plan; safe to run again for the same plan."""
    plan = Plan.objects.claim(plan_id)
    if plan is None:
        return "nothing to do"
    if settings.PLAN_TEST_PAUSE:
        time.sleep(settings.PLAN_TEST_PAUSE)  # fault-injection tests kill the worker here
    notes = []
    if plan.submission.consent_review:  # only a reviewed submission can have notes
        shared = Note.objects.filter(submission_id=plan.submission_id, shared=True)
        notes = list(shared.values_list("text", flat=True))
    with translation.override(plan.language):
        plan.content = build(answers=plan.submission.answers, archetype=plan.archetype, notes=notes)
    pdf = render_pdf(plan) if settings.PLAN_PDF else None
    if pdf is None:
        finished = Plan.objects.finish(plan)
    else:
        with transaction.atomic():  # the plan is ready only with its PDF
            finished = Plan.objects.finish(plan)
            if finished:
                PlanPDF.objects.create(plan=plan, data=pdf)
    if not finished:
        return "finished by another delivery"
    _email_ready(plan)
    return "ready"


def fail(plan_id, message) -> None:
    fail_all(Plan.objects.filter(pk=plan_id), message)


def fail_all(plans: QuerySet[Plan], message) -> None:
    """Mark these plans failed, unless ready, saying why (`message` is lazy) in each plan's
    own language: one UPDATE per language, however many plans."""
    unfinished = plans.exclude(status=Plan.Status.READY)
    for language in unfinished.order_by().values_list("language", flat=True).distinct():
        with translation.override(language):
            error = str(message)
        unfinished.filter(language=language).update(
            status=Plan.Status.FAILED, error=error, finished_at=timezone.now()
        )


def _email_ready(plan: Plan) -> None:
    email_member(
        plan.submission.owner,
        language=plan.language,
        subject=gettext_lazy("Your Leap plan is ready"),
        template="advisor/plan_ready_email.txt",
        context={"plan": plan, "url": settings.SITE_URL + reverse("plan", args=[plan.pk])},
    )
