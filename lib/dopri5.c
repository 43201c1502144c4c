/* Dormand-Prince 5(4) with dense output (see dopri5.h). Coefficients from
 * Dormand & Prince (1980) and Shampine's continuous extension as given by Hairer,
 * Norsett & Wanner, Solving ODEs I (2nd ed.), section II.6. */
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include "dopri5.h"

#define C2 (1.0 / 5)
#define C3 (3.0 / 10)
#define C4 (4.0 / 5)
#define C5 (8.0 / 9)
static const double A21 = 1.0 / 5;
static const double A31 = 3.0 / 40, A32 = 9.0 / 40;
static const double A41 = 44.0 / 45, A42 = -56.0 / 15, A43 = 32.0 / 9;
static const double A51 = 19372.0 / 6561, A52 = -25360.0 / 2187, A53 = 64448.0 / 6561,
                    A54 = -212.0 / 729;
static const double A61 = 9017.0 / 3168, A62 = -355.0 / 33, A63 = 46732.0 / 5247,
                    A64 = 49.0 / 176, A65 = -5103.0 / 18656;
static const double B1 = 35.0 / 384, B3 = 500.0 / 1113, B4 = 125.0 / 192, B5 = -2187.0 / 6784,
                    B6 = 11.0 / 84;
/* 5th minus embedded 4th order weights: the local error estimate. */
static const double E1 = 71.0 / 57600, E3 = -71.0 / 16695, E4 = 71.0 / 1920,
                    E5 = -17253.0 / 339200, E6 = 22.0 / 525, E7 = -1.0 / 40;
static const double D1 = -12715105075.0 / 11282082432.0, D3 = 87487479700.0 / 32700410799.0,
                    D4 = -10690763975.0 / 1880347072.0, D5 = 701980252875.0 / 199316789632.0,
                    D6 = -1453857185.0 / 822651844.0, D7 = 69997945.0 / 29380423.0;

dopri5 *dopri5_new(size_t dim, double atol, double rtol)
{
  dopri5 *d = calloc(1, sizeof *d);
  double *buf = calloc(14 * dim, sizeof *buf);
  if (!d || !buf) {
    free(d);
    free(buf);
    return NULL;
  }
  d->dim = dim;
  d->atol = atol;
  d->rtol = rtol;
  for (int s = 0; s < 7; s++)
    d->k[s] = buf + (size_t)s * dim;
  d->ytmp = buf + 7 * dim;
  d->ynew = buf + 8 * dim;
  d->dense = buf + 9 * dim;
  return d;
}

void dopri5_free(dopri5 *d)
{
  if (!d)
    return;
  free(d->k[0]);
  free(d);
}

/* The six stages after k[0]; the 5th-order solution goes to ynew, its
 * derivative to k[6]. The restrict-qualified copies of the stage pointers tell
 * the compiler the arrays do not overlap, so it keeps them in registers. */
static int stages(dopri5 *d, dopri5_rhs f, void *p, double t, double h, const double *restrict y)
{
  size_t n = d->dim;
  const double *restrict k0 = d->k[0];
  double *restrict k1 = d->k[1], *restrict k2 = d->k[2], *restrict k3 = d->k[3];
  double *restrict k4 = d->k[4], *restrict k5 = d->k[5], *restrict z = d->ytmp;
  int st;
  for (size_t i = 0; i < n; i++) z[i] = y[i] + h * A21 * k0[i];
  if ((st = f(t + C2 * h, z, k1, p))) return st;
  for (size_t i = 0; i < n; i++) z[i] = y[i] + h * (A31 * k0[i] + A32 * k1[i]);
  if ((st = f(t + C3 * h, z, k2, p))) return st;
  for (size_t i = 0; i < n; i++) z[i] = y[i] + h * (A41 * k0[i] + A42 * k1[i] + A43 * k2[i]);
  if ((st = f(t + C4 * h, z, k3, p))) return st;
  for (size_t i = 0; i < n; i++)
    z[i] = y[i] + h * (A51 * k0[i] + A52 * k1[i] + A53 * k2[i] + A54 * k3[i]);
  if ((st = f(t + C5 * h, z, k4, p))) return st;
  for (size_t i = 0; i < n; i++)
    z[i] = y[i] + h * (A61 * k0[i] + A62 * k1[i] + A63 * k2[i] + A64 * k3[i] + A65 * k4[i]);
  if ((st = f(t + h, z, k5, p))) return st;
  double *restrict yn = d->ynew;
  for (size_t i = 0; i < n; i++)
    yn[i] = y[i] + h * (B1 * k0[i] + B3 * k2[i] + B4 * k3[i] + B5 * k4[i] + B6 * k5[i]);
  return f(t + h, yn, d->k[6], p);
}

/* Scaled RMS norm of the error estimate: <= 1 means the step is accepted. */
static double error_norm(const dopri5 *d, double h, const double *y)
{
  double *const *k = d->k, sum = 0;
  for (size_t i = 0; i < d->dim; i++) {
    double e = h * (E1 * k[0][i] + E3 * k[2][i] + E4 * k[3][i] + E5 * k[4][i] + E6 * k[5][i] +
                    E7 * k[6][i]);
    double sc = d->atol + d->rtol * fmax(fabs(y[i]), fabs(d->ynew[i]));
    sum += (e / sc) * (e / sc);
  }
  return sqrt(sum / (double)d->dim);
}

static void make_dense(dopri5 *d, double h, const double *y)
{
  size_t n = d->dim;
  double **k = d->k, *r = d->dense;
  for (size_t i = 0; i < n; i++) {
    double dy = d->ynew[i] - y[i], bspl = h * k[0][i] - dy;
    r[i] = y[i];
    r[n + i] = dy;
    r[2 * n + i] = bspl;
    r[3 * n + i] = dy - h * k[6][i] - bspl;
    r[4 * n + i] = h * (D1 * k[0][i] + D3 * k[2][i] + D4 * k[3][i] + D5 * k[4][i] +
                        D6 * k[5][i] + D7 * k[6][i]);
  }
}

static int finite_state(const double *y, size_t n)
{
  for (size_t i = 0; i < n; i++)
    if (!isfinite(y[i]))
      return 0;
  return 1;
}

int dopri5_step(dopri5 *d, dopri5_rhs f, void *p, double *t, double end, double *h,
                double hmax, double *y)
{
  int st;
  if (!d->k0_valid && (st = f(*t, y, d->k[0], p)))
    return st;
  d->k0_valid = 1;
  double hh = fmin(*h, hmax);
  for (;;) {
    int last = hh >= end - *t;
    if (last)
      hh = end - *t;
    if (hh <= 16 * DBL_EPSILON * fmax(1.0, fabs(*t)))
      return -1;
    if ((st = stages(d, f, p, *t, hh, y)))
      return st;
    double err = error_norm(d, hh, y);
    /* Usual controller: safety 0.9, growth at most 5x, shrink at most 5x. A step
     * cut short to land on `end` keeps the proposal unless it would shrink
     * (0.9 err^-1/5 < 1 means err > 0.9^5), so most of those skip the pow. */
    double fac = 1.0;
    if (isfinite(err) && (!last || err > 0.59049))
      fac = err > 0 ? fmin(5.0, fmax(0.2, 0.9 * pow(err, -0.2))) : 5.0;
    /* A non-finite estimate with a non-finite new state means the solution
     * blew up: accept the step so the caller sees it and reports it, instead of
     * shrinking the step forever. A finite state with a non-finite estimate
     * only means the rhs overflowed at some stage of a far too long step:
     * shrink (fac stays 1 for a NaN estimate, so shrink by the minimum). */
    int blown = !isfinite(err) && !finite_state(d->ynew, d->dim);
    if (!isfinite(err) && !blown)
      fac = 0.2;
    if (err <= 1.0 || blown) {
      make_dense(d, hh, y);
      for (size_t i = 0; i < d->dim; i++) {
        y[i] = d->ynew[i];
        d->k[0][i] = d->k[6][i];   /* first same as last */
      }
      *t = last ? end : *t + hh;
      if (!last || fac < 1.0)
        *h = fmin(hh * fac, hmax);
      return 0;
    }
    hh *= fac;
  }
}

void dopri5_eval(const double *r, size_t n, double theta, double *out)
{
  double th1 = 1.0 - theta;
  for (size_t i = 0; i < n; i++)
    out[i] = r[i] + theta * (r[n + i] + th1 * (r[2 * n + i] + theta * (r[3 * n + i] + th1 * r[4 * n + i])));
}
