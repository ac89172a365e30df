# numba-lab regression corpus (issue 10). The code below the header is the authors', verbatim, literal block(s) of the page (dedented).
# Source: https://github.com/numba/numba/blob/5340f052d01403b12480fa19e596200ee0d0e131/docs/source/user/stencil.rst
# License: BSD-2-Clause (Copyright (c) 2012, Anaconda, Inc. and others); see the source repository's LICENSE.
# numba-lab: the import(s) below are not in the source; the snippet assumes them.
from numba import njit, stencil

@njit(parallel=True)
def stencil_test(A):
    c = 2
    B = stencil(
        lambda a, c: 0.3 * (a[-c+1] + a[0] + a[c-1]))(A, c)
    return B
