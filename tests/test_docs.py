"""The README and the docs point only at files of this repository, and every pointer works
from a fresh clone (nothing outside the repository, no dead link)."""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md")), ROOT / "bench" / "README.md"]
LINK = re.compile(r"\]\(([^)#\s]+)(?:#[^)]*)?\)")


@pytest.mark.parametrize("doc", DOCS, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_relative_link_resolves_inside_the_repository(doc):
    text = doc.read_text()
    dead = []
    for target in LINK.findall(text):
        if re.match(r"[a-z]+:", target):  # http:, https:, mailto:
            continue
        path = (doc.parent / target).resolve()
        if not path.is_relative_to(ROOT) or not path.exists():
            dead.append(target)
    assert not dead, f"{doc.name} links to what a clone does not have: {dead}"


@pytest.mark.parametrize("doc", DOCS, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_doc_points_outside_the_repository(doc):
    assert "../shared" not in doc.read_text(), f"{doc.name} points outside the repository"


def test_the_readme_names_the_docs_a_newcomer_needs():
    readme = (ROOT / "README.md").read_text()
    for name in ("docs/PRODUCT.md", "docs/ARCHITECTURE.md", "docs/CONVENTIONS.md"):
        assert f"]({name})" in readme, name
