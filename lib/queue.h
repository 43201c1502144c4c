/* Internal: per-population queues of incoming events, one slot per communication
 * interval, in a ring as long as the largest delay.
 *
 * Spikes are delivered into the slot of the interval their arrival time falls in.
 * When the interval comes, the slot is sorted by target neuron (a stable counting
 * sort) and, within a neuron, by time (stable insertion sort: ties keep delivery
 * order, which is deterministic), so every neuron reads a contiguous, ordered run. */
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
  size_t *offsets;      /* n_targets + 1: run of each neuron in `sorted` */
  uint32_t *multi;      /* scratch: neurons with more than one event in the slot */
  uint32_t *count;      /* scratch: events per neuron, zero between takes */
  ember_event *sorted;  /* the slot being processed, ordered */
  size_t sorted_cap;
} event_queue;

ember_status queue_init(event_queue *q, size_t n_targets, size_t n_slots);
void queue_free(event_queue *q);
/* Adds an event to the slot of interval `slice`. */
ember_status queue_push(event_queue *q, int64_t slice, const ember_event *ev);
/* Moves the slot of `slice` into q->sorted / q->offsets, ordered; empties the slot. */
ember_status queue_take(event_queue *q, int64_t slice);
/* Puts the events of q->sorted at or after t back into the slot of `slice` (used
 * when a run stops inside an interval). */
ember_status queue_requeue_from(event_queue *q, int64_t slice, double t);

#endif
