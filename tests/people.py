"""Made-up people a counsellor meets, as complete answer sets of the current questionnaire.

None of them is a person from the seed articles. Each starts from an ordinary employed
engineer in Shanghai and changes what makes them who they are.
"""

from advisor.advice import questionnaire as q

BASE = {
    "location": "mainland",
    "employment_status": "employed",
    "contract_type": "direct",
    "tenure_years": 3,
    "circumstances": ["none"],
    "role": "engineer",
    "years_experience": 6,
    "employer_type": "big_tech",
    "hours_per_week": 50,
    "hours_system": "standard",
    "weekend_days_worked": "0",
    "online_after_six": "sometimes",
    "layoff_worry": "medium",
    "strain_signals": [],
    "need_break": "no",
    "pulls": ["money"],
    "skills": ["deep_engineering"],
    "has_audience": "no",
    "network": "medium",
    "languages": ["zh"],
    "overseas_experience": "none",
    "side_business": "none",
    "currency": "CNY",
    "savings": 120_000,
    "monthly_expenses": 15_000,
    "housing": "rent",
    "dependants": 0,
    "risk_tolerance": "medium",
    "months_off": 0,
    "willing_to_move": "yes",
    "political_risk_concern": "medium",
    "direction": "join",
    "timeline": "6_months",
    "restrictions": "none",
}


def person(**answers) -> dict:
    """BASE changed by `answers`, with what no longer applies dropped; valid and complete."""
    found = q.prune({**BASE, **answers})
    problems = q.validate(found)
    assert problems == [], problems
    return found


# Chen Hao, 38, backend engineer in Hangzhou: laid off last month after seven years, the
# severance offered is less than he thinks he is owed; two children and a parent at
# home, a mortgage.
LAID_OFF_AT_38 = person(
    employment_status="laid_off",
    severance_status="disputed",
    months_since_left=1,
    tenure_years=7,
    monthly_pay=35_000,
    age_band="35_44",
    years_experience=14,
    hours_per_week=60,
    savings=120_000,
    monthly_expenses=25_000,
    housing="mortgage",
    dependants=3,
    direction="join",
    timeline="now",
)

# Lin Yue, 29, product designer in Shenzhen: fainted at her desk last week, has not seen a
# doctor, and says she is ready to go. Three months of savings.
FAINTED_AND_READY = person(
    role="design",
    years_experience=6,
    hours_per_week=66,
    weekend_days_worked="1",
    online_after_six="every_day",
    strain_signals=["fainted_or_ill", "sleep", "dread"],
    health_followup="not_yet",
    need_break="no",
    savings=36_000,
    monthly_expenses=12_000,
    months_off=0,
    pulls=["freedom_rest"],
    skills=["product_management"],
    direction="unsure",
)

# Ho Ka-wai, 31, engineer in Hong Kong: sixty-hour weeks, paid in Hong Kong dollars.
HONG_KONG_ENGINEER = person(
    location="hong_kong",
    return_home="no",
    hours_per_week=60,
    currency="HKD",
    savings=400_000,
    monthly_expenses=30_000,
    languages=["zh", "en"],
    overseas_experience="work",
)

# Tsai Yi-ting, 33, QA engineer in Taipei: fifty-two-hour weeks.
TAIPEI_TESTER = person(
    location="taiwan",
    return_home="open",
    role="other",
    hours_per_week=52,
    currency="TWD",
    savings=900_000,
    monthly_expenses=50_000,
)

# Zhao Min, 23, just finished a master's degree in Berlin and wants to work there.
NEW_GRADUATE_ABROAD = person(
    location="overseas",
    country="germany",
    return_home="open",
    employment_status="student",
    years_experience=0,
    hours_per_week=0,
    employer_type="other",
    skills=["deep_engineering", "data_analysis"],
    languages=["zh", "en"],
    overseas_experience="degree",
    currency="EUR",
    savings=8_000,
    monthly_expenses=1_200,
    pulls=["money", "home_family"],
    direction="join",
)

# Sun Qiang, 27, tester in Chengdu: employed by an outsourcing firm, placed at a big
# platform whose managers set his hours.
OUTSOURCED_TESTER = person(
    contract_type="outsourced",
    role="other",
    years_experience=4,
    hours_per_week=58,
    online_after_six="most_days",
    savings=30_000,
    monthly_expenses=6_000,
    direction="stay",
)

# Wu Lei, 30, operations in Guangzhou, on a labour-dispatch contract.
DISPATCHED_OPERATOR = person(
    contract_type="dispatched",
    role="operations",
    hours_per_week=55,
    savings=40_000,
    monthly_expenses=8_000,
)

# Liang Qing, 34, freelance designer in Chengdu, already earning from her clients.
FREELANCE_DESIGNER = person(
    employment_status="self_employed",
    role="design",
    hours_per_week=50,
    side_business="earning",
    side_income=9_000,
    savings=60_000,
    monthly_expenses=10_000,
    direction="freelance",
)

# Grace Liu, 35, machine-learning engineer in Seattle, planning to move back to Shanghai.
SEATTLE_RETURNEE = person(
    location="overseas",
    country="us",
    return_home="planning",
    years_experience=11,
    hours_per_week=50,
    skills=["deep_engineering"],
    languages=["zh", "en"],
    overseas_experience="both",
    currency="USD",
    savings=150_000,
    monthly_expenses=8_000,
    pulls=["home_family", "change_culture"],
    political_risk_concern="low",
)

# A third-year student in Wuhan, not working yet.
STUDENT_NOT_WORKING = person(
    employment_status="student",
    years_experience=0,
    hours_per_week=0,
    employer_type="other",
    savings=5_000,
    monthly_expenses=2_000,
)

# Paid in a currency Leap does not name (Malaysian ringgit, say), working overseas.
OTHER_CURRENCY = person(location="overseas", country="other", return_home="no", currency="OTHER")

# Huang Jun, 37, data engineer in Beijing, wants to found a traffic-growth studio; three
# people depend on him and his savings are thin.
FOUNDER_WITH_DEPENDANTS = person(
    role="data",
    skills=["data_analysis", "traffic_growth"],
    pulls=["build_own"],
    direction="found",
    risk_tolerance="high",
    network="large",
    dependants=3,
    savings=60_000,
    monthly_expenses=20_000,
)

# Gao Yan, 32, handed in her notice at a startup in Shenzhen to look after her health.
RESIGNED = person(
    employment_status="notice",
    employer_type="startup",
    tenure_years=2,
    strain_signals=["nonstop", "no_time"],
    need_break="short",
    months_off=2,
)

# Ma Rui, 40, infrastructure lead at a platform in Hangzhou, with a non-compete, who wants
# to start a company with two colleagues.
NONCOMPETE_FOUNDER = person(
    role="manager",
    years_experience=16,
    age_band="35_44",
    restrictions="noncompete",
    noncompete_state="not_told",
    competitor_offer="no",
    direction="found",
    pulls=["build_own"],
    savings=900_000,
    monthly_expenses=30_000,
)

AVERAGED_HOURS = person(hours_system="averaged", hours_per_week=60)
UNFIXED_HOURS = person(hours_system="unfixed", hours_per_week=60)
UNSURE_HOURS = person(hours_system="not_sure", hours_per_week=60)
