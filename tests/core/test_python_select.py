"""``mentorship.core.widgets.Select`` writes Django's own select markup in Python: the
same HTML as ``forms.Select`` through Django's templates, whatever the choices, groups,
selection, attributes and escaping."""

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates
from django.utils.safestring import mark_safe

from mentorship.core.widgets import Select as PythonSelect
from mentorship.forms import FormRenderer

CHOICES = [
    ("", "Any"),
    ("a", "Plain"),
    ("b", 'Quotes " & <tags>'),
    ("Group <g>", [("c", "In a group"), ("d", "Another")]),
    (3, "A number"),
    ("s", mark_safe("<em>safe</em>")),
    ("'q'", 7),
]


def _form(plain):
    select = PythonSelect if plain else forms.Select

    class Choices(forms.Form):
        one = forms.ChoiceField(choices=CHOICES, required=False, widget=select)
        styled = forms.ChoiceField(
            choices=CHOICES,
            widget=select(attrs={"class": "wide", "data-x": '1"2', "disabled": True, "no": False}),
        )

    return Choices


@pytest.mark.parametrize(
    "data", [{}, {"one": "b", "styled": "3"}, {"one": "zzz"}, {"one": "d", "styled": "'q'"}]
)
@pytest.mark.parametrize("renderer", [DjangoTemplates, FormRenderer])
def test_python_select_renders_as_djangos_own(data, renderer):
    ours = _form(plain=True)(data or None, renderer=renderer())
    django = _form(plain=False)(data or None, renderer=DjangoTemplates())
    for name in ("one", "styled"):
        assert str(ours[name].as_widget()) == str(django[name].as_widget()), name
        assert str(ours[name]) == str(django[name]), name
        # The field around it too (its CSS class comes from the widget's class name).
        grouped = _form(plain=False)(data or None, renderer=renderer())
        assert ours[name].as_field_group() == grouped[name].as_field_group(), name
    assert "<optgroup" in str(ours["one"])
