"""Every marked string has its Simplified Chinese, and the compiled catalogue is current."""

import os
import shutil
import subprocess
import sys

import polib

from tests import services
from tests.services import ROOT

PO = ROOT / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"
MO = PO.with_suffix(".mo")


def test_every_marked_string_is_translated(tmp_path):
    """Extract the strings afresh from a copy of the code, as a translator would."""
    services.need(shutil.which("xgettext") is not None, "GNU gettext (xgettext)")
    copy = tmp_path / "leap"
    for part in ("advisor", "profiles", "templates", "locale"):
        shutil.copytree(ROOT / part, copy / part)
    shutil.copy(ROOT / "manage.py", copy / "manage.py")
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "advisor.settings", "DEBUG": "true"}
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "zh_Hans", "--no-obsolete"],
        cwd=copy,
        env=env,
        check=True,
        capture_output=True,
    )
    fresh = polib.pofile(str(copy / PO.relative_to(ROOT)))
    missing = [e.msgid for e in fresh.untranslated_entries()]
    fuzzy = [e.msgid for e in fresh.fuzzy_entries()]
    assert missing == [], f"strings without a translation: {missing}"
    assert fuzzy == [], f"translations marked fuzzy (to check): {fuzzy}"


def test_the_committed_catalogue_is_complete_and_compiled():
    catalogue = polib.pofile(str(PO))
    assert catalogue.percent_translated() == 100
    assert not catalogue.fuzzy_entries()
    compiled = polib.mofile(str(MO))
    assert {(e.msgctxt, e.msgid): e.msgstr for e in compiled if not e.msgid_plural} == {
        (e.msgctxt, e.msgid): e.msgstr for e in catalogue.translated_entries() if not e.msgid_plural
    }


def test_no_sentence_ends_on_a_time_of_day():
    """English times end in "p.m.": a full stop after one read "8:20 p.m..". Leap's
    sentences give a date and time first, or as a caption without a full stop."""
    import re

    message = re.compile(
        r"\{% blocktranslate [^%]*?(\w+)=[\w.]+\|date:\"(?:SHORT_)?DATETIME_FORMAT\"[^%]*%\}"
        r"(.*?)\{% endblocktranslate %\}",
        re.S,
    )
    found = [
        f"{path.relative_to(ROOT)}: {body.strip()}"
        for path in (ROOT / "templates").rglob("*.*")
        for name, body in message.findall(path.read_text(encoding="utf-8"))
        if "{{ " + name + " }}." in body
    ]
    assert found == []
