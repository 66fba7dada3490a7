# Reference numbers for trialkit.screen.categorical_p (simdistr's Monte Carlo p of
# categorical variables) from simdistr 1.0.1 (Sousa-Pinto et al., CRAN), run on the
# categorical variables of the package's own example_trials (seven Saitoh trials,
# Carlisle & Loadsman 2017) with many simulations, so that the reference's own Monte Carlo
# error is small (SE <= sqrt(0.25 / 100000) = 0.0016, and about 0.0003 for p near 0.01).
#
# Run (simdistr installed from its CRAN source into a private library, not committed):
#   R CMD INSTALL -l /tmp/rlib <simdistr source>
#   R_LIBS=/tmp/rlib Rscript tests/reference/screen_simdistr_cat.R tests/reference
# Writes screen_simdistr_cat_out.csv beside this script: trial, variable (its number in
# example_trials), decimals (as given to sim_distr), sims, p (sim_distr's p, simdistr's
# convention: small when the arms are too alike), seed.
#
# Two runs: example_trials as shipped ("as_shipped"), and with Saitoh 2013's variable 3
# (printed 0.45 in every arm, but declared with 1 decimal in example_trials) declared
# with the 2 decimals it is printed with ("decimals_as_printed"), which is what trialkit
# reads from the printed number.
library(simdistr)
args <- commandArgs(trailingOnly = TRUE)
out <- if (length(args)) args[1] else "."
sims <- 100000
data(example_trials)
run <- function(d, label, seed) {
  cat_rows <- d[d$type == 2, ]
  var_of <- cat_rows$variable
  cat_rows$variable <- 1  # one categorical variable per trial in example_trials
  stopifnot(!any(duplicated(cat_rows[, c("trial", "group")])))
  set.seed(seed)
  invisible(capture.output(res <- sim_distr(sims, cat_rows, FALSE)))
  # sim_distr prints, but returns only the combined p; with one variable per trial the
  # combined p is 1 - pnorm(qnorm(1 - p)) = p, the variable's p
  firsts <- !duplicated(cat_rows$trial)
  data.frame(trial = rownames(res), variable = var_of[firsts],
             decimals = cat_rows$decimals[firsts], sims = sims,
             p = format(res[[1]], digits = 15), run = label, seed = seed)
}
shipped <- run(example_trials, "as_shipped", 2017)
fixed <- example_trials
fixed$decimals[fixed$name == "Saitoh 2013" & fixed$type == 2] <- 2
printed <- run(fixed, "decimals_as_printed", 2018)
write.csv(rbind(shipped, printed), file.path(out, "screen_simdistr_cat_out.csv"),
          row.names = FALSE)
