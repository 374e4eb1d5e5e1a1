"""mentorship/blas.py pins OpenBLAS's kernels before numpy loads, whatever the environment
says (the engine's scores must not depend on the block they are computed in)."""

import os
import platform
import subprocess
import sys

import pytest

pytestmark = pytest.mark.skipif(
    platform.machine().lower() not in ("x86_64", "amd64"), reason="the pin is for x86 only"
)


def test_the_kernels_are_pinned_over_the_environments_choice():
    code = "import mentorship, os; print(os.environ['OPENBLAS_CORETYPE'])"
    for given in ("Haswell", None):
        env = {k: v for k, v in os.environ.items() if k != "OPENBLAS_CORETYPE"}
        if given:
            env["OPENBLAS_CORETYPE"] = given
        found = subprocess.run(
            [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
        ).stdout.strip()
        assert found == "Sandybridge"
