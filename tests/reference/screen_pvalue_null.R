# Expected decile proportions of baseline p values computed from rounded summary statistics,
# under randomisation, for the 50 variables of reappraised's SI_pvals_cont (Bolland et al.
# 2019 J Clin Epidemiol 112:67; 2020 Anaesthesia 75:1685): base R only, written
# independently of trialkit. Each arm is a sample of n from N(mu, sigma^2) with mu the
# n-weighted mean and sigma the pooled SD of the printed arms; its mean and SD are rounded
# to the most decimals any arm of the variable prints; then the one-way ANOVA p (t test for
# two arms) is recomputed. 20,000 simulations per variable, seed 20261201.
# Run from the repository root: Rscript tests/reference/screen_pvalue_null.R
set.seed(20261201)
d <- read.csv("tests/data/screen_refs/SI_pvals_cont.csv")
dp <- function(x) ifelse(is.na(x), NA, ifelse(abs(x - round(x)) > .Machine$double.eps^0.5,
  nchar(sub("^\\d+\\.", "", sub("0+$", "", as.character(abs(x))))), 0))
S <- 20000
out <- NULL
for (i in seq_len(nrow(d))) {
  g <- which(!is.na(unlist(d[i, paste0("n", 1:4)])))
  n <- unlist(d[i, paste0("n", g)]); m <- unlist(d[i, paste0("m", g)])
  s <- unlist(d[i, paste0("s", g)])
  dm <- max(dp(m)); ds <- max(dp(s)); N <- sum(n); k <- length(n)
  mu <- sum(n * m) / N; sigma <- sqrt(sum((n - 1) * s^2) / (N - k))
  sm <- sapply(n, function(nn) round(rnorm(S, mu, sigma / sqrt(nn)), dm))
  ss <- sapply(n, function(nn) round(sigma * sqrt(rchisq(S, nn - 1) / (nn - 1)), ds))
  grand <- (sm %*% n) / N
  ssb <- rowSums(sweep((sm - as.vector(grand))^2, 2, n, "*"))
  ssw <- rowSums(sweep(ss^2, 2, n - 1, "*"))
  p <- pf((ssb / (k - 1)) / (ssw / (N - k)), k - 1, N - k, lower.tail = FALSE)
  p[is.nan(p)] <- 1  # identical rounded means and no spread
  bins <- table(cut(p, seq(0, 1, 0.1), include.lowest = TRUE))
  out <- rbind(out, data.frame(study = d$study[i], var = d$var[i], t(as.vector(bins) / S),
                               mean_p = mean(p)))
}
names(out)[3:12] <- paste0("d", 1:10)
write.csv(out, "tests/reference/screen_pvalue_null_out.csv", row.names = FALSE)
print(round(colSums(out[, 3:12]), 3)); print(mean(out$mean_p))
