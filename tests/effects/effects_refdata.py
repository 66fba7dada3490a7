"""Reference inputs for the effects tests: raw public data sets and published summaries.

The *inputs* (means, SDs, correlations) are computed here from the raw data exactly as R does
(sample SD with n - 1); the *expected* values in the tests are numbers printed by R, metafor,
effectsize or papers, cited next to each assertion.
"""

from __future__ import annotations

import numpy as np

# R datasets::sleep (Cushny & Peebles 1905), variable `extra`, group 1 then group 2.
SLEEP_1 = np.array([0.7, -1.6, -0.2, -1.2, -0.1, 3.4, 3.7, 0.8, 0.0, 2.0])
SLEEP_2 = np.array([1.9, 0.8, 1.1, 0.1, -0.1, 4.4, 5.5, 1.6, 4.6, 3.4])

# R datasets::mtcars, columns mpg, wt and am (rows in R's order).
MTCARS_MPG = np.array([21.0, 21.0, 22.8, 21.4, 18.7, 18.1, 14.3, 24.4, 22.8, 19.2, 17.8, 16.4,
                       17.3, 15.2, 10.4, 10.4, 14.7, 32.4, 30.4, 33.9, 21.5, 15.5, 15.2, 13.3,
                       19.2, 27.3, 26.0, 30.4, 15.8, 19.7, 15.0, 21.4])
MTCARS_WT = np.array([2.620, 2.875, 2.320, 3.215, 3.440, 3.460, 3.570, 3.190, 3.150, 3.440,
                      3.440, 4.070, 3.730, 3.780, 5.250, 5.424, 5.345, 2.200, 1.615, 1.835,
                      2.465, 3.520, 3.435, 3.840, 3.845, 1.935, 2.140, 1.513, 3.170, 2.770,
                      3.570, 2.780])
MTCARS_AM = np.array([1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 0, 0, 0, 0,
                      0, 1, 1, 1, 1, 1, 1, 1])


def summary(x: np.ndarray) -> tuple[float, float, int]:
    return float(np.mean(x)), float(np.std(x, ddof=1)), int(x.size)


SLEEP_GROUPS = {"g1": summary(SLEEP_1), "g2": summary(SLEEP_2)}
SLEEP_RAW = (SLEEP_1, SLEEP_2)

# Summary statistics of mpg and wt by transmission (am = 0 automatic, 1 manual).
MTCARS_BY_AM = {name: {k: summary(col[MTCARS_AM == k]) for k in (0, 1)}
                for name, col in (("mpg", MTCARS_MPG), ("wt", MTCARS_WT))}

# metafor's dat.normand1999, studies 1-4 (metadat data-raw/dat.normand1999.txt).
NORMAND1999 = {
    "n1": [155, 31, 75, 18], "m1": [55, 27, 64, 66], "sd1": [47, 7, 17, 20],
    "n2": [156, 32, 71, 18], "m2": [75, 29, 119, 137], "sd2": [64, 4, 29, 48],
}
