/* Liquid time-constant (LTC) circuits (Hasani et al., AAAI 2021), compatible with
 * the ncps library: wirings, parameters, the fused and adaptive solvers, and the
 * quantities that explain a neuron (v, readout, liquid time constant, synaptic
 * currents). See docs/ltc.md for the equations, units and the HDF5 schema.
 *
 * Time in this API is the circuit's own time unit: one ncps step with the default
 * elapsed time is 1.0. Matrices are row-major [source, destination], like ncps. */
#ifndef EMBER_LTC_H
#define EMBER_LTC_H

#include <stddef.h>
#include <stdint.h>
#include "ember/export.h"
#include "ember/status.h"
#include "ember/network.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct ember_ltc ember_ltc;

/* ---------------------------------------------------------------- wiring --- */

typedef enum ember_ltc_wiring_kind {
  EMBER_LTC_FULLY_CONNECTED,  /* every neuron to every neuron, polarity -1 w.p. 1/3 */
  EMBER_LTC_RANDOM,           /* round(N^2 (1 - sparsity)) synapses, uniformly */
  EMBER_LTC_NCP,              /* inter -> command -> motor layers (Lechner et al. 2020) */
  EMBER_LTC_AUTO_NCP          /* NCP whose layer sizes derive from units, outputs, sparsity */
} ember_ltc_wiring_kind;

/* What to build. Fields a kind does not use are ignored. */
typedef struct ember_ltc_wiring_spec {
  ember_ltc_wiring_kind kind;
  size_t inputs;              /* K sensory channels */
  size_t units;               /* N neurons (all kinds but NCP) */
  size_t outputs;             /* M motor neurons = readouts (NCP: motor neurons); 0 -> N */
  int no_self_connections;    /* FULLY_CONNECTED: leave out i -> i */
  double sparsity;            /* RANDOM: in [0, 1); AUTO_NCP: in [0.1, 1], 0 -> 0.5 */
  /* NCP only */
  size_t inter, command;      /* layer sizes */
  size_t sensory_fanout;      /* inter neurons each input reaches (<= inter) */
  size_t inter_fanout;        /* command neurons each inter neuron reaches (<= command) */
  size_t recurrent_command;   /* random command -> command synapses drawn */
  size_t motor_fanin;         /* command neurons feeding each motor neuron (<= command) */
} ember_ltc_wiring_spec;

/* Neuron roles; in NCP wirings motor neurons are 0..M-1, then command, then inter
 * (ncps' numbering). Other wirings have motor then inter. */
typedef enum ember_ltc_role { EMBER_LTC_MOTOR, EMBER_LTC_COMMAND, EMBER_LTC_INTER } ember_ltc_role;

/* -------------------------------------------------------------- circuit --- */

/* A new, empty circuit (no neurons); NULL if out of memory. Build it with
 * ember_ltc_build or ember_ltc_load. Free with ember_ltc_free (NULL: no-op). */
EMBER_API ember_ltc *ember_ltc_new(void);
EMBER_API void ember_ltc_free(ember_ltc *c);
/* The detailed message of the last failed call on c. */
EMBER_API const char *ember_ltc_error(const ember_ltc *c);

/* Flags of ember_ltc_build. */
enum {
  /* Pass w, sensory_w, cm and gleak through softplus after drawing them, as
   * ncps.torch.LTC does by default (implicit_param_constraints=True). */
  EMBER_LTC_INIT_SOFTPLUS = 1
};

/* Generates the wiring from spec and draws every parameter from ncps' initial
 * ranges, all from counter-based streams of `seed` (same circuit for any thread
 * count or platform). Replaces whatever c held; on error c is left empty. */
EMBER_API ember_status ember_ltc_build(ember_ltc *c, const ember_ltc_wiring_spec *spec,
                                       uint64_t seed, unsigned flags);
/* Loads parameters (and the wiring, if stored) from an HDF5 file in the schema of
 * docs/ltc.md. Replaces whatever c held. */
EMBER_API ember_status ember_ltc_load(ember_ltc *c, const char *path);
/* Writes parameters and wiring in the same schema (the file is replaced). */
EMBER_API ember_status ember_ltc_save(ember_ltc *c, const char *path);

EMBER_API size_t ember_ltc_units(const ember_ltc *c);     /* N */
EMBER_API size_t ember_ltc_inputs(const ember_ltc *c);    /* K */
EMBER_API size_t ember_ltc_outputs(const ember_ltc *c);   /* M */
EMBER_API size_t ember_ltc_synapse_count(const ember_ltc *c);
EMBER_API size_t ember_ltc_sensory_synapse_count(const ember_ltc *c);
EMBER_API ember_ltc_role ember_ltc_role_of(const ember_ltc *c, size_t neuron);

/* Synapse k (0 <= k < synapse_count) in storage order: sorted by destination,
 * then source. polarity is the wiring's sign (+1 excitatory, -1 inhibitory). */
EMBER_API ember_status ember_ltc_synapse(const ember_ltc *c, size_t k, uint32_t *src,
                                         uint32_t *dest, int *polarity);
EMBER_API ember_status ember_ltc_sensory_synapse(const ember_ltc *c, size_t k, uint32_t *src,
                                                 uint32_t *dest, int *polarity);
/* The wiring as ncps' adjacency matrices (int8 polarity, 0 = no synapse):
 * adj[src * N + dest] (N x N) and sensory[src * N + dest] (K x N). Either may be NULL. */
EMBER_API ember_status ember_ltc_adjacency(const ember_ltc *c, int8_t *adj, int8_t *sensory);

/* Parameter `name` of the schema, dense as in the file: gleak vleak cm (N); w sigma
 * mu erev (N x N, 0 off the wiring); sensory_w sensory_sigma sensory_mu
 * sensory_erev (K x N); input_w input_b (K); output_w output_b (M). */
EMBER_API ember_status ember_ltc_get_param(const ember_ltc *c, const char *name, double *out);
/* Sets it from the same layout. Synaptic matrices only change values on existing
 * synapses (entries off the wiring must be 0); w, sensory_w, cm, gleak must be
 * >= 0 (cm > 0). On error nothing changes. */
EMBER_API ember_status ember_ltc_set_param(ember_ltc *c, const char *name, const double *values);
/* Number of doubles of parameter `name` (0 for an unknown name). */
EMBER_API size_t ember_ltc_param_size(const ember_ltc *c, const char *name);
/* The same in the synapse-list layout: a synaptic parameter (w sigma mu erev,
 * sensory_*) is one value per synapse in storage order (synapse k of
 * ember_ltc_synapse / ember_ltc_sensory_synapse), O(synapses) instead of N x N;
 * vectors as above. Same checks as ember_ltc_set_param; on error nothing changes. */
EMBER_API size_t ember_ltc_param_list_size(const ember_ltc *c, const char *name);
EMBER_API ember_status ember_ltc_get_param_list(const ember_ltc *c, const char *name, double *out);
EMBER_API ember_status ember_ltc_set_param_list(ember_ltc *c, const char *name, const double *values);

/* --------------------------------------------------------------- solver --- */

typedef struct ember_ltc_solver_opts {
  const char *method;  /* "fused" (ncps' semi-implicit Euler) or a GSL explicit stepper:
                          rk2 rk4 rkf45 rkck rk8pd. Default "fused". */
  int ode_unfolds;     /* fused: sub-steps per input step, default 6 */
  double epsilon;      /* fused: added to the denominator as ncps does, default 1e-8 */
  double abstol;       /* GSL: default 1e-8 */
  double reltol;       /* GSL: default 1e-8 */
  double max_step;     /* GSL: largest internal step, default 0 = no limit */
} ember_ltc_solver_opts;

EMBER_API ember_ltc_solver_opts ember_ltc_solver_defaults(void);
/* Chooses the solver. A fused step is ncps' update; a GSL step integrates the
 * continuous ODE over the elapsed time with the input held constant. */
EMBER_API ember_status ember_ltc_set_solver(ember_ltc *c, const ember_ltc_solver_opts *o);
/* Threads for circuits of >= EMBER_LTC_PARALLEL_MIN neurons (OpenMP). The results
 * are bit-identical for any thread count. */
#define EMBER_LTC_PARALLEL_MIN 10000
EMBER_API ember_status ember_ltc_set_threads(ember_ltc *c, int threads);
/* The synapse kernel of every LTC circuit in the process: "avx2" (x86-64 with AVX2
 * and FMA, chosen at load time when the CPU has them) or "generic" (portable C);
 * "auto" picks as at load time. Both compute the same sums in the same order but
 * round slightly differently, so bits may differ between kernels (never between
 * thread counts). EMBER_ERR_INVALID: this CPU lacks the kernel's instructions;
 * EMBER_ERR_UNKNOWN: no such kernel. Not to be called while a circuit runs. */
EMBER_API ember_status ember_ltc_set_kernel(const char *name);
EMBER_API const char *ember_ltc_kernel(void);

/* ------------------------------------------------------------- stepping --- */

/* Sets the raw input x[0..K) (before the affine input map); it holds until the
 * next call. Initially 0. */
EMBER_API ember_status ember_ltc_set_input(ember_ltc *c, const double *x);
/* Advances by `elapsed` (> 0) with the current input: one ncps step. */
EMBER_API ember_status ember_ltc_step(ember_ltc *c, double elapsed);
/* Runs a series of T steps: input x[t*K..] held for elapsed[t] (NULL: all 1.0, like
 * ncps without timespans). After each step writes the readout to out[t*M..] and the
 * state to states[t*N..] when those are not NULL. */
EMBER_API ember_status ember_ltc_run(ember_ltc *c, const double *x, const double *elapsed,
                                     size_t T, double *out, double *states);

/* Right-hand side evaluations since the last reset (a fused sub-step counts as
 * one): the machine-independent cost of a solver. */
EMBER_API uint64_t ember_ltc_rhs_count(const ember_ltc *c);
/* Time advanced so far, in circuit time units. */
EMBER_API double ember_ltc_time(const ember_ltc *c);
/* Resets time and the evaluation count to 0 and v to `v0` (N values; NULL: all 0,
 * ncps' default). */
EMBER_API ember_status ember_ltc_reset(ember_ltc *c, const double *v0);
EMBER_API ember_status ember_ltc_set_v(ember_ltc *c, const double *v);

/* ---------------------------------------------------------- observables --- */

/* Membrane states v (N). */
EMBER_API ember_status ember_ltc_get_v(const ember_ltc *c, double *v);
/* Readout y_m = output_w_m v_m + output_b_m (M). */
EMBER_API ember_status ember_ltc_get_output(const ember_ltc *c, double *y);
/* Liquid time constant tau_j = cm_j / (gleak_j + sum of the synaptic and sensory
 * conductances onto j), at the current state and input (N). */
EMBER_API ember_status ember_ltc_get_tau(ember_ltc *c, double *tau);
/* Each synapse's current w sigma(.) (erev - v_dest) at the current state, in
 * storage order (see ember_ltc_synapse); sensory may be NULL. */
EMBER_API ember_status ember_ltc_get_currents(ember_ltc *c, double *syn, double *sensory);


/* ------------------------------------------------------------ in a network --- */
/* An LTC circuit as a population of a network (kind and model name "ltc"), and
 * the time series that drive its inputs. Semantics (time unit, stepping, coupling
 * to spiking populations) in docs/ltc.md, "LTC populations in a network". */

/* Makes `circuit` (built or loaded, N >= 1 neurons) the population `label` of
 * net: ids 0..N-1 as in the circuit, motor neurons first. The network takes
 * ownership of the circuit in every case: on error it is freed. 1 ms of network
 * time is 1 unit of the circuit's time (one ncps step of elapsed time 1). The
 * circuit's solver (ember_ltc_set_solver) is the population's; set it before. */
EMBER_API ember_status ember_ltc_population_new(ember_network *net, const char *label,
                                                ember_ltc *circuit, ember_population **out);
/* The circuit of an LTC population (owned by the network), or NULL for any other
 * population. Read it freely between runs; change parameters only between runs. */
EMBER_API ember_ltc *ember_ltc_population_circuit(const ember_population *pop);
/* A schedule: called at the start of every communication interval (the thread that
 * runs the network, never inside a parallel region) with t = the interval start, to
 * change the circuit between intervals, e.g. its learning rate
 * (ember_ltc_set_learning_rate). Returns EMBER_OK, or a status and a message in msg,
 * which stops the run. NULL removes it. */
typedef ember_status (*ember_ltc_schedule_fn)(ember_population *pop, double t, void *user,
                                              char *msg, size_t msglen);
EMBER_API ember_status ember_ltc_population_set_schedule(ember_population *pop,
                                                         ember_ltc_schedule_fn fn, void *user);

/* Records the per-synapse currents "syn_current" (internal synapses, element =
 * index k of ember_ltc_synapse) or "sensory_current" (input synapses, index of
 * ember_ltc_sensory_synapse) of the listed synapses only, into
 * DIR/<what>.h5 /report/<label> (a synapse-level SONATA report: nodes = their
 * postsynaptic neurons, ascending). ember_population_record(pop, what, ...)
 * records every synapse onto the given neurons. Before the first run. */
EMBER_API ember_status ember_ltc_population_record_synapses(ember_population *pop, const char *what,
                                                            double interval, const size_t *synapses,
                                                            size_t n);

/* A projection between two LTC populations (ember_projection_new with receptor
 * "excitatory" or "inhibitory", weights w >= 0 in conductance units, no delay) is
 * a sigmoid synapse of the presynaptic membrane: the target j receives the
 * conductance g_j = sum_i w_ij sigma(sigma (v_i(ta) - mu)) towards e_rev_E or
 * e_rev_I, with v_i sampled at the start ta of each communication interval and
 * held over it (docs/ltc.md). This sets sigma (1/mV) and mu (mV) of the whole
 * projection (defaults 5.5 and 0.55, the middle of ncps' initial ranges).
 * Before the first run. */
EMBER_API ember_status ember_projection_set_sigmoid(ember_projection *pj, double sigma, double mu);

/* Records, every `interval` ms, the current each listed synapse of pj (NULL: all)
 * drives into its LTC target neuron j: I_k = g_k (e_rev - v_j), g_k the part of
 * j's conductance due to synapse k alone (from spikes: jumps by w_k at its
 * arrivals, decays with tau_syn; from an LTC population: w_k sigma(sigma
 * (v_pre(ta) - mu)), held over the interval), e_rev the receptor's. Circuit
 * units (conductance of gleak x mV, like syn_current.h5). Into DIR/current.h5
 * /report/<pj's label>: a synapse-level SONATA report (weight.h5's layout: nodes
 * = postsynaptic neurons ascending, element = synapse index in pj). pj must end
 * in an LTC population. Before the first run. */
EMBER_API ember_status ember_projection_record_currents(ember_projection *pj, double interval,
                                                        const size_t *synapses, size_t n);

typedef struct ember_series ember_series;   /* owned by its network */

/* A time series of `channels` values, piecewise constant: sample k
 * (values[k * channels ..]) holds from times[k] (ms, strictly increasing, >= 0)
 * until times[k + 1], the last one until the end of the run. Before times[0] the
 * input is 0 (ncps' default). t_end (> times[n-1], or INFINITY) is where the last
 * sample's own step ends: it only sets the fused solver's sub-step there (see
 * docs/ltc.md). A regular series of step s is times[k] = start + k s,
 * t_end = start + n s; ncps' elapsed times d_k are times[k] = sum of d_i for i < k,
 * t_end = sum of all. The values are copied. */
EMBER_API ember_status ember_series_new(ember_network *net, size_t channels, size_t n,
                                        const double *values, const double *times, double t_end,
                                        ember_series **out);
/* Feeds the series into the K inputs of an LTC population (channels must equal
 * K; one series per population; a series may feed several). Before the first run. */
EMBER_API ember_status ember_series_feed(ember_series *s, ember_population *ltc_pop);
EMBER_API size_t ember_series_channels(const ember_series *s);
EMBER_API size_t ember_series_length(const ember_series *s);

/* Reads a series' values from a file: HDF5 when `dataset` is not NULL (a 2-D
 * dataset [samples x channels], or 1-D for one channel), else CSV (one sample per
 * line, channels separated by commas; blank lines and lines starting with '#'
 * skipped; a first line that is not numeric is a header). *values is malloc'ed
 * (caller frees). On failure writes a message into msg. */
EMBER_API ember_status ember_series_read_file(const char *path, const char *dataset,
                                              double **values, size_t *n, size_t *channels,
                                              char *msg, size_t msglen);

#ifdef __cplusplus
}
#endif
#endif
