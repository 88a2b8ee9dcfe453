"""Numbers and money in each language: thousands, millions and billions in English, 万 and
亿 in Chinese, in the currency a person chose."""

import pytest
from django.utils import translation

from advisor.advice import formats
from advisor.advice import questionnaire as q


@pytest.mark.parametrize(
    ("amount", "english", "chinese"),
    [
        (800, "800 yuan", "800元"),
        (12_000, "12,000 yuan", "1.2万元"),
        (144_000, "144,000 yuan", "14.4万元"),
        (66_666.67, "66,667 yuan", "6.67万元"),
        (10_000_000, "10 million yuan", "1000万元"),
        (250_000_000, "250 million yuan", "2.5亿元"),
    ],
)
def test_yuan(amount, english, chinese):
    with translation.override("en"):
        assert formats.yuan(amount) == english
    with translation.override("zh-hans"):
        assert formats.yuan(amount) == chinese


def test_the_income_floor_reads_naturally_in_both():
    floor = q.QUESTIONS["income_floor"]
    with translation.override("en"):
        assert floor.display(15_000) == "15,000 yuan a month"
    with translation.override("zh-hans"):
        assert floor.display(15_000) == "每月1.5万元"


def test_us_dollars():
    with translation.override("en"):
        assert formats.us_dollars(75_000_000_000) == "US$75 billion"
    with translation.override("zh-hans"):
        assert formats.us_dollars(75_000_000_000) == "750亿美元"


@pytest.mark.parametrize(
    ("currency", "english", "chinese"),
    [
        ("CNY", "12,000 yuan", "1.2万元"),
        ("HKD", "HK$12,000", "1.2万港元"),
        ("TWD", "NT$12,000", "1.2万新台币"),
        ("USD", "US$12,000", "1.2万美元"),
        ("EUR", "€12,000", "1.2万欧元"),
        ("JPY", "12,000 yen", "1.2万日元"),
        ("OTHER", "12,000 (your currency)", "1.2万（你的货币）"),
        ("XYZ", "12,000 (your currency)", "1.2万（你的货币）"),
    ],
)
def test_money_in_the_currency_a_person_chose(currency, english, chinese):
    with translation.override("en"):
        assert formats.money(12_000, currency) == english
    with translation.override("zh-hans"):
        assert formats.money(12_000, currency) == chinese


def test_large_figures_read_as_people_read_them():
    with translation.override("en"):
        assert formats.number(1_200_000_000) == "1.2 billion"
        assert formats.number(144_000) == "144,000"
    with translation.override("zh-hans"):
        assert formats.number(1_200_000_000) == "12亿"
