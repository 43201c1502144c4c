/* The LTC right-hand side over the CSR synapse store: sensory drive, synaptic
 * sums, the continuous derivative and the fused (ncps) sub-step.
 *
 * Every output element j is computed by one thread with a sequential loop over
 * its row in storage order, so results are bit-identical for any thread count.
 * Small circuits never enter an OpenMP region: its fork costs more than the
 * whole evaluation of a 19-neuron NCP. */
#include <math.h>
#include <gsl/gsl_errno.h>
#include "ltc_internal.h"

double ltc_sigmoid(double x) { return 1.0 / (1.0 + exp(-x)); }

static int parallel(const ember_ltc *c) { return c->threads > 1 && c->n >= EMBER_LTC_PARALLEL_MIN; }

/* Sums of row j: *a = sum w s erev, *b = sum w s, s = sigmoid(sigma (pre - mu)). */
static inline void row_sums(const ltc_syn *s, const double *pre, size_t j, double *a, double *b)
{
  double sa = 0, sb = 0;
  for (size_t p = s->row[j]; p < s->row[j + 1]; p++) {
    double g = s->w[p] * ltc_sigmoid(s->sigma[p] * (pre[s->src[p]] - s->mu[p]));
    sa += g * s->erev[p];
    sb += g;
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
  for (size_t k = 0; k < c->k; k++)
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
