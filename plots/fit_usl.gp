# Fits the Universal Scalability Law to one series:
#   T(N) = T1 (1 + alpha (N - 1) + beta N (N - 1)) / N,
# i.e. speedup S(N) = N / (1 + alpha (N - 1) + beta N (N - 1)).
# alpha is contention (alpha = Amdahl's f when beta = 0), beta coherency
# cost; both are left free so noise can show as a small negative value.
# Usage: gnuplot -c fit_usl.gp DATA OUT ALPHA0 BETA0 T10 (DATA as fit_amdahl.gp)
# gnuplot differentiates numerically with steps relative to each parameter,
# so a parameter that reaches exactly 0 (beta for Amdahl-like data) would
# stall the fit: alpha and beta are fitted as offsets from 1 (a = 1 + alpha,
# b = 1 + beta / BSCALE), which never come near 0.
set fit quiet nolog errorvariables noerrorscaling
FIT_MAXITER = 500
BSCALE = 1e-3
T(x) = T1 * (1.0 + (a - 1.0) * (x - 1.0) + (b - 1.0) * BSCALE * x * (x - 1.0)) / x
a = 1.0 + real(ARG3)
b = 1.0 + real(ARG4) / BSCALE
T1 = real(ARG5)
fit T(x) ARG1 using 1:2:3 yerror via a, b, T1
scale = (FIT_NDF > 0 && FIT_WSSR / FIT_NDF > 1) ? sqrt(FIT_WSSR / FIT_NDF) : 1.0
set print ARG2
print sprintf("converged %d -", FIT_CONVERGED)
print sprintf("alpha %.17g %.17g", a - 1.0, a_err * scale)
print sprintf("beta %.17g %.17g", (b - 1.0) * BSCALE, b_err * BSCALE * scale)
print sprintf("T1 %.17g %.17g", T1, T1_err * scale)
print sprintf("wssr %.17g -", FIT_WSSR)
print sprintf("ndf %d -", FIT_NDF)
set print
