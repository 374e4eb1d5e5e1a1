"""Query budgets (T6): every GET page of an organisation has a query-budget test.

A *budget test* is a test function (module-level or a method, under ``tests/`` but not
``tests/e2e/``) whose body calls ``assert_flat_queries(`` and, in the same function,
``reverse("<url_name>"`` with the URL name as a literal string (the first argument). The
sources are read with ``ast``, so a budget counts only where a reader can see it: a name
built at run time or passed through parametrize does not count.

*GET pages* are the URL patterns under ``/o/<org_slug>/`` (from the URL resolver) whose view
does not refuse GET. The rule (``urlwalk.allowed_methods``): a function view refuses GET when
a wrapper in its ``__wrapped__`` chain is Django's ``require_http_methods`` closure (the
``request_method_list`` free variable; ``require_POST`` is one) without "GET" in the list; a
class-based view when "get" is not in its ``http_method_names`` or it defines no ``get``.
Every other view answers GET and needs a budget.

``NOT_YET_BUDGETED`` lists the pages without one when this test was written; they are
tolerated, and a second test fails as soon as one of them is covered, so the set only
shrinks (take the name out when you add its budget).
"""

import ast
from pathlib import Path

from .urlwalk import GET_PATTERNS

TESTS_DIR = Path(__file__).resolve().parent.parent
EXCLUDED_DIRS = {"e2e"}

# Pages without a budget test on the day this test was written. Only ever remove names.
NOT_YET_BUDGETED = set()


def _test_files():
    for path in sorted(TESTS_DIR.rglob("*.py")):
        relative = path.relative_to(TESTS_DIR)
        if relative.parts[0] in EXCLUDED_DIRS:
            continue
        yield path


def _called_name(call):
    function = call.func
    if isinstance(function, ast.Name):
        return function.id
    if isinstance(function, ast.Attribute):
        return function.attr
    return None


def budgeted_names_in(source, filename="<test>"):
    """The URL names a source's budget tests cover (see the module's docstring)."""
    tree = ast.parse(source, filename=filename)
    names = set()
    for node in ast.walk(tree):
        if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        calls = [n for n in ast.walk(node) if isinstance(n, ast.Call)]
        if not any(_called_name(call) == "assert_flat_queries" for call in calls):
            continue
        for call in calls:
            if (
                _called_name(call) == "reverse"
                and call.args
                and isinstance(call.args[0], ast.Constant)
                and isinstance(call.args[0].value, str)
            ):
                names.add(call.args[0].value)
    return names


def budgeted_url_names():
    names = set()
    for path in _test_files():
        names |= budgeted_names_in(path.read_text(encoding="utf-8"), str(path))
    return names


def near_misses(names):
    """{url_name: "file::function"} for budget tests that name one of ``names`` as a literal
    string in some other call (e.g. a local ``url("member_list", org)`` helper): the budget
    is there, but the reader cannot see which page it is for. Used in failure messages."""
    found = {}
    for path in _test_files():
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            calls = [n for n in ast.walk(node) if isinstance(n, ast.Call)]
            if not any(_called_name(call) == "assert_flat_queries" for call in calls):
                continue
            for call in calls:
                for arg in call.args[:1]:
                    if isinstance(arg, ast.Constant) and arg.value in names:
                        where = f"{path.relative_to(TESTS_DIR.parent)}::{node.name}"
                        found.setdefault(arg.value, where)
    return found


def _listing(names):
    hints = near_misses(set(names))
    lines = []
    for name in names:
        hint = hints.get(name)
        lines.append(
            f"{name}  (a budget in {hint} names it through a helper: write "
            f'reverse("{name}", ...) in that test)'
            if hint
            else name
        )
    return "\n  ".join(lines)


def get_page_names():
    return {p.name or p.route for p in GET_PATTERNS}


def test_the_reader_finds_budget_tests():
    """The control: what counts as a budget test and what does not."""
    source = """
def test_counted(as_admin, org):
    url = reverse("cohort_list", args=[org.slug])
    assert_flat_queries(as_admin, url, grow, n=9)

class TestPages:
    def test_method(self, client):
        utils.assert_flat_queries(client, reverse('member_list', args=["x"]), grow)

def test_no_budget(client):
    client.get(reverse("program_list", args=["x"]))

def test_name_not_literal(client, name):
    assert_flat_queries(client, reverse(name, args=["x"]), grow)

def helper():
    return reverse("audit_log", args=["x"])

def test_budget_elsewhere(client):
    assert_flat_queries(client, helper(), grow)
"""
    assert budgeted_names_in(source) == {"cohort_list", "member_list"}


def test_post_only_views_are_not_get_pages():
    names = get_page_names()
    # require_POST views (by the rule above) are left out; plain pages are in.
    assert "org_home" in names and "member_list" in names
    assert "invitation_revoke" not in names


def test_every_get_page_has_a_query_budget_test():
    uncovered = sorted(get_page_names() - budgeted_url_names() - NOT_YET_BUDGETED)
    assert not uncovered, (
        "These GET pages of an organisation have no query-budget test (a test function "
        'calling assert_flat_queries( with reverse("<url_name>" in it, see tests/utils.py):\n  '
        + _listing(uncovered)
    )


def test_the_not_yet_budgeted_set_only_shrinks():
    covered = sorted(NOT_YET_BUDGETED & budgeted_url_names())
    gone = sorted(NOT_YET_BUDGETED - get_page_names())
    assert not covered, (
        "These pages now have a query-budget test: take them out of NOT_YET_BUDGETED in "
        f"{Path(__file__).name}:\n  " + "\n  ".join(covered)
    )
    assert not gone, (
        "These names in NOT_YET_BUDGETED are no GET page any more (renamed or removed): take "
        "them out:\n  " + "\n  ".join(gone)
    )
