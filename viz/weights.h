/* Synaptic weights of spiking projections for the weight view and the
 * inspector: the synapses of DIR/edges.h5 (SONATA edges: source, target, weight,
 * delay per synapse) and the weight frames of DIR/weight.h5 (a SONATA report of
 * elements: per frame the weights of the recorded synapses, element_ids = their
 * rows in edges.h5). Contract B of the session notes; docs/viz.md. */
#ifndef EMBER_VIZ_WEIGHTS_H
#define EMBER_VIZ_WEIGHTS_H

#include <stddef.h>
#include <stdint.h>

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
  double t0, dt;                /* ms */
  char units[32];
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

/* Reads dir/edges.h5 and dir/weight.h5 (either may be missing: NULL, no
 * message, when there is neither). NULL and a message on a damaged file. */
vz_weights *vz_weights_load(const char *dir, char *msg, size_t msglen);
/* Reads the frames of dir/weight.h5 appended since the last call (--follow).
 * Returns 1 if frames were added. */
int vz_weights_update(vz_weights *w, const char *dir);
void vz_weights_free(vz_weights *w);
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
