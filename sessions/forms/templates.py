"""Forms of session templates (S1): a template's details, the blocks editor's working copy,
and the templates a program uses.

The blocks editor keeps the admin's working copy in the form (rows ``b0-``, ``b1-``…, each
with the block's id, or none for a new one): adding, removing and moving a block re-renders
the copy without writing; saving hands the whole copy to
:func:`sessions.services.templates.template_blocks_save`, which writes it at once or refuses
it (the blocks must add up to the template's length).
"""

from django import forms

from ..models import Output, SessionTemplate
from ..services.templates import blocks_total_message

MAX_BLOCKS = 30


class TemplateForm(forms.ModelForm):
    """A template's name, description, kind, range and pre-work (not its length, which is
    saved with the blocks it must equal)."""

    class Meta:
        model = SessionTemplate
        fields = [
            "name",
            "description",
            "kind",
            "min_minutes",
            "max_minutes",
            "requires_pre_work",
            "pre_work_prompt",
        ]
        labels = {
            "min_minutes": "Shortest booking (minutes)",
            "max_minutes": "Longest booking (minutes)",
            "requires_pre_work": "The mentee writes pre-work before the session",
            "pre_work_prompt": "Pre-work prompt",
        }
        help_texts = {
            "kind": "One-to-one and micro sessions are scheduled by a pair; group sessions "
            "by a cohort's facilitator.",
            "min_minutes": "Micro-mentoring only: a session may be booked for any length in "
            "the range (for example 15 to 45); its blocks are scaled to it.",
            "max_minutes": "Leave both empty for a fixed length.",
            "pre_work_prompt": "What the mentee is asked to write, for example short context "
            "notes.",
        }
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "kind": forms.RadioSelect,
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["pre_work_prompt"].widget = forms.Textarea(attrs={"rows": 2})
        for name in ("min_minutes", "max_minutes"):
            self.fields[name].min_value = 5
            self.fields[name].widget.attrs.update({"min": 5, "max": 480})

    def _post_clean(self):
        # The service validates and saves (model_update); the form only checks its input.
        pass

    def service_kwargs(self):
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class BlockForm(forms.Form):
    id = forms.IntegerField(required=False, widget=forms.HiddenInput)
    title = forms.CharField(max_length=120, label="Title")
    minutes = forms.IntegerField(
        min_value=1,
        max_value=480,
        label="Minutes",
        widget=forms.NumberInput(attrs={"class": "templates-minutes", "min": 1, "max": 480}),
    )
    prompt = forms.CharField(
        required=False,
        label="Prompt for the mentor",
        widget=forms.Textarea(attrs={"rows": 2, "class": "templates-prompt"}),
    )
    outputs = forms.MultipleChoiceField(
        choices=Output.choices,
        required=False,
        label="Asks for",
        widget=forms.CheckboxSelectMultiple,
    )


class LengthForm(forms.Form):
    minutes = forms.IntegerField(
        min_value=5,
        max_value=480,
        label="Length (minutes)",
        help_text="The blocks' minutes must add up to it.",
        widget=forms.NumberInput(attrs={"class": "templates-minutes", "min": 5, "max": 480}),
    )


def _int(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


class BlocksEditor:
    """The working copy of a template's blocks: rows of raw values in order.

    ``BlocksEditor.from_template(template)`` reads the saved blocks;
    ``BlocksEditor.from_post(template, data)`` the copy the admin sent, on which
    :meth:`apply` adds, removes or moves a row. :meth:`forms` renders it (unbound: a new,
    empty row shows no error); :meth:`bind` validates it for saving.
    """

    def __init__(self, template, rows, length, data=None):
        self.template = template
        self.rows = rows
        self.length = length
        self.data = data
        self.bound_forms = None
        self.length_form = LengthForm(initial={"minutes": length}, prefix="t")

    @classmethod
    def from_template(cls, template):
        rows = [
            {
                "id": block.pk,
                "title": block.title,
                "minutes": block.minutes,
                "prompt": block.prompt,
                "outputs": list(block.outputs or []),
            }
            for block in template.blocks.all()
        ]
        return cls(template, rows, template.minutes)

    @classmethod
    def from_post(cls, template, data):
        count = max(0, min(_int(data.get("count")) or 0, MAX_BLOCKS))
        rows = [
            {
                "id": _int(data.get(f"b{i}-id")),
                "title": data.get(f"b{i}-title", ""),
                "minutes": data.get(f"b{i}-minutes", ""),
                "prompt": data.get(f"b{i}-prompt", ""),
                "outputs": data.getlist(f"b{i}-outputs"),
            }
            for i in range(count)
        ]
        return cls(template, rows, data.get("t-minutes", ""), data=data)

    # The working copy's edits (no write).
    def apply(self, action):
        """Apply "add", "remove:<i>", "up:<i>" or "down:<i>"; False for anything else."""
        verb, _, index = action.partition(":")
        index = _int(index)
        if verb == "add" and len(self.rows) < MAX_BLOCKS:
            self.rows.append({"id": None, "title": "", "minutes": 5, "prompt": "", "outputs": []})
            return True
        if index is None or not 0 <= index < len(self.rows):
            return False
        if verb == "remove":
            del self.rows[index]
        elif verb == "up" and index > 0:
            self.rows[index - 1], self.rows[index] = self.rows[index], self.rows[index - 1]
        elif verb == "down" and index < len(self.rows) - 1:
            self.rows[index + 1], self.rows[index] = self.rows[index], self.rows[index + 1]
        else:
            return False
        return True

    @property
    def total(self):
        return sum(_int(row["minutes"]) or 0 for row in self.rows)

    @property
    def length_value(self):
        return _int(self.length)

    @property
    def adds_up(self):
        return self.length_value is not None and self.total == self.length_value

    @property
    def mismatch(self):
        """The service's refusal of this copy as it stands, or "" when it adds up."""
        if self.adds_up or self.length_value is None:
            return ""
        return blocks_total_message(self.total, self.length_value)

    @property
    def changed(self):
        """The working copy differs from what is saved."""
        saved = BlocksEditor.from_template(self.template)
        return self.length_value != saved.length or _normal(self.rows) != _normal(saved.rows)

    def forms(self):
        if self.bound_forms is not None:
            return self.bound_forms
        return [BlockForm(initial=row, prefix=f"b{i}") for i, row in enumerate(self.rows)]

    def bind(self):
        """Validate the sent copy for saving: True when every row and the length are valid
        (then :meth:`service_kwargs` is the service's input)."""
        self.bound_forms = [BlockForm(self.data, prefix=f"b{i}") for i in range(len(self.rows))]
        self.length_form = LengthForm(self.data, prefix="t")
        results = [form.is_valid() for form in [self.length_form, *self.bound_forms]]
        return all(results)  # every form validated, so each shows its errors

    def service_kwargs(self):
        return {
            "minutes": self.length_form.cleaned_data["minutes"],
            "blocks": [form.cleaned_data for form in self.bound_forms],
        }


def _normal(rows):
    return [
        (
            _int(row["id"]),
            str(row["title"]).strip(),
            _int(row["minutes"]),
            str(row["prompt"]).replace("\r\n", "\n").strip(),
            sorted(row["outputs"]),
        )
        for row in rows
    ]


class ProgramTemplatesForm(forms.Form):
    """The templates a program uses: checkboxes of the organisation's active templates."""

    templates = forms.ModelMultipleChoiceField(
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Templates this program uses",
    )

    def __init__(self, *args, organization, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["templates"].queryset = (
            SessionTemplate.objects.for_org(organization).active().order_by("kind", "name")
        )
