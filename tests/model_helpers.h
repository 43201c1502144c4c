/* Shared by the model tests (test_models.c, test_hh.c): running one neuron of a
 * model through the public API, and an independent reference integrator.
 *
 * The reference integrator (ref_run) is classical RK4 with a small fixed step; a
 * threshold crossing inside a step is located by bisection on the length of one
 * RK4 step from the step's start, then the reset and the refractory period are
 * applied as the model documents. Its equations are written out again in the
 * tests, from the papers, not taken from the library. Each use checks the
 * reference against itself at half the step, so its own error is known to be far
 * below the tolerance asserted against Ember. */
#ifndef EMBER_TEST_MODEL_HELPERS_H
#define EMBER_TEST_MODEL_HELPERS_H

#include <stdlib.h>
#include <string.h>
#include "helpers.h"

/* ------------------------------------------------------------ running Ember --- */

typedef struct named { const char *name; double value; } named;

typedef struct setup {
  const char *model;
  const named *params, *init;   /* terminated by a NULL name; may be NULL */
  const char *method;           /* NULL: the library's default */
  double tol, root_tol;         /* <= 0: default */
} setup;

/* Builds a network with one neuron of s->model, parameters and initial state as
 * given, spikes recorded. */
static inline ember_network *build(const setup *s, ember_population **pop)
{
  ember_network *net = ember_network_new(1);
  assert_ok(net, ember_population_new(net, "n", 1, s->model, pop));
  for (const named *p = s->params; p && p->name; p++)
    set_p(*pop, p->name, p->value);
  for (const named *p = s->init; p && p->name; p++) {
    ember_dist d = dist_const(p->value);
    assert_ok(net, ember_population_set_state(*pop, p->name, &d, NULL, 0));
  }
  ember_solver_opts o = ember_solver_defaults(ember_population_model(*pop));
  if (s->method)
    o.method = s->method;
  if (s->tol > 0)
    o.abstol = o.reltol = s->tol;
  if (s->root_tol > 0)
    o.root_tol = s->root_tol;
  assert_ok(net, ember_population_set_solver(*pop, &o));
  assert_ok(net, ember_population_record(*pop, "spikes", 0, NULL, 0));
  return net;
}

/* Copies the recorded spike times (at most max) into out; returns their number. */
static inline size_t spikes_of(ember_population *pop, double *out, size_t max)
{
  const double *t;
  const uint32_t *ids;
  size_t n = ember_population_recorded_spikes(pop, &t, &ids);
  assert_true(n <= max);
  memcpy(out, t, n * sizeof *t);
  return n;
}

/* Runs one neuron for T ms; spike times into out, returns their number. */
static inline size_t run_neuron(const setup *s, double T, double *out, size_t max)
{
  ember_population *pop;
  ember_network *net = build(s, &pop);
  assert_ok(net, ember_network_run(net, T));
  size_t n = spikes_of(pop, out, max);
  ember_network_free(net);
  return n;
}

/* Largest |a[k] - b[k]| over two spike trains of equal length n. */
static inline double max_diff(const double *a, const double *b, size_t n)
{
  double d = 0;
  for (size_t k = 0; k < n; k++)
    d = fmax(d, fabs(a[k] - b[k]));
  return d;
}

/* ------------------------------------------------------ reference integrator --- */

#define REF_MAX_STATE 8

typedef struct ref {
  size_t n;
  void (*f)(const struct ref *r, const double *y, double *dy);
  void (*reset)(const struct ref *r, double *y);   /* NULL: none (HH) */
  double th;               /* spike: y[0] crosses th upward */
  double t_ref;            /* ms without detection after a spike */
  int clamp;               /* y[0] frozen while refractory (LIF-style) */
  int refractory;
  double p[16];
} ref;

static inline void rk4(const ref *r, const double *y, double h, double *out)
{
  double k1[REF_MAX_STATE], k2[REF_MAX_STATE], k3[REF_MAX_STATE], k4[REF_MAX_STATE];
  double tmp[REF_MAX_STATE];
  size_t n = r->n;
  r->f(r, y, k1);
  for (size_t i = 0; i < n; i++) tmp[i] = y[i] + 0.5 * h * k1[i];
  r->f(r, tmp, k2);
  for (size_t i = 0; i < n; i++) tmp[i] = y[i] + 0.5 * h * k2[i];
  r->f(r, tmp, k3);
  for (size_t i = 0; i < n; i++) tmp[i] = y[i] + h * k3[i];
  r->f(r, tmp, k4);
  for (size_t i = 0; i < n; i++)
    out[i] = y[i] + h / 6.0 * (k1[i] + 2.0 * k2[i] + 2.0 * k3[i] + k4[i]);
  if (r->clamp && r->refractory)
    out[0] = y[0];
}

/* The length tau in (0, h] of an RK4 step from y that lands on the threshold. */
static inline double ref_locate(const ref *r, const double *y, double h)
{
  double lo = 0, hi = h, tmp[REF_MAX_STATE];
  while (hi - lo > 1e-14) {
    double mid = 0.5 * (lo + hi);
    rk4(r, y, mid, tmp);
    if (tmp[0] >= r->th)
      hi = mid;
    else
      lo = mid;
  }
  return hi;
}

/* Integrates r from y (in place) over [0, T] with step h; spike times into out.
 * Returns the number of spikes. */
static inline size_t ref_run(ref *r, double *y, double T, double h, double *out, size_t max)
{
  double t = 0, refr_end = -1, next[REF_MAX_STATE];
  size_t ns = 0;
  r->refractory = 0;
  while (t < T) {
    double step = fmin(h, T - t);
    if (r->refractory)
      step = fmin(step, refr_end - t);
    rk4(r, y, step, next);
    if (!r->refractory && y[0] < r->th && next[0] >= r->th) {
      double tau = ref_locate(r, y, step);
      rk4(r, y, tau, next);
      t += tau;
      assert_true(ns < max);
      out[ns++] = t;
      if (r->reset)
        r->reset(r, next);
      if (r->t_ref > 0) {
        r->refractory = 1;
        refr_end = t + r->t_ref;
      }
    } else {
      t = (step == T - t) ? T : t + step;
      if (r->refractory && t >= refr_end)
        r->refractory = 0;
    }
    memcpy(y, next, r->n * sizeof *y);
  }
  return ns;
}

/* Runs the reference at h and at h/2 from y0 and checks they agree to self_tol
 * (so the reference's own error is known); the h/2 train goes to out. */
static inline size_t ref_checked(ref *r, const double *y0, double T, double h, double self_tol,
                          double *out, size_t max)
{
  double y[REF_MAX_STATE], coarse[256];
  assert_true(max <= 256);
  memcpy(y, y0, r->n * sizeof *y);
  size_t nc = ref_run(r, y, T, h, coarse, max);
  memcpy(y, y0, r->n * sizeof *y);
  size_t n = ref_run(r, y, T, 0.5 * h, out, max);
  assert_int_equal(nc, n);
  double d = max_diff(coarse, out, n);
  print_message("  reference: %zu spikes, h vs h/2 differ by %.3g ms\n", n, d);
  assert_true(d < self_tol);
  return n;
}

/* ------------------------------------------------------------ model rows --- */

/* The model's rhs (from the public type object) at y with parameter row p. */
static inline void model_rhs(const ember_model *m, double *p, const double *y, double *f)
{
  char msg[256];
  if (m->prepare)
    assert_int_equal(m->prepare(p, msg, sizeof msg), EMBER_OK);
  ember_neuron_ctx c = {p, 0.0, 0};
  assert_int_equal(m->rhs(0, y, f, &c), 0);
}

static inline void default_row(const ember_model *m, double *p)
{
  for (size_t i = 0; i < m->n_params; i++)
    p[i] = m->params[i].def;
}

#endif
