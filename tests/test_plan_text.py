"""A plan's sentences on the page: links written as [label](url) become links, and
everything else stays escaped."""

from django.template import Context, Template

from advisor.advice import content
from tests import people


def render(paragraph: str) -> str:
    template = Template("{% load plan_text %}{{ text|linked }}")
    return template.render(Context({"text": paragraph}))


def test_a_link_in_a_sentence_becomes_a_link_and_the_rest_stays_escaped():
    html = render("Ask <b>them</b>: [the Labour Department](https://www.labour.gov.hk/) & more.")
    assert html == (
        "Ask &lt;b&gt;them&lt;/b&gt;: "
        '<a href="https://www.labour.gov.hk/" rel="noopener noreferrer">the Labour Department</a>'
        " &amp; more."
    )


def test_only_web_addresses_are_linked():
    assert "<a" not in render("[click](javascript:alert(1))")
    assert "<a" not in render("[mail](mailto:x@example.com)")
    html = render('[a "quoted" label](https://example.com/?a=1&b=2)')
    assert 'href="https://example.com/?a=1&amp;b=2"' in html
    assert "a &quot;quoted&quot; label</a>" in html


def test_the_plan_page_links_the_labour_authority_instead_of_printing_brackets():
    plan = content.build(answers=people.SEATTLE_RETURNEE)
    said = [p for s in plan["sections"] for p in s["paragraphs"] + s["items"]]
    written = next(p for p in said if "](https://www.dol.gov/" in p)
    html = Template("{% include 'plans/section_body.html' %}").render(
        Context({"section": {"items": [written], "paragraphs": [], "flags": []}})
    )
    assert '<a href="https://www.dol.gov/agencies/whd/contact/complaints"' in html
    assert "](" not in html
