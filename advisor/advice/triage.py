"""Triage: what a person's situation puts before any path. Pure.

Health, the end of a job, an agency standing between a person and their employer, the
law of the place they work, and money that runs out soon: each comes first when the
answers say so, with the reason in the person's own answers, the steps to take, and the
legal facts (advisor/advice/law/) each step rests on. The result page and the plan show
the flags first, in the order of FLAGS.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from advisor.advice import law
from advisor.advice.money import RESERVE_MONTHS, Money
from profiles import formats
from profiles.answers import Answers
from profiles.formats import months as month_count
from profiles.formats import sentences

FLAGS = ("health", "leaving", "agency", "jurisdiction", "money", "earlier")
EMERGENCY = {"cn": "cn.help.emergency_120", "hk": "hk.help.emergency_999"}
EMERGENCY["tw"] = "tw.help.emergency_119"
SUPPORT_LINE = {"cn": "cn.help.psych_hotline_12356", "hk": "hk.help.mental_health_18111"}
SUPPORT_LINE["tw"] = "tw.help.anxin_1925"


@dataclass(frozen=True)
class Step:
    """One thing to do, and the legal facts it rests on (their keys)."""

    text: str
    facts: tuple[str, ...] = ()


@dataclass
class Flag:
    key: str
    title: str
    reasons: list[str] = field(default_factory=list)
    steps: list[Step] = field(default_factory=list)

    @property
    def facts(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(key for step in self.steps for key in step.facts))


def _number(key: str) -> str:
    return law.fact(key)["number"]


# --- Health -----------------------------------------------------------------------


def _health(person: Answers) -> Flag | None:
    if not person.strain_is_high:
        return None
    flag = Flag("health", _("Your health comes first"))
    if person.strain_signals:
        flag.reasons.append(
            _("You told us: %(signals)s.") % {"signals": person.quote("strain_signals")}
        )
    if person.need_break == "long":
        flag.reasons.append(_("You feel you need a few months or more before anything new."))
    if person.says_ready_despite_strain:
        flag.reasons.append(
            _(
                "You said you are ready to go. Rest still comes first in this plan, because of "
                "what you told us above: starting something new while exhausted puts both "
                "your health and the new start at risk. Go as soon as your doctor, and your "
                "own sleep, say you can."
            )
        )
    where = person.jurisdiction
    if person.fainted_or_ill:
        if person.health_followup == "on_sick_leave":
            flag.steps.append(
                Step(_("Keep to your sick leave: no work messages, no checking in.")),
            )
        elif person.health_followup != "seen":
            flag.steps.append(
                Step(
                    _(
                        "See a doctor this week and say what happened at work. Fainting or "
                        "falling ill because of work is a reason to be checked, not to push "
                        "through."
                    )
                )
            )
        if where in EMERGENCY:
            flag.steps.append(
                Step(
                    _(
                        "If it happens again, or you have chest pain or trouble breathing, "
                        "call %(number)s for an ambulance."
                    )
                    % {"number": _number(EMERGENCY[where])},
                    (EMERGENCY[where],),
                )
            )
        else:
            flag.steps.append(
                Step(
                    _(
                        "If it happens again, or you have chest pain or trouble breathing, "
                        "call your local emergency number."
                    )
                )
            )
    elif set(person.strain_signals) & {"sleep", "dread", "numb"}:
        flag.steps.append(
            Step(
                _(
                    "If sleep trouble, dread or numbness has lasted for weeks, see a doctor and "
                    "say what your work has been like: a doctor can tell what it is, and how "
                    "much rest you need."
                )
            )
        )
    flag.steps += _sick_leave(person)
    if where in SUPPORT_LINE:
        key = SUPPORT_LINE[where]
        flag.steps.append(
            Step(
                _(
                    "If you feel overwhelmed or low, call %(number)s, the psychological "
                    "support line where you work."
                )
                % {"number": _number(key)},
                (key,),
            )
        )
    flag.steps.append(
        Step(_("Rest comes before any path: the plan sizes it below, by your health first."))
    )
    return flag


def _sick_leave(person: Answers) -> list[Step]:
    """What sick leave gives someone who works, where they work."""
    if not person.employed:
        return []
    if person.jurisdiction == "cn":
        floor = law.fact("cn.sick.pay_floor")["min_pct_of_minimum_wage"]
        return [
            Step(
                (
                    _(
                        "Keep every sick note (病假证明) and hand each new one in as your "
                        "employer's rules require. Sick leave buys rest without spending your "
                        "savings: sick pay may be lower than your salary, but not below "
                        "%(floor)d%% of the local minimum wage."
                    )
                    if person.health_followup == "on_sick_leave"
                    else _(
                        "Ask the doctor for a sick note (病假证明) and apply for sick leave in "
                        "writing, as your employer's rules require. Sick leave buys rest "
                        "without spending your savings: sick pay may be lower than your "
                        "salary, but not below %(floor)d%% of the local minimum wage."
                    )
                )
                % {"floor": floor},
                ("cn.sick.pay_floor",),
            ),
            Step(
                _(
                    "While you are within the medical treatment period (医疗期) set for an "
                    "illness, your employer may not end your contract for no fault of yours "
                    "or in a layoff. How long the period is depends on your years of work and "
                    "with this employer: ask your HR, or call %(number)s."
                )
                % {"number": _number("cn.disputes.hotline_12333")},
                ("cn.termination.protected_medical_period", "cn.disputes.hotline_12333"),
            ),
        ]
    if person.jurisdiction == "hk":
        sickness = law.fact("hk.sickness.allowance_conditions")
        accrual = law.fact("hk.sickness.accumulation")
        return [
            Step(
                _(
                    "Get a medical certificate. Sick leave of %(days)d days or more in a row, "
                    "with a certificate, is paid as sickness allowance of four-fifths of your "
                    "average daily wages, out of the paid sickness days you have built up: "
                    "%(first)d a month in your first year, %(after)d a month after that."
                )
                % {
                    "days": sickness["min_consecutive_days"],
                    "first": accrual["days_per_month_first_year"],
                    "after": accrual["days_per_month_after"],
                },
                (
                    "hk.sickness.allowance_conditions",
                    "hk.sickness.rate",
                    "hk.sickness.accumulation",
                ),
            )
        ]
    return [
        Step(
            _(
                "Ask the doctor for a sick note, and ask your employer for sick leave in "
                "writing: what it pays is set by your contract and the law where you work."
            )
        )
    ]


# --- The end of a job -------------------------------------------------------------


def _leaving(person: Answers) -> Flag | None:
    if not person.leaving:
        return None
    titles = {
        "laid_off": _("Your job was ended: secure what you are owed"),
        "notice": _("You are leaving: leave with everything you are owed"),
        "between_jobs": _("Between jobs: keep your records and cover continuous"),
    }
    flag = Flag("leaving", titles[person.employment_status])
    flag.reasons.append(
        _("You told us: %(status)s.") % {"status": person.quote("employment_status")}
    )
    if person.months_since_left == 0:
        flag.reasons.append(_("Your last job ended less than a month ago."))
    elif person.months_since_left is not None:
        flag.reasons.append(
            _("Your last job ended %(months)s ago.") % {"months": person.quote("months_since_left")}
        )
    builders = {"cn": _leaving_cn, "hk": _leaving_hk, "tw": _leaving_tw}
    build = builders.get(person.jurisdiction)
    if build is None:
        flag.steps.append(
            Step(
                _(
                    "Severance, notice and unemployment benefits follow the law of the place "
                    "you worked. Ask its labour authority (below, under your rights) what you "
                    "are owed before you sign anything."
                )
            )
        )
        # Leap does not ask about visas: the step says what to check, not the rules.
        flag.steps.append(
            Step(
                _(
                    "If your right to stay depends on a work visa or permit tied to this job, "
                    "the end of the job can start a deadline. Check the rules of your status "
                    "this week, on the immigration authority's own pages or with an "
                    "immigration lawyer, before you plan anything else."
                )
            )
        )
    else:
        flag.steps += build(person)
    if person.over_35 and person.direction not in ("found", "freelance"):
        flag.steps.append(
            Step(
                _(
                    "You are %(age)s. Plan for a longer search than you expect, and start with "
                    "the people who know your work: former colleagues and managers, before "
                    "applications to strangers."
                )
                % {"age": person.quote("age_band")}
            )
        )
    return flag


def _severance_cn(person: Answers) -> Step:
    amount = law.fact("cn.severance.amount")
    years = person.tenure_years
    text = _(
        "Severance (经济补偿) is one month's pay for each full year with the employer; six "
        "months or more of a further year counts as a year, less than six months as half a "
        "month. The monthly pay is your average over the last %(basis)d months. If it is "
        "more than %(multiple)d times your city's average wage, the month is counted at "
        "that cap and for %(max_years)d years at most."
    ) % {
        "basis": amount["wage_basis_months"],
        "multiple": amount["cap_multiple_of_local_avg_wage"],
        "max_years": amount["cap_years_when_capped"],
    }
    if years:
        months = years * amount["months_per_full_year"]
        if person.monthly_pay:
            worked_out = _(
                "With %(years)s and pay of %(pay)s, that is at least %(total)s, before the "
                "cap, plus the part year."
            ) % {
                "years": person.quote("tenure_years"),
                "pay": person.amount(person.monthly_pay),
                "total": person.amount(months * person.monthly_pay),
            }
        else:
            worked_out = ngettext(
                "With %(years)s, that is at least %(months)d month's pay, plus the part year.",
                "With %(years)s, that is at least %(months)d months' pay, plus the part year.",
                months,
            ) % {"years": person.quote("tenure_years"), "months": months}
        text = sentences(text, worked_out)
    return Step(text, ("cn.severance.amount",))


def _leaving_cn(person: Answers) -> list[Step]:
    steps = []
    if person.employment_status == "laid_off":
        steps.append(_severance_cn(person))
        steps.append(
            Step(
                _(
                    "If the employer ended the contract because you could not do the job "
                    "after training or a change of post, because of illness after the "
                    "medical treatment period, or because circumstances changed so much that "
                    "the contract could not go on, and gave you no 30 days' written notice, "
                    "it owes one more month's pay in place of the notice (the “+1”). If the "
                    "dismissal broke the law, the compensation is twice the severance instead."
                ),
                ("cn.termination.no_fault_30_days", "cn.termination.unlawful_compensation_2x"),
            )
        )
        if person.severance_status in ("disputed", "none", "not_yet"):
            steps.append(
                Step(
                    _(
                        "Ask for the calculation in writing and keep every message. If it is "
                        "not paid, you can claim it through labour arbitration, which is free "
                        "of charge."
                    ),
                    ("cn.disputes.arbitration_free",),
                )
            )
    elif person.employment_status == "notice":
        steps.append(
            Step(
                _(
                    "Leaving of your own accord earns no severance, unless you leave because "
                    "the employer did not pay you in full and on time, or did not pay your "
                    "social insurance: then give that reason in writing, and severance is owed."
                ),
                ("cn.resign.employer_fault", "cn.severance.when_due"),
            )
        )
    certificate = law.fact("cn.termination.certificate_and_transfer")
    steps.append(
        Step(
            _(
                "Get the certificate that your contract has ended (离职证明). The employer "
                "must give it, and move your personnel file and social insurance within "
                "%(days)d days; the next employer and the unemployment office will ask for it."
            )
            % {"days": certificate["transfer_days"]},
            ("cn.termination.certificate_and_transfer",),
        )
    )
    steps.append(_unemployment_cn(person))
    steps.append(
        Step(
            _(
                "Ask for pay for the annual leave you have not taken in the year you leave: "
                "on leaving, "
                "the employer must pay for the untaken days, in proportion to the part of the "
                "year you worked. A year-end bonus is a matter of your contract and the "
                "company's rules, not of law: ask in writing how yours is worked out."
            ),
            ("cn.leave.termination_payout",),
        )
    )
    steps.append(
        Step(
            _(
                "Keep your pension and medical insurance going: as a flexible worker you can "
                "pay them yourself. A gap can cost more than the contributions, since cities "
                "count the years paid there: in Shenzhen, for example, since September 2025 a "
                "year of social insurance and income tax paid in the city lifts the limit on "
                "how many homes you may buy in most districts. Check your city's rules before "
                "you let it lapse."
            ),
            (
                "cn.flexible.pension",
                "cn.flexible.medical",
                "cn-shenzhen.housing.purchase_limits_2025_09",
            ),
        )
    )
    steps.append(_time_limit_cn(person))
    return steps


def _unemployment_cn(person: Answers) -> Step:
    facts = (
        "cn.unemployment.eligibility",
        "cn.unemployment.duration",
        "cn.unemployment.medical_insurance",
        "cn.unemployment.certificate_and_registration",
    )
    years = law.fact("cn.unemployment.eligibility")["min_contribution_years"]
    if person.employment_status == "laid_off":
        return Step(
            _(
                "Register as unemployed with the public employment service, with that "
                "certificate, and claim unemployment insurance: it is paid if you and your "
                "employers paid in for at least %(years)d year and the job did not end by "
                "your choice. It lasts up to 12, 18 or 24 months, depending on how long you "
                "paid in (1 to 5 years, 5 to 10, 10 or more), and while you receive it, your "
                "medical insurance is paid for you."
            )
            % {"years": years},
            facts,
        )
    return Step(
        _(
            "Unemployment insurance is paid only when a job ends not by your choice: leaving "
            "of your own accord does not qualify. Plan your money without it."
        ),
        ("cn.unemployment.eligibility",),
    )


def _time_limit_cn(person: Answers) -> Step:
    months = person.months_since_left
    limit = law.fact("cn.disputes.arbitration_limitation")["unpaid_pay_deadline_after_end_years"]
    text = _(
        "Unpaid overtime and other unpaid pay can be claimed through labour arbitration "
        "within %(years)d year of the day the job ended; keep your records of hours and "
        "messages until then."
    ) % {"years": limit}
    if months is not None and months < 12 * limit:
        text = sentences(
            text, _("You have about %(left)s left.") % {"left": month_count(12 * limit - months)}
        )
    elif months is not None:
        text = sentences(
            text,
            _(
                "More than a year has passed since your job ended: the limit may have run out, "
                "unless something interrupted it. Ask a labour lawyer or the arbitration "
                "commission before you give up a claim."
            ),
        )
    return Step(text, ("cn.disputes.arbitration_limitation",))


def _leaving_hk(person: Answers) -> list[Step]:
    severance = law.fact("hk.termination.severance_eligibility")
    amount = law.fact("hk.termination.sp_lsp_amount")
    long_service = law.fact("hk.termination.long_service_eligibility")
    deadline = law.fact("hk.termination.payment_deadline")
    return [
        Step(
            _(
                "With at least %(months)d months' continuous employment, a redundancy or "
                "layoff earns severance payment; with %(years)d years or more, most other "
                "dismissals earn long service payment instead (never both). Each is "
                "two-thirds of a month's wages for each year of service, with the month "
                "counted at %(wage_cap)s at most and %(total_cap)s in all. For service "
                "since 1 May 2025, your employer can no longer reduce it with its MPF "
                "contributions."
            )
            % {
                "months": severance["min_service_months"],
                "years": long_service["min_service_years"],
                "wage_cap": formats.money(amount["monthly_wage_cap_hkd"], "HKD"),
                "total_cap": formats.money(amount["total_cap_hkd"], "HKD"),
            },
            (
                "hk.termination.severance_eligibility",
                "hk.termination.long_service_eligibility",
                "hk.termination.sp_lsp_amount",
                "hk.termination.mpf_offsetting_abolished",
            ),
        ),
        Step(
            _(
                "Wages, pay in lieu of notice and untaken leave must be paid within %(days)d "
                "days of the end of the contract; severance within %(months)d months of your "
                "written claim. If they are not, the Labour Department's Labour Relations "
                "Division offers free conciliation."
            )
            % {
                "days": deadline["days_after_termination"],
                "months": deadline["severance_months_after_claim"],
            },
            ("hk.termination.payment_deadline", "hk.disputes.lrd_conciliation"),
        ),
    ]


def _leaving_tw(person: Answers) -> list[Step]:
    severance = law.fact("tw.severance.new_system")
    benefit = law.fact("tw.unemployment.eligibility")
    return [
        Step(
            _(
                "Under the new pension system, severance is half a month's average wage for "
                "each year of service, up to %(max)d months' wages, paid within %(days)d days "
                "of the end of the contract."
            )
            % {"max": severance["max_months"], "days": severance["pay_within_days"]},
            ("tw.severance.new_system", "tw.severance.old_system"),
        ),
        Step(
            _(
                "If the job ended not by your choice and you were insured for at least "
                "%(years)d year in the last %(lookback)d, register at a public employment "
                "service office: unemployment benefit is 60%% of your average insured salary, "
                "for up to 6 months (9 if you are 45 or over)."
            )
            % {"years": benefit["insured_years_needed"], "lookback": benefit["lookback_years"]},
            ("tw.unemployment.eligibility", "tw.unemployment.amount_duration"),
        ),
        Step(
            _(
                "If you are not paid what you are owed, the labour bureau of the city or "
                "county where you worked offers mediation."
            ),
            ("tw.disputes.mediation",),
        ),
    ]


# --- Agencies -----------------------------------------------------------------------


def _agency(person: Answers) -> Flag | None:
    if person.contract_type not in ("outsourced", "dispatched", "not_sure"):
        return None
    if person.contract_type == "not_sure":
        flag = Flag("agency", _("Find out who your legal employer is"))
        flag.reasons.append(_("You are not sure who your legal employer is."))
        flag.steps.append(
            Step(
                _(
                    "Look at the company named on your contract, your payslip and your "
                    "social insurance record. If it is not the company you work at, you are "
                    "outsourced or dispatched, and your pay, hours and leave are that "
                    "company's duty: raise them with it, in writing."
                )
            )
        )
        return flag
    flag = Flag("agency", _("Your employer is the agency, not the client"))
    flag.reasons.append(
        _("You told us your legal employer is: %(type)s.") % {"type": person.quote("contract_type")}
    )
    if person.contract_type == "outsourced":
        flag.steps.append(
            Step(
                _(
                    "The outsourcing firm that signed your contract is your employer: your "
                    "overtime pay, leave and any severance are owed by it, and a claim names "
                    "it. Managers at the client direct your work, but they are not your "
                    "employer; raise hours and pay with the firm, in writing."
                )
            )
        )
        return flag
    if person.jurisdiction == "cn":
        flag.steps += [
            Step(
                _(
                    "The dispatch agency is your employer in law: it must pay you, insure "
                    "you, and pay you at least the local minimum wage between assignments. "
                    "Raise pay, hours and leave with it, in writing, and name it in any claim."
                ),
                ("cn.dispatch.agency_is_employer",),
            ),
            Step(
                _(
                    "The company you work at must pay your overtime and performance pay and "
                    "keep to national labour standards. If it harms you, it and the agency "
                    "are both liable."
                ),
                ("cn.dispatch.host_unit_duties", "cn.dispatch.joint_liability"),
            ),
            Step(
                _(
                    "Dispatch is allowed only for temporary, auxiliary or substitute posts, a "
                    "temporary one for %(months)d months at most. If you have done core work "
                    "there for longer, ask 12333 or a labour lawyer what follows."
                )
                % {
                    "months": law.fact("cn.dispatch.temporary_auxiliary_substitute")[
                        "temporary_post_max_months"
                    ]
                },
                ("cn.dispatch.temporary_auxiliary_substitute", "cn.disputes.hotline_12333"),
            ),
        ]
    else:
        flag.steps.append(
            Step(
                _(
                    "The agency that employs you is who owes you pay, leave and notice; ask "
                    "the labour authority where you work how the company you work at shares "
                    "that duty."
                )
            )
        )
    return flag


# --- The law of the place --------------------------------------------------------


def _jurisdiction(person: Answers) -> Flag | None:
    where = person.jurisdiction
    if where in ("", "cn"):
        return None
    names = {
        "hk": _("You work in Hong Kong: its Employment Ordinance applies, not mainland law."),
        "tw": _("You work in Taiwan: its Labor Standards Act applies, not mainland law."),
        "overseas": _(
            "You work outside China: the law of the country you work in applies, not Chinese law."
        ),
        "hk_or_tw": _(
            "You told us you live in Hong Kong or Taiwan. Their labour laws differ, and "
            "neither is mainland law: edit your answers to say which, for rights that fit."
        ),
    }
    flag = Flag("jurisdiction", _("Your rights follow the place you work"))
    flag.reasons.append(names[where])
    flag.steps.append(
        Step(
            _(
                "The section on your rights below sets out the rules of that place, and whom "
                "to ask there."
            )
        )
    )
    if person.return_home in ("open", "planning"):
        flag.steps.append(
            Step(
                _(
                    "Once you move to the mainland, mainland labour law will apply to your new "
                    "job: the rights section ends with what will apply then."
                )
                if person.return_home == "planning"
                else _(
                    "If you move to the mainland, mainland labour law will apply to your new "
                    "job: the rights section ends with what would apply then."
                )
            )
        )
    return flag


# --- Money ------------------------------------------------------------------------


def _money(person: Answers, money: Money) -> Flag | None:
    if money.covered or money.runway_months >= RESERVE_MONTHS:
        return None
    flag = Flag("money", _("Your money runs out soon"))
    flag.reasons.append(
        _("Without a salary, your money lasts about %(months)s.")
        % {"months": month_count(money.runway_months)}
    )
    if person.dependants:
        flag.reasons.append(
            ngettext(
                "%(count)d person depends on your income.",
                "%(count)d people depend on your income.",
                person.dependants,
            )
            % {"count": person.dependants}
        )
    flag.steps.append(
        Step(
            _(
                "Keep or find an income before any leap: every path below starts from a pay "
                "cheque, and the plan's pace follows it."
            )
        )
    )
    if person.housing == "mortgage":
        flag.steps.append(
            Step(
                _(
                    "Call your bank before you miss a mortgage payment: ask what it offers "
                    "when income stops for a while. A missed payment costs more than the call."
                )
            )
        )
    return flag


def _earlier(person: Answers) -> Flag | None:
    if person.version != 1:
        return None
    flag = Flag("earlier", _("These answers come from an earlier questionnaire"))
    flag.reasons.append(
        _(
            "It did not ask whether you are still employed, who your legal employer is, or "
            "your money in amounts."
        )
    )
    flag.steps.append(
        Step(
            _(
                "Edit your answers and submit them again: the new questions take two minutes, "
                "and the plan will then deal with your situation, not a guess at it."
            )
        )
    )
    return flag


def triage(person: Answers, money: Money) -> list[Flag]:
    """The flags a person's situation raises, most urgent first."""
    found = [
        _health(person),
        _leaving(person),
        _agency(person),
        _jurisdiction(person),
        _money(person, money),
        _earlier(person),
    ]
    return [flag for flag in found if flag is not None]
