"""The phones' stacking rule (static/css/app.css) leaves a table marked data-stack="no" (the
group session's attendance grid, whose row headers need its columns) as a table."""

import re
from pathlib import Path

from django.conf import settings

CSS = Path(settings.BASE_DIR) / "static" / "css" / "app.css"


def test_the_stacking_rule_matches_no_table_marked_data_stack_no():
    css = re.sub(r"/\*.*?\*/", "", CSS.read_text(), flags=re.S)
    selectors = [
        part.strip()
        for block in re.findall(r"([^{}]+)\{[^{}]*\}", css)
        for part in block.split(",")
        if "data-stack" in part
    ]
    assert selectors, "the stacking rule is gone"
    loose = [s for s in selectors if not re.search(r'\[data-stack\]:not\(\[data-stack="no"\]\)', s)]
    assert loose == [], loose


def test_the_attendance_grid_is_marked_to_keep_its_columns():
    template = Path(settings.BASE_DIR) / "templates/sessions/groups/includes/session_panel.html"
    assert 'class="groups-attendance" data-stack="no"' in template.read_text()
