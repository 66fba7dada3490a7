# Reference values for trialkit.screen.across.final_digits when some expected count is below 5:
# Pearson's chi-squared statistic against equal proportions with its p from simulated
# multinomial tables (R's chisq.test(simulate.p.value = TRUE): p = (1 + #{X2_sim >= X2_obs})
# / (1 + B)), beside the asymptotic chi-squared p on 9 df that is unreliable here.
# Run: Rscript tests/reference/screen_final_digits_mc.R > tests/reference/screen_final_digits_mc_out.csv
set.seed(20261202)
cases <- list(
  review = c(9, 2, 3, 3, 1, 2, 0, 0, 2, 2),   # tests/data/screen/review.csv, means and SDs
  few = c(3, 0, 1, 0, 2, 0, 0, 1, 0, 1),      # 8 values
  even = c(2, 3, 2, 3, 2, 3, 2, 3, 2, 3)      # 25 values, close to uniform
)
B <- 200000
cat("case,n,statistic,p_asymptotic,p_simulated,B\n")
for (name in names(cases)) {
  x <- cases[[name]]
  a <- suppressWarnings(chisq.test(x, p = rep(0.1, 10)))
  s <- chisq.test(x, p = rep(0.1, 10), simulate.p.value = TRUE, B = B)
  cat(sprintf("%s,%d,%.10g,%.10g,%.10g,%d\n", name, sum(x), a$statistic, a$p.value,
              s$p.value, B))
}
