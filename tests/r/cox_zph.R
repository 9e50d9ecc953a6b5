# Reference numbers of tests/test_survival_models.py's PH tests (survival 3.5-3); not run by CI.
library(survival); options(digits = 15)
i <- 1:60
d <- data.frame(x1 = i %% 2, x2 = (i * 7) %% 11, time = (i * 13) %% 17 + 1,
                event = as.integer(i %% 3 != 0), id = (i - 1) %/% 2)
fit <- coxph(Surv(time, event) ~ x1 + x2, data = d, ties = "efron")
print(cox.zph(fit, transform = "rank", terms = FALSE)$table)  # 0.941766178653535
print(cox.zph(fit, transform = "km", terms = FALSE)$table)    # 0.941798051002933
