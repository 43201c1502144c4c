/* bcm: the Bienenstock-Cooper-Munro rule with a sliding modification threshold.
 *
 *   dw/dt       = eta x y (y - theta)
 *   dtheta/dt   = (y^2 - theta) / tau_theta          (one theta per neuron)
 *
 * Activity above theta potentiates, below it depresses; theta follows the
 * running mean of y^2, which stabilises the rule and makes a neuron selective to
 * one of several input patterns (Intrator & Cooper 1992's form of the threshold).
 * tau_theta must be short against the weights' time scale for the selective
 * state to be stable. theta starts at theta0 (and again at every reset).
 * Weights stay in [0, w_max].
 *
 *   name       default  unit         range  meaning
 *   eta        1e-3     1/(t y^2)    >= 0   learning rate
 *   tau_theta  10       t            > 0    time constant of the threshold
 *   theta0     0        y^2          >= 0   initial threshold
 *   (and the common rows: w_max, synapses, post, post_sigma, post_mu)
 *
 * References: Bienenstock EL, Cooper LN, Munro PW (1982) Theory for the
 * development of neuron selectivity. J Neurosci 2:32-48. Intrator N, Cooper LN
 * (1992) Objective function formulation of the BCM theory. Neural Netw 5:3-17. */
#include "rate_common.h"

enum { TAU_THETA = EMBER_RATE_N_COMMON, THETA0, N_PARAMS };
enum { THETA, N_STATE };

static const ember_param_info params[N_PARAMS] = {
  RATE_COMMON_PARAMS(1e-3, "1/(t y^2)"),
  [TAU_THETA] = {"tau_theta", 10.0, "t", 0, INFINITY, EMBER_RANGE_MIN_OPEN,
                 "time constant of the sliding threshold"},
  [THETA0] = {"theta0", 0.0, "y^2", 0, INFINITY, 0, "initial threshold"},
};

static const ember_state_info state[N_STATE] = {
  [THETA] = {"theta", "y^2", 0.0, "sliding modification threshold (running mean of y^2)"},
};

static void init(const double *p, double *s) { s[THETA] = p[THETA0]; }

static double dw(const double *p, double x, double y, double w, const double *s)
{
  (void)w;
  return p[EMBER_RATE_ETA] * x * y * (y - s[THETA]);
}

static void ds(const double *p, double y, const double *s, double *dsdt)
{
  dsdt[THETA] = (y * y - s[THETA]) / p[TAU_THETA];
}

const ember_rate_rule ember_rate_bcm = {
  .name = "bcm",
  .doc = "BCM rule with a sliding threshold: dw/dt = eta x y (y - theta), "
         "dtheta/dt = (y^2 - theta) / tau_theta (Bienenstock, Cooper & Munro 1982)",
  .n_params = N_PARAMS, .params = params,
  .n_state = N_STATE, .state = state,
  .prepare = NULL, .init = init, .dw = dw, .ds = ds,
};
