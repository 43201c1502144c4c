/* The event loop of one neuron for the Taylor series method (see taylor_kernel.h).
 *
 * The neuron's open step is [ta, tb]: its coefficients c (the neuron's y_prev,
 * c[0 .. n) = the state at ta) and the state y at tb. ta == tb means there is no
 * step: y alone is the state (it may have been set between runs). */
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
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
} kern;

static inline double dmax(double a, double b) { return a > b ? a : b; }
static inline double dmin(double a, double b) { return a < b ? a : b; }

/* One component of the polynomial at offset tau. */
static inline double horner(const double *c, size_t n, size_t K, size_t i, double tau)
{
  double s = c[K * n + i];
  for (size_t k = K; k-- > 0;)
    s = s * tau + c[k * n + i];
  return s;
}

/* The state at ta + tau of the open step, into out (as solver.c's eval_at). */
static void eval_at(const kern *k, double tau, double *out)
{
  if (tau <= 0.0) {
    memcpy(out, k->c, k->n * sizeof *out);
    return;
  }
  if (tau >= k->tb - k->ta) {
    memcpy(out, k->y, k->n * sizeof *out);
    return;
  }
  for (size_t i = 0; i < k->n; i++)
    out[i] = horner(k->c, k->n, k->K, i, tau);
}

/* No step any more: y at t is the state. */
static inline void collapse(kern *k, double t)
{
  k->ta = k->tb = t;
  memcpy(k->c, k->y, k->n * sizeof *k->y);
}

/* g at ta + tau: the spike variable minus threshold (which = 0) or its slope. */
static double probe_g(kern *k, double tau, int which)
{
  if (which == 0) {
    double v = tau <= 0.0 ? k->c[k->sv]
             : tau >= k->tb - k->ta ? k->y[k->sv]
             : horner(k->c, k->n, k->K, k->sv, tau);
    return v - k->th;
  }
  eval_at(k, tau, k->tmp);
  k->m->rhs(k->ta + tau, k->tmp, k->f, &k->j->ctx);
  return k->f[k->sv];
}

/* Illinois regula falsi, as solver.c's locate. */
static double locate(kern *k, double lo, double glo, double hi, double ghi, int which,
                     double sign, double tol)
{
  int last = 0;
  glo *= sign;
  ghi *= sign;
  for (int it = 0; it < 200 && hi - lo > tol; it++) {
    double x = (ghi - glo) > 0 ? lo - glo * (hi - lo) / (ghi - glo) : 0.5 * (lo + hi);
    x = dmin(dmax(x, lo + 0.5 * tol), hi - 0.5 * tol);
    double gx = sign * probe_g(k, x, which);
    if (gx >= 0) {
      hi = x, ghi = gx;
      if (last == 1)
        glo *= 0.5;
      last = 1;
    } else {
      lo = x, glo = gx;
      if (last == -1)
        ghi *= 0.5;
      last = -1;
    }
  }
  return hi;
}

/* Offset of an upward threshold crossing inside [ta, tb], or -1. */
static double find_crossing(kern *k)
{
  double len = k->tb - k->ta;
  double ga = k->c[k->sv] - k->th, gb = k->y[k->sv] - k->th;
  if (!(ga < 0))
    return -1;
  if (gb >= 0)
    return locate(k, 0, ga, len, gb, 0, 1, k->root_tol);
  k->m->rhs(k->tb, k->y, k->f, &k->j->ctx);
  double db = k->f[k->sv];
  if (!(db < 0))
    return -1;
  k->m->rhs(k->ta, k->c, k->f, &k->j->ctx);
  double da = k->f[k->sv];
  if (!(da > 0))
    return -1;
  double tmax = locate(k, 0, da, len, db, 1, -1, dmax(k->root_tol, 1e-4 * len));
  double gmax = probe_g(k, tmax, 0);
  return gmax >= 0 ? locate(k, 0, ga, tmax, gmax, 0, 1, k->root_tol) : -1;
}

/* Samples in [.., upto) of the open step. */
static void sample_step(kern *k, double upto)
{
  neuron_job *j = k->j;
  for (size_t r = 0; r < j->n_samples; r++) {
    sample_req *s = &j->samples[r];
    for (; s->k < s->k_end; s->k++) {
      double ts = s->t0 + (double)s->k * s->dt;
      if (ts >= upto)
        break;
      eval_at(k, ts - k->ta, k->tmp);
      s->dst[(s->k - s->k_base) * s->stride] = (float)k->tmp[s->var];
    }
  }
}

static void fire(kern *k, double t, spike_buf *sink)
{
  neuron_job *j = k->j;
  const ember_model *m = k->m;
  spike_buf_push(sink, t, j->pop, j->id);
  if (m->reset)
    m->reset(k->y, &j->ctx);
  double tr = m->refractory_period ? m->refractory_period(j->ctx.p) : 0.0;
  if (tr > 0) {
    *j->refr_until = t + tr;
    j->ctx.refractory = 1;
  }
  collapse(k, t);
}

static void level_check(kern *k, double t, spike_buf *sink)
{
  collapse(k, t);
  if (k->resets && !k->j->ctx.refractory && k->y[k->sv] >= k->th)
    fire(k, t, sink);
}

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

/* One step from tb, ending at lim at the latest. */
static ember_status take_step(kern *k, double lim, char *msg, size_t len)
{
  double t = k->tb;
  k->ta = t;
  taylor_restart(k->T);
  int st = taylor_step(k->T, k->m, &k->j->ctx, &t, lim, k->j->h, k->hmax, k->y);
  if (st)
    return fail_step(k, st, t, msg, len);
  k->tb = t;
  for (size_t i = 0; i < k->n; i++)
    if (!isfinite(k->y[i]))
      return fail_nonfinite(k, msg, len);
  return EMBER_OK;
}

/* Moves the neuron back to te inside its open step. */
static void cut(kern *k, double te)
{
  eval_at(k, te - k->ta, k->y);
  collapse(k, te);
}

/* As solver.c's segment: steps from tb to end, the last one possibly to lim. */
static ember_status segment(kern *k, double end, double lim, int detect, spike_buf *sink,
                            char *msg, size_t len)
{
  while (k->tb < end) {
    if (end - k->tb <= 16 * DBL_EPSILON * dmax(1.0, fabs(k->tb))) {
      collapse(k, end);
      break;
    }
    ember_status st = take_step(k, lim, msg, len);
    if (st)
      return st;
    double tau = detect ? find_crossing(k) : -1;
    if (tau >= 0 && k->ta + tau < end) {
      double tf = k->ta + tau;
      sample_step(k, tf);
      eval_at(k, tau, k->y);
      fire(k, tf, sink);
      return EMBER_OK;
    }
    sample_step(k, k->tb);
    if (tau >= 0)
      cut(k, end);
  }
  return EMBER_OK;
}

static ember_status integrate(kern *k, double end, int overshoot, spike_buf *sink, char *msg,
                              size_t len)
{
  neuron_job *j = k->j;
  while (k->tb < end) {
    ember_status st;
    if (j->ctx.refractory) {
      double ru = *j->refr_until, stop = dmin(end, ru);
      if ((st = segment(k, stop, overshoot ? ru : stop, 0, sink, msg, len)))
        return st;
      if (k->tb >= ru && k->tb <= end) {
        j->ctx.refractory = 0;
        level_check(k, k->tb, sink);
      }
    } else {
      double lim = overshoot ? dmax(end, k->tb + k->hmax) : end;
      if ((st = segment(k, end, lim, k->spiking, sink, msg, len)))
        return st;
    }
  }
  return EMBER_OK;
}

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
  if (k.ta == k.tb)
    level_check(&k, k.tb, sink);
  size_t e = 0;
  for (;;) {
    int last = e == job->n_ev;
    double stop = last ? t1 : dmax(job->ev[e].t, t0);
    sample_step(&k, dmin(stop, k.tb));
    if (!last && stop < k.tb)
      cut(&k, stop);
    ember_status st = integrate(&k, stop, last, sink, msg, msglen);
    if (st)
      return st;
    if (last)
      break;
    for (; e < job->n_ev && job->ev[e].t <= k.tb; e++) {
      const ember_event *ev = &job->ev[e];
      if (ev->receptor == EMBER_RECEPTOR_CURRENT)
        job->ctx.i_ext += ev->w;
      else
        m->on_event(k.y, ev->receptor, ev->w, &job->ctx);
    }
    level_check(&k, k.tb, sink);
  }
  *job->t_prev = k.ta;
  *job->t_cur = k.tb;
  return EMBER_OK;
}
