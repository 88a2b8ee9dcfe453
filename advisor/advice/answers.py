"""A typed, read-only view of one answer set, of either questionnaire version, with one
set of defaults.

Code that reads a particular answer (matching's evidence, triage, the plan, the
counsellor's priority) reads it here, not by string key, so that every reader agrees on
what an unanswered question means, and a version 1 answer set reads like a version 2
one wherever it can. Matching's signals are data and quote answers by key
(advisor/advice/catalogue.py); they treat an unanswered question as no evidence.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from advisor.advice import formats, questionnaire

# How many strain signals make strain high, whatever they are.
HIGH_STRAIN_SIGNALS = 3
# Where a person works, as the law sees it: version 1 grouped Hong Kong with Taiwan.
JURISDICTIONS = {
    "mainland": "cn",
    "hong_kong": "hk",
    "taiwan": "tw",
    "hk_tw": "hk_or_tw",
    "overseas": "overseas",
}


@dataclass(frozen=True)
class Answers:
    """What one person answered. A question left unanswered reads as its default here:
    nothing ticked, no savings, no one depending on them, no time off; the employment
    questions that version 1 did not ask read as unknown ("")."""

    version: int = questionnaire.SCHEMA_VERSION
    location: str = ""
    country: str = ""
    employment_status: str = ""
    severance_status: str = ""
    months_since_left: int | None = None
    contract_type: str = ""
    tenure_years: int | None = None
    monthly_pay: int | None = None
    age_band: str = ""
    circumstances: frozenset[str] = frozenset()
    pregnancy_stage: str = ""
    owed_what: str = ""
    owed_months: int | None = None
    sign_what: str = ""
    sign_deadline_days: int | None = None
    residence_status: str = ""
    caring_for: str = ""
    role: str = ""
    years_experience: int = 0
    employer_type: str = ""
    hours_per_week: int = 0
    hours_system: str = ""
    strain_signals: tuple[str, ...] = ()
    health_followup: str = ""
    need_break: str = "no"
    pulls: frozenset[str] = frozenset()
    skills: frozenset[str] = frozenset()
    has_audience: bool = False
    side_business: str = "none"
    side_income: int = 0
    currency: str = formats.DEFAULT_CURRENCY
    savings: int | None = None
    monthly_expenses: int | None = None
    housing: str = ""
    housing_cost: int | None = None
    lump_sum: int = 0
    partner_income: int = 0
    social_insurance_cost: int | None = None
    social_insurance_paying: str = ""  # mainland, self-employed: "yes", "no" or not asked
    social_insurance_gap_months: int | None = None
    savings_months: int | None = None  # version 1 asked months, not amounts
    dependants: int = 0
    risk_tolerance: str = ""
    months_off: int = 0
    return_home: str = ""
    direction: str = ""
    timeline: str = ""
    exam_registered: str = ""
    exam_date: str = ""
    restrictions: str = ""
    noncompete_state: str = ""
    competitor_offer: bool = False
    noncompete_penalty: int | None = None
    political_risk_concern: str = ""
    raw: Mapping[str, Any] = field(default_factory=dict, repr=False)

    @classmethod
    def of(cls, answers: Mapping[str, Any]) -> Answers:
        get = answers.get
        version = questionnaire.answered_version(answers)
        monthly_expenses = get("monthly_expenses")
        if version == 1 and get("income_floor"):
            monthly_expenses = get("income_floor")  # the least they could live on
        return cls(
            version=version,
            location=get("location", ""),
            country=get("country", ""),
            employment_status=get("employment_status", ""),
            severance_status=get("severance_status", ""),
            months_since_left=get("months_since_left"),
            contract_type=get("contract_type", ""),
            tenure_years=get("tenure_years"),
            monthly_pay=get("monthly_pay"),
            age_band=get("age_band", ""),
            circumstances=frozenset(get("circumstances", ())) - {questionnaire.NONE},
            pregnancy_stage=get("pregnancy_stage", ""),
            owed_what=get("owed_what", ""),
            owed_months=get("owed_months"),
            sign_what=get("sign_what", ""),
            sign_deadline_days=get("sign_deadline_days"),
            residence_status=get("residence_status", ""),
            caring_for=get("caring_for", ""),
            role=get("role", ""),
            years_experience=get("years_experience", 0),
            employer_type=get("employer_type", ""),
            hours_per_week=get("hours_per_week", 0),
            hours_system=get("hours_system", ""),
            strain_signals=tuple(get("strain_signals", ())),
            health_followup=get("health_followup", ""),
            need_break=get("need_break", "no"),
            pulls=frozenset(get("pulls", ())),
            skills=frozenset(get("skills", ())),
            has_audience=get("has_audience") == "yes",
            side_business=get("side_business", "none"),
            side_income=get("side_income", 0) if get("side_business") == "earning" else 0,
            currency=get("currency", formats.DEFAULT_CURRENCY),
            savings=get("savings"),
            monthly_expenses=monthly_expenses,
            housing=get("housing", ""),
            housing_cost=get("housing_cost"),
            lump_sum=get("lump_sum", 0),
            partner_income=get("partner_income", 0),
            social_insurance_cost=get("social_insurance_cost"),
            social_insurance_paying=get("social_insurance_paying", ""),
            social_insurance_gap_months=get("social_insurance_gap_months"),
            savings_months=get("savings_months"),
            dependants=get("dependants", 0),
            risk_tolerance=get("risk_tolerance", ""),
            months_off=get("months_off", 0),
            return_home=get("return_home", ""),
            direction=get("direction", ""),
            timeline=get("timeline", ""),
            exam_registered=get("exam_registered", ""),
            exam_date=get("exam_date", ""),
            restrictions=get("restrictions", ""),
            noncompete_state=get("noncompete_state", ""),
            competitor_offer=get("competitor_offer") == "yes",
            noncompete_penalty=get("noncompete_penalty"),
            political_risk_concern=get("political_risk_concern", ""),
            raw=answers,
        )

    # --- Health ---------------------------------------------------------------

    @property
    def fainted_or_ill(self) -> bool:
        return "fainted_or_ill" in self.strain_signals

    @property
    def strain_is_high(self) -> bool:
        """Fainting or illness, several strain signals, or a wish for months of rest."""
        return (
            self.fainted_or_ill
            or len(self.strain_signals) >= HIGH_STRAIN_SIGNALS
            or self.need_break == "long"
        )

    @property
    def wants_rest(self) -> bool:
        """High strain, or a break asked for, even a short one: the plan sizes a rest."""
        return self.strain_is_high or self.need_break in ("short", "long")

    @property
    def says_ready_despite_strain(self) -> bool:
        return self.need_break == "no" and self.strain_is_high

    # --- Work -----------------------------------------------------------------

    @property
    def jurisdiction(self) -> str:
        """cn, hk, tw, hk_or_tw (version 1 did not tell them apart), overseas, or ""."""
        return JURISDICTIONS.get(self.location, "")

    @property
    def has_employer(self) -> bool:
        """Employed, working out notice, or laid off: an employer owes them something.
        Version 1 did not ask; its people were all taken to be employed."""
        return self.employment_status in ("", *questionnaire.WITH_EMPLOYER)

    @property
    def days_worked(self) -> int:
        """Working days a week: five, and the weekend days they said they work."""
        return 5 + int(self.raw.get("weekend_days_worked", "0") or 0)

    @property
    def employed(self) -> bool:
        return self.employment_status in ("", "employed", "notice")

    @property
    def left_a_job(self) -> bool:
        return self.employment_status in questionnaire.LEFT_A_JOB

    @property
    def leaving(self) -> bool:
        """Laid off, resigned or between jobs: the end of a job comes first."""
        return self.employment_status in ("notice", *questionnaire.LEFT_A_JOB)

    @property
    def new_to_work(self) -> bool:
        return self.employment_status == "student" or self.years_experience <= 1

    @property
    def over_35(self) -> bool:
        return self.age_band in ("35_44", "45_plus")

    def quote(self, key: str) -> str:
        """The answer to `key` as the person reads it, in the active language."""
        return questionnaire.QUESTIONS[key].display(self.raw[key], currency=self.currency)

    def amount(self, value: float) -> str:
        """An amount in this person's currency."""
        return formats.money(value, self.currency)
