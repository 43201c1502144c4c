/* hebb: plain Hebbian learning with a passive decay of the weight.
 *
 *   dw/dt = eta x y - w / tau_decay
 *
 * x is the synapse's presynaptic activity, y its neuron's postsynaptic activity
 * (docs/plasticity_rate.md). With x and y held, w relaxes to w* = eta tau_decay x y
 * with time constant tau_decay; tau_decay = inf is the plain, unbounded rule (then
 * bound it with w_max). w stays in [0, w_max].
 *
 *   name       default  unit                range    meaning
 *   eta        1e-3     conductance/(t x y) >= 0     learning rate
 *   tau_decay  1000     t                   > 0      decay time of the weight
 *   (and the common rows: w_max, synapses, post, post_sigma, post_mu)
 *
 * Reference: Dayan P, Abbott LF (2001) Theoretical Neuroscience, MIT Press,
 * ch. 8.2 (Hebb's rule and its stability). */
#include "rate_common.h"

enum { TAU_DECAY = EMBER_RATE_N_COMMON, N_PARAMS };

static const ember_param_info params[N_PARAMS] = {
  RATE_COMMON_PARAMS(1e-3, "conductance/(t x y)"),
  [TAU_DECAY] = {"tau_decay", 1000.0, "t", 0, INFINITY, EMBER_RANGE_MIN_OPEN,
                 "decay time constant of the weight (inf: no decay)"},
};

static double dw(const double *p, double x, double y, double w, const double *s)
{
  (void)s;
  return p[EMBER_RATE_ETA] * x * y - w / p[TAU_DECAY];
}

const ember_rate_rule ember_rate_hebb = {
  .name = "hebb",
  .doc = "plain Hebbian rule with decay: dw/dt = eta x y - w / tau_decay",
  .n_params = N_PARAMS, .params = params,
  .n_state = 0, .state = NULL,
  .prepare = NULL, .init = NULL, .dw = dw, .ds = NULL,
};
