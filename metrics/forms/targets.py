"""The form of a program's targets: one optional number per indicator it is judged by."""

from django import forms

from .. import catalogue


def _help(indicator):
    better = "higher is better" if indicator.better == catalogue.HIGHER else "lower is better"
    return f"{indicator.range_words()}; {better}. {indicator.formula}"


def _plain(target):
    """A stored Decimal as people write it: 70.00 → "70", 3.50 → "3.5"."""
    text = f"{target:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


class ProgramTargetsForm(forms.Form):
    """Fields are named by indicator key, so a service's ValidationError({key: ...}) lands
    next to its field. An empty field means no target."""

    def __init__(self, *args, rows, **kwargs):
        initial = {row.indicator.key: _plain(row.target) for row in rows if row.target is not None}
        super().__init__(*args, initial=initial, **kwargs)
        for row in rows:
            indicator = row.indicator
            low, high = indicator.target_range
            self.fields[indicator.key] = forms.DecimalField(
                label=f"{indicator.name} ({indicator.unit.label})",
                required=False,
                max_digits=10,
                decimal_places=2,
                help_text=_help(indicator),
                widget=forms.NumberInput(
                    attrs={"step": "any", "min": low, **({"max": high} if high is not None else {})}
                ),
                error_messages={
                    "invalid": "Enter a number, or leave it empty for no target.",
                    "max_decimal_places": "Use at most two decimals.",
                    "max_digits": "That number is too large.",
                    "max_whole_digits": "That number is too large.",
                },
            )

    def service_kwargs(self):
        return {"targets": dict(self.cleaned_data)}
