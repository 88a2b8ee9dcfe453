"""The money model: how long a person's money lasts without their salary, in their own
currency, with each assumption said out loud.

    runway (months) = (savings + lump sums) / (monthly expenses - partner's income
                      - side income + self-paid social insurance)

Pure: answers in, figures out. Version 1 answer sets gave months of savings, not
amounts; their runway is those months, and their amounts are unknown.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from django.utils.translation import gettext as _

from profiles.answers import Answers

# Savings a rest or a search never touches: three months of costs.
RESERVE_MONTHS = 3
# A runway longer than this is, for planning, as good as unlimited.
RUNWAY_CAP_MONTHS = 120
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
    # What leaves the account each month with no salary: None when not known.
    monthly_need: int | None
    # Months the money lasts with no salary, to one decimal, at most RUNWAY_CAP_MONTHS.
    runway_months: float
    covered: bool  # other income covers every cost: the savings are not drawn on
    assumptions: tuple[str, ...]

    @property
    def whole_months(self) -> int:
        """The runway in whole months, rounded down: what a plan can count on."""
        return math.floor(self.runway_months)

    @property
    def reserve(self) -> int | None:
        """Three months of need, in money. Income from one's own work (side income) can
        stop from one month to the next, so the reserve counts the need without it."""
        if self.monthly_need is None:
            return None
        return RESERVE_MONTHS * (self.monthly_need + self.side_income)

    @property
    def reserve_months(self) -> float:
        """The reserve in months of the runway, at what leaves the account each month:
        three, or more where side income (which the reserve does not count on) pays part
        of the costs. Every sum against the reserve uses this, so the text and the
        pictures agree with `reserve`."""
        if not self.monthly_need or self.reserve is None:
            return float(RESERVE_MONTHS)
        return self.reserve / self.monthly_need

    def months_after(self, rest: int) -> float:
        return max(0.0, self.runway_months - rest)


def of(person: Answers) -> Money:
    assumptions: list[str] = []
    if person.currency == "OTHER":
        assumptions.append(
            _(
                "You gave your amounts in a currency Leap does not name: they are shown as "
                "you gave them, and never converted."
            )
        )
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
            runway_months=min(months, RUNWAY_CAP_MONTHS),
            covered=False,
            assumptions=(
                *assumptions,
                _(
                    "These answers come from an earlier questionnaire, which asked how many "
                    "months your savings last rather than the amounts. Edit your answers to "
                    "see your runway worked out from amounts."
                ),
            ),
        )
    social_insurance = 0
    if person.jurisdiction == "cn" and not person.employed:
        social_insurance = person.social_insurance_cost or 0
        if person.social_insurance_cost is None:
            assumptions.append(
                _(
                    "Working for yourself, you pay your own social insurance. You did not "
                    "give its monthly cost, so it is not in these figures: ask your city's "
                    "social insurance office, and add it."
                )
                if person.employment_status == "self_employed"
                else _(
                    "Without a salary, your social insurance is no longer paid by an "
                    "employer. You did not give its monthly cost, so it is not in these "
                    "figures: ask your city's social insurance office, and add it."
                )
            )
    expenses = person.monthly_expenses or 0
    need = max(0, expenses - person.partner_income - person.side_income) + social_insurance
    money = (person.savings or 0) + person.lump_sum
    if need == 0:
        runway = float(RUNWAY_CAP_MONTHS)
    else:
        runway = min(round(money / need, 1), float(RUNWAY_CAP_MONTHS))
    if expenses and person.lump_sum > PLAUSIBLE_LUMP_SUM_YEARS * 12 * expenses:
        assumptions.append(
            _(
                "Your lump sum is more than %(years)d years of your monthly costs. The plan "
                "uses it as you gave it: check the figure, since everything below rests on it."
            )
            % {"years": PLAUSIBLE_LUMP_SUM_YEARS}
        )
    return Money(
        currency=person.currency,
        savings=person.savings,
        lump_sum=person.lump_sum,
        monthly_expenses=person.monthly_expenses,
        partner_income=person.partner_income,
        side_income=person.side_income,
        social_insurance=social_insurance,
        monthly_need=need,
        runway_months=runway,
        covered=need == 0,
        assumptions=tuple(assumptions),
    )
