"""The money model: how long a person's money lasts without their salary, in their own
currency. What the plan says of each assumption is in advisor/advice/rules/money.toml.

    runway (months) = (savings + lump sums) / (monthly expenses - partner's income
                      + self-paid social insurance)

Income from clients or orders (side income, or a self-employed person's own earnings) is
not counted in the runway: it can stop from one month to the next, so the runway is the
one for a month with no clients, and the runway with it is the better case (review 13).
A partner's income from the same employer is not counted on: it can end with this job.

Pure: answers in, figures out. Version 1 answer sets gave months of savings, not
amounts; their runway is those months, and their amounts are unknown.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from advisor.advice.answers import Answers

# Savings a rest or a search never touches: three months of costs.
RESERVE_MONTHS = 3
# A runway longer than this is, for planning, as good as unlimited: it is said as "more
# than 10 years". A runway of exactly this many months is said as it is.
RUNWAY_CAP_MONTHS = 120
# Runways are kept up to this bound, far past the cap, so that what is worked out from one
# (the months left after rest or above the reserve) stays true: 175 months less 3 of rest
# is still more than ten years, not 117 months. Money that nothing draws on lasts this long.
RUNWAY_BOUND_MONTHS = 1200
# A lump sum worth more than this many years of costs is worth a second look.
PLAUSIBLE_LUMP_SUM_YEARS = 10


@dataclass(frozen=True)
class Money:
    currency: str
    savings: int | None
    lump_sum: int
    monthly_expenses: int | None
    partner_income: int
    side_income: int
    social_insurance: int
    # What leaves the account each month with no salary and no income from clients or
    # orders: None when not known.
    monthly_need: int | None
    # Months the money lasts with no salary and no side income, to one decimal, at most
    # RUNWAY_BOUND_MONTHS.
    runway_months: float
    covered: bool  # a partner's income covers every cost: the savings are not drawn on
    # The partner's income comes from the same employer, so it can end with this job: it
    # is then not counted on (monthly_need and the runway are for both incomes ending),
    # and the runway with it is the better case.
    partner_at_risk: bool = False
    # The person's right to stay is tied to a job that has ended or is ending, and a partner
    # here as their dependant would lose the right to stay, and to work, with it: the
    # partner's income is then not counted on either (review 12), and the runway with it
    # is the better case.
    partner_visa_at_risk: bool = False
    runway_with_partner: float = 0.0
    lump_sum_large: bool = False
    # Mainland: social insurance paid by oneself without a salary, its cost not given.
    social_insurance_unknown: bool = False
    # Side income (clients, orders, a self-employed person's own work) as it comes in on
    # average: what then leaves the account each month, and how long the money lasts. The
    # better case, never the headline: it can stop from one month to the next.
    need_with_side: int = 0
    runway_with_side: float = 0.0

    @property
    def side_covers(self) -> bool:
        """Side income, while it comes in, covers what the savings would otherwise pay."""
        return bool(self.side_income) and not self.covered and self.need_with_side == 0

    @property
    def runway_capped(self) -> bool:
        """Whether the runway is past the cap: said as more than ten years, never as a
        division or a count of months."""
        return self.runway_months > RUNWAY_CAP_MONTHS

    @property
    def whole_months(self) -> int:
        """The runway in whole months, rounded down: what a plan can count on."""
        return math.floor(self.runway_months)

    @property
    def reserve(self) -> int | None:
        """Three months of the household's costs, in money. It is there for when an income
        stops: side income can stop from one month to the next, and a partner's income
        can end too (a baby on the way, a lay-off wave), so it counts on neither. A
        partner who pays most of the costs leaves a small gap each month, not a small
        reserve."""
        if self.monthly_need is None:
            return None
        return RESERVE_MONTHS * max(0, (self.monthly_expenses or 0) + self.social_insurance)

    @property
    def reserve_months(self) -> float:
        """The reserve in months of the runway, at what leaves the account each month:
        three, or more where a partner's income (which the reserve does not count on)
        pays part of the costs. Every sum against the reserve uses this, so the text and the
        pictures agree with `reserve`."""
        if not self.monthly_need or self.reserve is None:
            return float(RESERVE_MONTHS)
        return self.reserve / self.monthly_need

    def months_after(self, rest: int) -> float:
        return max(0.0, self.runway_months - rest)


def runway(money: float, need: float) -> float:
    """Months `money` lasts at `need` a month, to one decimal, at most RUNWAY_BOUND_MONTHS."""
    if need <= 0:
        return float(RUNWAY_BOUND_MONTHS)
    return min(tenths(money / need), float(RUNWAY_BOUND_MONTHS))


def tenths(value: float) -> float:
    """To a tenth, halves up (6.25 months is 6.3), as people round: round() takes halves
    to even."""
    return math.floor(value * 10 + 0.5) / 10


def of(person: Answers, *, lump_sum: bool = True, partner_may_go: bool = False) -> Money:
    """The money of `person`; without the lump sums they expect if `lump_sum` is false.
    `partner_may_go`: the person's right to stay is tied to a job that is ending, so a
    partner here as their dependant may have to go too, and their income is not counted."""
    if person.version == 1:
        months = float(person.savings_months or 0)
        return Money(
            currency=person.currency,
            savings=None,
            lump_sum=0,
            monthly_expenses=person.monthly_expenses,
            partner_income=0,
            side_income=0,
            social_insurance=0,
            monthly_need=person.monthly_expenses,
            runway_months=min(months, RUNWAY_BOUND_MONTHS),
            covered=False,
            runway_with_partner=min(months, RUNWAY_BOUND_MONTHS),
            need_with_side=person.monthly_expenses or 0,
            runway_with_side=min(months, RUNWAY_BOUND_MONTHS),
        )
    # The runway is the time without a salary: on the mainland, social insurance is then
    # paid by oneself, as a flexible worker, whoever paid it before.
    mainland = person.jurisdiction == "cn"
    social_insurance = (person.social_insurance_cost or 0) if mainland else 0
    expenses = person.monthly_expenses or 0
    partner_at_risk = "partner_same_employer" in person.circumstances and person.partner_income > 0
    partner_visa_at_risk = partner_may_go and person.partner_income > 0 and not partner_at_risk
    partner = 0 if partner_at_risk or partner_visa_at_risk else person.partner_income
    # Social insurance is a cost like any other: income beyond the costs covers it too.
    # Income from clients or orders is not counted on: the need is for a month without it.
    need = max(0, expenses + social_insurance - partner)
    with_side = max(0, need - person.side_income)
    lump = person.lump_sum if lump_sum else 0
    money = (person.savings or 0) + lump
    with_partner = max(0, expenses + social_insurance - person.partner_income)
    return Money(
        currency=person.currency,
        savings=person.savings,
        lump_sum=lump,
        monthly_expenses=person.monthly_expenses,
        partner_income=partner,
        side_income=person.side_income,
        social_insurance=social_insurance,
        monthly_need=need,
        runway_months=runway(money, need),
        covered=need == 0,
        partner_at_risk=partner_at_risk,
        partner_visa_at_risk=partner_visa_at_risk,
        runway_with_partner=runway(money, with_partner),
        lump_sum_large=bool(expenses) and lump > PLAUSIBLE_LUMP_SUM_YEARS * 12 * expenses,
        social_insurance_unknown=mainland and person.social_insurance_cost is None,
        need_with_side=with_side,
        runway_with_side=runway(money, with_side),
    )
