# numba-lab regression corpus (issue 10). The code below the header is the authors', verbatim, sections ex_vectorize_one_signature (dedented out of a test method).
# Source: https://github.com/numba/numba/blob/5340f052d01403b12480fa19e596200ee0d0e131/numba/tests/doc_examples/test_examples.py
# License: BSD-2-Clause (Copyright (c) 2012, Anaconda, Inc. and others); see the source repository's LICENSE.

from numba import vectorize, float64

@vectorize([float64(float64, float64)])
def f(x, y):
    return x + y
