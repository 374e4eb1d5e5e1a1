"""Widgets written by Python instead of the template engine, for menus long enough that their
templates cost a page noticeable time.

:class:`Select` is Django's ``Select`` with the same markup (``select.html``,
``select_option.html`` and ``attrs.html``, escaped the same way, a newline after each option),
written in Python: the audit log's filter offers about ninety actions and, through the
templates, its two menus were about a third of the page's time.
``tests/core/test_python_select.py`` compares it with Django's own rendering.
"""

from django import forms
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe


def _attrs(attrs):
    """``attrs.html``: `` name="value"`` each, `` name`` for True, nothing for False."""
    return "".join(
        f" {conditional_escape(name)}"
        + ("" if value is True else f'="{conditional_escape(str(value))}"')
        for name, value in attrs.items()
        if value is not False
    )


class Select(forms.Select):
    """``forms.Select``, rendered without the template engine (same HTML). Named ``Select``
    so that a field's ``widget_type`` (from the class name) stays ``select``, and with it the
    field's CSS class."""

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        parts = [f'<select name="{conditional_escape(widget["name"])}"{_attrs(widget["attrs"])}>']
        for group_name, group_choices, _index in widget["optgroups"]:
            if group_name:
                parts.append(f'\n  <optgroup label="{conditional_escape(group_name)}">')
            for option in group_choices:
                parts.append(
                    f'\n  <option value="{conditional_escape(str(option["value"]))}"'
                    f"{_attrs(option['attrs'])}>{conditional_escape(str(option['label']))}"
                    "</option>\n"
                )
            if group_name:
                parts.append("\n  </optgroup>")
        parts.append("\n</select>")
        return mark_safe("".join(parts))
