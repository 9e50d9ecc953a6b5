# Reference numbers of tests/test_competing.py, computed once with R 4.x, survival 3.5-3 and
# cmprsk 2.2-11 (Rscript tests/r/competing.R). Not run by CI: R is not a dependency.
library(survival); library(cmprsk)
options(digits = 15)
i <- 1:80
d <- data.frame(cohort = factor(ifelse(i %% 2 == 0, "rrp", "pilot"), c("pilot", "rrp")),
                x2 = (i * 7) %% 11, time = (i * 13) %% 23 + 1,
                event = ifelse(i %% 5 == 0, 0, ifelse(i %% 5 < 3, 1, 2)))
print(cuminc(d$time, d$event, d$cohort)$Tests)                     # Gray's test, 2 groups
print(cuminc(d$time, d$event, c("a", "b", "c")[i %% 3 + 1])$Tests) # 3 groups
s <- summary(survfit(Surv(time, factor(event)) ~ cohort, data = d), times = c(10, 15.5))
print(s$pstate[, 2]); print(s$std.err[, 2])                        # AJ F(t) of event 1
cs <- coxph(Surv(time, event == 1) ~ cohort + x2, data = d, ties = "efron")
print(coef(cs)); print(sqrt(diag(vcov(cs))))
fg <- finegray(Surv(time, factor(event)) ~ ., data = d, etype = 1)
fgfit <- coxph(Surv(fgstart, fgstop, fgstatus) ~ cohort + x2, weights = fgwt, data = fg)
print(nrow(fg)); print(coef(fgfit)); print(sqrt(diag(vcov(fgfit))))  # robust (row) variance
print(summary(fgfit)$coefficients[, "Pr(>|z|)"])
# jobs on the index day: time 0 (finegray then starts the rows at -1)
d0 <- transform(d, time = time - 1)
fg0 <- finegray(Surv(time, factor(event)) ~ ., data = d0, etype = 1)
fgfit0 <- coxph(Surv(fgstart, fgstop, fgstatus) ~ cohort + x2, weights = fgwt, data = fg0)
print(nrow(fg0)); print(coef(fgfit0)); print(sqrt(diag(vcov(fgfit0))))
print(cuminc(d0$time, d0$event, d0$cohort)$Tests)
