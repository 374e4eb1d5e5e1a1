"""Which OpenBLAS kernels numpy's matrix products use: set before numpy is imported.

The matching engine scores pairs as float32 matrix products (matching/engine/). numpy's
OpenBLAS picks its kernels by CPU; on x86 its FMA kernels (Haswell and later) round an entry
differently by the shape of the block it is computed in and by the number of threads, so a
pair's score would depend on how it was computed (in the scan, in a repair of a few
mentors, in a pricing pass): the engine's tests saw 1-ulp differences and a different
candidate graph on an AMD EPYC. The AVX kernels without FMA ("Sandybridge") give an entry
the same value whatever the shape, and were as fast in ``bench.matching`` on that machine.

They are set whatever the environment says: a machine that sets ``OPENBLAS_CORETYPE=Haswell``
for its own reasons (the development machine did on 2 December 2026) would otherwise make
the engine's scores depend on the block they were computed in again (six engine tests
failed). Every x86-64 processor since 2011 has AVX, which these kernels need.
"""

import os
import platform


def pin_openblas_kernels():
    if platform.machine().lower() in ("x86_64", "amd64"):
        os.environ["OPENBLAS_CORETYPE"] = "Sandybridge"


pin_openblas_kernels()
