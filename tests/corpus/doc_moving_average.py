# numba-lab regression corpus (issue 10). The code below the header is the authors', verbatim, sections ex_moving_average (dedented out of a test method).
# Source: https://github.com/numba/numba/blob/5340f052d01403b12480fa19e596200ee0d0e131/numba/tests/doc_examples/test_examples.py
# License: BSD-2-Clause (Copyright (c) 2012, Anaconda, Inc. and others); see the source repository's LICENSE.

import numpy as np

from numba import guvectorize

@guvectorize(['void(float64[:], intp[:], float64[:])'],
             '(n),()->(n)')
def move_mean(a, window_arr, out):
    window_width = window_arr[0]
    asum = 0.0
    count = 0
    for i in range(window_width):
        asum += a[i]
        count += 1
        out[i] = asum / count
    for i in range(window_width, len(a)):
        asum += a[i] - a[i - window_width]
        out[i] = asum / count

arr = np.arange(20, dtype=np.float64).reshape(2, 10)
print(arr)
print(move_mean(arr, 3))
