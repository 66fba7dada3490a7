# Reference values for trialkit.reanalysis, computed with R packages (not with trialkit).
# Run:  Rscript tests/reference/reanalysis.R > tests/reference/reanalysis.csv
# Printed with R 4.2.2 (Debian 12), BayesFactor 0.9.12-4.4, metafor 3.8.1, pwr 1.3.0,
# distdichoR 0.1-1 (CRAN; Sauzet's implementation of Peacock et al. 2012), retrodesign 0.2.2
# (Timm; github.com/andytimm/retrodesign, installed with R CMD INSTALL into a private library
# given by R_LIBS_USER; it is not on CRAN's Debian mirror).
# effectsize 0.8.3 (Debian) has none of these methods (no Bayesian update, JZS Bayes factor,
# type S/M, sample size, distributional responders, TOST from summary data or pooling; its
# equivalence_test() is a ROPE rule on standardized effects), so it is not called here.
# Output: one CSV row per value: check,case,quantity,value (17 significant digits).
suppressPackageStartupMessages({library(BayesFactor); library(metafor); library(pwr)
                                library(distdichoR); library(retrodesign)})
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

# 5. Two one-sided tests (TOST): R's own t.test() with mu at each bound, on seeded raw data,
#    Student (var.equal) and Welch. TOSTER's tsum_TOST wraps the same two t tests.
set.seed(2017)
for (i in 1:16) {
  n1 <- sample(6:60, 1); n2 <- sample(6:60, 1)
  x <- rnorm(n1, rnorm(1, 0, 1), runif(1, 0.5, 3)); y <- rnorm(n2, 0, runif(1, 0.5, 3))
  margin <- round(runif(1, 0.2, 2), 2); welch <- i %% 2 == 0
  lo <- t.test(x, y, mu = -margin, alternative = "greater", var.equal = !welch)
  hi <- t.test(x, y, mu = margin, alternative = "less", var.equal = !welch)
  ci <- t.test(x, y, conf.level = 0.90, var.equal = !welch)$conf.int
  case <- sprintf("m1=%.17g;sd1=%.17g;n1=%d;m2=%.17g;sd2=%.17g;n2=%d;margin=%.17g;welch=%s",
                  mean(x), sd(x), n1, mean(y), sd(y), n2, margin, welch)
  out("tost", case, "t_low", lo$statistic); out("tost", case, "p_low", lo$p.value)
  out("tost", case, "t_high", hi$statistic); out("tost", case, "p_high", hi$p.value)
  out("tost", case, "df", lo$parameter)
  out("tost", case, "ci_low", ci[1]); out("tost", case, "ci_high", ci[2])
}

# 6. Design analysis: retrodesign::retro_design_closed_form (Lu, Qiu & Deng 2019) over a
#    seeded battery; and, with degrees of freedom, the power and type S of Gelman & Carlin's
#    own retrodesign() as printed in their 2014 paper (p.hi <- 1 - pt(z - A/s, df),
#    p.lo <- pt(-z - A/s, df), z <- qt(1 - alpha/2, df)). retrodesign 0.2.2's retrodesign()
#    uses a noncentral t instead, a different model, so it is not the reference for df.
set.seed(2014)
for (i in 1:16) {
  A <- round(runif(1, 0.05, 3), 3); s <- round(runif(1, 0.1, 1.5), 3)
  alpha <- c(0.05, 0.01, 0.1)[(i %% 3) + 1]
  cf <- retro_design_closed_form(A, s, alpha = alpha)
  case <- sprintf("A=%.17g;s=%.17g;alpha=%.17g", A, s, alpha)
  out("retrodesign", case, "power", cf$power); out("retrodesign", case, "type_s", cf$type_s)
  out("retrodesign", case, "type_m", cf$type_m)
  df <- sample(5:60, 1); z <- qt(1 - alpha / 2, df)
  p.hi <- 1 - pt(z - A / s, df); p.lo <- pt(-z - A / s, df)
  case <- sprintf("A=%.17g;s=%.17g;alpha=%.17g;df=%d", A, s, alpha, df)
  out("gelman_carlin_t", case, "power", p.hi + p.lo)
  out("gelman_carlin_t", case, "type_s", p.lo / (p.hi + p.lo))
}
