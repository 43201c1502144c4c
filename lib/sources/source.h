/* Internal: the spike source interface. A spike source population has no ODE:
 * in each interval, each of its neurons emits the spikes that fall in it. Like a
 * neuron model, a source kind is a static const type object with its parameter
 * table; adding one is a new file here and a line in source_find(). */
#ifndef EMBER_SOURCE_H
#define EMBER_SOURCE_H

#include "internal.h"

struct ember_source_type {
  const char *name;
  const char *doc;
  size_t n_params;
  const ember_param_info *params;
  /* Allocates pop->src. */
  ember_status (*init)(ember_population *pop);
  void (*free)(ember_population *pop);
  /* (Re)starts emission at time t: at the first run and after parameters change. */
  void (*start)(ember_population *pop, double t);
  /* Pushes neuron i's spikes in [ta, tb) into sink. Called from worker threads,
   * one neuron at a time. */
  void (*emit)(ember_population *pop, size_t i, double ta, double tb, spike_buf *sink);
};

extern const ember_source_type ember_source_poisson;
extern const ember_source_type ember_source_spike_array;

const ember_source_type *source_find(const char *name);
/* spike_array: replaces neuron id's spike times (sorted, >= 0). */
ember_status spike_array_set(ember_population *pop, uint32_t id, const double *t, size_t n,
                             char *msg, size_t msglen);

#endif
