# Runs every replication script in this folder, each in its own R process, and says which
# failed. Then compare.R sets the results beside the pipeline's. From this folder:
#   Rscript run_all.R [OUT] && Rscript compare.R [OUT]
# OUT: the pipeline's output folder (default ../..). docs/methods.md §Replication in R.
args <- commandArgs(trailingOnly = TRUE)
scripts <- c("km", "rmst", "cox", "logit", "competing", "fidelity_cox", "attachment", "change",
             "change_ipw", "mixed", "register_effect", "transition_model")
rscript <- file.path(R.home("bin"), "Rscript")
failed <- character()
for (s in scripts) {
  started <- Sys.time()
  status <- system2(rscript, c(paste0(s, ".R"), shQuote(args)))
  if (status != 0) failed <- c(failed, s)
  cat(sprintf("  %s.R %s in %.1f s\n", s, if (status == 0) "done" else "FAILED",
              as.numeric(Sys.time() - started, units = "secs")))
}
if (length(failed)) {
  cat("failed:", paste0(failed, ".R", collapse = ", "), "\n")
  quit(status = 1)
}
