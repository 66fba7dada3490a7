# Per-variable Monte Carlo p of reappraised 0.1.1's cohort_fn (Bolland et al. 2021 J Clin
# Epidemiol 136:180-188) on its SI_cohort data set, with more simulations than the vignette
# call (seed 10, 4000 simulations) so that trialkit's per-variable p can be compared within
# Monte Carlo error. cohort_fn returns the p rounded as it prints them ("0.12", "<0.001",
# ">0.99"); written to screen_cohort_by_variable_out.csv with the observed matches.
# Setup: R CMD INSTALL -l /tmp/rlib <reappraised 0.1.1> (dependencies from Debian r-cran-*).
# Run from the repository root: Rscript tests/reference/screen_cohort_by_variable.R
.libPaths(c("/tmp/rlib", .libPaths()))
suppressMessages(library(reappraised))
co <- load_clean(import = "no", file.cont = "SI_cohort", cohort = "yes",
                 format.cont = "long", verbose = FALSE)$cohort_data
cf <- cohort_fn(co, seed = 10, sims = 4000, verbose = FALSE)
pf <- cf$cohort_prob_data
names(pf) <- c("variable", "mean_n", "mean_matches", "mean_largest", "p_mean", "sd_n",
               "sd_matches", "sd_largest", "p_sd", "mode", "both_matches", "both_largest",
               "p_both")
write.csv(pf, "tests/reference/screen_cohort_by_variable_out.csv", row.names = FALSE)
print(pf[, c("variable", "mean_matches", "p_mean", "sd_matches", "p_sd", "both_matches",
             "p_both")])
