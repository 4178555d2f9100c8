# Reference values of the six Shrout & Fleiss (1979) ICC forms, for tests/unit/test_icc.c.
# Run from this directory:  Rscript make-icc.R
# Computed independently of lotk with R psych::ICC (lmer = FALSE: the ANOVA mean squares of
# the paper, no lme4 needed). Writes
#   icc-data.csv      dataset, target, judge, rating — the tables rated
#   expected-icc.csv  dataset, targets, judges, then ICC1 ICC2 ICC3 ICC1k ICC2k ICC3k and the
#                     mean squares BMS WMS JMS EMS, as sprintf("%.17g")
# Deterministic: no random numbers.

suppressPackageStartupMessages(library(psych))

datasets <- list(
  # Shrout & Fleiss (1979), Table 2: six targets (rows) rated by four judges (columns).
  # The paper reports ICC(1,1) .17, ICC(2,1) .29, ICC(3,1) .71, ICC(1,4) .44, ICC(2,4) .62,
  # ICC(3,4) .91.
  "shrout-fleiss-1979" = matrix(c(9, 2, 5, 8,
                                  6, 1, 3, 2,
                                  8, 4, 6, 8,
                                  7, 1, 2, 6,
                                  10, 5, 6, 9,
                                  6, 2, 4, 7), ncol = 4, byrow = TRUE),
  # Three assessors, ten organizations, a rubric of 0..4 (whole levels).
  "levels-3x10" = matrix(c(3, 3, 4,
                           1, 2, 1,
                           4, 4, 4,
                           2, 2, 3,
                           0, 1, 0,
                           3, 2, 3,
                           2, 3, 2,
                           4, 3, 4,
                           1, 1, 2,
                           3, 4, 3), ncol = 3, byrow = TRUE),
  # Recorded facts far from zero with small differences (training funds, % of payroll):
  # cancellation would show here.
  "facts-2x8" = matrix(c(2.61, 2.63,
                         1.48, 1.52,
                         3.05, 3.01,
                         0.92, 0.97,
                         2.20, 2.24,
                         1.75, 1.71,
                         2.49, 2.55,
                         1.10, 1.08) + 1000, ncol = 2, byrow = TRUE),
  # Five judges, four targets, half points.
  "halves-5x4" = matrix(c(3.5, 4, 3, 4.5, 4,
                          2, 2.5, 1.5, 2, 3,
                          4.5, 4.5, 4, 5, 4.5,
                          1, 2, 1.5, 1, 2.5), ncol = 5, byrow = TRUE)
)

fmt <- function(x) sprintf("%.17g", x)
data <- NULL
expected <- NULL
for (name in names(datasets)) {
  m <- datasets[[name]]
  for (i in seq_len(nrow(m))) for (j in seq_len(ncol(m)))
    data <- rbind(data, data.frame(dataset = name, target = i, judge = j,
                                   rating = fmt(m[i, j]), stringsAsFactors = FALSE))
  r <- ICC(m, lmer = FALSE)
  icc <- setNames(r$results$ICC, r$results$type)
  ms <- r$summary[[1]][["Mean Sq"]]   # subs (targets), ind (judges), Residuals
  # psych's one-way within-target mean square is (SS judges + SS residual) / (n (k - 1)).
  ss <- r$summary[[1]][["Sum Sq"]]
  wms <- (ss[2] + ss[3]) / (nrow(m) * (ncol(m) - 1))
  expected <- rbind(expected, data.frame(
    dataset = name, targets = nrow(m), judges = ncol(m),
    ICC1 = fmt(icc[["ICC1"]]), ICC2 = fmt(icc[["ICC2"]]), ICC3 = fmt(icc[["ICC3"]]),
    ICC1k = fmt(icc[["ICC1k"]]), ICC2k = fmt(icc[["ICC2k"]]), ICC3k = fmt(icc[["ICC3k"]]),
    BMS = fmt(ms[1]), WMS = fmt(wms), JMS = fmt(ms[2]), EMS = fmt(ms[3]),
    stringsAsFactors = FALSE))
}
write.csv(data, "icc-data.csv", row.names = FALSE, quote = FALSE)
write.csv(expected, "expected-icc.csv", row.names = FALSE, quote = FALSE)
