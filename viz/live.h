/* The live source: a simulation running in another thread of this process
 * (`ember run --viz`). The network's observer hook (vz_live_observe) runs on the
 * simulation thread after every communication interval: it appends the interval's
 * spikes and the watched neurons' state to a pending buffer under a mutex and
 * returns; the window thread swaps that buffer out once per frame, so the
 * simulation never waits for drawing. The observer also carries the window's
 * requests back: pause (it waits), a real-time cap (it sleeps) and stop (it
 * returns nonzero, which ends the run as an interruption). */
#ifndef EMBER_VIZ_LIVE_H
#define EMBER_VIZ_LIVE_H

#include "ember/ember.h"
#include "source.h"

typedef struct vz_live vz_live;

/* A live source for net (borrowed; it must outlive the source). NULL if out of
 * memory. Install it with ember_network_set_observer(net, vz_live_observe, live). */
vz_live *vz_live_new(ember_network *net);
/* The source interface of live (freeing it through vz_source_free frees live). */
vz_source *vz_live_source(vz_live *live);
/* The observer (ember_observer_fn); user is the vz_live. */
int vz_live_observe(const ember_interval *iv, void *user);
/* The simulation thread is done (the script ended with exit code `code`). */
void vz_live_finish(vz_live *live, int code);
/* Weight samples taken in the observer so far and the wall time they took (for
 * benchmarks; call it when no run is going). */
void vz_live_weight_stats(const vz_live *live, size_t *samples, double *seconds);
/* 1 once the window asked the run to stop. */
int vz_live_stop_requested(vz_live *live);

#endif
