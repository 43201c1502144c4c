/* The event loop of one neuron for the Taylor series method (see taylor_kernel.h).
 *
 * The neuron's open step is [ta, tb]: its coefficients c (the neuron's y_prev,
 * c[0 .. n) = the state at ta) and the state y at tb. ta == tb means there is no
 * step: y alone is the state (it may have been set between runs). */
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include "root.h"
#include "taylor_kernel.h"

typedef struct kern {
  taylor *T;
  const ember_model *m;
  size_t n, K, sv;       /* dimension, order, spike variable */
  double hmax, root_tol, th;
  int spiking, resets;
  neuron_job *j;
  double *y, *c;         /* state at tb; coefficients of [ta, tb] */
  double *tmp, *f;       /* scratch */
  double ta, tb;
  double end;           /* of the current segment (unused here) */
} kern;


static ember_status fail_step(kern *k, int st, double t, char *msg, size_t len)
{
  snprintf(msg, len, "population '%s' neuron %u: solver taylor failed at t = %.9g ms: %s",
           k->j->label, k->j->id, t, st < 0 ? "step size underflow" : "model error");
  return EMBER_ERR_SOLVER;
}

static ember_status fail_nonfinite(kern *k, char *msg, size_t len)
{
  size_t i = 0;
  while (i < k->n && isfinite(k->y[i]))
    i++;
  if (i == k->n)
    i = 0;
  snprintf(msg, len, "population '%s' neuron %u: state variable '%s' became %g in the step "
           "from t = %.9g ms (last finite state) to t = %.9g ms", k->j->label, k->j->id,
           k->m->state[i].name, k->y[i], k->ta, k->tb);
  return EMBER_ERR_NONFINITE;
}


static inline double dmax(double a, double b) { return a > b ? a : b; }
static inline double dmin(double a, double b) { return a < b ? a : b; }

/* lif_cond_exp (3 state variables) at the default tolerance (order 8) and at 1e-5
 * (order 7); anything else through the general copy. */
#define KN 3
#define KK 8
#define KSFX(f) f##_3_8
#include "taylor_kernel_body.h"
#undef KN
#undef KK
#undef KSFX
#define KN 3
#define KK 7
#define KSFX(f) f##_3_7
#include "taylor_kernel_body.h"
#undef KN
#undef KK
#undef KSFX
#define KN (k->n)
#define KK (k->K)
#define KSFX(f) f##_any
#include "taylor_kernel_body.h"
#undef KN
#undef KK
#undef KSFX

ember_status taylor_advance(taylor *T, const ember_model *m, double hmax, double root_tol,
                            double *scratch, neuron_job *job, double t0, double t1,
                            spike_buf *sink, char *msg, size_t msglen)
{
  kern k = {
    .T = T, .m = m, .n = m->n_state, .K = T->order, .sv = m->spike_var,
    .hmax = hmax, .root_tol = root_tol, .th = m->threshold ? m->threshold(job->ctx.p) : 0.0,
    .spiking = m->threshold != NULL, .resets = m->threshold && m->reset,
    .j = job, .y = job->y, .c = job->y_prev, .tmp = scratch, .f = scratch + m->n_state,
    .ta = *job->t_prev, .tb = *job->t_cur,
  };
  T->c = job->y_prev;
  if (k.ta == k.tb)   /* the state may have been set between runs */
    memcpy(k.c, k.y, k.n * sizeof *k.c);
  job->ctx.refractory = k.ta < *job->refr_until;
  ember_status st;
  if (k.n == 3 && k.K == 8)
    st = run_3_8(&k, t0, t1, sink, msg, msglen);
  else if (k.n == 3 && k.K == 7)
    st = run_3_7(&k, t0, t1, sink, msg, msglen);
  else
    st = run_any(&k, t0, t1, sink, msg, msglen);
  if (st)
    return st;
  *job->t_prev = k.ta;
  *job->t_cur = k.tb;
  return EMBER_OK;
}
