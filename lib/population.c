/* Populations: creation, parameters and state, by name, with range checks. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "internal.h"
#include "ltc_pop.h"
#include "solver.h"
#include "expint_kernel.h"
#include "sources/source.h"

ember_solver_opts ember_solver_defaults(const ember_model *model)
{
  ember_solver_opts o = {
    /* the most accurate solver for its cost that the model supports (docs/engine.md) */
    .method = (model && model->exact)       ? "exact"
              : expint_supports(model)      ? "expint"
              : (model && model->taylor)    ? "taylor"
                                            : "dopri5",
    .abstol = 1e-6,
    .reltol = 1e-6,
    .root_tol = 1e-9,
    .max_step = 1.0,
  };
  return o;
}

static ember_status check_label(ember_network *net, const char *label)
{
  size_t len = label ? strlen(label) : 0;
  if (len == 0 || len >= EMBER_LABEL_MAX)
    return net_fail(net, EMBER_ERR_INVALID, "a population label must have 1 to %d characters",
                    EMBER_LABEL_MAX - 1);
  for (const char *c = label; *c; c++)
    if (*c == '/' || *c == '.' || (unsigned char)*c < 32)
      return net_fail(net, EMBER_ERR_INVALID,
                      "population label '%s' may not contain '/', '.' or control characters", label);
  if (ember_network_population(net, label))
    return net_fail(net, EMBER_ERR_INVALID, "a population named '%s' already exists", label);
  return EMBER_OK;
}

/* Allocates a population of n with the given parameter table and state size;
 * parameters start at their defaults. */
ember_status pop_alloc(ember_network *net, const char *label, size_t n,
                       const ember_param_info *pinfo, size_t n_params, size_t n_derived,
                       size_t n_state, ember_population **out)
{
  ember_status st = net_check_mutable(net, "adding a population");
  if (st || (st = check_label(net, label)))
    return st;
  if (n == 0 || n > UINT32_MAX - 1)
    return net_fail(net, EMBER_ERR_INVALID, "population '%s' must have at least one neuron", label);
  ember_population **arr = net_grow(net->pops, &net->cap_pops, net->n_pops + 1, sizeof *arr);
  if (!arr)
    return net_fail(net, EMBER_ERR_NOMEM, "out of memory");
  net->pops = arr;
  ember_population *pop = calloc(1, sizeof *pop);
  if (!pop)
    return net_fail(net, EMBER_ERR_NOMEM, "out of memory");
  pop->net = net;
  pop->index = (uint32_t)net->n_pops;
  snprintf(pop->label, sizeof pop->label, "%s", label);
  pop->n = n;
  pop->n_params = n_params;
  pop->row = n_params + n_derived;
  pop->n_state = n_state;
  pop->params = calloc(n * (pop->row ? pop->row : 1), sizeof *pop->params);
  pop->state = calloc(n * (n_state ? n_state : 1), sizeof *pop->state);
  if (!pop->params || !pop->state) {
    pop_free(pop);
    return net_fail(net, EMBER_ERR_NOMEM, "out of memory for population '%s' (%zu neurons)", label, n);
  }
  for (size_t i = 0; i < n; i++)
    for (size_t k = 0; k < n_params; k++)
      pop->params[i * pop->row + k] = pinfo[k].def;
  pop->params_dirty = 1;
  net->pops[net->n_pops++] = pop;
  *out = pop;
  return EMBER_OK;
}

static ember_status neuron_arrays(ember_population *pop)
{
  const ember_model *m = pop->model;
  pop->i_ext = calloc(pop->n, sizeof *pop->i_ext);
  pop->h = malloc(pop->n * sizeof *pop->h);
  pop->refr_until = malloc(pop->n * sizeof *pop->refr_until);
  pop->t_cur = calloc(pop->n, sizeof *pop->t_cur);
  pop->t_prev = calloc(pop->n, sizeof *pop->t_prev);
  if (!pop->i_ext || !pop->h || !pop->refr_until || !pop->t_cur || !pop->t_prev)
    return EMBER_ERR_NOMEM;
  for (size_t i = 0; i < pop->n; i++) {
    pop->h[i] = 0.01;
    pop->refr_until[i] = -INFINITY;
    for (size_t k = 0; k < m->n_state; k++)
      pop->state[i * m->n_state + k] = m->state[k].def;
  }
  return EMBER_OK;
}

ember_status ember_population_new(ember_network *net, const char *label, size_t n,
                                  const char *model, ember_population **out)
{
  const ember_model *m = ember_model_find(model ? model : "");
  if (!m) {
    char names[512] = "";
    for (size_t i = 0; ember_model_at(i); i++)
      snprintf(names + strlen(names), sizeof names - strlen(names), "%s%s", i ? ", " : "",
               ember_model_at(i)->name);
    return net_fail(net, EMBER_ERR_UNKNOWN, "unknown neuron model '%s' (models: %s)",
                    model ? model : "(null)", names);
  }
  ember_population *pop;
  ember_status st = pop_alloc(net, label, n, m->params, m->n_params, m->n_derived, m->n_state, &pop);
  if (st)
    return st;
  pop->model = m;
  ember_solver_opts o = ember_solver_defaults(m);
  if (neuron_arrays(pop) || (st = ember_population_set_solver(pop, &o))) {
    net->n_pops--;
    pop_free(pop);
    return st ? st : net_fail(net, EMBER_ERR_NOMEM, "out of memory");
  }
  *out = pop;
  return EMBER_OK;
}

ember_status ember_source_population_new(ember_network *net, const char *label, size_t n,
                                         const char *kind, ember_population **out)
{
  const ember_source_type *s = source_find(kind ? kind : "");
  if (!s)
    return net_fail(net, EMBER_ERR_UNKNOWN, "unknown spike source '%s' (sources: poisson, spike_array)",
                    kind ? kind : "(null)");
  ember_population *pop;
  ember_status st = pop_alloc(net, label, n, s->params, s->n_params, 0, 0, &pop);
  if (st)
    return st;
  pop->source = s;
  if (s->init(pop)) {
    net->n_pops--;
    pop_free(pop);
    return net_fail(net, EMBER_ERR_NOMEM, "out of memory");
  }
  *out = pop;
  return EMBER_OK;
}

void pop_free(ember_population *pop)
{
  if (!pop)
    return;
  if (pop->source && pop->source->free)
    pop->source->free(pop);
  ltc_pop_free(pop->ltc);
  for (size_t i = 0; i < pop->n_rec; i++)
    recorder_free(pop->rec[i]);
  queue_free(&pop->queue);
  free(pop->params);
  free(pop->state);
  free(pop->i_ext);
  free(pop->h);
  free(pop->refr_until);
  free(pop->t_cur);
  free(pop->t_prev);
  free(pop->y_prev);
  free(pop->rec_t);
  free(pop->rec_id);
  free(pop->out);
  free(pop);
}

ember_status ember_population_set_solver(ember_population *pop, const ember_solver_opts *o)
{
  ember_network *net = pop->net;
  if (!pop->model)
    return net_fail(net, EMBER_ERR_INVALID, "population '%s' is a spike source and has no solver",
                    pop->label);
  if (pop->ltc)
    return net_fail(net, EMBER_ERR_INVALID, "population '%s' is an LTC circuit: choose its solver with "
                    "ember_ltc_set_solver before ember_ltc_population_new", pop->label);
  const solver_kind *k = solver_find(o->method ? o->method : "");
  if (!k)
    return net_fail(net, EMBER_ERR_UNKNOWN, "unknown solver '%s' (solvers: %s)",
                    o->method ? o->method : "(null)", solver_names());
  if (strcmp(k->name, "exact") == 0 && !pop->model->exact)
    return net_fail(net, EMBER_ERR_INVALID, "model %s has no exact solution; choose one of %s",
                    pop->model->name, solver_names() + strlen("exact, "));
  if (strcmp(k->name, "taylor") == 0 && !pop->model->taylor)
    return net_fail(net, EMBER_ERR_INVALID, "model %s does not provide Taylor coefficients; "
                    "choose another solver (%s)", pop->model->name, solver_names());
  if (strcmp(k->name, "expint") == 0 && !expint_supports(pop->model))
    return net_fail(net, EMBER_ERR_INVALID, "solver expint is for lif_cond_exp only, not model %s; "
                    "choose another solver (%s)", pop->model->name, solver_names());
  if (k->implicit && !pop->model->jacobian)
    return net_fail(net, EMBER_ERR_INVALID, "solver %s needs a Jacobian, which model %s does not provide",
                    k->name, pop->model->name);
  if (!(o->abstol > 0) || !(o->reltol >= 0) || !(o->root_tol > 0) || !(o->max_step > 0))
    return net_fail(net, EMBER_ERR_INVALID,
                    "solver settings of '%s' must be positive (abstol %g, reltol %g, root_tol %g, max_step %g)",
                    pop->label, o->abstol, o->reltol, o->root_tol, o->max_step);
  if (net->frozen)
    return net_fail(net, EMBER_ERR_STATE, "the solver of '%s' can only be chosen before the first run",
                    pop->label);
  pop->solver = *o;
  snprintf(pop->method, sizeof pop->method, "%s", k->name);
  pop->solver.method = pop->method;
  pop->skind = k;
  return EMBER_OK;
}

const char *ember_population_label(const ember_population *pop) { return pop->label; }
size_t ember_population_size(const ember_population *pop) { return pop->n; }
const ember_model *ember_population_model(const ember_population *pop) { return pop->model; }
const char *ember_population_solver(const ember_population *pop) { return pop->model ? pop->method : ""; }
uint64_t ember_population_spike_count(const ember_population *pop) { return pop->spike_count; }

const char *ember_population_kind(const ember_population *pop)
{
  return pop->model ? pop->model->name : pop->source->name;
}

size_t ember_population_param_count(const ember_population *pop) { return pop->n_params; }

const ember_param_info *ember_population_param_info(const ember_population *pop, size_t i)
{
  if (i >= pop->n_params)
    return NULL;
  return pop->model ? &pop->model->params[i] : &pop->source->params[i];
}

static int param_index(const ember_population *pop, const char *name)
{
  for (size_t i = 0; i < pop->n_params; i++)
    if (strcmp(ember_population_param_info(pop, i)->name, name) == 0)
      return (int)i;
  return -1;
}

static int state_index(const ember_population *pop, const char *name)
{
  return pop->model ? ember_model_state_index(pop->model, name) : -1;
}

/* "a, b, c": the parameter or state names, for messages about unknown names. */
static void list_names(const ember_population *pop, int state, char *buf, size_t len)
{
  buf[0] = 0;
  size_t n = state ? (pop->model ? pop->model->n_state : 0) : pop->n_params;
  for (size_t i = 0; i < n; i++) {
    const char *nm = state ? pop->model->state[i].name : ember_population_param_info(pop, i)->name;
    snprintf(buf + strlen(buf), len - strlen(buf), "%s%s", i ? ", " : "", nm);
  }
  if (n == 0)
    snprintf(buf, len, "none");
}

static ember_status check_ids(ember_population *pop, const uint32_t *ids, size_t n)
{
  for (size_t k = 0; ids && k < n; k++)
    if (ids[k] >= pop->n)
      return net_fail(pop->net, EMBER_ERR_INVALID,
                      "neuron id %u is out of range for population '%s' (ids 0..%zu)", ids[k],
                      pop->label, pop->n - 1);
  return EMBER_OK;
}

/* Writes vals (one per target neuron) into column `col` of `base` (stride
 * `stride`) after checking every value: all or nothing. */
static ember_status set_column(ember_population *pop, double *base, size_t stride, size_t col,
                               const ember_param_info *range, const double *vals,
                               const uint32_t *ids, size_t n)
{
  ember_status st = check_ids(pop, ids, n);
  if (st)
    return st;
  char msg[256];
  for (size_t k = 0; k < n; k++) {
    if (k && vals[k] == vals[k - 1])   /* passed already (a constant: once, not per neuron) */
      continue;
    if (range && (st = ember_param_check(range, vals[k], msg, sizeof msg)))
      return net_fail(pop->net, st, "population '%s' neuron %zu: %s", pop->label,
                      ids ? (size_t)ids[k] : k, msg);
    if (!range && !isfinite(vals[k]))
      return net_fail(pop->net, EMBER_ERR_INVALID, "population '%s': value %g is not finite",
                      pop->label, vals[k]);
  }
  for (size_t k = 0; k < n; k++)
    base[(ids ? ids[k] : k) * stride + col] = vals[k];
  return EMBER_OK;
}

/* Draws one value per target from d, from the stream of (population, purpose). */
static double *draw_values(ember_population *pop, const ember_dist *d, uint64_t purpose,
                           int column, const uint32_t *ids, size_t n)
{
  double *v = malloc((n ? n : 1) * sizeof *v);
  if (!v)
    return NULL;
  if (d->kind == EMBER_DIST_CONST) {   /* no draw: no stream to derive */
    for (size_t k = 0; k < n; k++)
      v[k] = d->a;
    return v;
  }
  for (size_t k = 0; k < n; k++) {
    size_t id = ids ? ids[k] : k;
    rng_stream r = rng_stream_for(pop->net->seed, pop->index, purpose * 1024 + (uint64_t)column, id);
    v[k] = dist_draw(d, &r);
  }
  return v;
}

ember_status ember_population_set_param_array(ember_population *pop, const char *name,
                                              const double *values, const uint32_t *ids, size_t n)
{
  int i = param_index(pop, name);
  if (i < 0) {
    char names[512];
    list_names(pop, 0, names, sizeof names);
    return net_fail(pop->net, EMBER_ERR_UNKNOWN, "%s has no parameter '%s' (parameters: %s)",
                    ember_population_kind(pop), name, names);
  }
  if (!ids && n != pop->n)
    return net_fail(pop->net, EMBER_ERR_INVALID, "population '%s' has %zu neurons, got %zu values for '%s'",
                    pop->label, pop->n, n, name);
  ember_status st = set_column(pop, pop->params, pop->row, (size_t)i,
                               ember_population_param_info(pop, (size_t)i), values, ids, n);
  if (!st)
    pop->params_dirty = 1;
  return st;
}

ember_status ember_population_set_param(ember_population *pop, const char *name,
                                        const ember_dist *value, const uint32_t *ids, size_t n_ids)
{
  size_t n = ids ? n_ids : pop->n;
  int col = param_index(pop, name);
  double *v = draw_values(pop, value, RNG_INIT_PARAM, col, ids, n);
  if (!v)
    return net_fail(pop->net, EMBER_ERR_NOMEM, "out of memory");
  ember_status st = ember_population_set_param_array(pop, name, v, ids, n);
  free(v);
  return st;
}

ember_status ember_population_set_state_array(ember_population *pop, const char *name,
                                              const double *values, const uint32_t *ids, size_t n)
{
  int i = state_index(pop, name);
  if (i < 0) {
    char names[512];
    list_names(pop, 1, names, sizeof names);
    return net_fail(pop->net, EMBER_ERR_UNKNOWN, "%s has no state variable '%s' (state variables: %s)",
                    ember_population_kind(pop), name, names);
  }
  if (!ids && n != pop->n)
    return net_fail(pop->net, EMBER_ERR_INVALID, "population '%s' has %zu neurons, got %zu values for '%s'",
                    pop->label, pop->n, n, name);
  if (pop->ltc)
    return ltc_pop_set(pop, i, values, ids, n);
  return set_column(pop, pop->state, pop->n_state, (size_t)i, NULL, values, ids, n);
}

ember_status ember_population_set_state(ember_population *pop, const char *name,
                                        const ember_dist *value, const uint32_t *ids, size_t n_ids)
{
  size_t n = ids ? n_ids : pop->n;
  double *v = draw_values(pop, value, RNG_INIT_STATE, state_index(pop, name), ids, n);
  if (!v)
    return net_fail(pop->net, EMBER_ERR_NOMEM, "out of memory");
  ember_status st = ember_population_set_state_array(pop, name, v, ids, n);
  free(v);
  return st;
}

ember_status ember_population_get(const ember_population *pop, const char *name, double *out)
{
  int i = param_index(pop, name);
  if (i >= 0) {
    for (size_t k = 0; k < pop->n; k++)
      out[k] = pop->params[k * pop->row + (size_t)i];
    return EMBER_OK;
  }
  if ((i = state_index(pop, name)) >= 0 && pop->ltc)
    return ltc_pop_get(pop, i, out);
  if (i >= 0) {
    for (size_t k = 0; k < pop->n; k++)
      out[k] = pop->state[k * pop->n_state + (size_t)i];
    return EMBER_OK;
  }
  char p[512], s[512];
  list_names(pop, 0, p, sizeof p);
  list_names(pop, 1, s, sizeof s);
  return net_fail(pop->net, EMBER_ERR_UNKNOWN, "%s has no parameter or state variable '%s' "
                  "(parameters: %s; state variables: %s)", ember_population_kind(pop), name, p, s);
}

ember_status ember_population_set_spike_times(ember_population *pop, uint32_t id,
                                              const double *times, size_t n)
{
  if (pop->source != &ember_source_spike_array)
    return net_fail(pop->net, EMBER_ERR_INVALID, "population '%s' is not a spike_array source", pop->label);
  if (id >= pop->n)
    return check_ids(pop, &id, 1);
  char msg[256];
  ember_status st = spike_array_set(pop, id, times, n, msg, sizeof msg);
  if (st)
    return net_fail(pop->net, st, "spike_array '%s': %s", pop->label, msg);
  pop->params_dirty = 1;
  return EMBER_OK;
}

/* Whether every neuron's parameter row (with its derived values) equals the
 * first: then every job reads that one row, which stays in cache, instead of a
 * row per neuron (a few cache misses per neuron visit in a large population). */
static int rows_uniform(const ember_population *pop)
{
  size_t bytes = pop->row * sizeof *pop->params;
  for (size_t i = 1; i < pop->n; i++)
    if (memcmp(pop->params + i * pop->row, pop->params, bytes))
      return 0;
  return 1;
}

/* Validates cross-parameter constraints and computes derived values: before each
 * run in which parameters changed. */
ember_status pop_prepare(ember_population *pop)
{
  if (!pop->params_dirty)
    return EMBER_OK;
  if (pop->model && pop->model->prepare) {
    char msg[256];
    for (size_t i = 0; i < pop->n; i++) {
      ember_status st = pop->model->prepare(pop->params + i * pop->row, msg, sizeof msg);
      if (st)
        return net_fail(pop->net, st, "population '%s' neuron %zu: %s", pop->label, i, msg);
    }
  }
  if (pop->source)
    pop->source->start(pop, pop->net->t);
  pop->params_dirty = 0;
  pop->params_uniform = rows_uniform(pop);
  return EMBER_OK;
}
