#!/usr/bin/env python3
"""fit_exp_poly.py - the coefficients of the f32 vector exp's polynomial.

linloss.h computes e^r for |r| <= ln2 / 2 (after the reduction x = n ln 2 + r)
as 1 + r + c2 r^2 + ... + c6 r^6 with float coefficients. This script finds
them: a minimax fit of the relative error on a dense grid (a linear program),
then each coefficient from c2 up rounded to float in turn (the nearest float
or one of its two neighbours on each side, whichever leaves the least error),
the ones after it fitted again. It prints the coefficients and the largest
relative error of the polynomial in ulps of float (2^-24), evaluated exactly;
the rounding of the evaluation in float comes on top (tests/test_exp.c
measures the whole: 0.9013 ulp over every float in [-104, 89]).

Needs numpy and scipy (Debian: python3-numpy, python3-scipy).
    python3 scripts/fit_exp_poly.py
"""
import math

import numpy as np
from scipy.optimize import linprog

DEGREE = 6
HALF_LN2 = math.log(2) / 2 * 1.001  # a little past ln2 / 2: r's own rounding
R = np.linspace(-HALF_LN2, HALF_LN2, 40001)
F = np.exp(R)
SCALE = 1e8  # the residuals are ~1e-9: scaled to about 1 for the solver


def fit(fixed):
    """Minimax relative error with the coefficients in `fixed` given; the
    others start from the Taylor ones and get corrections. Returns the
    coefficients found and the largest relative error."""
    free = [k for k in range(1, DEGREE + 1) if k not in fixed]
    base = 1 + sum(v * R**k for k, v in fixed.items())
    start = base + sum(R**k / math.factorial(k) for k in free)
    m = np.stack([R**k for k in free], 1) / F[:, None]
    rhs = (F - start) / F * SCALE
    ones = np.ones((len(R), 1))
    a_ub = np.vstack([np.hstack([m, -ones]), np.hstack([-m, -ones])])
    b_ub = np.concatenate([rhs, -rhs])
    cost = np.zeros(len(free) + 1)
    cost[-1] = 1
    res = linprog(cost, A_ub=a_ub, b_ub=b_ub, bounds=[(None, None)] * len(cost), method="highs")
    coef = {k: 1 / math.factorial(k) + res.x[i] / SCALE for i, k in enumerate(free)}
    return coef, res.x[-1] / SCALE


def error(fixed):
    p = 1 + sum(fixed[k] * R**k for k in range(1, DEGREE + 1))
    return float(np.max(np.abs(p / F - 1)))


def main():
    fixed = {1: 1.0}  # exact at 0 to first order: e^r = 1 + r + ...
    for k in range(2, DEGREE + 1):
        coef, _ = fit(fixed)
        v = float(np.float32(coef[k]))
        ulp = float(np.spacing(np.float32(v)))
        best = None
        for cand in (v - 2 * ulp, v - ulp, v, v + ulp, v + 2 * ulp):
            trial = dict(fixed)
            trial[k] = cand
            e = fit(trial)[1] if k < DEGREE else error(trial)
            if best is None or e < best[0]:
                best = (e, cand)
        fixed[k] = best[1]
    for k in range(1, DEGREE + 1):
        print(f"c{k} = {fixed[k]!r}f  ({fixed[k].hex()})")
    print(f"largest relative error on |r| <= ln2/2: {error(fixed) / 2**-24:.4f} ulp of float")


if __name__ == "__main__":
    main()
