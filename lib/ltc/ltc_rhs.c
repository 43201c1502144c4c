/* The LTC right-hand side over the CSR synapse store: sensory drive, synaptic
 * sums, the continuous derivative and the fused (ncps) sub-step.
 *
 * Every output element j is computed by one thread with a loop over its row in
 * storage order, so results are bit-identical for any thread count. Small
 * circuits never enter an OpenMP region: its fork costs more than the whole
 * evaluation of a 19-neuron NCP.
 *
 * The cost is one sigmoid per synapse per evaluation (a 128-unit dense circuit:
 * 16 384), so the sigmoids are computed in a loop that vectorises (a branch-free
 * exp, no reduction: GCC vectorises reductions only with reassociation, which
 * would break the exp's rounding trick and the summation order), and summed in a
 * second, sequential loop in storage order. On x86-64 the row kernel is also
 * compiled for AVX2+FMA and picked at load time. */
#include <math.h>
#include <string.h>
#include <gsl/gsl_errno.h>
#include "ltc_internal.h"

#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__) && __GNUC__ >= 11
#define LTC_CLONES __attribute__((target_clones("arch=x86-64-v3", "default")))
#else
#define LTC_CLONES
#endif

#define ROW_CHUNK 64   /* conductances computed per vector pass (on the stack) */

/* sigmoid(x) = 1 / (1 + exp(-x)) without branches or calls, so that loops over
 * synapses vectorise: exp(z) = 2^k exp(r), k = round(z / ln 2), |r| <= ln 2 / 2
 * (Cody-Waite split of ln 2), exp(r) by its Taylor series to degree 13
 * (truncation < 4e-18 relative), 2^k built in the exponent bits. z is clamped
 * to +-708, where the sigmoid is 0 or 1 to double precision anyway. Agrees with
 * libm's exp to a few ulp. */
static inline double sigmoid_fast(double x)
{
  double z = -x;
  z = z < -708.0 ? -708.0 : (z > 708.0 ? 708.0 : z);
  double y = z * 0x1.71547652b82fep0;
  int32_t k = (int32_t)(y + (y < 0 ? -0.5 : 0.5));   /* int32: converts in vector registers */
  double n = (double)k;
  double r = (z - n * 0x1.62e42fee00000p-1) - n * 0x1.a39ef35793c76p-33;
  double p = 1.0 / 6227020800.0;
  p = p * r + 1.0 / 479001600.0;
  p = p * r + 1.0 / 39916800.0;
  p = p * r + 1.0 / 3628800.0;
  p = p * r + 1.0 / 362880.0;
  p = p * r + 1.0 / 40320.0;
  p = p * r + 1.0 / 5040.0;
  p = p * r + 1.0 / 720.0;
  p = p * r + 1.0 / 120.0;
  p = p * r + 1.0 / 24.0;
  p = p * r + 1.0 / 6.0;
  p = p * r + 0.5;
  p = p * r + 1.0;
  p = p * r + 1.0;
  uint64_t bits = (uint64_t)(int64_t)(k + 1023) << 52;
  double scale;
  memcpy(&scale, &bits, sizeof scale);
  return 1.0 / (1.0 + p * scale);
}

double ltc_sigmoid(double x) { return sigmoid_fast(x); }

static int parallel(const ember_ltc *c) { return c->threads > 1 && c->n >= EMBER_LTC_PARALLEL_MIN; }

/* Sums of row j: *a = sum w s erev, *b = sum w s, s = sigmoid(sigma (pre - mu)),
 * added in storage order. */
LTC_CLONES static void row_sums(const ltc_syn *s, const double *pre, size_t j, double *a, double *b)
{
  double g[ROW_CHUNK], sa = 0, sb = 0;
  const uint32_t *src = s->src;
  const double *w = s->w, *sg = s->sigma, *mu = s->mu, *er = s->erev;
  for (size_t q = s->row[j], end = s->row[j + 1]; q < end; q += ROW_CHUNK) {
    size_t m = end - q < ROW_CHUNK ? end - q : ROW_CHUNK;
    for (size_t i = 0; i < m; i++)
      g[i] = w[q + i] * sigmoid_fast(sg[q + i] * (pre[src[q + i]] - mu[q + i]));
    for (size_t i = 0; i < m; i++) {
      sa += g[i] * er[q + i];
      sb += g[i];
    }
  }
  *a = sa;
  *b = sb;
}

/* ------------------------------------------------------------- sensory --- */

/* Inputs are constant within a step, so their conductances are computed once per
 * step (c->x holds the mapped input while this runs). */
static void sensory_range(ember_ltc *c, const double *xm, size_t j0, size_t j1)
{
  for (size_t j = j0; j < j1; j++)
    row_sums(&c->sens, xm, j, &c->gse[j], &c->gs[j]);
}

void ltc_sensory_update(ember_ltc *c)
{
  /* The affine input map goes into c->a, free at this point. */
  double *xm = c->a;
  for (size_t k = 0; k < c->k && c->k <= c->n; k++)   /* K > N: no room, see below */
    xm[k] = c->input_w[k] * c->x[k] + c->input_b[k];
  if (c->k > c->n) {   /* c->a has only N entries; rare, so a plain fallback */
    for (size_t j = 0; j < c->n; j++) {
      double sa = 0, sb = 0;
      for (size_t p = c->sens.row[j]; p < c->sens.row[j + 1]; p++) {
        size_t k = c->sens.src[p];
        double g = c->sens.w[p] * ltc_sigmoid(c->sens.sigma[p] *
                                              (c->input_w[k] * c->x[k] + c->input_b[k] - c->sens.mu[p]));
        sa += g * c->sens.erev[p];
        sb += g;
      }
      c->gse[j] = sa;
      c->gs[j] = sb;
    }
  } else if (parallel(c)) {
#pragma omp parallel for schedule(static) num_threads(c->threads)
    for (size_t j = 0; j < c->n; j++)
      sensory_range(c, xm, j, j + 1);
  } else {
    sensory_range(c, xm, 0, c->n);
  }
  c->input_dirty = 0;
}

/* ---------------------------------------------------------------- sums --- */

void ltc_syn_sums(const ember_ltc *c, const double *v, double *a, double *b)
{
  if (parallel(c)) {
#pragma omp parallel for schedule(static) num_threads(c->threads)
    for (size_t j = 0; j < c->n; j++)
      row_sums(&c->syn, v, j, &a[j], &b[j]);
  } else {
    for (size_t j = 0; j < c->n; j++)
      row_sums(&c->syn, v, j, &a[j], &b[j]);
  }
}

/* ------------------------------------------------------------ continuous --- */

static inline double deriv(const ember_ltc *c, const double *v, size_t j)
{
  double a, b;
  row_sums(&c->syn, v, j, &a, &b);
  return (c->gleak[j] * (c->vleak[j] - v[j]) + (a + c->gse[j]) - (b + c->gs[j]) * v[j]) / c->cm[j];
}

/* GSL callback: cm dv/dt = gleak (vleak - v) + sum g (erev - v), inputs fixed. */
int ltc_rhs(double t, const double *v, double *dvdt, void *circuit)
{
  (void)t;
  ember_ltc *c = circuit;
  c->n_rhs++;
  if (parallel(c)) {
#pragma omp parallel for schedule(static) num_threads(c->threads)
    for (size_t j = 0; j < c->n; j++)
      dvdt[j] = deriv(c, v, j);
  } else {
    for (size_t j = 0; j < c->n; j++)
      dvdt[j] = deriv(c, v, j);
  }
  return GSL_SUCCESS;
}

/* ----------------------------------------------------------------- fused --- */

/* ncps' update with the same association of sums:
 * v' = (cm/dt v + gleak vleak + (A + A_s)) / ((cm/dt + gleak) + (B + B_s) + eps). */
static inline double fused1(const ember_ltc *c, const double *v, size_t j, double dt, double eps)
{
  double a, b;
  row_sums(&c->syn, v, j, &a, &b);
  double cm_t = c->cm[j] / dt;
  double num = cm_t * v[j] + c->gleak[j] * c->vleak[j] + (a + c->gse[j]);
  double den = cm_t + c->gleak[j] + (b + c->gs[j]);
  return num / (den + eps);
}

void ltc_fused_substep(const ember_ltc *c, const double *v, double *vout, double dt)
{
  double eps = c->opt.epsilon;
  if (parallel(c)) {
#pragma omp parallel for schedule(static) num_threads(c->threads)
    for (size_t j = 0; j < c->n; j++)
      vout[j] = fused1(c, v, j, dt, eps);
  } else {
    for (size_t j = 0; j < c->n; j++)
      vout[j] = fused1(c, v, j, dt, eps);
  }
}
