# Reference values for trialkit.reanalysis, computed with R packages (not with trialkit).
# Run:  Rscript tests/reference/reanalysis.R > tests/reference/reanalysis.csv
# Printed with R 4.2.2 (Debian 12), BayesFactor 0.9.12-4.4, metafor 3.8.1, pwr 1.3.0,
# distdichoR 0.1-1 (CRAN; Sauzet's implementation of Peacock et al. 2012).
# Output: one CSV row per value: check,case,quantity,value (17 significant digits).
suppressPackageStartupMessages({library(BayesFactor); library(metafor); library(pwr)
                                library(distdichoR)})
out <- function(check, case, quantity, value)
  cat(sprintf("%s,%s,%s,%.17g\n", check, case, quantity, value))
cat("check,case,quantity,value\n")

# 1. JZS Bayes factors: BayesFactor::ttest.tstat over a seeded battery of t, n1, n2, rscale.
set.seed(20261201)
for (i in 1:40) {
  n1 <- sample(5:60, 1)
  two <- i %% 2 == 0
  n2 <- if (two) sample(5:60, 1) else NA
  t <- round(rnorm(1, 0, 3), 3)
  r <- c(0.5, sqrt(2) / 2, 1)[(i %% 3) + 1]
  bf <- if (two) ttest.tstat(t = t, n1 = n1, n2 = n2, rscale = r, simple = FALSE)$bf
        else ttest.tstat(t = t, n1 = n1, rscale = r, simple = FALSE)$bf
  case <- sprintf("t=%g;n1=%d;n2=%s;r=%.17g", t, n1, ifelse(two, n2, "NA"), r)
  out("bayes_factor", case, "log_bf10", bf)
}

# 2. Random-effects meta-analysis: metafor::rma on the BCG vaccine trials (dat.bcg),
#    log risk ratios, for each tau^2 estimator, with and without Knapp-Hartung.
dat <- escalc(measure = "RR", ai = tpos, bi = tneg, ci = cpos, di = cneg, data = dat.bcg)
for (i in seq_len(nrow(dat))) {
  out("bcg_data", i, "yi", dat$yi[i]); out("bcg_data", i, "vi", dat$vi[i])
}
for (m in c("DL", "PM", "REML", "FE")) for (kh in c(FALSE, TRUE)) {
  if (m == "FE" && kh) next
  # Tight convergence: metafor's defaults stop PM's root finder at tol = eps^0.25 (about
  # 1e-4) and REML's Fisher scoring at a change of 1e-5 in tau^2.
  fit <- rma(yi, vi, data = dat, method = m, test = if (kh) "knha" else "z",
             control = list(tol = 1e-14, threshold = 1e-14, maxiter = 10000))
  pr <- predict(fit)
  case <- sprintf("%s%s", m, if (kh) "+knha" else "")
  out("rma", case, "estimate", fit$b[1]); out("rma", case, "se", fit$se)
  out("rma", case, "ci_low", fit$ci.lb); out("rma", case, "ci_high", fit$ci.ub)
  out("rma", case, "tau2", fit$tau2); out("rma", case, "i2", fit$I2)
  out("rma", case, "q", fit$QE)
  if (m != "FE") { out("rma", case, "pi_low", pr$pi.lb); out("rma", case, "pi_high", pr$pi.ub) }
}

# 3. Sample size: pwr::pwr.t.test (two-sample, two-sided) and pwr.t2n.test for unequal arms.
for (d in c(0.2, 0.5, 0.8, 1.3 / 2.1)) for (pw in c(0.8, 0.9)) {
  n <- pwr.t.test(d = d, power = pw, sig.level = 0.05, type = "two.sample")$n
  out("pwr", sprintf("d=%.17g;power=%g", d, pw), "n_per_arm", n)
}

# 4. Distributional responders: distdichoR::distdichoi with equal variances (R = 1), its
#    documented birth-weight example (Peacock et al. 1995 data) and a seeded battery.
cases <- list(c(494, 3267.4, 441.3, 983, 3452, 435.9, 2500))
set.seed(2012)
for (i in 1:12) {
  n1 <- sample(8:80, 1); n2 <- sample(8:80, 1)
  m1 <- round(rnorm(1, 0, 2), 2); m2 <- round(rnorm(1, 0, 2), 2)
  s1 <- round(runif(1, 0.8, 3), 2); s2 <- round(runif(1, 0.8, 3), 2)
  cases[[length(cases) + 1]] <- c(n1, m1, s1, n2, m2, s2, round(rnorm(1, 0, 1.5), 2))
}
for (cs in cases) for (tail in c("lower", "upper")) {
  res <- distdichoi(n1 = cs[1], m1 = cs[2], s1 = cs[3], n2 = cs[4], m2 = cs[5], s2 = cs[6],
                    cp = cs[7], tail = tail, R = 1)
  case <- sprintf("n1=%d;m1=%.17g;s1=%.17g;n2=%d;m2=%.17g;s2=%.17g;cp=%.17g;tail=%s",
                  cs[1], cs[2], cs[3], cs[4], cs[5], cs[6], cs[7], tail)
  out("distdicho", case, "p1", res$prop[1]); out("distdicho", case, "p2", res$prop[2])
  out("distdicho", case, "diff", res$dist.estimates[1])
  out("distdicho", case, "ci_low", res$ci[1]); out("distdicho", case, "ci_high", res$ci[2])
  out("distdicho", case, "rr", res$dist.estimates[2])
  out("distdicho", case, "rr_low", res$ci[3]); out("distdicho", case, "rr_high", res$ci[4])
}
