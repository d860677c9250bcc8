"""A template's ``_()`` and ``{% trans %}`` (portal.i18n.page_text) mean what Jinja's newstyle
gettext means: the portal's own lean version must not change a single page."""

from __future__ import annotations

import pytest
from flask import render_template_string


@pytest.mark.parametrize(
    ("source", "shown"),
    [
        # A value is escaped; the catalog's own text is markup.
        ('{{ _("Hej %(name)s.", name=name) }}', "Hej &lt;b&gt;Jens&lt;/b&gt;."),
        # Always a format string: %% is one percent sign, with values or without.
        ('{{ _("Du er %(percent)s %% inde i dit forløb.", percent=40) }}', "Du er 40 % inde"),
        ("{% trans %}Hej.{% endtrans %}", "Hej."),
        ("{% trans name=name %}Hej {{ name }}.{% endtrans %}", "Hej &lt;b&gt;Jens&lt;/b&gt;."),
    ],
)
def test_a_template_text_is_translated_formatted_and_escaped_as_in_jinja(app, source, shown):
    with app.test_request_context("/"):
        assert shown in render_template_string(source, name="<b>Jens</b>")


def test_a_template_text_is_in_the_readers_language(app):
    with app.test_request_context("/?lang=en"):
        page = render_template_string('{{ _("Gå til sidens indhold") }}')
    assert page == "Go to the content of the page"


def test_without_autoescape_a_text_is_plain(app):
    with app.test_request_context("/"):
        said = render_template_string(
            '{% autoescape false %}{{ _("Hej %(name)s.", name=name) }}{% endautoescape %}',
            name="<b>Jens</b>",
        )
    assert said == "Hej <b>Jens</b>."
