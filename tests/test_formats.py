"""Numbers and money in each language: thousands in English, 万 and 亿 in Chinese."""

import pytest
from django.utils import translation

from profiles import formats
from profiles import questionnaire as q


@pytest.mark.parametrize(
    ("amount", "english", "chinese"),
    [
        (800, "800 yuan", "800元"),
        (12_000, "12,000 yuan", "1.2万元"),
        (144_000, "144,000 yuan", "14.4万元"),
        (66_666.67, "66,667 yuan", "6.67万元"),
        (10_000_000, "10,000,000 yuan", "1000万元"),
        (250_000_000, "250,000,000 yuan", "2.5亿元"),
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
        assert floor.display(15_000) == "每月 1.5万元"


def test_us_dollars():
    with translation.override("en"):
        assert formats.us_dollars(75_000_000_000) == "US$75,000,000,000"
    with translation.override("zh-hans"):
        assert formats.us_dollars(75_000_000_000) == "750亿美元"
