# numba-lab regression corpus (issue 10). The code below the header is the authors', verbatim, sections ex_unbalanced (dedented out of a test method).
# Source: https://github.com/numba/numba/blob/5340f052d01403b12480fa19e596200ee0d0e131/numba/tests/doc_examples/test_parallel_chunksize.py
# License: BSD-2-Clause (Copyright (c) 2012, Anaconda, Inc. and others); see the source repository's LICENSE.

from numba import (njit,
                   prange,
                   )
import numpy as np

@njit(parallel=True)
def func1():
    n = 100
    vals = np.empty(n)
    # The work in each iteration of the following prange
    # loop is proportional to its index.
    for i in prange(n):
        cur = i + 1
        for j in range(i):
            if cur % 2 == 0:
                cur //= 2
            else:
                cur = cur * 3 + 1
        vals[i] = cur
    return vals

result = func1()
