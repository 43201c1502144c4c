/* Internal: per-population queues of incoming events, one slot per communication
 * interval, in a ring as long as the largest delay.
 *
 * Spikes are delivered into the slot of the interval their arrival time falls in.
 * When the interval comes, the slot's events are grouped by target neuron (a
 * single event stays where it is; the events of a neuron with several are copied
 * out in delivery order) and, within a neuron, sorted by time (stable insertion
 * sort: ties keep delivery order, which is deterministic), so every neuron reads a
 * contiguous, ordered run. */
#ifndef EMBER_QUEUE_H
#define EMBER_QUEUE_H

#include <stddef.h>
#include <stdint.h>
#include "ember/status.h"

#define EMBER_RECEPTOR_CURRENT UINT32_MAX   /* a change of injected current */

typedef struct ember_event {
  double t;          /* arrival time (ms) */
  double w;          /* weight, or current change (nA) */
  uint32_t target;   /* neuron index */
  uint32_t receptor; /* model receptor index, or EMBER_RECEPTOR_CURRENT */
} ember_event;

typedef struct event_slot {
  ember_event *ev;
  size_t n, cap;
} event_slot;

typedef struct event_queue {
  event_slot *slots;
  size_t n_slots;
  size_t n_targets;
  /* The slot being processed, `taken`: this interval's events in delivery order
   * (the slot's own buffer, handed over without a copy). Neuron i's events, in
   * time order, are run[i][0] .. run[i][count[i] - 1]; count[i] is 0 for a neuron
   * without events (run[i] is then meaningless). A neuron with one event (most)
   * points into `taken`; the runs of those with several are copied into `runs`,
   * grouped and sorted. `touched` lists the neurons with events, by first
   * delivery, so a take costs in proportion to its events, not to the
   * population's size. */
  ember_event *taken;
  size_t n_taken, taken_cap;
  ember_event *runs;
  size_t runs_cap;
  uint32_t *count;               /* n_targets */
  const ember_event **run;       /* n_targets */
  uint32_t *touched;             /* n_targets: the neurons with count > 0 */
  size_t n_touched;
  uint32_t *multi;               /* n_targets: scratch of queue_take (count > 1) */
  size_t *end;                   /* n_targets: scratch of queue_take */
  size_t *dup, dup_cap;          /* scratch of queue_take: the later events of a neuron */
  uint32_t *work;       /* n_targets: the engine's list of this interval's busy neurons */
  size_t n_work;
} event_queue;

ember_status queue_init(event_queue *q, size_t n_targets, size_t n_slots);
void queue_free(event_queue *q);
/* Adds an event to the slot of interval `slice`. */
ember_status queue_push(event_queue *q, int64_t slice, const ember_event *ev);
/* Room for n more events in the slot of `slice`, to be filled by the caller (NULL
 * when out of memory); they count as pushed. */
ember_event *queue_push_n(event_queue *q, int64_t slice, size_t n);
/* Makes the slot of `slice` this interval's events (q->taken, runs by neuron, see
 * above); empties the slot. */
ember_status queue_take(event_queue *q, int64_t slice);
/* Puts the events of q->taken at or after t back into the slot of `slice` (used
 * when a run stops inside an interval), in delivery order. */
ember_status queue_requeue_from(event_queue *q, int64_t slice, double t);

#endif
