"""The filter of My actions (django-filter): open (the default), overdue, done, or all."""

import django_filters

from ..models import ActionItem

SHOWING = [("open", "Open"), ("overdue", "Overdue"), ("done", "Done"), ("all", "All")]


class ActionFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(
        choices=SHOWING, method="filter_status", empty_label=None, label="Showing"
    )

    class Meta:
        model = ActionItem
        fields = ["status"]

    def __init__(self, data=None, *args, today, **kwargs):
        data = data.copy() if data is not None else {}
        if data.get("status") not in dict(SHOWING):
            data["status"] = "open"
        super().__init__(data, *args, **kwargs)
        self.today = today

    def filter_status(self, queryset, name, value):
        if value == "open":
            return queryset.filter(done_at__isnull=True)
        if value == "overdue":
            return queryset.filter(done_at__isnull=True, due_on__lt=self.today)
        if value == "done":
            return queryset.filter(done_at__isnull=False).order_by("-done_at", "-pk")
        return queryset
