/* Internal: Taylor-mode automatic differentiation for the models' Taylor
 * coefficients (ember_model.taylor), coefficient by coefficient.
 *
 * A series is an array a[0..K] of Taylor coefficients in t (a(t) = sum a_k t^k).
 * A model's recurrence learns its state's coefficient k + 1 from coefficient k of
 * its right-hand side, which needs coefficients 0..k of the state; so every
 * function here returns one coefficient k of a result from coefficients 0..k of
 * its arguments and 0..k-1 of the result itself (the usual recurrences: products
 * are convolutions, exp(z)' = exp(z) z', (a / b) b = a). */
#ifndef EMBER_TAYLOR_AD_H
#define EMBER_TAYLOR_AD_H

#include <math.h>
#include <stddef.h>
#include "ember/model.h"

#define TAD_LEN (EMBER_TAYLOR_MAX_ORDER + 1)

/* Coefficient k of a b. */
static inline double tad_mul(const double *a, const double *b, size_t k)
{
  double s = 0.0;
  for (size_t j = 0; j <= k; j++)
    s += a[j] * b[k - j];
  return s;
}

/* Coefficient k of a^2 (half the products of tad_mul). */
static inline double tad_sqr(const double *a, size_t k)
{
  double s = 0.0;
  for (size_t j = 0; 2 * j < k; j++)
    s += a[j] * a[k - j];
  s *= 2.0;
  if (k % 2 == 0)
    s += a[k / 2] * a[k / 2];
  return s;
}

/* Coefficient k >= 1 of e = exp(c + s u) for a series u (the constant c only
 * enters e[0]): k e_k = s sum_(j=1..k) j u_j e_(k-j). */
static inline double tad_exp_lin(const double *u, double s, const double *e, size_t k)
{
  double acc = 0.0;
  for (size_t j = 1; j <= k; j++)
    acc += (double)j * u[j] * e[k - j];
  return s * acc * ember_taylor_inverses[k];
}

/* Coefficient k of q = a / b, given a_k, b[0..k] and q[0..k-1]. Stable when b_0 is
 * not small against the rest of b (callers ensure it). */
static inline double tad_div(double ak, const double *b, const double *q, size_t k)
{
  double s = ak;
  for (size_t j = 1; j <= k; j++)
    s -= b[j] * q[k - j];
  return s / b[0];
}

/* psi(z(t)) for psi(z) = z / (e^z - 1), whose singularity at z = 0 is removable.
 * Far from 0 (|z_0| >= TAD_PSI_NEAR) psi = z / (e^z - 1) by the quotient
 * recurrence. Near 0 that recurrence divides by e^(z_0) - 1 ~ z_0 and amplifies
 * rounding errors by about (2 pi / |z_0|)^k at order k (2 pi: the distance to
 * psi's poles at +-2 pi i), so there psi(z_0 + d(t)) = sum_j a_j d(t)^j with
 * d = z - z_0 and a_j the Taylor coefficients of psi at z_0, from its series at 0
 * (Bernoulli numbers, lib/taylor_psi_table.h). At |z_0| = 1.5 the recurrence
 * loses at most a factor 4.2^k, 1e4 at order 8. */
#define TAD_PSI_NEAR 1.5

typedef struct tad_psi {
  int near;
  double z[TAD_LEN];        /* the argument's coefficients */
  double p[TAD_LEN];        /* psi's coefficients (the result) */
  double e[TAD_LEN];        /* far: exp(z), e^z - 1 is e with e[0] - 1 */
  double d0;                /* far: e^(z_0) - 1 */
  double a[TAD_LEN];        /* near: psi's Taylor coefficients at z_0 */
  double pw[TAD_LEN][TAD_LEN];   /* near: pw[j][k] = coefficient k of d^j */
} tad_psi;

/* Starts psi at z(0) = z0 for orders up to K: returns psi(z0) (= s->p[0]). */
double tad_psi_start(tad_psi *s, double z0, size_t K);

/* Coefficient k >= 1 of psi(z(t)), given z's coefficient k (the earlier ones were
 * given before): stores and returns s->p[k]. */
double tad_psi_next(tad_psi *s, double zk, size_t k);

#endif
