"""The site's select widget template (templates/django/forms/widgets/select.html) writes
each plain option itself instead of including a template per option: its markup must stay
Django's own, whatever the choices, groups, selection and attributes."""

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates

from mentorship.forms import FormRenderer

CHOICES = [
    ("", "Any"),
    ("a", "Plain"),
    ("b", 'Quotes " & <tags>'),
    ("Group", [("c", "In a group"), ("d", "Another")]),
    (3, "A number"),
]


class Choices(forms.Form):
    one = forms.ChoiceField(choices=CHOICES, required=False)
    many = forms.MultipleChoiceField(choices=CHOICES, required=False)
    styled = forms.ChoiceField(
        choices=CHOICES,
        widget=forms.Select(attrs={"class": "wide", "data-x": "1", "disabled": True}),
    )


@pytest.mark.parametrize(
    "data", [{}, {"one": "b", "many": ["a", "d"], "styled": "3"}, {"one": "zzz"}]
)
def test_the_select_renders_as_djangos_own(data):
    ours = Choices(data or None, renderer=FormRenderer())
    django = Choices(data or None, renderer=DjangoTemplates())
    for name in ("one", "many", "styled"):
        assert str(ours[name]) == str(django[name]), name
    assert "<option" in str(ours["one"])
