/* The ember_ltc object: life cycle, building from a wiring, stepping. */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_errno.h>
#include "ltc_internal.h"

ember_status ltc_fail(ember_ltc *c, ember_status st, const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(c->err, sizeof c->err, fmt, ap);
  va_end(ap);
  return st;
}

ember_ltc_solver_opts ember_ltc_solver_defaults(void)
{
  ember_ltc_solver_opts o = {"fused", 6, 1e-8, 1e-8, 1e-8, 0};
  return o;
}

ember_ltc *ember_ltc_new(void)
{
  ember_ltc *c = calloc(1, sizeof *c);
  if (!c)
    return NULL;
  gsl_set_error_handler_off();   /* the library never aborts; GSL codes are translated */
  c->opt = ember_ltc_solver_defaults();
  snprintf(c->method, sizeof c->method, "fused");
  c->opt.method = c->method;
  c->fused = 1;
  c->threads = 1;
  return c;
}

/* Frees everything but the solver options and thread count: an empty circuit. */
void ltc_clear(ember_ltc *c)
{
  ltc_solver_free(c);
  ltc_plastic_free(c);   /* its sizes are the old wiring's */
  ltc_syn_free(&c->syn);
  ltc_syn_free(&c->sens);
  double **arr[] = {&c->gleak, &c->vleak, &c->cm, &c->input_w, &c->input_b, &c->output_w,
                    &c->output_b, &c->v, &c->x, &c->gs, &c->gse, &c->a, &c->b, &c->vtmp};
  for (size_t i = 0; i < sizeof arr / sizeof *arr; i++) {
    free(*arr[i]);
    *arr[i] = NULL;
  }
  free(c->role);
  c->role = NULL;
  c->n = c->k = c->m = 0;
  c->t = 0;
  c->n_rhs = 0;
}

void ember_ltc_free(ember_ltc *c)
{
  if (!c)
    return;
  ltc_clear(c);
  free(c);
}

const char *ember_ltc_error(const ember_ltc *c) { return c ? c->err : "no circuit"; }

/* Allocates the per-neuron, per-input and per-output arrays, zeroed (v = 0 and
 * x = 0 are ncps' defaults). The synapse stores are filled separately. */
ember_status ltc_alloc(ember_ltc *c, size_t n, size_t k, size_t m)
{
  c->n = n;
  c->k = k;
  c->m = m;
  size_t nn = n ? n : 1, kk = k ? k : 1, mm = m ? m : 1;
  double **vn[] = {&c->gleak, &c->vleak, &c->cm, &c->v, &c->gs, &c->gse, &c->a, &c->b, &c->vtmp};
  for (size_t i = 0; i < sizeof vn / sizeof *vn; i++)
    *vn[i] = calloc(vn[i] == &c->a && kk > nn ? kk : nn, sizeof(double));   /* a also holds x~ */
  c->input_w = calloc(kk, sizeof(double));
  c->input_b = calloc(kk, sizeof(double));
  c->x = calloc(kk, sizeof(double));
  c->output_w = calloc(mm, sizeof(double));
  c->output_b = calloc(mm, sizeof(double));
  c->role = calloc(nn, 1);
  int ok = c->input_w && c->input_b && c->x && c->output_w && c->output_b && c->role;
  for (size_t i = 0; i < sizeof vn / sizeof *vn; i++)
    ok = ok && *vn[i];
  c->input_dirty = 1;
  return ok ? EMBER_OK : ltc_fail(c, EMBER_ERR_NOMEM, "out of memory for %zu LTC neurons", n);
}

ember_status ember_ltc_build(ember_ltc *c, const ember_ltc_wiring_spec *spec, uint64_t seed,
                             unsigned flags)
{
  if (!spec)
    return ltc_fail(c, EMBER_ERR_INVALID, "ember_ltc_build: no wiring spec");
  ltc_clear(c);
  size_t n, k, m;
  ember_status st = ltc_wiring_sizes(c, spec, &n, &k, &m);
  if (st)
    return st;
  ltc_edges syn = {0}, sens = {0};
  st = ltc_alloc(c, n, k, m);
  if (!st)
    st = ltc_wiring_generate(c, spec, seed, &syn, &sens);
  if (!st && (ltc_syn_from_edges(&c->syn, n, &syn) || ltc_syn_from_edges(&c->sens, n, &sens)))
    st = ltc_fail(c, EMBER_ERR_NOMEM, "out of memory for the synapses");
  ltc_edges_free(&syn);
  ltc_edges_free(&sens);
  if (!st) {
    ltc_params_randomize(c, seed, flags);
    st = ltc_solver_setup(c);
  }
  if (st)
    ltc_clear(c);
  return st;
}

/* ------------------------------------------------------------ accessors --- */

size_t ember_ltc_units(const ember_ltc *c) { return c->n; }
size_t ember_ltc_inputs(const ember_ltc *c) { return c->k; }
size_t ember_ltc_outputs(const ember_ltc *c) { return c->m; }
size_t ember_ltc_synapse_count(const ember_ltc *c) { return c->syn.nnz; }
size_t ember_ltc_sensory_synapse_count(const ember_ltc *c) { return c->sens.nnz; }
double ember_ltc_time(const ember_ltc *c) { return c->t; }
uint64_t ember_ltc_rhs_count(const ember_ltc *c) { return c->n_rhs; }

ember_ltc_role ember_ltc_role_of(const ember_ltc *c, size_t neuron)
{
  return neuron < c->n ? (ember_ltc_role)c->role[neuron] : EMBER_LTC_INTER;
}

ember_status ember_ltc_set_threads(ember_ltc *c, int threads)
{
  if (threads < 1)
    return ltc_fail(c, EMBER_ERR_INVALID, "threads = %d must be >= 1", threads);
  c->threads = threads;
  return EMBER_OK;
}

/* ------------------------------------------------------------- stepping --- */

ember_status ember_ltc_set_input(ember_ltc *c, const double *x)
{
  if (!x && c->k)
    return ltc_fail(c, EMBER_ERR_INVALID, "ember_ltc_set_input: no values");
  for (size_t i = 0; i < c->k; i++)
    if (!isfinite(x[i]))
      return ltc_fail(c, EMBER_ERR_INVALID, "input %zu = %g is not finite", i, x[i]);
  if (c->k && memcmp(c->x, x, c->k * sizeof *x) == 0)
    return EMBER_OK;   /* unchanged: sensory drive and solver history stay valid */
  memcpy(c->x, x, c->k * sizeof *x);
  c->input_dirty = 1;
  return EMBER_OK;
}

ember_status ember_ltc_step(ember_ltc *c, double elapsed)
{
  if (!c->n)
    return ltc_fail(c, EMBER_ERR_STATE, "the circuit is empty: build or load it first");
  if (!(elapsed > 0) || !isfinite(elapsed))
    return ltc_fail(c, EMBER_ERR_INVALID, "elapsed = %g must be > 0 and finite", elapsed);
  return ltc_advance(c, elapsed);
}

ember_status ember_ltc_run(ember_ltc *c, const double *x, const double *elapsed, size_t T,
                           double *out, double *states)
{
  for (size_t t = 0; t < T; t++) {
    ember_status st = ember_ltc_set_input(c, x + t * c->k);
    if (!st)
      st = ember_ltc_step(c, elapsed ? elapsed[t] : 1.0);
    if (st)
      return st;
    if (out)
      ember_ltc_get_output(c, out + t * c->m);
    if (states)
      memcpy(states + t * c->n, c->v, c->n * sizeof *c->v);
  }
  return EMBER_OK;
}

ember_status ember_ltc_set_v(ember_ltc *c, const double *v)
{
  for (size_t j = 0; j < c->n; j++)
    if (!isfinite(v[j]))
      return ltc_fail(c, EMBER_ERR_INVALID, "v[%zu] = %g is not finite", j, v[j]);
  memcpy(c->v, v, c->n * sizeof *v);
  c->input_dirty = 1;   /* a jump in state: GSL steppers must not reuse their history */
  return EMBER_OK;
}

ember_status ember_ltc_reset(ember_ltc *c, const double *v0)
{
  ember_status st = EMBER_OK;
  if (v0)
    st = ember_ltc_set_v(c, v0);
  else
    memset(c->v, 0, c->n * sizeof *c->v);
  if (!st) {
    c->t = 0;
    c->n_rhs = 0;
    c->h = 1e-3;          /* the same start as a fresh solver: a run after a reset */
    c->input_dirty = 1;   /* does not depend on the runs before it */
    ltc_plastic_reset(c);
  }
  return st;
}

ember_status ember_ltc_get_v(const ember_ltc *c, double *v)
{
  memcpy(v, c->v, c->n * sizeof *v);
  return EMBER_OK;
}

ember_status ember_ltc_get_output(const ember_ltc *c, double *y)
{
  for (size_t i = 0; i < c->m; i++)
    y[i] = c->v[i] * c->output_w[i] + c->output_b[i];
  return EMBER_OK;
}
