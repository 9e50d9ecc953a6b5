# Sets every estimate of results/<name>.csv here (written by the replication scripts) beside the
# pipeline's out/results/<name>.csv and lists each whose relative difference exceeds 1e-6.
# Run from this folder after run_all.R:   Rscript compare.R [OUT]
# Prints per file the rows matched, the estimates compared and the largest relative difference;
# exits with status 1 when any estimate differs by more than 1e-6, or a file cannot be compared.
# The results CSVs hold 10 decimals, so a difference within that rounding (5e-11) counts as none.
source("common.R")
TOLERANCE <- 1e-6
ROUNDING <- 5e-11
# the columns that name a row of each file (the rest of R's columns are compared)
KEYS <- list(
  km = c("param", "group_var", "group", "time_days", "method"),
  rmst = c("param", "group_var", "group", "method", "tau_days"),
  cox = c("param", "term"),
  logit = c("window_months", "term"),  # window_months only with a horizon beyond 12 months
  competing = c("param", "model", "term", "time_days"),
  fidelity_cox = c("param", "model", "term"),
  attachment = c("window_months", "group_var", "group"),
  change = c("instrument", "cohort", "contrast", "group_var", "group"),
  change_ipw = c("followup_wave", "instrument", "cohort", "method"),
  mixed = c("instrument", "model", "term"),
  register_effect = c("outcome", "rel_month", "method"),
  transition_model = c("horizon", "state_to", "term"))
# Differences with a documented reason: "file:column" = "why" (shown, not counted as failures).
KNOWN <- list()

read_csv <- function(path) read.csv(path, stringsAsFactors = FALSE, na.strings = "",
                                    check.names = FALSE)
over <- list(); failed <- FALSE
cat(sprintf("%-16s %6s %9s %12s  %s\n", "file", "rows", "compared", "max_rel_diff", "over 1e-6"))
cat("(rows: R's rows; compared: estimates set side by side; the pipeline's rows R does not\n",
    "reproduce, such as methods no script covers, are counted after the differences)\n")
for (name in names(KEYS)) {
  mine <- file.path("results", paste0(name, ".csv"))
  theirs <- file.path(OUT, "results", paste0(name, ".csv"))
  if (!file.exists(mine) || !file.exists(theirs)) {
    cat(sprintf("%-16s not compared: %s missing\n", name, if (!file.exists(mine)) mine else theirs))
    failed <- TRUE
    next
  }
  r <- read_csv(mine); p <- read_csv(theirs)
  keys <- intersect(KEYS[[name]], names(p))
  both <- merge(r, p, by = keys, suffixes = c(".r", ".p"), all.x = TRUE)
  unmatched <- sum(!do.call(paste, r[keys]) %in% do.call(paste, p[keys]))
  not_in_r <- sum(!do.call(paste, p[keys]) %in% do.call(paste, r[keys]))  # not replicated
  columns <- setdiff(names(r)[sapply(r, is.numeric)], keys)
  compared <- 0; largest <- 0; n_over <- 0
  for (col in intersect(columns, names(p))) {
    a <- both[[paste0(col, ".r")]]; b <- both[[paste0(col, ".p")]]
    present <- !is.na(a) & !is.na(b)
    rel <- pmax(0, abs(a - b) - ROUNDING) / pmax(abs(a), abs(b))
    rel[present & abs(a - b) <= ROUNDING] <- 0
    rel[is.na(a) != is.na(b)] <- Inf  # estimated on one side only
    counted <- present | is.na(a) != is.na(b)
    compared <- compared + sum(counted)
    largest <- max(largest, rel[counted])
    bad <- which(counted & rel > TOLERANCE)
    why <- KNOWN[[paste0(name, ":", col)]]
    if (length(bad) && is.null(why)) n_over <- n_over + length(bad)
    for (i in bad) over[[length(over) + 1]] <- data.frame(
      file = name, row = paste(sapply(keys, function(k) both[[k]][i]), collapse = " | "),
      column = col, r = a[i], pipeline = b[i], rel_diff = rel[i],
      reason = if (is.null(why)) "" else why)
  }
  if (unmatched > 0) n_over <- n_over + unmatched
  failed <- failed || n_over > 0
  cat(sprintf("%-16s %6d %9d %12.3g  %d%s%s\n", name, nrow(r), compared, largest, n_over,
              if (unmatched) sprintf("  (%d of R's rows not in the pipeline's file)", unmatched)
              else "",
              if (not_in_r) sprintf("  (%d pipeline rows not replicated)", not_in_r) else ""))
}
if (length(over)) {
  cat("\nEstimates whose relative difference exceeds 1e-6:\n")
  print(do.call(rbind, over), row.names = FALSE, digits = 10)
}
quit(status = if (failed) 1 else 0)
