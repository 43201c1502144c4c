/* Building and running a network: populations, spike and current sources,
 * projections, recorders, and the event-driven run loop. */
#ifndef EMBER_NETWORK_H
#define EMBER_NETWORK_H

#include <stddef.h>
#include <stdint.h>
#include "ember/export.h"
#include "ember/status.h"
#include "ember/model.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct ember_network ember_network;
typedef struct ember_population ember_population;   /* owned by its network */
typedef struct ember_projection ember_projection;   /* owned by its network */
typedef struct ember_current_source ember_current_source; /* owned by its network */

/* ---------------------------------------------------------------- values --- */

/* A value drawn per element (neuron or synapse): a constant or a distribution.
 * Draws come from counter-based streams keyed by (seed, object, element), so they
 * do not depend on the order of calls or on the number of threads. */
typedef enum ember_dist_kind { EMBER_DIST_CONST, EMBER_DIST_UNIFORM, EMBER_DIST_NORMAL } ember_dist_kind;
typedef struct ember_dist {
  ember_dist_kind kind;
  double a, b;            /* const: a; uniform: [a, b); normal: mean a, sd b */
} ember_dist;

/* --------------------------------------------------------------- network --- */

/* A new, empty network whose random streams derive from `seed`. NULL if out of memory. */
EMBER_API ember_network *ember_network_new(uint64_t seed);
/* Frees the network and everything it owns; closes output files. NULL is a no-op. */
EMBER_API void ember_network_free(ember_network *net);
/* The detailed message of the last failed call on this network (or its parts). */
EMBER_API const char *ember_network_error(const ember_network *net);
EMBER_API uint64_t ember_network_seed(const ember_network *net);
/* Changes the seed; only while the network is still empty. */
EMBER_API ember_status ember_network_set_seed(ember_network *net, uint64_t seed);
/* Communication interval (ms). Default: the smallest delay in the network. Every
 * delay must be >= min_delay. Only before the first run. */
EMBER_API ember_status ember_network_set_min_delay(ember_network *net, double ms);
/* Threads used to advance neurons (OpenMP). Results do not depend on it. */
EMBER_API ember_status ember_network_set_threads(ember_network *net, int threads);
EMBER_API int ember_network_threads(const ember_network *net);
/* Simulated time reached so far (ms). */
EMBER_API double ember_network_time(const ember_network *net);
/* Communication interval in use (valid after the first run; before, the value that
 * the first run would use). */
EMBER_API double ember_network_min_delay(const ember_network *net);

/* --------------------------------------------------------- populations --- */

/* Solver settings of a population. method: "exact" (models with a closed form),
 * or a GSL stepper name: rk2 rk4 rkf45 rkck rk8pd rk1imp rk2imp rk4imp bsimp
 * msadams msbdf. */
typedef struct ember_solver_opts {
  const char *method;     /* default: "exact" where the model has one, else "rkf45" */
  double abstol;          /* default 1e-9 (state units) */
  double reltol;          /* default 1e-9 */
  double root_tol;        /* spike-time bracket width (ms), default 1e-9 */
  double max_step;        /* largest step (ms), default 1 */
} ember_solver_opts;
/* The defaults above, for `model` (whose exact solver decides the method). */
EMBER_API ember_solver_opts ember_solver_defaults(const ember_model *model);

/* A population of n neurons of `model`, all parameters at their defaults.
 * Labels are unique in a network. */
EMBER_API ember_status ember_population_new(ember_network *net, const char *label, size_t n,
                                            const char *model, ember_population **out);
/* A spike source population: "poisson" (rate Hz, start ms, stop ms) or "spike_array"
 * (times given with ember_population_set_spike_times). */
EMBER_API ember_status ember_source_population_new(ember_network *net, const char *label,
                                                   size_t n, const char *kind,
                                                   ember_population **out);
EMBER_API ember_status ember_population_set_solver(ember_population *pop,
                                                   const ember_solver_opts *opts);
EMBER_API ember_population *ember_network_population(const ember_network *net, const char *label);
EMBER_API size_t ember_network_population_count(const ember_network *net);
EMBER_API ember_population *ember_network_population_at(const ember_network *net, size_t i);

EMBER_API const char *ember_population_label(const ember_population *pop);
EMBER_API size_t ember_population_size(const ember_population *pop);
/* The neuron model, or NULL for a spike source. */
EMBER_API const ember_model *ember_population_model(const ember_population *pop);
/* "poisson", "spike_array", or the model's name. */
EMBER_API const char *ember_population_kind(const ember_population *pop);
EMBER_API const char *ember_population_solver(const ember_population *pop);

/* Parameter tables of the population's kind (models and spike sources alike). */
EMBER_API size_t ember_population_param_count(const ember_population *pop);
EMBER_API const ember_param_info *ember_population_param_info(const ember_population *pop, size_t i);

/* Sets parameter `name` on neurons ids[0..n_ids) (all neurons if ids == NULL) from
 * `value`. Checks the range of every value drawn; on error nothing changes. */
EMBER_API ember_status ember_population_set_param(ember_population *pop, const char *name,
                                                  const ember_dist *value,
                                                  const uint32_t *ids, size_t n_ids);
/* Same with explicit per-neuron values (values[k] for ids[k], or neuron k). */
EMBER_API ember_status ember_population_set_param_array(ember_population *pop, const char *name,
                                                        const double *values,
                                                        const uint32_t *ids, size_t n);
/* Sets state variable `name` (initialize). Same conventions as set_param. */
EMBER_API ember_status ember_population_set_state(ember_population *pop, const char *name,
                                                  const ember_dist *value,
                                                  const uint32_t *ids, size_t n_ids);
EMBER_API ember_status ember_population_set_state_array(ember_population *pop, const char *name,
                                                        const double *values,
                                                        const uint32_t *ids, size_t n);
/* Copies parameter or state variable `name` of all neurons into out[0..size). */
EMBER_API ember_status ember_population_get(const ember_population *pop, const char *name,
                                            double *out);
/* spike_array sources: the spike times (ms, sorted ascending) of neuron `id`. */
EMBER_API ember_status ember_population_set_spike_times(ember_population *pop, uint32_t id,
                                                        const double *times, size_t n);

/* Spikes emitted by the population since the network was created. */
EMBER_API uint64_t ember_population_spike_count(const ember_population *pop);

/* --------------------------------------------------------- projections --- */

typedef enum ember_connector_kind {
  EMBER_CONN_ALL_TO_ALL,
  EMBER_CONN_ONE_TO_ONE,
  EMBER_CONN_FIXED_PROBABILITY,   /* p */
  EMBER_CONN_FIXED_NUMBER_PRE,    /* n presynaptic neurons per target, no repeats */
  EMBER_CONN_FROM_LIST            /* explicit (pre, post, weight, delay) rows */
} ember_connector_kind;

typedef struct ember_connection {   /* one row of a FROM_LIST connector */
  uint32_t pre, post;
  double weight, delay;           /* NaN: use the projection's weight / delay */
} ember_connection;

typedef struct ember_connector {
  ember_connector_kind kind;
  double p;                        /* FIXED_PROBABILITY */
  size_t n;                        /* FIXED_NUMBER_PRE; FROM_LIST: rows */
  int allow_autapses;              /* when pre == post: default 1 */
  const ember_connection *list;    /* FROM_LIST */
} ember_connector;

/* Connects pre -> post on the named receptor of post's model. Weights are in the
 * receptor's unit; delays (ms) must be >= min_delay and > 0. */
EMBER_API ember_status ember_projection_new(ember_network *net, ember_population *pre,
                                            ember_population *post, const ember_connector *conn,
                                            const ember_dist *weight, const ember_dist *delay,
                                            const char *receptor, ember_projection **out);
EMBER_API size_t ember_network_projection_count(const ember_network *net);
EMBER_API ember_projection *ember_network_projection_at(const ember_network *net, size_t i);
EMBER_API size_t ember_projection_size(const ember_projection *proj);
EMBER_API const char *ember_projection_label(const ember_projection *proj);
EMBER_API ember_population *ember_projection_pre(const ember_projection *proj);
EMBER_API ember_population *ember_projection_post(const ember_projection *proj);
/* The receptor of post's model the projection targets ("excitatory", ...); ""
 * for a projection onto no model receptor. */
EMBER_API const char *ember_projection_receptor(const ember_projection *proj);
/* Synapse k in storage order (sorted by pre, then creation order). */
EMBER_API ember_status ember_projection_get(const ember_projection *proj, size_t k,
                                            uint32_t *pre, uint32_t *post,
                                            double *weight, double *delay);
/* Replaces all weights (between runs). */
EMBER_API ember_status ember_projection_set_weights(ember_projection *proj, const ember_dist *w);
/* Replaces all weights with w[k] for synapse k in storage order (as
 * ember_projection_get); n must be the projection's size. Every value is checked
 * (finite, the receptor's sign) before any is changed. */
EMBER_API ember_status ember_projection_set_weight_array(ember_projection *proj, const double *w,
                                                        size_t n);

/* ------------------------------------------------------ current sources --- */

/* A piecewise-constant current (nA): amplitude[k] from times[k] on; 0 before
 * times[0]. DC is {start, stop} -> {amplitude, 0}. Changes are events: the solver
 * stops exactly at each one. */
EMBER_API ember_status ember_current_source_new(ember_network *net, const double *times,
                                                const double *amplitudes, size_t n,
                                                ember_current_source **out);
/* Injects into neurons ids of pop (all if ids == NULL). */
EMBER_API ember_status ember_current_source_inject(ember_current_source *src,
                                                   ember_population *pop,
                                                   const uint32_t *ids, size_t n_ids);

/* ----------------------------------------------------------- recording --- */

/* Records "spikes" or a state variable of neurons ids (all if NULL) every
 * `interval` ms (ignored for spikes; default 0.1 when <= 0). Only before the
 * first run. */
EMBER_API ember_status ember_population_record(ember_population *pop, const char *what,
                                               double interval, const uint32_t *ids,
                                               size_t n_ids);
/* Recorded spikes of the population so far, in time order. The arrays stay valid
 * until the next run or the network is freed. */
EMBER_API size_t ember_population_recorded_spikes(const ember_population *pop,
                                                  const double **times, const uint32_t **ids);

/* Key/value text stored with the output files as provenance (e.g. "script"). */
EMBER_API ember_status ember_network_set_provenance(ember_network *net, const char *key,
                                                    const char *value);
/* Directory for the SONATA files (created if missing). Without it nothing is
 * written to disk; recorded spikes are still kept in memory. Before the first run. */
EMBER_API ember_status ember_network_set_output(ember_network *net, const char *dir);
/* Seconds of wall time between flushes of the output files (default 1). */
EMBER_API ember_status ember_network_set_flush_interval(ember_network *net, double seconds);
/* Flushes and closes the output files; later runs are refused. Idempotent. */
EMBER_API ember_status ember_network_close_output(ember_network *net);

/* ----------------------------------------------------------------- run --- */

typedef struct ember_progress {
  double t, t_stop;        /* ms */
  double wall;             /* seconds since this run started */
  uint64_t spikes;         /* spikes in this run so far */
} ember_progress;
typedef void (*ember_progress_fn)(const ember_progress *p, void *user);
/* Called from the main thread about every `every_wall` seconds during a run. */
EMBER_API void ember_network_set_progress(ember_network *net, ember_progress_fn fn,
                                          void *user, double every_wall);

/* One spike: time (ms), population index (as in ember_network_population_at) and
 * neuron index within the population. */
typedef struct ember_spike {
  double t;
  uint32_t pop;
  uint32_t id;
} ember_spike;

/* What an observer sees after each communication interval [t_begin, t_end): the
 * spikes emitted in it, in canonical order (population, neuron, time). */
typedef struct ember_interval {
  double t_begin, t_end;   /* ms */
  const ember_spike *spikes;
  size_t n_spikes;
} ember_interval;
/* Returns 0 to go on; nonzero asks the run to stop (as ember_network_request_stop). */
typedef int (*ember_observer_fn)(const ember_interval *iv, void *user);
/* Calls fn on the running thread after every interval of every run (NULL: none).
 * Inside fn the network may be read (ember_population_get, recorded spikes) but not
 * changed. For live views: copy what is needed and return quickly. */
EMBER_API void ember_network_set_observer(ember_network *net, ember_observer_fn fn, void *user);

/* Advances the network by `duration` ms. Can be called again to continue. On a
 * runtime failure (solver, non-finite state) the message names the population,
 * neuron and time; what was recorded up to then is written and kept. */
EMBER_API ember_status ember_network_run(ember_network *net, double duration);
/* Asks a running ember_network_run to stop at the next interval boundary; it then
 * returns EMBER_ERR_INTERRUPTED. Async-signal-safe. */
EMBER_API void ember_network_request_stop(ember_network *net);

EMBER_API const char *ember_version(void);

#ifdef __cplusplus
}
#endif
#endif
