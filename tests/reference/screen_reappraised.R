# Reference outputs for trialkit.screen's across-trial techniques, from the CRAN package
# reappraised 0.1.1 (Bolland; MIT licence), run on the data sets it ships.
# Setup used (see tests/data/screen_refs/README.md):
#   apt-get install r-cran-{boot,broom,data.table,dplyr,epitools,flextable,ggplot2,ggpubr,
#     magrittr,officer,purrr,readxl,rlang,tidyr,vcd,vcdextra}
#   R CMD INSTALL -l /tmp/rlib-reappraised <reappraised 0.1.1 source>
# Run from the repository root:  Rscript tests/reference/screen_reappraised.R
# Writes tests/data/screen_refs/*.csv (the data sets) and tests/reference/screen_reappraised_out/*.csv
.libPaths(c("/tmp/rlib-reappraised", .libPaths()))
suppressMessages(library(reappraised))
dd <- "tests/data/screen_refs"; od <- "tests/reference/screen_reappraised_out"
dir.create(od, showWarnings = FALSE)
for (nm in c("SI_pvals_cont", "SI_cat", "SI_cat_all", "SI_cohort")) {
  e <- new.env(); data(list = nm, package = "reappraised", envir = e)
  write.csv(get(nm, e), file.path(dd, paste0(nm, ".csv")), row.names = FALSE)
}
labels <- function(g) unlist(lapply(g$layers, function(l) l$aes_params$label))

# 1. pval_cont_fn: p of each variable (ANOVA via lm on pseudo data), deciles, AUC labels
d <- load_clean(import = "no", file.cont = "SI_pvals_cont", pval_cont = "yes",
                format.cont = "wide", verbose = FALSE)$pval_cont_data
set.seed(1)
r <- pval_cont_fn(d, btsp = 100, verbose = FALSE)
pv <- r$all_results$pval_cont_baseline_pvalues_data
write.csv(pv[, c("study", "variable", "p-value_calc_from_summary_stats")],
          file.path(od, "pval_cont_calculated.csv"), row.names = FALSE)
dec <- rbind(cbind(which = "calculated", r$all_results$pval_cont_calculated_pvalues$data),
             cbind(which = "reported", r$all_results$pval_cont_reported_pvalues$data))
write.csv(dec, file.path(od, "pval_cont_deciles.csv"), row.names = FALSE)
writeLines(c(labels(r$all_results$pval_cont_auc_calculated_pvalues),
             labels(r$all_results$pval_cont_auc_reported_pvalues)),
           file.path(od, "pval_cont_auc_labels.txt"))

# 2. match_fn
m <- load_clean(import = "no", file.cont = "SI_pvals_cont", match = "yes",
                format.cont = "wide", verbose = FALSE)$match_data
mr <- match_fn(m, verbose = FALSE)
write.csv(mr$match_table, file.path(od, "match_table.csv"), row.names = FALSE)
write.csv(mr$match_match_data, file.path(od, "match_data.csv"), row.names = FALSE)

# 3. final_digit_fn (vignette call)
g <- load_clean(import = "No", file.cont = "SI_pvals_cont", generic = "yes",
                gen.vars.del = c("p"), format.cont = "wide", verbose = FALSE)$generic_data
fd <- final_digit_fn(g, vars = c("m", "s"), dec.pl = "n", verbose = FALSE)
write.csv(fd$digit_table, file.path(od, "digit_table.csv"), row.names = FALSE)
writeLines(labels(fd$digit_graph), file.path(od, "digit_labels.txt"))
write.csv(fd$digit_data, file.path(od, "digit_data.csv"), row.names = FALSE)

# 4. sr_fn (vignette call): group sizes under simple randomisation
s <- load_clean(import = "no", file.cat = "SI_cat", sr = "yes", format.cat = "wide",
                verbose = FALSE)$sr_data
sr <- sr_fn(s, verbose = FALSE)
write.csv(sr$sr_data, file.path(od, "sr_data.csv"), row.names = FALSE)

# 5. cat_all_fn with binom (vignette call): counts per group against the binomial
ca <- load_clean(import = "No", file.cat = "SI_cat_all", cat_all = "yes",
                 format.cat = "wide", verbose = FALSE)$cat_all_data
cr <- cat_all_fn(ca, binom = "yes", two_levels = "y", del.disparate = "y", excl.level = "yes",
                 seed = 10, verbose = FALSE)
for (nm in names(cr)) if (is.data.frame(cr[[nm]])) {
  write.csv(cr[[nm]], file.path(od, paste0("cat_all_", nm, ".csv")), row.names = FALSE)
}
cp <- cat_all_fn(ca, comp.pvals = "yes", fisher.sim = "n", verbose = FALSE)
for (nm in names(cp)) if (is.data.frame(cp[[nm]])) {
  write.csv(cp[[nm]], file.path(od, paste0("cat_all_pvals_", nm, ".csv")), row.names = FALSE)
}

# 6. cohort_fn (vignette call: seed 10, 100 simulations)
co <- load_clean(import = "no", file.cont = "SI_cohort", cohort = "yes",
                 format.cont = "long", verbose = FALSE)$cohort_data
cf <- cohort_fn(co, seed = 10, sims = 100, verbose = FALSE)
for (nm in names(cf)) if (is.data.frame(cf[[nm]])) {
  write.csv(cf[[nm]], file.path(od, paste0("cohort_", nm, ".csv")), row.names = FALSE)
}
str(cf[sapply(cf, is.data.frame)])
print(names(cf)); print(names(cr)); print(names(cp))
