"""Numbers and money as a reader of the active language expects them.

English groups thousands (144,000 yuan); Chinese counts in 万 and 亿 (14.4万元).
"""

from django.utils.translation import get_language

WAN, YI = 10_000, 100_000_000


def is_chinese() -> bool:
    """Whether the active language is Chinese (Leap speaks only zh-hans of it)."""
    return (get_language() or "en").startswith("zh")


def _trim(value: float) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".")


def number(value: float) -> str:
    if is_chinese():
        for size, unit in ((YI, "亿"), (WAN, "万")):
            if abs(value) >= size:
                return f"{_trim(value / size)}{unit}"
        return _trim(value)
    return f"{value:,.0f}" if abs(value) >= 10_000 else _trim(value)


def yuan(amount: float) -> str:
    return f"{number(amount)}元" if is_chinese() else f"{number(round(amount))} yuan"


def us_dollars(amount: float) -> str:
    return f"{number(amount)}美元" if is_chinese() else f"US${number(amount)}"
