/* Internal: LTC circuits as populations of the network (lib/ltc_pop.c), the
 * graded currents they send to spiking populations, and the time series that
 * feed them (lib/ltc_series.c). The engine calls the hooks below; all the logic
 * is in those two files. */
#ifndef EMBER_LTC_POP_H
#define EMBER_LTC_POP_H

#include <gsl/gsl_odeiv2.h>
#include "internal.h"
#include "ember/ltc.h"

/* Series owned by the network. */
struct ember_series {
  ember_network *net;
  size_t k, n;            /* channels, samples */
  double *x;              /* n x k values */
  double *t;              /* n start times (ms), increasing */
  double t_end;           /* end of the last sample's step (ms), may be INFINITY */
};

typedef struct ltc_net {
  ember_series **series;
  size_t n_series, cap_series;
} ltc_net;

typedef struct ltc_pop ltc_pop;

/* The runtime of one LTC population (lib/ltc_pop.c; ltc_coupling.c reads the
 * held conductances and the schedule). */
typedef struct ev_ref {   /* an event of this interval, for the time-ordered list */
  double t;
  size_t idx;             /* into the queue's sorted array */
} ev_ref;

struct ltc_pop {
  ember_population *pop;
  ember_ltc *c;
  ember_ltc_schedule_fn sched;   /* called at every interval start, or NULL */
  void *sched_user;
  ember_series *series;   /* feeding the inputs, or NULL */
  size_t cur;             /* samples of the series applied so far (the one in force: cur - 1) */
  int has_syn;            /* receives spikes: conductances are integrated */
  int has_sig;            /* receives LTC -> LTC sigmoid synapses (held conductances) */
  double *hse, *hsi;      /* their excitatory / inhibitory conductance (N), held over the interval */
  double *ss0, *sse0;     /* the sensory drive alone (N) while the held ones are added to c->gs */
  int reset;              /* a jump since the last GSL step: no stepper history carries over */
  double *ge, *gi;        /* spike-driven conductances (N), at the population's time */
  double *ie, *ii;        /* 1 / tau_syn (1/ms), from the parameters at the interval start */
  double *gs0, *gse0;     /* the sensory drive alone (N), while ge/gi are folded into c->gs */
  double *ce, *ci;        /* fused: conductances held over the current sub-step */
  double *vs, *sa, *sb;   /* scratch: a state between sub-steps, synaptic sums */
  ev_ref *ev;
  size_t ev_cap;
  int n_crec;             /* projections into it whose currents are recorded per synapse */
  uint64_t kcur[EMBER_MAX_RECORDERS];   /* next frame of each recorder */
  gsl_odeiv2_system sys;  /* GSL with spike-driven conductances: pop_rhs */
};

/* The "model" of LTC populations: its name ("ltc"), the state variables that can
 * be read, set and recorded (v, output, tau, gsyn_exc, gsyn_inh), the parameters
 * of the spike-driven synapses, and the receptors. Not in the model registry. */
EMBER_HIDDEN extern const ember_model ltc_pop_model;
enum { LTC_V, LTC_OUTPUT, LTC_TAU, LTC_GEXC, LTC_GINH, LTC_SYNI, LTC_SENSI, LTC_PROJI };

/* A recorder of LTC_PROJI (current.h5): the currents of a projection's synapses
 * into an LTC population (recorder.ext). Columns as weight.h5: grouped by
 * postsynaptic neuron (recorder.ids, ascending), then synapse index. */
typedef struct ltc_crec {
  ember_projection *pj;
  double *g;              /* per column: the synapse's own conductance; from spikes at the
                           * population's time (jumps by w, decays as its neuron's), from an
                           * LTC population held over the interval */
  int32_t *col_of;        /* per synapse of pj: its column, or -1 */
} ltc_crec;

/* ltc_pop.c */
EMBER_HIDDEN void ltc_pop_free(ltc_pop *p);
/* At the first run, before anything is built: what LTC populations cannot do
 * (spike-timing plasticity on their projections). */
EMBER_HIDDEN ember_status ltc_net_check(ember_network *net);
/* At the first run, after the files are open: scratch, threads, graded current
 * buffers, DIR/circuits/<label>.h5. */
EMBER_HIDDEN ember_status ltc_net_freeze(ember_network *net);
/* Before an interval [ta, ...): queues the graded currents from LTC populations
 * into their spiking targets, as changes at ta, in the interval's slot. */
EMBER_HIDDEN ember_status ltc_net_schedule(ember_network *net, double ta, int64_t slice);
/* Advances every LTC population over [ta, tb], each as one ODE system (with its
 * own OpenMP threads for large circuits; called outside any parallel region). */
EMBER_HIDDEN ember_status ltc_net_advance(ember_network *net, double ta, double tb);
EMBER_HIDDEN ember_status ltc_pop_get(const ember_population *pop, int var, double *out);
EMBER_HIDDEN ember_status ltc_pop_set(ember_population *pop, int var, const double *v,
                                      const uint32_t *ids, size_t n);
/* ember_population_record for an LTC population: "spikes" is refused; "output"
 * defaults to (and is limited to) the motor neurons 0..M-1: then *ids may be
 * replaced by *owned, which the caller frees. */
EMBER_HIDDEN ember_status ltc_pop_record_ids(ember_population *pop, const char *what,
                                             const uint32_t **ids, size_t *n_ids, uint32_t **owned);
/* The circuit's solver settings as text, for the "solvers" provenance. */
EMBER_HIDDEN void ltc_pop_solver_text(const ember_population *pop, char *buf, size_t len);
/* ember_series_feed's work on the population side. */
EMBER_HIDDEN ember_status ltc_series_attach(ember_population *pop, ember_series *s);

/* ltc_currents.c: synapse-level recorders (syn_current, sensory_current). */
/* After a recorder of pop was added: its columns (every synapse onto its neurons)
 * if it records a synapse-level quantity; else nothing. */
EMBER_HIDDEN ember_status ltc_pop_record_columns(ember_population *pop, recorder *rc);
/* One frame of such a recorder from the state v (N) and the circuit's input. */
EMBER_HIDDEN void ltc_currents_frame(const ember_ltc *c, const recorder *rc, const double *v,
                                     float *dst);

/* The reversal potential of receptor r (0 excitatory, 1 inhibitory) of neuron j. */
EMBER_HIDDEN double ltc_pop_erev(const ltc_pop *p, size_t j, size_t r);
/* ltc_currents.c: per-synapse currents of projections into LTC populations. */
/* A spike arriving at synapse k of a projection whose currents are recorded. */
EMBER_HIDDEN void ltc_crec_arrive(const ember_projection *pj, size_t k, double w);
/* Every recorded spike-driven synapse of p decays over L ms, as its neuron's conductance. */
EMBER_HIDDEN void ltc_crec_decay(ltc_pop *p, double L);
/* One frame of such a recorder at state v, with the conductances ge, gi this
 * frame sees (p->ge, p->gi, or the fused solver's held ones). */
EMBER_HIDDEN void ltc_crec_frame(const ltc_pop *p, const recorder *rc, const double *v,
                                 const double *ge, const double *gi, float *dst);

/* ltc_series.c */
EMBER_HIDDEN void ltc_net_free(ember_network *net);

#endif
