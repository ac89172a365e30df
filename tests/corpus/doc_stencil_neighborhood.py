# numba-lab regression corpus (issue 10). The code below the header is the authors', verbatim, literal block(s) of the page (dedented).
# Source: https://github.com/numba/numba/blob/5340f052d01403b12480fa19e596200ee0d0e131/docs/source/user/stencil.rst
# License: BSD-2-Clause (Copyright (c) 2012, Anaconda, Inc. and others); see the source repository's LICENSE.
# numba-lab: the import(s) below are not in the source; the snippet assumes them.
from numba import stencil

@stencil(neighborhood = ((-29, 0),))
def kernel2(a):
    cumul = 0
    for i in range(-29, 1):
        cumul += a[i]
    return cumul / 30
