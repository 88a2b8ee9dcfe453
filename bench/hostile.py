"""Hostile requests, made by a seeded generator: what a fuzzer or a careless client sends.

Shared by the suite's bounded run (tests/test_fuzz.py, Django's test client) and the
benchmark (bench/fuzz.py, 10,000 requests to gunicorn). Every URL the site has is found
from its URL configuration, so a new page is fuzzed without anyone listing it; each
request fills the URL's parameters (real ids of the people seeded, other ids, forged
ones), picks a method, form fields from every form Leap has, hostile values for them,
and an encoding: form data in UTF-8 or another charset, multipart, JSON, raw bytes.
Requests that once found a fault (`replayed`) go first, in every run.

Needs Django set up (settings loaded), since it reads the URL configuration.
"""

from __future__ import annotations

import random
import re
import uuid
from dataclasses import dataclass, field
from urllib.parse import quote, urlencode

from django.urls import URLPattern, URLResolver, get_resolver, reverse

from advisor.advice import questionnaire

# Every form field name Leap reads, and then some.
FIELDS = [
    "email", "username", "password", "password1", "password2", "new_password1",
    "new_password2", "next", "language", "draft_id", "nav", "return", "consent_processing",
    "consent_review", "text", "shared", "archetype", "reason", "counsellor", "status", "q",
    "flag", "assigned", "overdue", "page", "pick", "code", "review", "csrfmiddlewaretoken",
    *sorted(questionnaire.QUESTIONS),
]  # fmt: skip

VALUES = [
    "", " ", "0", "-1", "1", "3", "99999999999999999999999999", "1e309", "NaN", "-0", "0x10",
    "abc", "not-a-uuid", "00000000-0000-0000-0000-000000000000",
    "7c9e6679-7425-40de-944b-e07fc1f90ae7",
    "/", "//evil.example/", "https://evil.example/", "javascript:alert(1)", "/\\evil.example",
    "/plans/", "abc/def", "..%2F..%2Fetc%2Fpasswd", "../../etc/passwd",
    "<script>alert(1)</script>", "\" onmouseover=\"x", "' OR 1=1 --", "%s%s%n",
    "{{ 7*7 }}", "{% debug %}", "=cmd|'/c calc'!A0", "+1", "@SUM(1)", "\t=1", "\r=1",
    "\x00", "a\x00b", "a\r\nSet-Cookie: x=1", "\u202e\u0645\u0631\u062d\u0628\u0627",
    "😀" * 50, "中文，全角：测试！", "\uff26\uff55\uff4c\uff4c", "\ufeff", "é",
    "x" * 5000, "9" * 400, "en", "zh-hans", "xx", "new", "in_review", "reviewed", "back",
    "review", "on", "true", "false", "give", "withdraw", "high_strain", "me", "none",
    "alice@example.com", "ALICE@EXAMPLE.COM", "=cmd|'/c calc'!a0.x@example.com",
    "a" * 250 + "@example.com", "u" * 300,
    "influencer_founder", "sustainable_switcher", "123456", "12345678", "abcd2345",
]  # fmt: skip

CONTENT_TYPES = [
    "application/x-www-form-urlencoded",
    "application/x-www-form-urlencoded; charset=utf-8",
    "application/x-www-form-urlencoded; charset=latin-1",
    "application/x-www-form-urlencoded; charset=utf-16",
    "application/x-www-form-urlencoded; charset=no-such-charset",
    "multipart/form-data; boundary=leapfuzz",
    "multipart/form-data; charset=latin-1; boundary=leapfuzz",
    "multipart/form-data",  # no boundary
    "application/json",
    "text/plain; charset=latin-1",
    "application/octet-stream",
]
HEADERS = [
    {},
    {"HX-Request": "true"},
    {"HX-Request": "true", "HX-Trigger-Name": "hours_per_week"},
    {"HX-Request": "true", "HX-Trigger-Name": "<x>"},
    {"Accept-Language": "zh-Hans-CN,zh;q=0.9"},
    {"Accept-Language": "*;q=abc, ,,;;"},
    {"X-Request-ID": 'bad id "quoted" \tand long' * 20},
    {"X-Forwarded-For": "not-an-ip, 999.1.1.1"},
    {"Accept": "application/json"},
]
METHODS = ["GET"] * 5 + ["POST"] * 6 + ["HEAD", "PUT", "DELETE", "OPTIONS", "PATCH"]


@dataclass
class HostileRequest:
    method: str
    path: str  # with its query string
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""
    content_type: str = ""
    # Sent by the visitor, not by whichever client is next: a logged-in one skips the
    # log-in form.
    by_visitor: bool = False

    def __str__(self) -> str:
        return f"{self.method} {self.path} [{self.content_type}] {self.body[:200]!r}"


FORM = "application/x-www-form-urlencoded"


def replayed() -> list[HostileRequest]:
    """Requests that once found a fault, sent first in every run whatever the seed."""
    login = reverse("login")

    def form(fields) -> bytes:
        return urlencode(fields).encode()

    bodies = [
        # django-axes kept the posted name whole in 255 characters: 500 on PostgreSQL.
        form({"username": "a" * 250 + "@example.com", "password": "x"}),
        form({"username": "u" * 300, "password": "x"}),
        # Refused unread with a 400, and logged as errors (advisor/logs.py).
        form([(f"f{n}", "1") for n in range(1001)]),
        b"f=" + b"x" * (3 * 1024 * 1024),
    ]
    return [HostileRequest("POST", login, {}, body, FORM, by_visitor=True) for body in bodies]


def routes() -> list[str]:
    """Every URL pattern of the site (admin's own apart), as Django writes them:
    `submissions/<uuid:submission_id>/`."""
    found: list[str] = []

    def walk(patterns, prefix: str) -> None:
        for pattern in patterns:
            route = str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                if route.startswith("admin/"):
                    continue
                walk(pattern.url_patterns, prefix + route)
            elif isinstance(pattern, URLPattern):
                found.append(prefix + route)

    walk(get_resolver().url_patterns, "")
    return sorted(set(found))


ADMIN = ["admin/", "admin/login/", "admin/logout/", "admin/counsel/auditevent/",
         "admin/counsel/review/", "admin/profiles/user/", "admin/profiles/user/add/",
         "admin/plans/plan/", "admin/axes/accessattempt/",
         "admin/otp_totp/totpdevice/", "admin/counsel/note/?q=%00"]  # fmt: skip
PARAMETER = re.compile(r"<(?:(\w+):)?(\w+)>")


class Generator:
    """Hostile requests from a seed: the same seed makes the same requests."""

    def __init__(self, seed: int, *, ids: dict[str, list[str]]):
        """`ids`: real ids to use for URL parameters, by parameter name
        (`submission_id`: Alice's and Bob's submissions, say)."""
        self.random = random.Random(seed)  # noqa: S311 (reproducible on purpose)
        self.ids = ids
        self.routes = [*routes(), *ADMIN]
        self.replays = replayed()

    def _value(self) -> str:
        pick = self.random.random()
        if pick < 0.1:
            return "".join(chr(self.random.randint(1, 0x2FFF)) for _ in range(20))
        return self.random.choice(VALUES)

    def _fill(self, route: str) -> str:
        def parameter(match: re.Match) -> str:
            converter, name = match.group(1) or "str", match.group(2)
            choices = self.ids.get(name, [])
            if converter == "uuid":
                # Forged ids from the seeded generator, so that a seed replays its requests.
                forged = [str(uuid.UUID(int=self.random.getrandbits(128))) for _ in range(2)]
                choices = [*choices, forged[0], forged[1].upper()]
            else:
                choices = [*choices, *[s.slug for s in questionnaire.STEPS], "%00", "x" * 300]
            return quote(self.random.choice(choices), safe="")

        return "/" + PARAMETER.sub(parameter, route)

    def _fields(self) -> list[tuple[str, str]]:
        count = self.random.choice([0, 1, 2, 3, 5, 8, 12])
        return [(self.random.choice(FIELDS), self._value()) for _ in range(count)]

    def request(self) -> HostileRequest:
        if self.replays:
            return self.replays.pop(0)
        path = self._fill(self.random.choice(self.routes))
        method = self.random.choice(METHODS)
        if self.random.random() < 0.4:
            query = urlencode(self._fields(), doseq=True)
            path += ("&" if "?" in path else "?") + query if query else ""
        headers = dict(self.random.choice(HEADERS))
        if method in ("GET", "HEAD", "OPTIONS"):
            return HostileRequest(method, path, headers)
        content_type = self.random.choice(CONTENT_TYPES)
        return HostileRequest(method, path, headers, self._body(content_type), content_type)

    def _body(self, content_type: str) -> bytes:
        fields = self._fields()
        if self.random.random() < 0.1:
            return self.random.randbytes(self.random.choice([0, 1, 16, 300]))
        if content_type.startswith("multipart"):
            parts = [
                f'--leapfuzz\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'
                for name, value in fields
            ]
            return ("".join(parts) + "--leapfuzz--\r\n").encode("utf-8", "surrogatepass")
        if content_type == "application/json":
            return repr(dict(fields)).encode("utf-8", "surrogatepass")
        charset = "latin-1" if "latin-1" in content_type else "utf-8"
        return urlencode(fields, doseq=True, encoding=charset, errors="replace").encode()
