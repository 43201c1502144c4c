/* Internal: the bodies of the library's opaque types and the functions shared
 * between its files. Nothing here is installed. */
#ifndef EMBER_INTERNAL_H
#define EMBER_INTERNAL_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include "ember/network.h"
#include "queue.h"
#include "rng.h"
#include "sonata.h"

#define EMBER_HIDDEN __attribute__((visibility("hidden")))
#define EMBER_LABEL_MAX 64
#define EMBER_MAX_RECORDERS 16   /* recorded variables per population */

typedef struct ember_source_type ember_source_type;
struct stdp_proj;   /* lib/plasticity/stdp_net.c */
struct stdp_in;
struct wrec;

/* A plastic synapse's event carries the synapse index in `w` and this plus the
 * projection's slot among its target population's plastic inputs in `receptor`. */
#define EMBER_RECEPTOR_PLASTIC 0x80000000u
/* ltc-couple: + projection index: a spike into an LTC population whose synapse's current is
 * recorded; ev.w is then the synapse's index (lib/ltc_currents.c). */
#define EMBER_RECEPTOR_SYNAPSE 0x40000000u
typedef struct solver_kind solver_kind;

/* One emitted spike, as exchanged at the end of an interval. */
typedef ember_spike spike_rec;

/* A growable spike list; one per thread during an interval. Growth is rare: the
 * buffers keep their capacity from interval to interval. */
typedef struct spike_buf {
  spike_rec *v;
  size_t n, cap;
  int oom;           /* set when growing failed; checked after the parallel region */
} spike_buf;

void spike_buf_push(spike_buf *b, double t, uint32_t pop, uint32_t id);

/* A recorded state variable of one population, sampled every `interval` ms at
 * t_start + k * interval. Frames are buffered and appended to the file in blocks. */
typedef struct recorder {
  int var;                 /* state index */
  double interval, t_start;
  size_t n_ids;
  uint32_t *ids;           /* recorded neurons, ascending */
  int32_t *col;            /* neuron -> column in a frame, -1 if not recorded */
  size_t n_cols;           /* values per frame: n_ids, or synapses (synapse-level reports) */
  uint64_t *ptr;           /* synapse-level: node k owns columns [ptr[k], ptr[k+1]); else NULL */
  uint32_t *elem;          /* synapse-level: element id of each column; else NULL */
  float *buf;              /* buf_cap frames x n_cols */
  size_t buf_cap;
  uint64_t buf_first;      /* absolute index of buf's first frame */
  size_t buf_frames;       /* complete frames held in buf */
  uint64_t k_begin, k_end; /* frames of the current interval */
  sonata_file *file;
  size_t file_pop;         /* index of this population in the file */
  const char *label;       /* its report population's name; NULL: the population's label */
  void *ext;               /* the owner's data (one block, freed with it), or NULL */
} recorder;

struct ember_population {
  ember_network *net;
  uint32_t index;
  char label[EMBER_LABEL_MAX];
  size_t n;
  const ember_model *model;         /* neurons; NULL for sources */
  const ember_source_type *source;  /* spike sources; NULL for neurons */

  size_t n_params, row;             /* row = n_params + n_derived doubles per neuron */
  double *params;                   /* n x row; a neuron's row is its ctx.p */
  size_t n_state;
  double *state;                    /* n x n_state */
  double *i_ext;                    /* injected current (nA) */
  double *h;                        /* per-neuron step-size proposal (ms) */
  double *t_cur;                    /* each neuron's time (may pass the interval end) */
  double *t_prev, *y_prev;          /* each neuron's last step (n x n_pending x n_state) */
  size_t n_pending;                 /* solver_pending() blocks; y_prev is allocated at freeze */
  double *refr_until;               /* end of refractoriness (ms); -inf if none */
  int params_dirty;                 /* prepare() must run before the next interval */
  int params_uniform;               /* every row equals row 0: jobs all read row 0 */

  ember_solver_opts solver;
  char method[16];
  const solver_kind *skind;

  event_queue queue;                /* incoming events, one slot per interval */

  void *src;                        /* spike source runtime data */
  uint64_t spike_count;

  int record_spikes;
  double *rec_t;                    /* recorded spikes, in time order */
  uint32_t *rec_id;
  size_t rec_n, rec_cap;
  size_t rec_flushed;               /* how many are already in the file */

  recorder *rec[EMBER_MAX_RECORDERS];
  size_t n_rec;

  struct ember_projection **out;    /* projections leaving this population */
  size_t n_out;
  struct stdp_in *stdp_in;          /* plastic projections into it; NULL if none */

  struct ltc_pop *ltc;              /* an LTC circuit (lib/ltc_pop.c), else NULL */
};

struct ember_projection {
  ember_network *net;
  uint32_t index;
  char label[2 * EMBER_LABEL_MAX + 8];
  ember_population *pre, *post;
  size_t receptor;
  size_t n_syn;
  size_t *row;            /* n_pre + 1 offsets into the synapse arrays (CSR by pre) */
  uint32_t *target;       /* post index */
  float *weight;
  float *delay;           /* NULL when every synapse has delay_const */
  double delay_const;
  double min_delay, max_delay;
  struct stdp_proj *stdp;  /* plasticity, NULL for static synapses */
  uint32_t stdp_receptor;  /* EMBER_RECEPTOR_PLASTIC + slot, for its events */
  struct wrec *wrec;       /* weight recording, or NULL */
  struct recorder *crec;   /* into an LTC population: per-synapse currents (lib/ltc_currents.c;
                            * owned by the target's recorders), or NULL */
  int graded;             /* from an LTC population: a graded current, no spikes (lib/ltc_pop.c) */
  double *graded_i;       /* graded: 2 x n_post currents (nA): this interval's, last applied */
  int sigmoid;            /* graded into an LTC population: conductance w sigma(sig_sigma (v - sig_mu)) */
  double sig_sigma, sig_mu;   /* (1/mV, mV) of such a projection (lib/ltc_pop.c) */
#define LTC_SIGMOID_SIGMA 5.5   /* defaults: the middle of ncps' initial ranges U(3, 8) */
#define LTC_SIGMOID_MU 0.55     /* and U(0.3, 0.8) */
};

struct ember_current_source {
  ember_network *net;
  uint32_t index;
  double *times, *amp;    /* sorted change times and the amplitude from each on */
  size_t n;
  size_t next;            /* first change not yet delivered */
  struct { ember_population *pop; uint32_t *ids; size_t n; } *targets;
  size_t n_targets;
};

typedef struct prov_kv { char *key, *value; } prov_kv;

/* Per-thread scratch: solver workspaces (one per population, by dimension), the
 * spike buffer, and the first error met. */
typedef struct thread_ws {
  struct solver_ws **solver;   /* indexed by population */
  spike_buf spikes;
  ember_status err;
  char msg[512];
  double err_t;
} thread_ws;

struct ember_network {
  uint64_t seed;
  int threads;
  double min_delay_user;      /* <= 0: derive from the delays */
  double h;                   /* communication interval in use */
  double t;                   /* time reached (ms) */
  int64_t slice;              /* index of the interval containing t */
  size_t n_slots;
  int frozen;                 /* structure fixed after the first run */
  int closed;                 /* output closed: no more runs */
  int failed;                 /* a run failed: no more runs */
  double last_flush;          /* wall time of the last flush (s) */
  volatile sig_atomic_t stop_requested;
  char err[1024];

  ember_population **pops;
  size_t n_pops, cap_pops;
  ember_projection **projs;
  size_t n_projs, cap_projs;
  ember_current_source **currents;
  size_t n_currents, cap_currents;

  prov_kv *prov;
  size_t n_prov;
  char *outdir;
  double flush_every;         /* seconds */
  sonata_file *spikes_file;
  sonata_file **files;        /* one report file per recorded variable */
  sonata_file *weight_file;   /* weight.h5, or NULL */
  int edges_stale;            /* weights set since edges.h5 was written (perf-ovh) */
  size_t n_files;

  ember_progress_fn progress;
  void *progress_user;
  double progress_every;
  ember_observer_fn observer;
  void *observer_user;

  thread_ws *ws;
  int n_ws;
  spike_rec *merged;          /* spikes of one interval, sorted */
  size_t merged_cap;

  struct ltc_net *ltc;        /* time series feeding LTC populations (lib/ltc_series.c) */
};

/* network.c */
EMBER_HIDDEN ember_status net_fail(ember_network *net, ember_status st, const char *fmt, ...)
  __attribute__((format(printf, 3, 4)));
EMBER_HIDDEN ember_status net_check_mutable(ember_network *net, const char *what);
EMBER_HIDDEN void *net_grow(void *arr, size_t *cap, size_t need, size_t elem);
EMBER_HIDDEN double dist_draw(const ember_dist *d, rng_stream *r);

/* population.c */
/* A population of n with the given parameter table (at its defaults) and state size. */
EMBER_HIDDEN ember_status pop_alloc(ember_network *net, const char *label, size_t n,
                                    const ember_param_info *pinfo, size_t n_params, size_t n_derived,
                                    size_t n_state, ember_population **out);
EMBER_HIDDEN ember_status pop_prepare(ember_population *pop);
EMBER_HIDDEN void pop_free(ember_population *pop);

/* projection.c */
EMBER_HIDDEN void proj_free(ember_projection *proj);

/* current.c */
EMBER_HIDDEN void current_free(ember_current_source *src);
EMBER_HIDDEN ember_status current_schedule(ember_current_source *src, double ta, double tb,
                                           int64_t slice);

/* record.c */
EMBER_HIDDEN ember_status record_open(ember_network *net);
EMBER_HIDDEN ember_status record_begin_slice(ember_population *pop, double ta, double tb);
EMBER_HIDDEN ember_status record_end_slice(ember_network *net, int force);
EMBER_HIDDEN ember_status record_spikes(ember_network *net, spike_rec *s, size_t n);
EMBER_HIDDEN void recorder_free(recorder *r);

/* plasticity/stdp_net.c: spike-timing plasticity and weight recording */
EMBER_HIDDEN ember_status stdp_setup(ember_network *net);
EMBER_HIDDEN ember_status stdp_begin_interval(ember_network *net, double ta, double tb);
/* A plastic event reaches its neuron: updates the synapse, returns the weight
 * to apply and the model receptor in *receptor. */
EMBER_HIDDEN double stdp_arrive(const struct stdp_in *in, const ember_event *e, size_t *receptor);
EMBER_HIDDEN void stdp_post_spike(const struct stdp_in *in, uint32_t id, double t);
EMBER_HIDDEN ember_status stdp_end_interval(ember_network *net);
EMBER_HIDDEN ember_status stdp_open_output(ember_network *net, const sonata_attr *a, size_t n);
EMBER_HIDDEN ember_status stdp_flush(ember_network *net);
EMBER_HIDDEN ember_status stdp_close_output(ember_network *net, const sonata_attr *a, size_t n);
EMBER_HIDDEN void stdp_free(ember_network *net);
EMBER_HIDDEN double stdp_weight(const ember_projection *proj, size_t k);
EMBER_HIDDEN ember_status stdp_weights_changed(ember_projection *proj);

/* engine.c */
EMBER_HIDDEN void engine_free(ember_network *net);

#endif
