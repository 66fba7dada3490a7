# Carlisle's Monte Carlo ANOVA p of each baseline variable (Carlisle & Loadsman 2017,
# Anaesthesia 72:17, appendix code as adapted in reappraised 0.1.1's anova_fn, method "alt"),
# on reappraised's SI_pvals_cont, 3,000 simulations, seed 20261201.
# Run from the repository root: Rscript tests/reference/screen_carlisle_anova.R
.libPaths(c("/tmp/rlib-reappraised", .libPaths()))
suppressMessages(library(reappraised))
d <- load_clean(import = "no", file.cont = "SI_pvals_cont", anova = "yes",
                format.cont = "wide", verbose = FALSE)$anova_data
r <- anova_fn(d, seed = 20261201, sims = 3000, btsp = 100, verbose = FALSE)
out <- r$anova_all_results$anova_data
out <- out[, c("study", "var", "pvalue_anova")]
print(head(out))
write.csv(out, "tests/reference/screen_carlisle_anova_out.csv", row.names = FALSE)
