"""Writing a model's fields in one step, with the changes for the audit log."""


def audit_value(value):
    """A value as the audit log stores it: plain JSON. Dates, times, numbers and objects are
    text; a model instance is its ``str()``."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, list | tuple):
        return [audit_value(item) for item in value]
    return str(value)


def changes_between(before, after):
    """``{field: [before, after]}`` for every key whose value differs, in audit format."""
    return {
        key: [audit_value(before.get(key)), audit_value(after[key])]
        for key in after
        if before.get(key) != after[key]
    }


def model_update(instance, data, *, fields=None, clean=True, exclude=None):
    """Set ``data`` on ``instance``, validate and save the fields that changed.

    ``fields`` limits which keys may be set (a service's list of editable fields); an
    unknown key is a programming error (``TypeError``). With ``clean``, ``full_clean()``
    runs before the save (``exclude`` passed on), so a refusal raises ``ValidationError``
    and writes nothing. Returns the changes as ``{field: [before, after]}`` in the audit
    log's format; empty when nothing changed (and then nothing is saved).
    """
    if fields is not None:
        unknown = set(data) - set(fields)
        if unknown:
            raise TypeError(
                f"{type(instance).__name__} update got unknown fields: {', '.join(sorted(unknown))}"
            )
    before = {key: getattr(instance, key) for key in data}
    for key, value in data.items():
        setattr(instance, key, value)
    after = {key: getattr(instance, key) for key in data}
    changes = changes_between(before, after)
    if clean:
        instance.full_clean(exclude=exclude)
    if changes:
        update_fields = [instance._meta.get_field(key).attname for key in changes]
        if any(f.name == "updated_at" for f in instance._meta.concrete_fields):
            update_fields.append("updated_at")
        instance.save(update_fields=update_fields)
    return changes
