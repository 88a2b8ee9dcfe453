"""A plan's sentences as HTML: escaped, with the links the advice writes inside a
sentence as [label](url) (advisor.advice.case.link) made into links."""

import re

from django import template
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString

register = template.Library()

# Only web addresses: a sentence never links anywhere else.
LINK = re.compile(r"\[([^\[\]]+)\]\((https?://[^\s()]+)\)")


@register.filter(needs_autoescape=True)
def linked(text: str, autoescape: bool = True) -> SafeString:
    escape = conditional_escape if autoescape else SafeString
    text = str(text)
    parts, start = [], 0
    for found in LINK.finditer(text):
        parts.append(escape(text[start : found.start()]))
        parts.append(
            format_html('<a href="{}" rel="noopener noreferrer">{}</a>', found[2], found[1])
        )
        start = found.end()
    parts.append(escape(text[start:]))
    return format_html("{}" * len(parts), *parts)  # each part is safe already
