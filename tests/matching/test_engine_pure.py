"""The matching engine is pure: importing any of its modules loads no Django."""

import pkgutil
import subprocess
import sys
from pathlib import Path

import matching.engine

ENGINE = Path(matching.engine.__file__).parent
MODULES = sorted(f"matching.engine.{m.name}" for m in pkgutil.iter_modules([str(ENGINE)]))


def test_the_engine_has_its_modules():
    expected = {"scoring", "matrix", "optimiser", "graph", "pricing", "fairness", "circles"}
    assert {f"matching.engine.{name}" for name in expected} <= set(MODULES)


def test_no_engine_module_imports_django():
    code = (
        "import importlib, sys\n"
        f"for name in {MODULES!r}:\n"
        "    importlib.import_module(name)\n"
        "loaded = sorted(m for m in sys.modules if m == 'django' or m.startswith('django.'))\n"
        "assert not loaded, loaded\n"
        "print('pure')\n"
    )
    root = ENGINE.parent.parent
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=root, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "pure"


def test_no_engine_source_names_django():
    for path in ENGINE.glob("*.py"):
        for line in path.read_text().splitlines():
            stripped = line.strip()
            if stripped.startswith(("import ", "from ")):
                assert "django" not in stripped, f"{path.name}: {stripped}"
