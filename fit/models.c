#include "models.h"

#include <math.h>
#include <string.h>

/* The design row and response of one point, with its weight. */
static int design(enum omps_model model, const struct omps_point *p, double x[3], double *y,
                  double *w)
{
    const double n = p->threads;
    if (model == OMPS_AMDAHL) {
        x[0] = 1.0;
        x[1] = 1.0 / n;
        *y = p->seconds;
        *w = 1.0 / (p->sigma * p->sigma);
        return 2;
    }
    x[0] = 1.0;
    x[1] = n - 1.0;
    x[2] = n * (n - 1.0);
    *y = n * p->seconds;
    *w = 1.0 / (n * p->sigma * n * p->sigma);
    return 3;
}

/* Inverts the k x k symmetric matrix a into inv by Gauss-Jordan with
 * partial pivoting; returns -1 when it is singular. */
static int invert(int k, double a[3][3], double inv[3][3])
{
    double m[3][6] = {{0}};
    for (int i = 0; i < k; i++) {
        for (int j = 0; j < k; j++)
            m[i][j] = a[i][j];
        m[i][k + i] = 1.0;
    }
    for (int c = 0; c < k; c++) {
        int pivot = c;
        for (int r = c + 1; r < k; r++) {
            if (fabs(m[r][c]) > fabs(m[pivot][c]))
                pivot = r;
        }
        if (!(fabs(m[pivot][c]) > 1e-300 * (1.0 + fabs(a[c][c]))))
            return -1;
        for (int j = 0; j < 2 * k; j++) {
            double t = m[c][j];
            m[c][j] = m[pivot][j];
            m[pivot][j] = t;
        }
        const double d = m[c][c];
        for (int j = 0; j < 2 * k; j++)
            m[c][j] /= d;
        for (int r = 0; r < k; r++) {
            const double factor = m[r][c];
            for (int j = 0; r != c && j < 2 * k; j++)
                m[r][j] -= factor * m[c][j];
        }
    }
    for (int i = 0; i < k; i++) {
        for (int j = 0; j < k; j++)
            inv[i][j] = m[i][k + j];
    }
    return 0;
}

static size_t distinct_threads(const struct omps_point *p, size_t n)
{
    size_t d = 0;
    for (size_t i = 0; i < n; i++) {
        size_t j = 0;
        while (j < i && p[j].threads != p[i].threads)
            j++;
        d += j == i;
    }
    return d;
}

/* Solves the weighted normal equations of model over p into out->coef. */
static int solve(enum omps_model model, const struct omps_point *p, size_t n,
                 struct omps_model_fit *out)
{
    double a[3][3] = {{0}}, rhs[3] = {0}, x[3], y, w;
    int k = 2;
    for (size_t i = 0; i < n; i++) {
        k = design(model, &p[i], x, &y, &w);
        for (int r = 0; r < k; r++) {
            rhs[r] += w * x[r] * y;
            for (int c = 0; c < k; c++)
                a[r][c] += w * x[r] * x[c];
        }
    }
    if (distinct_threads(p, n) < (size_t)k || invert(k, a, out->cov) != 0)
        return -1;
    for (int r = 0; r < k; r++) {
        out->coef[r] = 0.0;
        for (int c = 0; c < k; c++)
            out->coef[r] += out->cov[r][c] * rhs[c];
    }
    out->chi2 = 0.0;
    for (size_t i = 0; i < n; i++) {
        design(model, &p[i], x, &y, &w);
        double fitted = 0.0;
        for (int r = 0; r < k; r++)
            fitted += out->coef[r] * x[r];
        out->chi2 += w * (y - fitted) * (y - fitted);
    }
    out->ndf = (int)n - k;
    return 0;
}

int omps_model_fit(enum omps_model model, const struct omps_point *p, size_t n,
                   struct omps_model_fit *out)
{
    memset(out, 0, sizeof *out);
    out->f = out->alpha = out->beta = out->t1 = NAN;
    if (n == 0 || solve(model, p, n, out) != 0)
        return -1;
    if (model == OMPS_AMDAHL) {
        out->t1 = out->coef[0] + out->coef[1];
        out->f = out->coef[0] / out->t1;
    } else {
        out->t1 = out->coef[0];
        out->alpha = out->coef[1] / out->coef[0];
        out->beta = out->coef[2] / out->coef[0];
    }
    return out->t1 > 0 && isfinite(out->t1) ? 0 : -1;
}

/* g' cov g for a gradient g over the k coefficients. */
static double quadratic(const double cov[3][3], const double g[3], int k)
{
    double s = 0.0;
    for (int r = 0; r < k; r++) {
        for (int c = 0; c < k; c++)
            s += g[r] * cov[r][c] * g[c];
    }
    return sqrt(fmax(s, 0.0));
}

double omps_model_stderr(enum omps_model model, const struct omps_model_fit *fit, int which)
{
    const double *c = fit->coef;
    if (model == OMPS_AMDAHL) {
        const double s = c[0] + c[1];
        const double g[3] = {c[1] / (s * s), -c[0] / (s * s), 0.0};
        return quadratic(fit->cov, g, 2);
    }
    const double g[3] = {-c[1 + which] / (c[0] * c[0]), which == 0 ? 1.0 / c[0] : 0.0,
                         which == 1 ? 1.0 / c[0] : 0.0};
    return quadratic(fit->cov, g, 3);
}

double omps_aicc(double chi2, size_t n, int k)
{
    if ((double)n - k - 1 <= 0)
        return NAN;
    return chi2 + 2.0 * k + 2.0 * k * (k + 1.0) / ((double)n - k - 1.0);
}

double omps_phi(double z)
{
    return 0.5 * erfc(-z / sqrt(2.0));
}

double omps_chi2_upper(double chi2, int ndf)
{
    if (ndf < 1)
        return 1.0;
    const double v = ndf, s = 2.0 / (9.0 * v);
    const double z = (cbrt(chi2 / v) - (1.0 - s)) / sqrt(s);
    return 1.0 - omps_phi(z);
}

