/* Advancing one neuron between events (see solver.h).
 *
 * The integrator never steps across an event: the engine hands each neuron its
 * events in time order and the neuron is integrated exactly up to each one. A
 * spike is an upward crossing of the threshold; it is bracketed by the step in
 * which it happened and then located by a safeguarded regula falsi (Illinois) on
 * the numerical solution, evaluated from the state at the start of that step. A
 * crossing that goes up and back down within one step is caught by looking for a
 * maximum of the threshold variable inside the step (its derivative changes sign).
 *
 * The state at a point inside a step (for root finding and for recording) comes
 * from one extra step of the same method from the step's start ("re-stepping"),
 * or from the closed form for "exact", or from cubic Hermite interpolation for the
 * multistep methods, whose history a trial step would disturb. */
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_odeiv2.h>
#include "dopri5.h"
#include "expint_kernel.h"
#include "root.h"
#include "solver.h"
#include "taylor.h"
#include "taylor_kernel.h"

static const solver_kind kinds[] = {
  {"exact", -1, 0, 0},   {"taylor", -3, 0, 0},  {"expint", -4, 0, 0},  {"dopri5", -2, 0, 0},  {"rk2", 0, 0, 0},    {"rk4", 1, 0, 0},     {"rkf45", 2, 0, 0},
  {"rkck", 3, 0, 0},     {"rk8pd", 4, 0, 0},  {"rk1imp", 5, 1, 0},  {"rk2imp", 6, 1, 0},
  {"rk4imp", 7, 1, 0},   {"bsimp", 8, 1, 0},  {"msadams", 9, 0, 1}, {"msbdf", 10, 1, 1},
};

static const gsl_odeiv2_step_type *gsl_type(int i)
{
  const gsl_odeiv2_step_type *t[] = {
    gsl_odeiv2_step_rk2,    gsl_odeiv2_step_rk4,    gsl_odeiv2_step_rkf45,
    gsl_odeiv2_step_rkck,   gsl_odeiv2_step_rk8pd,  gsl_odeiv2_step_rk1imp,
    gsl_odeiv2_step_rk2imp, gsl_odeiv2_step_rk4imp, gsl_odeiv2_step_bsimp,
    gsl_odeiv2_step_msadams, gsl_odeiv2_step_msbdf,
  };
  return t[i];
}

const solver_kind *solver_find(const char *name)
{
  for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
    if (strcmp(kinds[i].name, name) == 0)
      return &kinds[i];
  return NULL;
}

size_t solver_pending(const solver_kind *k, const ember_solver_opts *o)
{
  if (k->gsl_index == -2)
    return 5;
  if (k->gsl_index == -3)
    return taylor_order(o->abstol, o->reltol) + 1;
  if (k->gsl_index == -4)
    return expint_pending(taylor_order(o->abstol, o->reltol));
  return 1;
}

const char *solver_names(void)
{
  return "exact, taylor, expint, dopri5, rk2, rk4, rkf45, rkck, rk8pd, rk1imp, rk2imp, rk4imp, bsimp, msadams, msbdf";
}

struct solver_ws {
  const solver_kind *kind;
  const ember_model *m;
  size_t dim;
  double max_step, root_tol;
  gsl_odeiv2_system sys;      /* params point at the current neuron's ctx */
  gsl_odeiv2_driver *drv;     /* the main stepper, control and evolve */
  gsl_odeiv2_driver *probe;   /* a second stepper for trial steps inside a step */
  dopri5 *dp;                 /* the built-in method, with dense output */
  taylor *tay;                /* the Taylor series method */
  double *ya;                 /* the step's start: the neuron's own y_prev (block 0) */
  double *buf, *yb, *fa, *fb, *tmp, *ferr;
  int have_f;                 /* fa/fb valid for the current step */
  neuron_job *job;
  double ta, tb;              /* the current step */
};

static gsl_odeiv2_driver *driver_new(solver_ws *ws, const ember_solver_opts *o)
{
  return gsl_odeiv2_driver_alloc_y_new(&ws->sys, gsl_type(ws->kind->gsl_index),
                                       fmin(0.01, o->max_step), o->abstol, o->reltol);
}

solver_ws *solver_ws_new(const solver_kind *k, const ember_model *m, const ember_solver_opts *o)
{
  solver_ws *ws = calloc(1, sizeof *ws);
  if (!ws)
    return NULL;
  ws->kind = k;
  ws->m = m;
  ws->dim = m->n_state;
  ws->max_step = o->max_step;
  ws->root_tol = o->root_tol;
  ws->sys = (gsl_odeiv2_system){m->rhs, m->jacobian, m->n_state, NULL};
  double *buf = calloc(6 * ws->dim, sizeof *buf);
  if (!buf)
    goto fail;
  ws->buf = ws->ya = buf;
  ws->yb = buf + ws->dim;
  ws->fa = buf + 2 * ws->dim;
  ws->fb = buf + 3 * ws->dim;
  ws->tmp = buf + 4 * ws->dim;
  ws->ferr = buf + 5 * ws->dim;
  if (k->gsl_index == -2) {
    if (!(ws->dp = dopri5_new(ws->dim, o->abstol, o->reltol)))
      goto fail;
  }
  if (k->gsl_index == -3 || k->gsl_index == -4) {   /* expint: tolerances, Taylor fallback */
    if (!(ws->tay = taylor_new(ws->dim, taylor_order(o->abstol, o->reltol), o->abstol, o->reltol)))
      goto fail;
  }
  if (k->gsl_index >= 0) {
    ws->drv = driver_new(ws, o);
    if (!ws->drv)
      goto fail;
    if (!k->multistep && !(ws->probe = driver_new(ws, o)))
      goto fail;
  }
  return ws;
fail:
  solver_ws_free(ws);
  return NULL;
}

void solver_ws_free(solver_ws *ws)
{
  if (!ws)
    return;
  if (ws->drv)
    gsl_odeiv2_driver_free(ws->drv);
  if (ws->probe)
    gsl_odeiv2_driver_free(ws->probe);
  dopri5_free(ws->dp);
  taylor_free(ws->tay);
  free(ws->buf);
  free(ws);
}

/* Forgets everything the stepper learnt from the past: called for every neuron
 * (a thread's workspace serves many) and after every discontinuity, so a neuron's
 * trajectory never depends on which neuron the thread handled before. */
static void restart(solver_ws *ws)
{
  if (ws->dp)
    dopri5_restart(ws->dp);
  if (!ws->drv)
    return;
  /* GSL's explicit Runge-Kutta methods carry nothing from one apply to the
   * next (their reset only clears scratch arrays); the multistep methods keep a
   * history and bsimp adapts its order, so those are reset. */
  if (ws->kind->multistep || ws->kind->implicit)
    gsl_odeiv2_step_reset(ws->drv->s);
  gsl_odeiv2_evolve_reset(ws->drv->e);
}

/* ------------------------------------------------------------ dense output --- */

static void ensure_f(solver_ws *ws)
{
  if (ws->have_f)
    return;
  ws->m->rhs(ws->ta, ws->ya, ws->fa, &ws->job->ctx);
  ws->m->rhs(ws->tb, ws->yb, ws->fb, &ws->job->ctx);
  ws->have_f = 1;
}

static void hermite(solver_ws *ws, double tau, double *out)
{
  ensure_f(ws);
  double hh = ws->tb - ws->ta, s = tau / hh;
  double h00 = (1 + 2 * s) * (1 - s) * (1 - s), h10 = s * (1 - s) * (1 - s);
  double h01 = s * s * (3 - 2 * s), h11 = s * s * (s - 1);
  for (size_t i = 0; i < ws->dim; i++)
    out[i] = h00 * ws->ya[i] + h10 * hh * ws->fa[i] + h01 * ws->yb[i] + h11 * hh * ws->fb[i];
}

/* The state at ta + tau (0 <= tau <= tb - ta) of the current step, into out. */
static void eval_at(solver_ws *ws, double tau, double *out)
{
  memcpy(out, ws->ya, ws->dim * sizeof *out);
  if (tau <= 0.0)
    return;
  if (tau >= ws->tb - ws->ta) {
    memcpy(out, ws->yb, ws->dim * sizeof *out);
    return;
  }
  if (ws->dp)
    dopri5_eval(ws->dp->dense, ws->dim, tau / (ws->tb - ws->ta), out);
  else if (ws->kind->gsl_index == -4)
    expint_eval(&ws->job->ctx, ws->tay->c, ws->tay->order, ws->tay->atol, ws->tay->rtol,
                ws->max_step, tau, out);
  else if (ws->tay)
    taylor_eval(ws->tay->c, ws->dim, ws->tay->order, tau, out);
  else if (!ws->drv)
    ws->m->exact(tau, out, &ws->job->ctx);
  else if (ws->kind->multistep)
    hermite(ws, tau, out);
  else if (gsl_odeiv2_step_apply(ws->probe->s, ws->ta, tau, out, ws->ferr, NULL, NULL, &ws->sys))
    hermite(ws, tau, out);   /* an implicit trial step may fail to converge: fall back */
}

/* ------------------------------------------------------------ root finding --- */

/* g(tau): the threshold variable minus the threshold (which = 0), or its time
 * derivative (which = 1), at ta + tau. */
static double probe_g(solver_ws *ws, double tau, int which)
{
  const ember_model *m = ws->m;
  eval_at(ws, tau, ws->tmp);
  if (which == 0)
    return ws->tmp[m->spike_var] - m->threshold(ws->job->ctx.p);
  m->rhs(ws->ta + tau, ws->tmp, ws->ferr, &ws->job->ctx);
  return ws->ferr[m->spike_var];
}

static double probe_cb(void *ws, double tau, int which) { return probe_g(ws, tau, which); }

static double locate(solver_ws *ws, double lo, double glo, double hi, double ghi, int which,
                     double sign, double tol)
{
  return root_locate(probe_cb, ws, lo, glo, hi, ghi, which, sign, tol);
}

/* The time (offset from ta) of a threshold crossing inside the current step, or
 * -1 if there is none. */
static double find_crossing(solver_ws *ws)
{
  const ember_model *m = ws->m;
  double th = m->threshold(ws->job->ctx.p), len = ws->tb - ws->ta;
  double ga = ws->ya[m->spike_var] - th, gb = ws->yb[m->spike_var] - th;
  if (!(ga < 0))
    return -1;
  if (gb >= 0)
    return locate(ws, 0, ga, len, gb, 0, 1, ws->root_tol);
  /* A maximum inside needs the slope to go from > 0 to < 0; the end slope is
   * checked first since it alone rules out about half of all steps. */
  m->rhs(ws->tb, ws->yb, ws->fb, &ws->job->ctx);
  double db = ws->fb[m->spike_var];
  if (!(db < 0))
    return -1;
  m->rhs(ws->ta, ws->ya, ws->fa, &ws->job->ctx);
  ws->have_f = 1;
  double da = ws->fa[m->spike_var];
  if (!(da > 0))
    return -1;
  /* Where the slope turns. Near a maximum g is flat (g(t* + d) = g(t*) - O(d^2)),
   * so a coarse bracket finds its height to far below any tolerance. */
  double tmax = locate(ws, 0, da, len, db, 1, -1, fmax(ws->root_tol, 1e-4 * len));
  double gmax = probe_g(ws, tmax, 0);
  return gmax >= 0 ? locate(ws, 0, ga, tmax, gmax, 0, 1, ws->root_tol) : -1;
}

/* ----------------------------------------------------------------- sampling --- */

/* Writes the samples that fall in [ta, upto) of the current step (upto is an
 * absolute time, so that a sample just before the interval's end is never lost to
 * rounding in ta + (upto - ta)). */
static void sample_step(solver_ws *ws, double upto)
{
  neuron_job *j = ws->job;
  for (size_t r = 0; r < j->n_samples; r++) {
    sample_req *s = &j->samples[r];
    for (; s->k < s->k_end; s->k++) {
      double ts = s->t0 + (double)s->k * s->dt;
      if (ts >= upto)
        break;
      eval_at(ws, ts - ws->ta, ws->tmp);
      s->dst[(s->k - s->k_base) * s->stride] = (float)ws->tmp[s->var];
    }
  }
}

/* ------------------------------------------------------------------ stepping --- */

static int all_finite(const double *y, size_t n)
{
  for (size_t i = 0; i < n; i++)
    if (!isfinite(y[i]))
      return 0;
  return 1;
}

static ember_status fail_nonfinite(solver_ws *ws, double t, char *msg, size_t len)
{
  neuron_job *j = ws->job;
  size_t i = 0;
  while (i < ws->dim && isfinite(ws->yb[i]))
    i++;
  snprintf(msg, len, "population '%s' neuron %u: state variable '%s' became %g in the step "
           "from t = %.9g ms (last finite state) to t = %.9g ms", j->label, j->id,
           ws->m->state[i < ws->dim ? i : 0].name, ws->yb[i < ws->dim ? i : 0], ws->ta, t);
  return EMBER_ERR_NONFINITE;
}

/* Makes the current point a step of length zero: after a discontinuity (event,
 * spike, end of refractoriness) nothing before it may be re-evaluated. */
static void collapse(solver_ws *ws, double t)
{
  neuron_job *j = ws->job;
  ws->ta = ws->tb = t;
  memcpy(ws->ya, j->y, ws->dim * sizeof *j->y);
  memcpy(ws->yb, j->y, ws->dim * sizeof *j->y);
  ws->have_f = 0;
  restart(ws);
}

/* One step from *t, ending at `end` at the latest, leaving the step in ya/yb,
 * ta/tb. */
static ember_status take_step(solver_ws *ws, double *t, double end, char *msg, size_t len)
{
  neuron_job *j = ws->job;
  ws->ta = *t;
  ws->have_f = 0;
  memcpy(ws->ya, j->y, ws->dim * sizeof *j->y);
  if (ws->dp) {
    int st = dopri5_step(ws->dp, ws->m->rhs, &j->ctx, t, end, j->h, ws->max_step, j->y);
    if (st) {
      snprintf(msg, len, "population '%s' neuron %u: solver dopri5 failed at t = %.9g ms: %s",
               j->label, j->id, *t, st < 0 ? "step size underflow" : "model rhs error");
      return EMBER_ERR_SOLVER;
    }
  } else if (!ws->drv) {   /* (taylor never comes here: taylor_advance) */
    double dt = fmin(ws->max_step, end - *t);
    ws->m->exact(dt, j->y, &j->ctx);
    *t = (dt == end - *t) ? end : *t + dt;
  } else {
    *j->h = fmin(*j->h, ws->max_step);
    int st = gsl_odeiv2_evolve_apply(ws->drv->e, ws->drv->c, ws->drv->s, &ws->sys, t, end,
                                     j->h, j->y);
    if (st != GSL_SUCCESS) {
      snprintf(msg, len, "population '%s' neuron %u: solver %s failed at t = %.9g ms: %s",
               j->label, j->id, ws->kind->name, *t, gsl_strerror(st));
      return EMBER_ERR_SOLVER;
    }
  }
  ws->tb = *t;
  memcpy(ws->yb, j->y, ws->dim * sizeof *j->y);
  return all_finite(j->y, ws->dim) ? EMBER_OK : fail_nonfinite(ws, *t, msg, len);
}

/* Moves the neuron back to te inside its last step. */
static void cut(solver_ws *ws, double te, double *t)
{
  eval_at(ws, te - ws->ta, ws->job->y);
  *t = te;
  collapse(ws, te);
}

/* A spike at t: record it, reset, start the refractory period. */
static void fire(solver_ws *ws, double t, spike_buf *sink)
{
  neuron_spike(ws->job, ws->m, ws->job->y, t, sink);
  collapse(ws, t);
}

/* After a discontinuity (events, end of refractoriness): a model with a reset
 * fires at once if it is at or above threshold (level, as NEST and Brian do); a
 * model without one only fires on a crossing, so it is left alone. */
static void level_check(solver_ws *ws, double t, spike_buf *sink)
{
  const ember_model *m = ws->m;
  neuron_job *j = ws->job;
  collapse(ws, t);
  if (m->threshold && m->reset && !j->ctx.refractory &&
      j->y[m->spike_var] >= m->threshold(j->ctx.p))
    fire(ws, t, sink);
}

/* Integrates from *t to end, stopping early at a spike (after firing). Steps may
 * run on past `end` up to `lim` (the end of the interval: a neuron does not stop
 * there, since the next interval's events may well come after its step). A
 * crossing beyond `end` is not fired yet: the step is cut back to `end` and the
 * next interval finds the crossing again, after its own events. `detect` is off
 * while refractory. */
static ember_status segment(solver_ws *ws, double *t, double end, double lim, int detect,
                            spike_buf *sink, char *msg, size_t len)
{
  while (*t < end) {
    /* Two stopping points a few ulps apart (events at 0.15 + 0.3 and 0.25 + 0.2)
     * leave a gap no stepper can take: count the neuron as there already. */
    if (end - *t <= 16 * DBL_EPSILON * fmax(1.0, fabs(*t))) {
      *t = end;
      collapse(ws, end);
      break;
    }
    ember_status st = take_step(ws, t, lim, msg, len);
    if (st)
      return st;
    double tau = detect ? find_crossing(ws) : -1;
    if (tau >= 0 && ws->ta + tau < end) {
      sample_step(ws, ws->ta + tau);
      eval_at(ws, tau, ws->job->y);
      *t = ws->ta + tau;
      fire(ws, *t, sink);
      return EMBER_OK;
    }
    sample_step(ws, ws->tb);
    if (tau >= 0)
      cut(ws, end, t);
  }
  return EMBER_OK;
}

/* Integrates from *t to end through refractory periods and spikes; with
 * `overshoot` the last step may end after `end`. */
static ember_status integrate(solver_ws *ws, double *t, double end, int overshoot,
                              spike_buf *sink, char *msg, size_t len)
{
  neuron_job *j = ws->job;
  int spiking = ws->m->threshold != NULL;
  while (*t < end) {
    ember_status st;
    if (j->ctx.refractory) {
      double stop = fmin(end, *j->refr_until);
      double lim = overshoot ? *j->refr_until : stop;
      if ((st = segment(ws, t, stop, lim, 0, sink, msg, len)))
        return st;
      /* Refractoriness ends here unless the step ran past `end`: then the step
       * stays open (events of the next interval may still cut into it) and the
       * next interval ends the refractory period. */
      if (*t >= *j->refr_until && *t <= end) {
        j->ctx.refractory = 0;
        level_check(ws, *t, sink);
      }
    } else {
      double lim = overshoot ? fmax(end, *t + ws->max_step) : end;
      if ((st = segment(ws, t, end, lim, spiking, sink, msg, len)))
        return st;
    }
  }
  return EMBER_OK;
}

static void apply_event(solver_ws *ws, const ember_event *e)
{
  neuron_event(ws->job, ws->m, ws->job->y, e);
}

/* Takes up the neuron's last step, which may reach past the interval start. The
 * step's start and its dense output stay in the neuron's own y_prev: the
 * methods write them there directly, so nothing is copied in or out. */
static void load_pending(solver_ws *ws, neuron_job *job)
{
  ws->job = job;
  ws->sys.params = &job->ctx;
  ws->ta = *job->t_prev;
  ws->tb = *job->t_cur;
  ws->ya = job->y_prev;
  if (ws->dp)
    ws->dp->dense = job->y_prev;
  if (ws->tay)
    ws->tay->c = job->y_prev;
  memcpy(ws->yb, job->y, ws->dim * sizeof *ws->yb);
  if (ws->ta == ws->tb)   /* the state may have been set between runs */
    memcpy(ws->ya, job->y, ws->dim * sizeof *ws->ya);
  ws->have_f = 0;
  job->ctx.refractory = ws->ta < *job->refr_until;
  restart(ws);
}

static void store_pending(solver_ws *ws, neuron_job *job, double t)
{
  *job->t_prev = ws->ta;
  *job->t_cur = t;
}

ember_status solver_advance(solver_ws *ws, neuron_job *job, double t0, double t1,
                            spike_buf *sink, char *msg, size_t msglen)
{
  if (ws->kind->gsl_index == -4)   /* the same loop, on its own step description */
    return expint_advance(ws->tay, ws->m, ws->max_step, ws->root_tol, ws->tmp, job, t0, t1,
                          sink, msg, msglen);
  if (ws->tay)   /* the same loop, on the Taylor polynomial in place */
    return taylor_advance(ws->tay, ws->m, ws->max_step, ws->root_tol, ws->tmp, job, t0, t1,
                          sink, msg, msglen);
  load_pending(ws, job);
  double t = ws->tb;
  size_t e = 0;
  if (ws->ta == ws->tb)
    level_check(ws, t, sink);
  for (;;) {
    double stop = e < job->n_ev ? fmax(job->ev[e].t, t0) : t1;
    int last = e == job->n_ev;
    sample_step(ws, fmin(stop, t));   /* what the last step covers of this interval */
    if (!last && stop < t)
      cut(ws, stop, &t);              /* an event inside it: go back to the event */
    ember_status st = integrate(ws, &t, stop, last, sink, msg, msglen);
    if (st)
      return st;
    if (last)
      break;
    while (e < job->n_ev && job->ev[e].t <= t)
      apply_event(ws, &job->ev[e++]);
    level_check(ws, t, sink);
  }
  store_pending(ws, job, t);
  return EMBER_OK;
}

void solver_settle(solver_ws *ws, neuron_job *job, double t)
{
  load_pending(ws, job);
  if (ws->kind->gsl_index == -4 && ws->tb > ws->ta && ws->tb <= t &&
      expint_lazy(ws->tay->c)) {
    /* expint may leave y unset at the end of a step proved free of crossings */
    expint_eval(&job->ctx, ws->tay->c, ws->tay->order, ws->tay->atol, ws->tay->rtol,
                ws->max_step, ws->tb - ws->ta, job->y);
    t = ws->tb;
  } else if (ws->tb > t)
    eval_at(ws, t - ws->ta, job->y);
  else
    t = ws->tb;
  *job->t_prev = *job->t_cur = t;
  memcpy(ws->ya, job->y, ws->dim * sizeof *ws->ya);
}
