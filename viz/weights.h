/* Synaptic weights of spiking projections for the weight view and the
 * inspector: the synapses of DIR/edges.h5 (SONATA edges: source, target, weight,
 * delay per synapse) and the weight frames of DIR/weight.h5 (a SONATA report of
 * elements: per frame the weights of the recorded synapses, element_ids = their
 * rows in edges.h5), read through the public output reader; or, in a live run,
 * the synapses and weight samples taken from the network (live_observe.c). Contract B of
 * the session notes; docs/viz.md. */
#ifndef EMBER_VIZ_WEIGHTS_H
#define EMBER_VIZ_WEIGHTS_H

#include <stddef.h>
#include <stdint.h>

struct ember_output;

/* A heatmap is drawn when both sides have at most this many neurons, else a
 * histogram. */
#define VZ_HEAT_MAX 400

typedef struct vz_proj {
  char *label, *pre, *post;     /* "<pre>_to_<post>", population labels */
  size_t n_syn;
  uint32_t *src, *dst;          /* neuron ids, synapse k = row k of edges.h5 */
  float *w0;                    /* edges.h5 syn_weight (initial or final weights) */
  float *delay;                 /* ms */
  size_t n_pre, n_post;         /* 1 + largest id (or the population sizes) */
  /* Weight frames: n_rec recorded synapses (rec[q] = synapse index) per frame. */
  size_t n_rec;
  uint32_t *rec;
  float *frames;                /* n_frames x n_rec */
  size_t n_frames, cap_frames;
  double t0, dt;                /* ms: frame f at t0 + f dt (weight.h5) ... */
  double *ft;                   /* ... or at ft[f] (live samples; NULL for files) */
  int plastic;                  /* live: the weights change (STDP); -1: unknown */
  char units[32];
  char receptor[32];            /* the targets' receptor ("excitatory", ...), "" if unknown */
  double wmin, wmax;            /* over the edges and all frames */
  /* Incoming synapses per post neuron (CSR): in_idx[in_ptr[j] .. in_ptr[j+1]). */
  size_t *in_ptr;
  uint32_t *in_idx;
  float *cur;                   /* scratch: the weights at cur_t */
  double cur_t;
  long cur_frame;
} vz_proj;

typedef struct vz_weights {
  vz_proj *proj;
  size_t n;
} vz_weights;

/* Reads the edges (edges.h5) and weight frames (weight.h5) of an open output
 * (NULL, no message, when it has no edges). NULL and a message on a damaged file. */
vz_weights *vz_weights_load(const struct ember_output *o, char *msg, size_t msglen);
/* Reads the frames of weight.h5 appended since the last call (--follow; o is
 * the output opened again). Returns 1 if frames were added. */
int vz_weights_update(vz_weights *w, const struct ember_output *o);
void vz_weights_free(vz_weights *w);

/* An empty set (live runs); NULL if out of memory. */
vz_weights *vz_weights_new(void);
/* Adds projection label (pre -> post, weights in units), without synapses yet.
 * NULL if out of memory. */
vz_proj *vz_weights_add(vz_weights *w, const char *label, const char *pre, const char *post,
                        const char *units);
/* Sets p's n synapses (once): ids, weights (the edges.h5 weights, or the first
 * live sample) and delays (NULL: 0); n_pre / n_post at least 1 + the largest
 * ids. 0, or -1 if out of memory. */
int vz_proj_set_synapses(vz_proj *p, size_t n, const uint32_t *src, const uint32_t *dst, const float *w,
                         const float *delay, size_t n_pre, size_t n_post);
/* Appends a live sample of every synapse's weight at time t (ms, not before the
 * previous sample). When the frames would hold more than VZ_WEIGHT_VALUES
 * values, every other frame is dropped first (the history thins out evenly).
 * 0, or -1 if out of memory. */
int vz_proj_add_sample(vz_proj *p, const float *w, double t);
#define VZ_WEIGHT_VALUES ((size_t)1 << 26)

/* -1 if p targets an inhibitory receptor (conductance weights are positive
 * but inhibit), else +1. */
int vz_proj_sign(const vz_proj *p);

/* The frame shown at time t: the one at or before t (the first frame before
 * it); -1 when p has no frames. */
long vz_proj_frame_at(const vz_proj *p, double t);
/* The time of frame f (ms). */
double vz_proj_frame_time(const vz_proj *p, long f);
/* Index of the projection with this label, or -1. */
int vz_weights_find(const vz_weights *w, const char *label);

/* The weights of every synapse of p at time t: the recorded frame at or before t
 * (the first frame before it) for recorded synapses, edges.h5 for the others.
 * Returns p->n_syn values, valid until the next call (p->cur). */
const float *vz_proj_weights_at(vz_proj *p, double t);
/* Counts of the weights at t in nbins equal bins over [lo, hi] (values outside
 * go to the end bins). */
void vz_proj_histogram(vz_proj *p, double t, double lo, double hi, size_t nbins, size_t *counts);

#endif
