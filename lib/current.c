/* Current sources: piecewise-constant injected currents. Each change of amplitude
 * is delivered to the target neurons as an event at its exact time, so the solver
 * stops there instead of smoothing over the step. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "internal.h"

ember_status ember_current_source_new(ember_network *net, const double *times,
                                      const double *amplitudes, size_t n,
                                      ember_current_source **out)
{
  ember_status st = net_check_mutable(net, "adding a current source");
  if (st)
    return st;
  for (size_t k = 0; k < n; k++) {
    if (!isfinite(amplitudes[k]) || isnan(times[k]) || times[k] < 0 || times[k] == INFINITY)
      return net_fail(net, EMBER_ERR_INVALID, "current source: change %zu (t = %g ms, %g nA) must "
                      "have a finite time >= 0 and a finite amplitude", k + 1, times[k], amplitudes[k]);
    if (k > 0 && !(times[k] > times[k - 1]))
      return net_fail(net, EMBER_ERR_INVALID, "current source: times must increase (%g ms after %g ms)",
                      times[k], times[k - 1]);
  }
  ember_current_source **arr =
    net_grow(net->currents, &net->cap_currents, net->n_currents + 1, sizeof *arr);
  if (!arr)
    return net_fail(net, EMBER_ERR_NOMEM, "out of memory");
  net->currents = arr;
  ember_current_source *s = calloc(1, sizeof *s);
  if (!s || !(s->times = malloc((n + 1) * sizeof(double))) || !(s->amp = malloc((n + 1) * sizeof(double)))) {
    current_free(s);
    return net_fail(net, EMBER_ERR_NOMEM, "out of memory");
  }
  memcpy(s->times, times, n * sizeof(double));
  memcpy(s->amp, amplitudes, n * sizeof(double));
  s->n = n;
  s->net = net;
  s->index = (uint32_t)net->n_currents;
  net->currents[net->n_currents++] = s;
  *out = s;
  return EMBER_OK;
}

void current_free(ember_current_source *s)
{
  if (!s)
    return;
  for (size_t i = 0; i < s->n_targets; i++)
    free(s->targets[i].ids);
  free(s->targets);
  free(s->times);
  free(s->amp);
  free(s);
}

ember_status ember_current_source_inject(ember_current_source *s, ember_population *pop,
                                         const uint32_t *ids, size_t n_ids)
{
  ember_network *net = s->net;
  ember_status st = net_check_mutable(net, "injecting a current");
  if (st)
    return st;
  if (!pop->model)
    return net_fail(net, EMBER_ERR_INVALID, "cannot inject current into spike source '%s'", pop->label);
  if (pop->ltc)
    return net_fail(net, EMBER_ERR_INVALID, "cannot inject current into LTC population '%s' (its "
                    "inputs are fed by a series; spikes reach it through ember_projection_new)", pop->label);
  size_t n = ids ? n_ids : pop->n;
  for (size_t k = 0; ids && k < n; k++)
    if (ids[k] >= pop->n)
      return net_fail(net, EMBER_ERR_INVALID, "inject: neuron id %u is out of range for '%s' (ids 0..%zu)",
                      ids[k], pop->label, pop->n - 1);
  void *t = realloc(s->targets, (s->n_targets + 1) * sizeof *s->targets);
  if (!t)
    return net_fail(net, EMBER_ERR_NOMEM, "out of memory");
  s->targets = t;
  uint32_t *copy = malloc((n ? n : 1) * sizeof *copy);
  if (!copy)
    return net_fail(net, EMBER_ERR_NOMEM, "out of memory");
  for (size_t k = 0; k < n; k++)
    copy[k] = ids ? ids[k] : (uint32_t)k;
  s->targets[s->n_targets].pop = pop;
  s->targets[s->n_targets].ids = copy;
  s->targets[s->n_targets].n = n;
  s->n_targets++;
  return EMBER_OK;
}

/* Queues the changes falling in [ta, tb) (earlier ones, if any, at ta). */
ember_status current_schedule(ember_current_source *s, double ta, double tb, int64_t slice)
{
  for (; s->next < s->n && s->times[s->next] < tb; s->next++) {
    double before = s->next ? s->amp[s->next - 1] : 0.0;
    ember_event ev = {fmax(s->times[s->next], ta), s->amp[s->next] - before, 0, EMBER_RECEPTOR_CURRENT};
    for (size_t i = 0; i < s->n_targets; i++)
      for (size_t k = 0; k < s->targets[i].n; k++) {
        ev.target = s->targets[i].ids[k];
        if (queue_push(&s->targets[i].pop->queue, slice, &ev))
          return EMBER_ERR_NOMEM;
      }
  }
  return EMBER_OK;
}
