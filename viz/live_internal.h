/* Private to viz/live.c and viz/live_observe.c: the block the two threads of
 * the live source share (see live.h). The simulation side (live_observe.c)
 * fills its my_* buffers, then appends them to the shared ones under mu; the
 * window side (live.c) swaps the shared buffers for its rx_* ones under mu.
 * The struct is here because both sides read and write it; each field says
 * which thread may touch it. */
#ifndef EMBER_VIZ_LIVE_INTERNAL_H
#define EMBER_VIZ_LIVE_INTERNAL_H

#include <pthread.h>
#include "circuit.h"
#include "live.h"

enum { MAX_WATCH = 4 };
enum { MAX_WANT = 8 };


/* What the window needs to know of one population, captured on the simulation
 * thread (the only one that may read the network while it runs). */
typedef struct meta_pop {
  char *label, *kind;
  size_t size;
  size_t n_params;
  const char **pnames, **punits;   /* point into the model's static tables */
  double *params;                  /* n_params x size */
  size_t n_state;
  const ember_state_info *state;   /* the model's static table; NULL for sources */
  vz_circuit *circuit;             /* LTC populations: handed over to the store */
  int has_circuit;                 /* ... so v is sampled (set when built) */
} meta_pop;

/* One sampled frame of an LTC population's v: n floats in the ltcv vector. */
typedef struct ltc_frame {
  uint32_t pop;
  double t;
} ltc_frame;

/* A watched neuron's state variable at the end of an interval. */
typedef struct sample {
  uint32_t pop, id, var;
  float v;
  double t;
} sample;

typedef struct watch {
  uint32_t pop, id;
} watch;

/* What the window knows of a projection before any sample. */
typedef struct meta_proj {
  char *label, *pre, *post;
  char units[32], receptor[32];
  size_t n_syn;
  int plastic;
} meta_proj;

/* One weight sample: n weights of projection `proj` at time t, and with
 * `structure` also the n synapses' ids (src, dst pairs) and delays. */
typedef struct wsample {
  uint32_t proj, structure;
  size_t n, n_pre, n_post;
  double t;
} wsample;

/* A growing array of `size`-byte elements. */
typedef struct vec {
  void *v;
  size_t n, cap;
} vec;

struct vz_live {
  vz_source base;
  ember_network *net;
  pthread_mutex_t mu;
  pthread_cond_t cv;
  /* Shared, under mu. */
  vec spk, seg, smp;               /* ember_spike, size_t (end of each interval), sample */
  vec ltch, ltcv;                  /* ltc_frame, float: LTC populations' v */
  meta_pop *meta;
  size_t n_meta;
  meta_proj *pmeta;
  size_t n_pmeta;
  unsigned meta_version;
  watch watch[MAX_WATCH];
  size_t n_watch;
  vec wh, wids, wdel, wval;        /* wsample, uint32_t pairs, float, float */
  size_t want[MAX_WANT];           /* projections the window shows */
  size_t n_want;
  unsigned asked;                  /* bumped when watch or want change (wakes a pause) */
  double t_sim, t_start;
  uint64_t spikes;
  int paused, stop, finished, code;
  double cap;
  /* Simulation thread only. */
  size_t known_pops;
  double **scratch;                /* one buffer of `size` doubles per population */
  watch my_watch[MAX_WATCH];
  size_t my_n_watch;
  double ref_wall, ref_sim, cap_seen;
  vec my_smp, my_ltch, my_ltcv;
  double ltc_last;                 /* time of the last LTC sample */
  size_t known_projs;
  unsigned char *sent;             /* per projection: its synapses were sent */
  size_t my_want[MAX_WANT], my_n_want, next_want;
  double w_next;                   /* wall time of the next allowed weight sample */
  size_t w_count;                  /* weight samples taken during runs ... */
  double w_cost;                   /* ... and their wall time (s) */
  vec my_wh, my_wids, my_wdel, my_wval;
  /* Window thread only. */
  vec rx_spk, rx_seg, rx_smp, rx_ltch, rx_ltcv, rx_wh, rx_wids, rx_wdel, rx_wval;
  unsigned meta_seen;
  double stat_wall, stat_sim;
  uint64_t stat_spikes;
};

/* Frees n population (projection) descriptions and the array; NULL is a no-op. */
void vz_live_meta_free(meta_pop *m, size_t n);
void vz_live_pmeta_free(meta_proj *m, size_t n);

#endif
