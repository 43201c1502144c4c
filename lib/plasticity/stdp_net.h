/* Internal: the plastic state of projections (stdp_net.c) and their weight
 * recorders (weight_record.c). */
#ifndef EMBER_STDP_NET_H
#define EMBER_STDP_NET_H

#include "../internal.h"
#include "stdp_rule.h"

typedef struct stdp_proj {
  const ember_stdp_rule *rule;
  double p[STDP_MAX_PARAMS];     /* parameter values, in the rule's table order */
  size_t stride;                 /* doubles per synapse: w, t_last, traces */
  double *syn;                   /* n_syn x stride, allocated at the first run */
  size_t post_stride;            /* doubles per postsynaptic neuron: t_last, traces */
  double *post;                  /* n_post x post_stride */
  size_t *post_row;              /* n_post + 1: synapses of neuron j in post_syn */
  uint32_t *post_syn;            /* synapse indices grouped by postsynaptic neuron */
  ember_stdp_schedule_fn sched;
  void *sched_user;
  /* Dendritic delay dd > 0: a postsynaptic spike at t reaches the synapses at
   * t + dd, which in the frame of the arrivals (times at the soma) is t + 2 dd;
   * until then it waits in its neuron's queue of STDP_PENDING times. */
  double dd;                     /* ms, fixed at the first run */
  double *pend;                  /* n_post x STDP_PENDING, rings */
  uint8_t *pend_first, *pend_n;  /* n_post each */
  int overflow;                  /* a ring was full (set by the workers) */
} stdp_proj;

#define STDP_PENDING 32

typedef struct stdp_in {         /* the plastic projections into one population */
  ember_projection **proj;
  size_t n;
} stdp_in;

/* Weights of chosen synapses every `interval` ms, grouped by postsynaptic neuron.
 * A neuron's columns of frames inside an interval are written by its own thread,
 * just before each change of its synapses (so a frame holds the weight at its
 * time exactly); the main thread completes the frames at the interval's end. */
typedef struct wrec {
  double interval, t_start;      /* ms */
  size_t n_nodes, n_cols;
  uint64_t *node_ids;            /* postsynaptic neurons, ascending */
  uint64_t *ptr;                 /* n_nodes + 1 column offsets */
  uint32_t *syn;                 /* n_cols synapse indices */
  int32_t *node_of;              /* postsynaptic neuron -> node, or -1 */
  uint64_t *done;                /* per node: the next frame to write */
  float *buf;                    /* buf_cap frames x n_cols */
  size_t buf_cap, buf_frames;
  uint64_t buf_first, k_end;     /* absolute frame index of buf's row 0; end of interval */
  size_t file_pop;
} wrec;

/* Applies the waiting postsynaptic spikes of every neuron that reach their
 * synapses before t (main thread, end of an interval). */
ember_status stdp_drain_all(ember_network *net, double t);

ember_status wrec_setup(ember_projection *proj);
void wrec_free(wrec *r);
ember_status wrec_begin(ember_projection *proj, double tb);
void wrec_catch_up(const ember_projection *proj, uint32_t post, double t);

#endif
