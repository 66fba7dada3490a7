# Reference numbers for trialkit.screen from simdistr 1.0.1 (Sousa-Pinto et al., CRAN),
# the Carlisle-Stouffer method of Carlisle & Loadsman (2017), on the package's own
# example_trials (seven Saitoh trials).
#
# Run (simdistr installed from its CRAN source into a private library, not committed):
#   R CMD INSTALL -l /tmp/rlib <simdistr source>
#   R_LIBS=/tmp/rlib Rscript tests/reference/simdistr_example.R tests/reference
# Writes, beside this script:
#   ../data/screen/simdistr_example_trials.csv  the data set as simdistr ships it
#   simdistr_variable_p.csv   sim_distr's p for each trial x variable (5000 simulations,
#                             set.seed(2017)), as it prints them
#   simdistr_combined_p.csv   sim_distr's combined p per trial (its return value, 15 digits)
#   simdistr_example.txt      everything sim_distr printed
library(simdistr)
args <- commandArgs(trailingOnly = TRUE)
out <- if (length(args)) args[1] else "."
data(example_trials)
write.csv(example_trials, file.path(out, "..", "data", "screen",
                                    "simdistr_example_trials.csv"), row.names = FALSE)
set.seed(2017)
printed <- capture.output(combined <- sim_distr(5000, example_trials, FALSE))
writeLines(printed, file.path(out, "simdistr_example.txt"))
# the per-variable table is printed between the two headings
start <- grep("^P-values for each variable", printed) + 1
stop <- grep("^Combined", printed) - 2
header <- strsplit(trimws(printed[start]), " +")[[1]]
long <- do.call(rbind, lapply(printed[(start + 1):stop], function(line) {
  tokens <- strsplit(trimws(line), " +")[[1]]
  k <- length(header)
  data.frame(trial = paste(head(tokens, -k), collapse = " "), variable = seq_len(k),
             p = suppressWarnings(as.numeric(tail(tokens, k))))
}))
long <- long[!is.na(long$p), ]
write.csv(long, file.path(out, "simdistr_variable_p.csv"), row.names = FALSE)
comb <- data.frame(trial = rownames(combined), p = format(combined[[1]], digits = 15))
write.csv(comb, file.path(out, "simdistr_combined_p.csv"), row.names = FALSE)
