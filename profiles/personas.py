"""Answer sets shaped on the seed stories, for the tests, the benchmarks and
`manage.py seed_demo`.

The articles tell each story; they do not give these people's savings, hours to the
hour or family. Those figures are made up to fit the story, for testing, and say
nothing about the real people. Each set exists in the current questionnaire version
and, as `*_V1`, in version 1, whose submissions Leap still reads.
"""

LI_JING_V1 = {
    # Luna: ByteDance, long hours six days a week, fainted at the office.
    "role": "data",
    "years_experience": 8,
    "employer_type": "big_tech",
    "hours_per_week": 72,
    "weekend_days_worked": "1",
    "online_after_six": "every_day",
    "layoff_worry": "medium",
    "strain_signals": ["fainted_or_ill", "nonstop", "sleep"],
    "need_break": "long",
    "pulls": ["freedom_rest", "build_own"],
    "skills": ["data_analysis", "traffic_growth"],
    "has_audience": "no",
    "network": "large",
    "languages": ["zh"],
    "overseas_experience": "none",
    "savings_months": 18,
    "dependants": 0,
    "income_floor": 12000,
    "risk_tolerance": "high",
    "months_off": 6,
    "location": "mainland",
    "willing_to_move": "yes",
    "political_risk_concern": "medium",
    "direction": "found",
    "timeline": "6_months",
}

LIU_CHEN_V1 = {
    **LI_JING_V1,
    "role": "engineer",
    "employer_type": "foreign",
    "hours_per_week": 45,
    "weekend_days_worked": "0",
    "online_after_six": "sometimes",
    "strain_signals": [],
    "need_break": "no",
    "pulls": ["home_family", "change_culture"],
    "skills": ["deep_engineering"],
    "languages": ["zh", "en"],
    "overseas_experience": "both",
    "location": "overseas",
    "country": "us",
    "return_home": "planning",
    "political_risk_concern": "low",
    "direction": "join",
}

MEI_CHEN_V1 = {
    # PMMei: product manager at Zenith and Ofo, then product-manager training, then online.
    **LI_JING_V1,
    "role": "product",
    "years_experience": 10,
    "hours_per_week": 55,
    "online_after_six": "most_days",
    "strain_signals": ["numb"],
    "need_break": "short",
    "pulls": ["purpose_control", "build_own"],
    "skills": ["product_management", "teaching"],
    "has_audience": "yes",
    "audience_platforms": ["douyin", "xiaohongshu"],
    "audience_size": "10k_100k",
    "risk_tolerance": "medium",
    "savings_months": 12,
    "direction": "freelance",
    "timeline": "3_months",
}

ZHANG_YIFEI_V1 = {
    # WeCom at Tencent: stays in tech, and wants humane terms.
    **LI_JING_V1,
    "role": "engineer",
    "years_experience": 6,
    "hours_per_week": 62,
    "weekend_days_worked": "1",
    "online_after_six": "every_day",
    "layoff_worry": "high",
    "strain_signals": ["dread", "no_time", "sleep"],
    "need_break": "short",
    "pulls": ["freedom_rest", "change_culture"],
    "skills": ["deep_engineering"],
    "network": "medium",
    "savings_months": 5,
    "dependants": 1,
    "income_floor": 15000,
    "risk_tolerance": "low",
    "months_off": 1,
    "direction": "stay",
    "timeline": "3_months",
}


def _current(v1: dict, **new) -> dict:
    """A version 1 answer set in the current questionnaire: amounts for months, and none
    of the circumstances that come first."""
    answers = {k: v for k, v in v1.items() if k not in ("savings_months", "income_floor")}
    return {**answers, "circumstances": ["none"], **new}


LI_JING = _current(
    LI_JING_V1,
    employment_status="employed",
    contract_type="direct",
    tenure_years=4,
    hours_system="standard",
    side_business="none",
    currency="CNY",
    savings=216_000,
    monthly_expenses=12_000,
    housing="rent",
    restrictions="none",
)
MEI_CHEN = _current(
    MEI_CHEN_V1,
    employment_status="employed",
    contract_type="direct",
    tenure_years=3,
    hours_system="standard",
    side_business="started",
    currency="CNY",
    savings=180_000,
    monthly_expenses=15_000,
    housing="rent",
    restrictions="none",
)
LIU_CHEN = _current(
    LIU_CHEN_V1,
    employment_status="employed",
    contract_type="direct",
    tenure_years=6,
    hours_system="standard",
    side_business="none",
    currency="USD",
    savings=120_000,
    monthly_expenses=7_000,
    housing="rent",
    restrictions="none",
)
ZHANG_YIFEI = _current(
    ZHANG_YIFEI_V1,
    employment_status="employed",
    contract_type="direct",
    tenure_years=4,
    hours_system="standard",
    side_business="none",
    currency="CNY",
    savings=75_000,
    monthly_expenses=15_000,
    housing="rent",
    restrictions="none",
)
