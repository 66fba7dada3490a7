# Expected decile proportions of baseline p values computed from categorical summary data
# under randomisation (Bolland et al. 2019 J Clin Epidemiol 112:67-76), for the 45
# two-level variables of reappraised's SI_cat_all (level 1: n_g in the category of N_g):
# base R only, written independently of trialkit. Each arm's count is Binomial(N_g, P),
# P = sum(n_g) / sum(N_g) the pooled proportion; each simulated table is tested as the
# observed one: fisher.test for two arms with an expected count below 5, otherwise
# chisq.test(correct = FALSE); nobody or everybody in the category -> p = 1. Each distinct
# simulated table is tested once by R's own functions. 20,000 simulations per variable,
# seed 20261202.
# Part 2 runs reappraised 0.1.1's pval_cat_fn (stat = "chi_fish", method = "sm",
# fisher.sim = "n") on the same data set, for its calculated p values and its simulated
# reference proportions (a different null: patients are re-allocated to groups at random,
# so group sizes vary and the category totals are fixed).
# Run from the repository root: Rscript tests/reference/screen_pvalue_cat_null.R
# (part 2 needs reappraised in /tmp/rlib: R CMD INSTALL -l /tmp/rlib <reappraised 0.1.1>)
set.seed(20261202)
d <- read.csv("tests/data/screen_refs/SI_cat_all.csv")
d <- d[d$levels_no == 2 & d$level == 1, ]
S <- 20000
ptab <- function(x, N) {
  k <- length(N); tot <- sum(x)
  if (tot == 0 || tot == sum(N)) return(1)
  m <- rbind(x, N - x)
  e <- outer(c(tot, sum(N) - tot), N) / sum(N)
  if (k == 2 && any(e < 5)) return(fisher.test(m)$p.value)
  suppressWarnings(chisq.test(m, correct = FALSE)$p.value)
}
out <- NULL
for (i in seq_len(nrow(d))) {
  g <- which(!is.na(unlist(d[i, paste0("N", 1:3)])))
  N <- unlist(d[i, paste0("N", g)]); x <- unlist(d[i, paste0("n", g)])
  P <- sum(x) / sum(N)
  sim <- sapply(N, function(nn) rbinom(S, nn, P))
  key <- apply(sim, 1, paste, collapse = ",")
  u <- unique(key)
  pu <- vapply(u, function(s) ptab(as.numeric(strsplit(s, ",")[[1]]), N), 1.0)
  p <- unname(pu[match(key, u)])
  bins <- table(cut(p, seq(0, 1, 0.1), include.lowest = TRUE))
  out <- rbind(out, data.frame(study = d$study[i], var = d$var[i], p_obs = ptab(x, N),
                               t(as.vector(bins) / S), mean_p = mean(p)))
}
names(out)[4:13] <- paste0("d", 1:10)
write.csv(out, "tests/reference/screen_pvalue_cat_null_out.csv", row.names = FALSE)
cat("variables:", nrow(out), " trials:", length(unique(out$study)), "\n")
print(round(colSums(out[, 4:13]), 4)); print(mean(out$mean_p))
print(table(cut(out$p_obs, seq(0, 1, 0.1), include.lowest = TRUE)))

# part 2: reappraised's own function
.libPaths(c("/tmp/rlib", .libPaths()))
if (requireNamespace("reappraised", quietly = TRUE)) {
  suppressMessages(library(reappraised))
  pc <- load_clean(import = "no", file.cat = "SI_cat_all", pval_cat = "yes",
                   format.cat = "wide", verbose = FALSE)$pval_cat_data
  pc <- pc[pc$levels_no == 2, ]
  r <- pval_cat_fn(pc, seed = 10, sims = 2000, btsp = 100, stat = "chi_fish",
                   stat.override = "yes", fisher.sim = "n", method = "sm", verbose = FALSE)
  a <- r$all_results$pval_cat_baseline_pvalues_data
  a <- a[a$level == 1, c("study", "var", "stat", "p-value_calc_from_summary_stats")]
  write.csv(a, "tests/reference/screen_pvalue_cat_reappraised_p.csv", row.names = FALSE)
  g <- r$all_results$pval_cat_calculated_pvalues
  dd <- g$data
  write.csv(dd, "tests/reference/screen_pvalue_cat_reappraised_deciles.csv", row.names = FALSE)
  print(dd)
}
