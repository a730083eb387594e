# Fits Amdahl's law, T(N) = T1 (f + (1 - f) / N), to one series.
# Usage: gnuplot -c fit_amdahl.gp DATA OUT U0 T10
#   DATA: rows "threads median_s sigma_s" (sigma: the median's standard error)
#   OUT:  receives "name value stderr" lines
#   U0, T10: starting values (u = logit f), from a linear least-squares guess
# f = 1 / (1 + exp(-u)) keeps f inside (0, 1) by reparameterisation rather
# than clipping; its standard error comes from u's by the delta method.
# gnuplot differentiates numerically with steps relative to each parameter
# and stalls on a parameter at exactly 0 (u = 0 is f = 0.5), so u is fitted
# as w = u - U0 + 1, which starts at 1 and stays near it.
# Errors are not rescaled down: the per-point sigmas are taken as given, and
# scaled up by sqrt(WSSR/ndf) only when the scatter exceeds them.
set fit quiet nolog errorvariables noerrorscaling
FIT_MAXITER = 500
logistic(u) = 1.0 / (1.0 + exp(-u))
U0 = real(ARG3)
T(x) = T1 * (logistic(w + U0 - 1.0) + (1.0 - logistic(w + U0 - 1.0)) / x)
w = 1.0
T1 = real(ARG4)
fit T(x) ARG1 using 1:2:3 yerror via w, T1
scale = (FIT_NDF > 0 && FIT_WSSR / FIT_NDF > 1) ? sqrt(FIT_WSSR / FIT_NDF) : 1.0
f = logistic(w + U0 - 1.0)
u_err = w_err
set print ARG2
print sprintf("converged %d -", FIT_CONVERGED)
print sprintf("f %.17g %.17g", f, f * (1.0 - f) * u_err * scale)
print sprintf("T1 %.17g %.17g", T1, T1_err * scale)
print sprintf("wssr %.17g -", FIT_WSSR)
print sprintf("ndf %d -", FIT_NDF)
set print
