/* Internal: the interface of a spike-timing plasticity rule (one rule per file in
 * lib/plasticity/, registered in stdp_registry.c), and the weight dependences the
 * rules share.
 *
 * The engine (stdp_net.c) keeps, per synapse, the weight w, the time of the
 * synapse's last presynaptic arrival and `n_syn` trace values as they were just
 * after that arrival; per postsynaptic neuron, the time of its last spike and
 * `n_post` trace values just after it. Traces decay exponentially between
 * spikes, so a rule gets the elapsed times and decays them exactly. */
#ifndef EMBER_STDP_RULE_H
#define EMBER_STDP_RULE_H

#include <math.h>
#include <stddef.h>
#include "ember/stdp.h"

#define STDP_MAX_PARAMS 16
#define STDP_MAX_SET 12

/* A named parameter set: the values it fixes; the others keep their defaults. */
typedef struct stdp_set {
  const char *name;
  struct { const char *name; double value; } v[STDP_MAX_SET];
} stdp_set;

struct ember_stdp_rule {
  const char *name;
  const ember_stdp_param *params;
  size_t n_params;
  const stdp_set *sets;
  size_t n_sets;
  size_t n_syn;    /* trace values per synapse */
  size_t n_post;   /* trace values per postsynaptic neuron */
  /* Checks constraints between parameters (p = values in table order); on failure
   * writes a message naming them and returns EMBER_ERR_INVALID. */
  ember_status (*prepare)(const double *p, char *msg, size_t msglen);
  /* A presynaptic spike reaches the synapse: dt_syn ms after the synapse's last
   * arrival, dt_post ms after the neuron's last spike (inf if none). Returns the
   * depressed weight and updates the synapse's traces (now at this arrival). */
  double (*on_pre)(const double *p, double *syn, double dt_syn, const double *post, double dt_post,
                   double w);
  /* The postsynaptic neuron spikes: returns the potentiated weight of one
   * incoming synapse (its traces are read, not changed). Called for every
   * synapse before post_spike. */
  double (*on_post)(const double *p, const double *syn, double dt_syn, const double *post,
                    double dt_post, double w);
  /* Then the neuron's own traces take the spike (dt_post since the last one). */
  void (*post_spike)(const double *p, double *post, double dt_post);
};

/* Pairing schemes: all-to-all (traces add up: x <- x + 1) or nearest spike
 * (traces reset: x <- 1, so only the latest spike of the other side counts). */
enum { STDP_PAIR_ALL = 0, STDP_PAIR_NEAREST = 1 };
/* Weight dependences. */
enum { STDP_WD_ADDITIVE = 0, STDP_WD_MULTIPLICATIVE = 1, STDP_WD_GUTIG = 2 };

/* A trace decayed over dt with time constant tau, then hit by a spike. */
static inline double stdp_trace_hit(double x, double dt, double tau, int pairing)
{
  return pairing == STDP_PAIR_NEAREST ? 1.0 : x * exp(-dt / tau) + 1.0;
}

/* Potentiation (sign +1) or depression (sign -1) by amount a >= 0 (amplitude x
 * trace), in units of the span w_max - w_min, with the weight dependence wd:
 * additive du = a; multiplicative du = a (1 - u) / -a u; Gutig du = a (1 - u)^mu /
 * -a u^mu, where u = (w - w_min) / (w_max - w_min). The result is clipped to
 * [w_min, w_max]. */
static inline double stdp_change(int wd, double mu, double w_min, double w_max, double w, double a,
                                 int sign)
{
  double span = w_max - w_min, u = (w - w_min) / span;
  double f = 1.0;
  if (wd == STDP_WD_MULTIPLICATIVE)
    f = sign > 0 ? 1.0 - u : u;
  else if (wd == STDP_WD_GUTIG)
    f = pow(sign > 0 ? 1.0 - u : u, mu);
  double nw = w + sign * a * f * span;
  return nw < w_min ? w_min : nw > w_max ? w_max : nw;
}

extern const ember_stdp_rule ember_stdp_pair;
extern const ember_stdp_rule ember_stdp_triplet;

#endif
