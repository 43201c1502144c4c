/* poisson: independent Poisson spike trains of `rate` Hz in [start, stop) ms.
 *
 * Each source neuron draws its inter-spike intervals from its own counter-based
 * stream, so its train depends only on the seed, the population and its index. */
#include <math.h>
#include <stdlib.h>
#include "source.h"

enum { RATE, START, STOP, N_PARAMS };

static const ember_param_info params[N_PARAMS] = {
  [RATE] = {"rate", 1.0, "Hz", 0, INFINITY, EMBER_RANGE_MAX_OPEN, "mean firing rate"},
  [START] = {"start", 0.0, "ms", 0, INFINITY, EMBER_RANGE_MAX_OPEN, "first time a spike may occur"},
  [STOP] = {"stop", INFINITY, "ms", 0, INFINITY, 0, "no spike at or after this time"},
};

typedef struct poisson_data {
  rng_stream *rng;
  double *next;     /* next spike time of each neuron (ms) */
} poisson_data;

static ember_status init(ember_population *pop)
{
  poisson_data *d = calloc(1, sizeof *d);
  if (!d)
    return EMBER_ERR_NOMEM;
  d->rng = calloc(pop->n, sizeof *d->rng);
  d->next = calloc(pop->n, sizeof *d->next);
  pop->src = d;
  if (!d->rng || !d->next)
    return EMBER_ERR_NOMEM;
  for (size_t i = 0; i < pop->n; i++)
    d->rng[i] = rng_stream_for(pop->net->seed, pop->index, RNG_SOURCE, i);
  return EMBER_OK;
}

static void release(ember_population *pop)
{
  poisson_data *d = pop->src;
  if (!d)
    return;
  free(d->rng);
  free(d->next);
  free(d);
}

static double draw_next(poisson_data *d, const double *p, size_t i, double from)
{
  double rate = p[RATE] * 1e-3;   /* per ms */
  return rate > 0 ? from + rng_exponential(&d->rng[i], rate) : INFINITY;
}

/* The process is memoryless, so restarting at t (after a rate change) is exact. */
static void start(ember_population *pop, double t)
{
  poisson_data *d = pop->src;
  for (size_t i = 0; i < pop->n; i++) {
    const double *p = pop->params + i * pop->row;
    d->next[i] = draw_next(d, p, i, fmax(t, p[START]));
  }
}

static void emit(ember_population *pop, size_t i, double ta, double tb, spike_buf *sink)
{
  poisson_data *d = pop->src;
  const double *p = pop->params + i * pop->row;
  while (d->next[i] < tb && d->next[i] < p[STOP]) {
    spike_buf_push(sink, d->next[i], pop->index, (uint32_t)i);
    d->next[i] = draw_next(d, p, i, d->next[i]);
  }
}

const ember_source_type ember_source_poisson = {
  .name = "poisson",
  .doc = "Poisson spike trains",
  .n_params = N_PARAMS, .params = params,
  .init = init, .free = release, .start = start, .emit = emit,
};
