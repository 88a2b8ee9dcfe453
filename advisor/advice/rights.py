"""A person's rights at work, by the law of the place they work. Pure.

Mainland law, Hong Kong's Employment Ordinance, Taiwan's Labor Standards Act, or a
pointer to the labour authority of another country: never mainland overtime arithmetic
for someone who works elsewhere. The arithmetic of hours against a legal cap appears
only where a law caps them (mainland and Taiwan) and for the hours system it counts
(standard hours). Every figure comes from advisor/advice/law/.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from advisor.advice import law
from profiles.answers import Answers

WEEKS_PER_MONTH = 52 / 12
COUNTRY_AUTHORITY = {
    "us": "us",
    "uk": "uk",
    "germany": "de",
    "singapore": "sg",
    "japan": "jp",
    "canada": "ca",
    "australia": "au",
    "new_zealand": "nz",
}
COUNTRY_FACTS = {
    "us": ("us.overtime.flsa", "us.overtime.computer_exemption"),
    "uk": ("uk.hours.48_hour_average",),
    "singapore": ("sg.hours.part_iv_overtime",),
    "japan": ("jp.hours.statutory", "jp.overtime.36_agreement"),
    "canada": ("ca.jurisdiction.federal_labour_program",),
    "australia": ("au.hours.nes_38",),
    "new_zealand": ("nz.hours.agreement_40",),
}


@dataclass
class Rights:
    title: str
    paragraphs: list[str] = field(default_factory=list)
    items: list[str] = field(default_factory=list)
    facts: list[str] = field(default_factory=list)
    # Hours against the cap, for a picture: (hours a month, legal cap a month) or None.
    overtime: tuple[float, int] | None = None

    def state(self, key: str) -> None:
        """Say a fact as the law file words it, and cite it."""
        self.paragraphs.append(str(law.fact(key).says))
        self.cite(key)

    def cite(self, *keys: str) -> None:
        self.facts += [k for k in keys if k not in self.facts]


def overtime_per_month(hours_per_week: float, standard_week: float) -> float:
    return round(max(0.0, hours_per_week - standard_week) * WEEKS_PER_MONTH, 1)


def _days_worked(person: Answers) -> int:
    return 5 + int(person.raw.get("weekend_days_worked", "0") or 0)


# --- Mainland ---------------------------------------------------------------------


def _mainland(person: Answers, rights: Rights) -> None:
    standard = law.fact("cn.hours.standard_40h")
    limits = law.fact("cn.overtime.limits")
    pay = law.fact("cn.overtime.pay_rates")
    week = standard["hours_per_week"]
    cap = limits["max_extension_hours_per_month"]
    if person.employment_status == "self_employed":
        # Hours and overtime law protects employees: for someone who works for themselves
        # the rules are worth one sentence, for the day they hire.
        rights.paragraphs.append(
            _(
                "Mainland law's limits on working hours (%(day)d hours a day, %(week)d a "
                "week) and its overtime pay protect employees. Working for yourself, they do "
                "not cover you; they do cover anyone you hire."
            )
            % {"day": standard["hours_per_day"], "week": week}
        )
        rights.cite("cn.hours.standard_40h", "cn.overtime.pay_rates")
        return
    rights.paragraphs.append(
        _(
            "Mainland law sets the working week at %(day)d hours a day and %(week)d a week "
            "(the State Council's rules; the Labour Law itself caps the average week at "
            "%(labour_law)d hours), with at least one day of rest each week. Overtime needs "
            "consultation with you and the union; it is normally at most %(normal)d hour a "
            "day, at most %(special)d for special reasons, and never more than %(cap)d hours "
            "a month."
        )
        % {
            "day": standard["hours_per_day"],
            "week": week,
            "labour_law": law.fact("cn.hours.standard_labour_law")["max_avg_hours_per_week"],
            "normal": limits["normal_max_extension_hours_per_day"],
            "special": limits["special_max_extension_hours_per_day"],
            "cap": cap,
        }
    )
    rights.cite(
        "cn.hours.standard_40h",
        "cn.hours.standard_labour_law",
        "cn.hours.weekly_rest_day",
        "cn.overtime.limits",
    )
    rights.paragraphs.append(
        _(
            "Overtime pay is at least %(weekday)d%% of your wage on working days; at least "
            "%(rest)d%% on rest days, unless you get the time back as time off; at least "
            "%(holiday)d%% on statutory holidays."
        )
        % {
            "weekday": pay["extended_hours_min_pct"],
            "rest": pay["rest_day_without_time_off_min_pct"],
            "holiday": pay["statutory_holiday_min_pct"],
        }
    )
    rights.cite("cn.overtime.pay_rates")
    system = person.hours_system
    if system == "averaged":
        rights.paragraphs.append(
            _(
                "You are on hours averaged over a period (综合计算工时). That needs the labour "
                "authority's approval; under it, only the hours above the standard for the "
                "whole period count as overtime, at the working-day rate. So the weekly sums "
                "below do not apply as they stand: ask to see the approval, and count your "
                "hours over its period."
            )
        )
        rights.cite(
            "cn.hours.special_systems_basis",
            "cn.hours.comprehensive_averaging",
            "cn.overtime.pay_special_hours_systems",
        )
    elif system == "unfixed":
        rights.paragraphs.append(
            _(
                "You are on no fixed hours (不定时工作制). That needs the labour authority's "
                "approval, and under it the overtime pay rules above do not apply. Ask to "
                "see the approval: without one, the standard rules do."
            )
        )
        rights.cite("cn.hours.special_systems_basis", "cn.overtime.pay_special_hours_systems")
    if person.employment_status == "student":
        rights.paragraphs.append(_("These are the rules that will protect you in your first job."))
    elif person.hours_per_week and system in ("standard", "not_sure", ""):
        _mainland_hours(person, rights, week=week, cap=cap, daily=limits)
    _mainland_cases(person, rights)
    rights.items.append(
        _(
            "Questions about your rights: call %(number)s, the labour and social security "
            "line. A dispute goes to labour arbitration first, which is free of charge."
        )
        % {"number": law.fact("cn.disputes.hotline_12333")["number"]},
    )
    rights.cite("cn.disputes.hotline_12333", "cn.disputes.channels", "cn.disputes.arbitration_free")


def _mainland_cases(person: Answers, rights: Rights) -> None:
    """The 2021 typical cases, and records of hours: for people who work for someone."""
    rights.paragraphs.append(
        _(
            "In 2021 the Ministry of Human Resources and Social Security and the Supreme "
            "People's Court published ten typical cases on working hours and overtime pay. "
            "In the first, a company rule of 9 am to 9 pm, six days a week was held invalid, "
            "and an employee dismissed for refusing that overtime was awarded compensation. "
            "In two others, a technology company's “striver” waiver of overtime pay and an "
            "internet company's rule that overtime starts only after 9 pm were held to owe "
            "the overtime pay."
        )
    )
    rights.cite(
        "cn.cases.overtime_batch2_2021", "cn.cases.996_rule_invalid", "cn.cases.tech_company_cases"
    )
    rights.items.append(
        _(
            "Gather what shows your hours while you still can: badge records, messages and "
            "emails sent after hours, rosters."
        )
        if person.left_a_job
        else _("Keep a record of your real hours: dates, start, end, and messages after hours.")
    )


def _mainland_hours(person: Answers, rights: Rights, *, week: int, cap: int, daily) -> None:
    hours = person.hours_per_week
    if hours <= week:
        within = (
            _("You worked %(hours)d hours a week: within the standard week.")
            if person.left_a_job
            else _("You work %(hours)d hours a week: within the standard week.")
        )
        rights.paragraphs.append(within % {"hours": hours})
        return
    monthly = overtime_per_month(hours, week)
    rights.overtime = (monthly, cap)
    if person.hours_system == "not_sure":
        rights.paragraphs.append(
            _(
                "You are not sure of your hours system, so these sums assume standard hours, "
                "as most office jobs are. If your employer has approval for another system, "
                "the paragraph on it above applies instead."
            )
        )
    over = (
        _(
            "You worked %(hours)d hours a week: %(week_over)d hours over the %(week)d-hour "
            "week; times 52 weeks, divided by 12 months, that was about %(monthly)s hours of "
            "overtime a month, against the cap of %(cap)d."
        )
        if person.left_a_job
        else _(
            "You work %(hours)d hours a week: %(week_over)d hours over the %(week)d-hour "
            "week; times 52 weeks, divided by 12 months, that is about %(monthly)s hours of "
            "overtime a month, against the cap of %(cap)d."
        )
    )
    rights.paragraphs.append(
        over
        % {
            "hours": hours,
            "week_over": hours - week,
            "week": week,
            "monthly": f"{monthly:g}",
            "cap": cap,
        }
    )
    days = _days_worked(person)
    per_day = hours / days - week / 5
    if per_day > daily["special_max_extension_hours_per_day"]:
        rights.paragraphs.append(
            _(
                "Spread over your %(days)d working days, that is about %(per_day)s hours of "
                "overtime a day, more than the %(special)d hours the law allows even for "
                "special reasons."
            )
            % {
                "days": days,
                "per_day": f"{per_day:.1f}",
                "special": daily["special_max_extension_hours_per_day"],
            }
        )
    if monthly > cap:
        rights.paragraphs.append(
            _("That is %(times)s times the legal monthly cap.") % {"times": f"{monthly / cap:.1f}"}
        )
    else:
        rights.paragraphs.append(_("That is within the monthly cap."))
    if person.left_a_job:
        rights.paragraphs.append(
            _(
                "You have left that job: overtime it never paid can still be claimed, within "
                "the time limit given at the top of this plan."
            )
        )


# --- Hong Kong, Taiwan, elsewhere ------------------------------------------------


def _hong_kong(person: Answers, rights: Rights) -> None:
    for key in (
        "hk.hours.no_statutory_standard",
        "hk.rest_day.one_in_seven",
        "hk.holidays.statutory_count",
        "hk.disputes.lrd_conciliation",
        "hk.disputes.mecab_vs_labour_tribunal",
    ):
        rights.state(key)
    rights.items.append(
        _("Read your contract's terms on hours and overtime: in Hong Kong they are what counts.")
    )


def _taiwan(person: Answers, rights: Rights) -> None:
    normal = law.fact("tw.hours.normal")
    limits = law.fact("tw.overtime.limits")
    for key in ("tw.hours.normal", "tw.overtime.limits", "tw.overtime.pay"):
        rights.state(key)
    rights.state("tw.rest.two_days_in_seven")
    if person.hours_system in ("averaged", "unfixed"):
        rights.state("tw.hours.special_categories_84_1")
    elif (person.has_employer or person.left_a_job) and person.hours_per_week > normal[
        "weekly_normal_hours"
    ]:
        monthly = overtime_per_month(person.hours_per_week, normal["weekly_normal_hours"])
        cap = limits["overtime_month"]
        rights.overtime = (monthly, cap)
        rights.paragraphs.append(
            _(
                "You work %(hours)d hours a week: about %(monthly)s hours of overtime a month "
                "(52 weeks over 12 months), against the usual cap of %(cap)d."
            )
            % {"hours": person.hours_per_week, "monthly": f"{monthly:g}", "cap": cap}
        )
    rights.state("tw.disputes.mediation")


def _elsewhere(person: Answers, rights: Rights) -> None:
    rights.paragraphs.append(
        _(
            "No Chinese law governs your job: the law of the country you work in does. Leap "
            "states only what it has checked against that country's official pages."
        )
    )
    for key in COUNTRY_FACTS.get(person.country, ()):
        rights.state(key)
    if person.country == "germany":
        rights.paragraphs.append(
            _(
                "Germany's working-time law was being changed in 2026, from a daily to a "
                "weekly limit; Leap does not state its figures until the new text is checked."
            )
        )


def _authority(jurisdiction: str, rights: Rights) -> None:
    found = law.law().authority(jurisdiction)
    if found is None:
        rights.items.append(
            _(
                "Ask the labour inspectorate or labour ministry of the country you work in; "
                "a union or a labour lawyer there can also tell you what applies."
            )
        )
        return
    rights.items.append(
        _("Whom to ask: %(name)s, %(url)s") % {"name": found.name, "url": found.url}
    )


def rights(person: Answers) -> Rights:
    where = person.jurisdiction
    found = Rights(_("Your rights where you work"))
    if where == "cn":
        _mainland(person, found)
    elif where == "hk":
        _hong_kong(person, found)
        _authority("hk", found)
    elif where == "tw":
        _taiwan(person, found)
        _authority("tw", found)
    elif where == "hk_or_tw":
        found.paragraphs.append(
            _(
                "Hong Kong and Taiwan have their own labour laws, and your earlier answers do "
                "not say which applies to you. Whom to ask in each:"
            )
        )
        _authority("hk", found)
        _authority("tw", found)
    else:
        _elsewhere(person, found)
        _authority(COUNTRY_AUTHORITY.get(person.country, ""), found)
    if where != "cn" and person.return_home in ("open", "planning"):
        found.paragraphs.append(
            _("Once you move to the mainland, mainland law will apply:")
            if person.return_home == "planning"
            else _("If you move to the mainland, mainland law will apply:")
        )
        after = Rights(found.title)
        _mainland(Answers.of({}), after)
        found.paragraphs += after.paragraphs
        found.cite(*after.facts)
    return found
