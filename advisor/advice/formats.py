"""Numbers and money as a reader of the active language expects them.

English groups thousands (144,000 yuan, 1.2 billion); Chinese counts in 万 and 亿
(14.4万元, 12亿).
"""

import math
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext_lazy as _

WAN, YI = 10_000, 100_000_000
BILLION, MILLION = 1_000_000_000, 1_000_000

DEFAULT_CURRENCY = "CNY"
# The currencies a person can give their amounts in, as the questionnaire names them.
CURRENCY_NAMES = {
    "CNY": _("Chinese yuan (CNY)"),
    "HKD": _("Hong Kong dollars (HKD)"),
    "TWD": _("New Taiwan dollars (TWD)"),
    "USD": _("US dollars (USD)"),
    "EUR": _("Euros (EUR)"),
    "GBP": _("Pounds sterling (GBP)"),
    "SGD": _("Singapore dollars (SGD)"),
    "JPY": _("Japanese yen (JPY)"),
    "CAD": _("Canadian dollars (CAD)"),
    "AUD": _("Australian dollars (AUD)"),
    "OTHER": _("Another currency"),
}
# How an amount is written: English prefix or suffix, Chinese unit after the number.
_ENGLISH = {
    "CNY": ("", " yuan"),
    "HKD": ("HK$", ""),
    "TWD": ("NT$", ""),
    "USD": ("US$", ""),
    "EUR": ("€", ""),
    "GBP": ("£", ""),
    "SGD": ("S$", ""),
    "JPY": ("", " yen"),
    "CAD": ("C$", ""),
    "AUD": ("A$", ""),
    "OTHER": ("", " (your currency)"),
}
_CHINESE = {
    "CNY": "元",
    "HKD": "港元",
    "TWD": "新台币",
    "USD": "美元",
    "EUR": "欧元",
    "GBP": "英镑",
    "SGD": "新加坡元",
    "JPY": "日元",
    "CAD": "加元",
    "AUD": "澳元",
    "OTHER": "（你的货币）",
}


# Set while a plan is written (`one_language`): whether it is in Chinese.
_WRITING_CHINESE: ContextVar[bool | None] = ContextVar("writing_chinese", default=None)


def is_chinese() -> bool:
    """Whether the active language is Chinese (Leap speaks only zh-hans of it)."""
    writing = _WRITING_CHINESE.get()
    if writing is not None:
        return writing
    return (get_language() or "en").startswith("zh")


@contextmanager
def one_language() -> Iterator[None]:
    """Within the block, which must not change the active language, `is_chinese` answers
    from the language active when it began. A plan asks some 500 times, and reading
    Django's active language (a context-local lookup) was a fifth of writing one."""
    token = _WRITING_CHINESE.set((get_language() or "en").startswith("zh"))
    try:
        yield
    finally:
        _WRITING_CHINESE.reset(token)


def sentences(*parts: str) -> str:
    """Sentences run together as the language writes them: with a space in English,
    without one in Chinese."""
    return ("" if is_chinese() else " ").join(part for part in parts if part)


def _trim(value: float) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".")


def number(value: float) -> str:
    """A figure as people read it: 1.2 billion, 75 million, 144,000; 12亿, 7500万, 14.4万."""
    if is_chinese():
        for size, unit in ((YI, "亿"), (WAN, "万")):
            if abs(value) >= size:
                return f"{_trim(value / size)}{unit}"
        return _trim(value)
    for size, unit in ((BILLION, "billion"), (MILLION, "million")):
        if abs(value) >= size:
            return f"{_trim(value / size)} {unit}"
    return f"{value:,.0f}" if abs(value) >= 1_000 else _trim(value)


def money(amount: float, currency: str = DEFAULT_CURRENCY, *, exact: bool = False) -> str:
    """An amount in `currency` (a CURRENCY_NAMES code): 12,000 yuan, HK$12,000, 1.2万港元.
    Large amounts are rounded as people say them (3.14 million, 7.67万); `exact` keeps
    every digit, for sums a reader checks (3,144,000 yuan, 7.6681万元)."""
    currency = currency if currency in CURRENCY_NAMES else "OTHER"
    if is_chinese():
        shown = number(amount)
        if exact and abs(amount) >= WAN:
            shown = f"{amount / WAN:.4f}".rstrip("0").rstrip(".") + "万"
        return f"{shown}{_CHINESE[currency]}"
    prefix, suffix = _ENGLISH[currency]
    shown = f"{round(amount):,}" if exact else number(round(amount))
    return f"{prefix}{shown}{suffix}"


def yuan(amount: float) -> str:
    return money(amount, "CNY")


def us_dollars(amount: float) -> str:
    return money(amount, "USD")


def months(value: float, *, exact: bool = False) -> str:
    """A count of months: whole months, rounded down (what a plan can count on), or with
    `exact` to one decimal, as the pictures draw them (4.8 months, 4.8个月)."""
    if exact:
        value = math.floor(value * 10 + 0.5) / 10  # halves up, as money.tenths
        return ngettext("%(count)s month", "%(count)s months", 1 if value == 1 else 2) % {
            "count": number(value)
        }
    whole = math.floor(value)
    return ngettext("%(count)d month", "%(count)d months", whole) % {"count": whole}


def days(value: int) -> str:
    """A count of days (12 days, 12天)."""
    return ngettext("%(count)d day", "%(count)d days", value) % {"count": value}
