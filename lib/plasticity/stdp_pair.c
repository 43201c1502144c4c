/* Pair-based STDP with traces (rule "stdp"): PyNN's SpikePairRule with the
 * additive, multiplicative and Gutig (soft-bound) weight dependences.
 *
 * Each synapse keeps a presynaptic trace x (jumps at every presynaptic arrival,
 * decays with tau_plus), each postsynaptic neuron a trace y (jumps at its spikes,
 * decays with tau_minus). With all-to-all pairing a jump adds 1, with nearest-spike
 * pairing it resets the trace to 1.
 *   presynaptic arrival at t:  w <- w - eta A_minus y(t) f_-(w) (w_max - w_min)
 *   postsynaptic spike at t:   w <- w + eta A_plus  x(t) f_+(w) (w_max - w_min)
 * with u = (w - w_min)/(w_max - w_min) and f = 1 (additive), f_+ = 1 - u,
 * f_- = u (multiplicative), f_+ = (1 - u)^mu, f_- = u^mu (Gutig et al. 2003);
 * w is clipped to [w_min, w_max]. For one pair with Delta t = t_post - t_arrival
 * the change is +A_plus exp(-Delta t / tau_plus) (Delta t >= 0) or
 * -A_minus exp(Delta t / tau_minus) (Delta t < 0), times f and the span.
 *
 * Parameters (amplitudes are dimensionless, fractions of w_max - w_min; weights in
 * the unit of the receptor, nA or uS):
 *   tau_plus 20 ms, tau_minus 20 ms, A_plus 0.01, A_minus 0.01, w_min 0, w_max 1,
 *   weight_dependence additive, mu 1, pairing all, eta 1 (learning-rate factor),
 *   dendritic_delay 0 ms (handled by the engine, stdp_net.c).
 *
 * References: Song, Miller & Abbott (2000) Nat Neurosci 3:919; van Rossum, Bi &
 * Turrigiano (2000) J Neurosci 20:8812; Gutig, Aharonov, Rotter & Sompolinsky
 * (2003) J Neurosci 23:3697; Morrison, Diesmann & Gerstner (2008) Biol Cybern
 * 98:459 (trace formulation, nearest-spike schemes). */
#include <stdio.h>
#include "stdp_rule.h"

enum { TAU_P, TAU_M, A_P, A_M, W_MIN, W_MAX, WD, MU, PAIRING, ETA, D_DEND, N_PARAMS };

static const char *const wd_names[] = {"additive", "multiplicative", "gutig", NULL};
static const char *const pairing_names[] = {"all", "nearest", NULL};

static const ember_stdp_param params[N_PARAMS] = {
  {"tau_plus", 20.0, "ms", 1e-6, INFINITY, "time constant of the presynaptic trace (potentiation)", NULL},
  {"tau_minus", 20.0, "ms", 1e-6, INFINITY, "time constant of the postsynaptic trace (depression)", NULL},
  {"A_plus", 0.01, "", 0.0, INFINITY, "potentiation amplitude, fraction of w_max - w_min", NULL},
  {"A_minus", 0.01, "", 0.0, INFINITY, "depression amplitude, fraction of w_max - w_min", NULL},
  {"w_min", 0.0, "weight", -INFINITY, INFINITY, "lower weight bound (receptor's unit)", NULL},
  {"w_max", 1.0, "weight", -INFINITY, INFINITY, "upper weight bound (receptor's unit)", NULL},
  {"weight_dependence", STDP_WD_ADDITIVE, "", 0, 2, "additive, multiplicative or gutig", wd_names},
  {"mu", 1.0, "", 0.0, INFINITY, "exponent of the gutig weight dependence", NULL},
  {"pairing", STDP_PAIR_ALL, "", 0, 1, "all (all-to-all) or nearest (nearest spike)", pairing_names},
  {"eta", 1.0, "", 0.0, INFINITY, "learning-rate factor on A_plus and A_minus", NULL},
  {"dendritic_delay", 0.0, "ms", 0.0, INFINITY, "part of the synaptic delay on the dendrite (see docs)", NULL},
};

static ember_status prepare(const double *p, char *msg, size_t len)
{
  if (!(p[W_MAX] > p[W_MIN])) {
    snprintf(msg, len, "w_max (%g) must be greater than w_min (%g)", p[W_MAX], p[W_MIN]);
    return EMBER_ERR_INVALID;
  }
  return EMBER_OK;
}

/* syn[0] = x; post[0] = y. */
static double on_pre(const double *p, double *syn, double dt_syn, const double *post,
                     double dt_post, double w)
{
  double y = post[0] * exp(-dt_post / p[TAU_M]);
  w = stdp_change((int)p[WD], p[MU], p[W_MIN], p[W_MAX], w, p[ETA] * p[A_M] * y, -1);
  syn[0] = stdp_trace_hit(syn[0], dt_syn, p[TAU_P], (int)p[PAIRING]);
  return w;
}

static double on_post(const double *p, const double *syn, double dt_syn, const double *post,
                      double dt_post, double w)
{
  double x = syn[0] * exp(-dt_syn / p[TAU_P]);
  return stdp_change((int)p[WD], p[MU], p[W_MIN], p[W_MAX], w, p[ETA] * p[A_P] * x, +1);
}

static void post_spike(const double *p, double *post, double dt_post)
{
  post[0] = stdp_trace_hit(post[0], dt_post, p[TAU_M], (int)p[PAIRING]);
}

const ember_stdp_rule ember_stdp_pair = {
  .name = "stdp", .params = params, .n_params = N_PARAMS, .sets = NULL, .n_sets = 0,
  .n_syn = 1, .n_post = 1, .prepare = prepare, .on_pre = on_pre, .on_post = on_post,
  .post_spike = post_spike,
};
