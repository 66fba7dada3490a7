# Reference for tests/effects/test_effects_ratios.py::test_rom_issue10_regression_geary_fails_no_correction
# (R is not installed on the build machine; the expected values are also hand-checked there).
library(metafor)
res <- escalc(measure = "ROM", m1i = 0.85, sd1i = 7.74, n1i = 8,
              m2i = 15.97, sd2i = 1.2, n2i = 60)
print(res$yi, digits = 10)   # must print -2.933230892 (= log(0.85 / 15.97))
print(res$vi, digits = 10)   # must print 10.36473078
print(exp(res$yi), digits = 7)  # 0.05322480 (no bias correction in metafor's ROM)
# Geary's condition per arm (Hedges, Gurevitch & Curtis 1999): mean * sqrt(n) / sd >= 3
print(c(0.85 * sqrt(8) / 7.74, 15.97 * sqrt(60) / 1.2), digits = 7)  # 0.3106154 103.0859
