# Reference numbers for trialkit.screen.screen on simdistr's example_trials with Saitoh
# 2013's categorical variable (0.45 in every arm) declared with the 2 decimals it is
# printed with (example_trials declares 1, which trialkit cannot read from the printed
# 0.45): simdistr 1.0.1 sim_distr(5000, ...), set.seed(2017), as
# tests/reference/simdistr_example.R does for the data as shipped.
#
# Run: R_LIBS=/tmp/rlib Rscript tests/reference/screen_simdistr_cat_combined.R tests/reference
# Writes screen_simdistr_cat_combined_out.csv beside this script: trial, p (the combined p
# sim_distr returns, 15 digits), sims, seed; and screen_simdistr_cat_combined_out.txt
# (everything sim_distr printed, with the variables' p to 4 decimals).
library(simdistr)
args <- commandArgs(trailingOnly = TRUE)
out <- if (length(args)) args[1] else "."
data(example_trials)
fixed <- example_trials
fixed$decimals[fixed$name == "Saitoh 2013" & fixed$type == 2] <- 2
set.seed(2017)
printed <- capture.output(combined <- sim_distr(5000, fixed, FALSE))
writeLines(printed, file.path(out, "screen_simdistr_cat_combined_out.txt"))
write.csv(data.frame(trial = rownames(combined), p = format(combined[[1]], digits = 15),
                     sims = 5000, seed = 2017),
          file.path(out, "screen_simdistr_cat_combined_out.csv"), row.names = FALSE)
