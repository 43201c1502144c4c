/* spike_array: each source neuron emits spikes at a given list of times. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "source.h"

typedef struct train {
  double *t;
  size_t n, next;
} train;

static ember_status init(ember_population *pop)
{
  pop->src = calloc(pop->n, sizeof(train));
  return pop->src ? EMBER_OK : EMBER_ERR_NOMEM;
}

static void release(ember_population *pop)
{
  train *tr = pop->src;
  for (size_t i = 0; tr && i < pop->n; i++)
    free(tr[i].t);
  free(tr);
}

ember_status spike_array_set(ember_population *pop, uint32_t id, const double *t, size_t n,
                             char *msg, size_t msglen)
{
  for (size_t k = 0; k < n; k++) {
    if (!isfinite(t[k]) || t[k] < 0 || (k > 0 && t[k] < t[k - 1])) {
      snprintf(msg, msglen, "spike times of neuron %u must be finite, >= 0 and ascending "
               "(time %zu is %g%s)", id, k, t[k], k > 0 && t[k] < t[k - 1] ? ", before the previous one" : "");
      return EMBER_ERR_INVALID;
    }
  }
  train *tr = &((train *)pop->src)[id];
  double *copy = n ? malloc(n * sizeof *copy) : NULL;
  if (n && !copy)
    return EMBER_ERR_NOMEM;
  if (n)
    memcpy(copy, t, n * sizeof *copy);
  free(tr->t);
  tr->t = copy;
  tr->n = n;
  tr->next = 0;
  return EMBER_OK;
}

/* Skips the times already past: a train set between runs starts at time t. */
static void start(ember_population *pop, double t)
{
  train *tr = pop->src;
  for (size_t i = 0; i < pop->n; i++)
    for (tr[i].next = 0; tr[i].next < tr[i].n && tr[i].t[tr[i].next] < t;)
      tr[i].next++;
}

static void emit(ember_population *pop, size_t i, double ta, double tb, spike_buf *sink)
{
  train *tr = &((train *)pop->src)[i];
  for (; tr->next < tr->n && tr->t[tr->next] < tb; tr->next++)
    spike_buf_push(sink, tr->t[tr->next], pop->index, (uint32_t)i);
}

const ember_source_type ember_source_spike_array = {
  .name = "spike_array",
  .doc = "Spikes at given times",
  .n_params = 0, .params = NULL,
  .init = init, .free = release, .start = start, .emit = emit,
};

const ember_source_type *source_find(const char *name)
{
  static const ember_source_type *const all[] = {&ember_source_poisson, &ember_source_spike_array};
  for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
    if (strcmp(all[i]->name, name) == 0)
      return all[i];
  return NULL;
}
