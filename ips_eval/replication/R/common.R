# Helpers shared by the replication scripts beside this file (docs/methods.md §Replication in R).
# Run a script from this folder, out/replication/R:   Rscript km.R [OUT]
# OUT is the pipeline's output folder (default ../.. = the out/ this folder is in). Each script
# reads out/analysis/*.dta, fits with a standard R package and writes results/<name>.csv here,
# with the columns of the pipeline's out/results/<name>.csv; compare.R sets the two side by side.
suppressPackageStartupMessages(library(haven))
args <- commandArgs(trailingOnly = TRUE)
OUT <- if (length(args) >= 1) args[[1]] else file.path("..", "..")
source("codes.R")  # CODES: the text code behind each number of the .dta value labels
source("horizons.R")  # HORIZONS, HORIZON_DAYS, SUMMARY_MONTHS: the run's follow-up horizons
# The study's two cohorts in schemas/study.py's order (as Python's PILOT, RRP): the first is the
# models' reference, the second the cohort compared with it
PILOT <- CODES$cohort[[1]]
RRP <- CODES$cohort[[2]]
Z <- qnorm(0.975)

# An analysis dataset with its codes as the results files name them (cohort, "female", ...).
read_analysis <- function(name) {
  d <- as.data.frame(zap_labels(read_dta(file.path(OUT, "analysis", paste0(name, ".dta")))))
  for (v in intersect(names(d), names(CODES))) d[[v]] <- CODES[[v]][d[[v]]]
  for (v in names(d)) if (is.character(d[[v]])) d[[v]][d[[v]] == ""] <- NA  # Stata's missing
  d
}

write_result <- function(rows, name) {
  dir.create("results", showWarnings = FALSE)
  rows <- if (is.data.frame(rows)) rows else do.call(rbind, lapply(rows, as.data.frame))
  write.csv(rows, file.path("results", paste0(name, ".csv")), row.names = FALSE, na = "")
  cat(sprintf("%-15s %4d rows -> results/%s.csv\n", name, nrow(rows), name))
}

# The pipeline's covariates and their dummy coding (ips_eval/employment/cox.py, design):
# complete cases; each categorical level against a fixed reference, as a column "var[level]";
# a level with under 20 rows, or in which the outcome does not vary, is pooled with the other
# such levels as "var[other]", and that pool joins the reference when it is sparse too;
# columns without variation are left out.
CLIENT_COVARIATES <- c("cohort", "age", "sex", "dx_group", "work_history")
REFERENCE <- list(cohort = PILOT, sex = "female", dx_group = "psychotic", work_history = 0)
MIN_LEVEL_ROWS <- 20

# reference: each categorical covariate's reference level (transition_model.R passes its own).
dummies <- function(d, covariates, outcome = NULL, reference = REFERENCE) {
  d <- d[complete.cases(d[covariates]), , drop = FALSE]
  sparse <- function(rows) sum(rows) < MIN_LEVEL_ROWS ||
    (!is.null(outcome) && length(unique(d[[outcome]][rows])) < 2)
  x <- list()
  for (v in covariates) {
    if (is.null(reference[[v]])) { x[[v]] <- as.numeric(d[[v]]); next }
    levels <- sort(setdiff(unique(d[[v]]), reference[[v]]), method = "radix")
    few <- Filter(function(l) sparse(d[[v]] == l), levels)
    for (l in setdiff(levels, few)) x[[sprintf("%s[%s]", v, l)]] <- as.numeric(d[[v]] == l)
    if (length(few) && !sparse(d[[v]] %in% few))
      x[[sprintf("%s[other]", v)]] <- as.numeric(d[[v]] %in% few)
  }
  x <- as.matrix(as.data.frame(x, check.names = FALSE))
  list(data = d, x = x[, apply(x, 2, function(col) length(unique(col)) > 1), drop = FALSE])
}

# Wald rows of a fitted model (coef, se) on the ratio scale: coef, exp(coef) and its 95 % CI, p.
wald <- function(coef, se, ratio = "hr") {
  out <- data.frame(term = sub("^x", "", names(coef)), coef = unname(coef))
  out[[ratio]] <- exp(out$coef)
  out$ci_lower <- exp(out$coef - Z * se)
  out$ci_upper <- exp(out$coef + Z * se)
  out$p <- 2 * pnorm(-abs(out$coef / se))
  out$se <- unname(se)
  out
}

# Cox fits run to the optimum (R's default eps = 1e-9 stops a little short of it; the pipeline
# converges further)
cox_control <- function() survival::coxph.control(eps = 1e-12, toler.chol = 1e-13, iter.max = 100)

# The TTFJ rows with the client's covariates and follow-up (logit, competing, fidelity_cox).
ttfj_frame <- function() {
  tte <- read_analysis("tte")
  clients <- read_analysis("clients")
  keep <- c("client_id", "followup_days", "team", "index_date", CLIENT_COVARIATES)
  merge(tte[tte$param == "TTFJ", c("client_id", "time_days", "event")], clients[keep],
        by = "client_id")
}
