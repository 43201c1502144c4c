/* Rate-based plasticity on the synaptic weights of LTC circuits: plain Hebbian
 * with decay, Oja's rule and BCM with a sliding threshold, integrated together
 * with the membrane states. The equations, the definition of the pre- and
 * postsynaptic activities and the parameter tables are in docs/plasticity_rate.md.
 *
 * (Spike-timing dependent rules on spiking projections are declared in
 * ember/stdp.h.) */
#ifndef EMBER_PLASTICITY_H
#define EMBER_PLASTICITY_H

#include <stddef.h>
#include "ember/export.h"
#include "ember/status.h"
#include "ember/model.h"
#include "ember/ltc.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The parameters every rate rule has, first in its table, in this order. */
enum {
  EMBER_RATE_ETA,         /* learning rate eta (its unit depends on the rule) */
  EMBER_RATE_ETA_DECAY,   /* schedule: eta(t) = eta / (1 + t / eta_decay), inf: constant */
  EMBER_RATE_W_MAX,       /* upper bound of a plastic weight (w >= 0 always) */
  EMBER_RATE_SYNAPSES,    /* which synapses learn: EMBER_RATE_SYN_* */
  EMBER_RATE_POST,        /* the postsynaptic activity y: EMBER_RATE_POST_* */
  EMBER_RATE_POST_SIGMA,  /* slope of the sigmoid post activity */
  EMBER_RATE_POST_MU,     /* midpoint of the sigmoid post activity */
  EMBER_RATE_N_COMMON
};

/* Values of the `synapses` parameter. */
enum { EMBER_RATE_SYN_INTERNAL = 0, EMBER_RATE_SYN_SENSORY = 1, EMBER_RATE_SYN_ALL = 2 };
/* Values of the `post` parameter: y = v - vleak; y = max(v - vleak, 0);
 * y = sigmoid(post_sigma (v - post_mu)). */
enum { EMBER_RATE_POST_LINEAR = 0, EMBER_RATE_POST_RECTIFIED = 1, EMBER_RATE_POST_SIGMOID = 2 };

/* A rate rule type object (one per file in lib/plasticity/). A synapse i -> j with
 * weight w, presynaptic activity x and postsynaptic activity y changes as
 * dw/dt = dw(p, x, y, w, s_j), where s_j is the rule's own state of the
 * postsynaptic neuron (BCM: the threshold theta_j), which evolves as
 * ds_j/dt = ds(p, y_j, s_j). */
typedef struct ember_rate_rule {
  const char *name;
  const char *doc;                       /* one paragraph: the equation and reference */
  size_t n_params;
  const ember_param_info *params;        /* EMBER_RATE_N_COMMON common rows first */
  size_t n_state;                        /* per-neuron state variables (0 .. 4) */
  const ember_state_info *state;         /* their names, units and initial values */
  /* Cross-parameter checks; message into msg. May be NULL. */
  ember_status (*prepare)(const double *p, char *msg, size_t msglen);
  /* Initial per-neuron state from the parameters (may be NULL: the state defaults). */
  void (*init)(const double *p, double *s);
  /* dw/dt of one synapse; p[EMBER_RATE_ETA] is the current learning rate. */
  double (*dw)(const double *p, double x, double y, double w, const double *s);
  /* ds/dt of one neuron's state; NULL when n_state == 0. */
  void (*ds)(const double *p, double y, const double *s, double *dsdt);
} ember_rate_rule;

#define EMBER_RATE_MAX_STATE 4
#define EMBER_RATE_MAX_PARAMS 16

/* Registry: the rule called name, or NULL; the i-th rule (NULL past the end). */
EMBER_API const ember_rate_rule *ember_rate_rule_find(const char *name);
EMBER_API const ember_rate_rule *ember_rate_rule_at(size_t i);
/* Index of a parameter by name, or -1. */
EMBER_API int ember_rate_rule_param_index(const ember_rate_rule *r, const char *name);
/* Code of a named choice of the `synapses` ("internal", "sensory", "all") or
 * `post` ("linear", "rectified", "sigmoid") parameter, or -1. */
EMBER_API int ember_rate_choice(const char *param, const char *value);

/* Makes the weights of circuit c plastic under `rule` ("hebb", "oja", "bcm"), with
 * parameters names[i] = values[i] (the others keep their defaults). An unknown
 * rule or parameter name, a value out of range or an inconsistent set is
 * EMBER_ERR_UNKNOWN / EMBER_ERR_INVALID with a message in ember_ltc_error(c), and
 * nothing changes. rule NULL removes plasticity. Call it after ember_ltc_build or
 * ember_ltc_load (which drop it); the per-neuron rule state starts at its initial
 * value, and again at every ember_ltc_reset. The weights themselves are the
 * circuit's parameters "w" and "sensory_w" (ember_ltc_get_param / set_param). */
EMBER_API ember_status ember_ltc_set_plasticity(ember_ltc *c, const char *rule,
                                                const char *const *names, const double *values,
                                                size_t n);
/* The learning-rate hook: sets eta (>= 0; 0 freezes the weights) from the next
 * step on. Calling it between steps (or between runs) gives any schedule,
 * piecewise constant over the steps; within steps the rate follows the rule's
 * eta_decay parameter, eta / (1 + t / eta_decay), t the circuit time (inf: no
 * decay), or any function of time given with ember_ltc_set_learning_rate_fn.
 * EMBER_ERR_STATE if c has no plasticity. */
EMBER_API ember_status ember_ltc_set_learning_rate(ember_ltc *c, double eta);
/* eta(t) = fn(t, data) (instead of eta and eta_decay) evaluated at the time of every right-hand-side
 * evaluation (GSL solvers) or fused sub-step (its start), t in circuit time
 * units (ember_ltc_time). fn must return a finite value >= 0 and must not call
 * back into c. fn NULL returns to the constant rate. */
EMBER_API ember_status ember_ltc_set_learning_rate_fn(ember_ltc *c,
                                                      double (*fn)(double t, void *data),
                                                      void *data);
/* The rule's name ("" without plasticity) and the learning rate in effect at the
 * circuit's current time. */
EMBER_API const char *ember_ltc_plasticity(const ember_ltc *c);
EMBER_API double ember_ltc_learning_rate(const ember_ltc *c);
/* The weights in storage order (synapse k as ember_ltc_synapse / _sensory_synapse
 * number it): w[synapse_count], sensory[sensory_synapse_count]; either may be
 * NULL. The sparse counterpart of ember_ltc_get_param("w" | "sensory_w"), for
 * large circuits and for recording weights. */
EMBER_API ember_status ember_ltc_get_weights(const ember_ltc *c, double *w, double *sensory);
/* Sets them from the same layout (either may be NULL); every value must be finite
 * and >= 0, else EMBER_ERR_INVALID and nothing changes. */
EMBER_API ember_status ember_ltc_set_weights(ember_ltc *c, const double *w, const double *sensory);
/* The rule's per-neuron state variable `name` (BCM: "theta"), N values. */
EMBER_API ember_status ember_ltc_get_rule_state(const ember_ltc *c, const char *name, double *out);

#ifdef __cplusplus
}
#endif
#endif
