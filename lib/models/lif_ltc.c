/* lif_ltc: a spiking liquid time-constant neuron. The membrane equation of an
 * LTC neuron (Hasani et al. 2021; docs/ltc.md) with sigmoid synapses driven by
 * per-receptor synaptic activations, plus a threshold, a reset and a refractory
 * period.
 *
 *   cm dv/dt = g_leak (v_rest - v) + g_E (e_rev_E - v) + g_I (e_rev_I - v) + i_offset + i_ext
 *   g_X      = g_max_X sigmoid(sigma_X (s_X - mu_X))        X = E, I
 *   ds_X/dt  = -s_X / tau_syn_X                             (tau_syn_X = inf: no decay)
 *
 * A spike arriving on receptor X adds its weight (dimensionless, >= 0) to the
 * activation s_X. Each receptor is one LTC sensory synapse whose input is s_X:
 * g_max_X, sigma_X, mu_X, e_rev_X are the LTC sensory_w, sensory_sigma,
 * sensory_mu, sensory_erev; g_leak, v_rest, cm are gleak, vleak, cm. The liquid
 * time constant cm / (g_leak + g_E + g_I) falls as the input grows. When v
 * crosses v_thresh upward: v = v_reset, held there for tau_refrac while the
 * activations keep decaying. With v_thresh = inf the neuron never fires and is
 * the plain LTC neuron with the activations as its inputs (tested against
 * ember_ltc in tests/test_models.c).
 *
 * Units (PyNN's): v mV, cm nF, conductances uS, currents nA, time ms; s, sigma
 * and mu are dimensionless.
 *
 *   name        default  unit  range      meaning
 *   cm          0.2      nF    > 0        membrane capacitance
 *   g_leak      0.01     uS    >= 0       leak conductance (tau_m = cm / g_leak = 20 ms)
 *   v_rest      -65      mV    any        leak reversal potential (LTC vleak)
 *   v_thresh    -50      mV    > v_reset  threshold (inf: never fires)
 *   v_reset     -65      mV    any        v after a spike
 *   tau_refrac  2        ms    >= 0       refractory period
 *   i_offset    0        nA    any        constant current
 *   g_max_E     0.02     uS    >= 0       peak excitatory conductance (LTC sensory_w)
 *   g_max_I     0.02     uS    >= 0       peak inhibitory conductance
 *   sigma_E     6        1     any        slope of the excitatory sigmoid
 *   sigma_I     6        1     any        slope of the inhibitory sigmoid
 *   mu_E        0.5      1     any        midpoint of the excitatory sigmoid
 *   mu_I        0.5      1     any        midpoint of the inhibitory sigmoid
 *   e_rev_E     0        mV    any        excitatory reversal potential
 *   e_rev_I     -80      mV    any        inhibitory reversal potential
 *   tau_syn_E   5        ms    > 0        decay of s_E (inf allowed)
 *   tau_syn_I   10       ms    > 0        decay of s_I (inf allowed)
 *
 * State: v (mV, -65), s_exc, s_inh (dimensionless, 0). Default solver: taylor
 * (the recurrence below); its Jacobian is exact for the implicit steppers.
 *
 * Reference: Hasani R, Lechner M, Amini A, Rus D, Grosu R (2021) Liquid
 * time-constant networks. AAAI 35:7657-7666. */
#include <math.h>
#include <stdio.h>
#include <gsl/gsl_errno.h>
#include "ember/model.h"

enum { V, SE, SI, N_STATE };
enum {
  CM, G_LEAK, V_REST, V_THRESH, V_RESET, TAU_REFRAC, I_OFFSET, G_MAX_E, G_MAX_I, SIGMA_E,
  SIGMA_I, MU_E, MU_I, E_REV_E, E_REV_I, TAU_SYN_E, TAU_SYN_I, N_PARAMS
};
enum { INV_CM = N_PARAMS, RATE_E, RATE_I, N_DERIVED_END };

static const ember_param_info params[N_PARAMS] = {
  [CM] = {"cm", 0.2, "nF", 0, INFINITY, EMBER_RANGE_MIN_OPEN, "membrane capacitance"},
  [G_LEAK] = {"g_leak", 0.01, "uS", 0, INFINITY, 0, "leak conductance (LTC gleak)"},
  [V_REST] = {"v_rest", -65.0, "mV", -INFINITY, INFINITY, 0, "leak reversal potential (LTC vleak)"},
  [V_THRESH] = {"v_thresh", -50.0, "mV", -INFINITY, INFINITY, 0, "threshold (inf: never fires)"},
  [V_RESET] = {"v_reset", -65.0, "mV", -INFINITY, INFINITY, 0, "potential after a spike"},
  [TAU_REFRAC] = {"tau_refrac", 2.0, "ms", 0, INFINITY, 0, "refractory period"},
  [I_OFFSET] = {"i_offset", 0.0, "nA", -INFINITY, INFINITY, 0, "constant injected current"},
  [G_MAX_E] = {"g_max_E", 0.02, "uS", 0, INFINITY, 0,
               "peak excitatory conductance (LTC sensory_w)"},
  [G_MAX_I] = {"g_max_I", 0.02, "uS", 0, INFINITY, 0, "peak inhibitory conductance"},
  [SIGMA_E] = {"sigma_E", 6.0, "1", -INFINITY, INFINITY, 0, "slope of the excitatory sigmoid"},
  [SIGMA_I] = {"sigma_I", 6.0, "1", -INFINITY, INFINITY, 0, "slope of the inhibitory sigmoid"},
  [MU_E] = {"mu_E", 0.5, "1", -INFINITY, INFINITY, 0, "midpoint of the excitatory sigmoid"},
  [MU_I] = {"mu_I", 0.5, "1", -INFINITY, INFINITY, 0, "midpoint of the inhibitory sigmoid"},
  [E_REV_E] = {"e_rev_E", 0.0, "mV", -INFINITY, INFINITY, 0, "excitatory reversal potential"},
  [E_REV_I] = {"e_rev_I", -80.0, "mV", -INFINITY, INFINITY, 0, "inhibitory reversal potential"},
  [TAU_SYN_E] = {"tau_syn_E", 5.0, "ms", 0, INFINITY, EMBER_RANGE_MIN_OPEN,
                 "decay time of the excitatory activation (inf: none)"},
  [TAU_SYN_I] = {"tau_syn_I", 10.0, "ms", 0, INFINITY, EMBER_RANGE_MIN_OPEN,
                 "decay time of the inhibitory activation (inf: none)"},
};

static const ember_state_info state[N_STATE] = {
  [V] = {"v", "mV", -65.0, "membrane potential"},
  [SE] = {"s_exc", "1", 0.0, "excitatory synaptic activation"},
  [SI] = {"s_inh", "1", 0.0, "inhibitory synaptic activation"},
};

static const ember_receptor_info receptors[] = {
  {"excitatory", "1", EMBER_SIGN_NONNEG},
  {"inhibitory", "1", EMBER_SIGN_NONNEG},
};

static ember_status prepare(double *p, char *msg, size_t len)
{
  if (!(p[V_RESET] < p[V_THRESH])) {
    snprintf(msg, len, "v_reset (%g mV) must be below v_thresh (%g mV)", p[V_RESET], p[V_THRESH]);
    return EMBER_ERR_INVALID;
  }
  p[INV_CM] = 1.0 / p[CM];
  p[RATE_E] = 1.0 / p[TAU_SYN_E];   /* 0 for tau = inf */
  p[RATE_I] = 1.0 / p[TAU_SYN_I];
  return EMBER_OK;
}

static inline double sigmoid(double x) { return 1.0 / (1.0 + exp(-x)); }

static int rhs(double t, const double y[], double f[], void *params)
{
  const ember_neuron_ctx *c = params;
  const double *p = c->p;
  double v = y[V];
  double ge = p[G_MAX_E] * sigmoid(p[SIGMA_E] * (y[SE] - p[MU_E]));
  double gi = p[G_MAX_I] * sigmoid(p[SIGMA_I] * (y[SI] - p[MU_I]));
  f[V] = c->refractory ? 0.0
                       : (p[G_LEAK] * (p[V_REST] - v) + ge * (p[E_REV_E] - v) +
                          gi * (p[E_REV_I] - v) + p[I_OFFSET] + c->i_ext) * p[INV_CM];
  f[SE] = -y[SE] * p[RATE_E];
  f[SI] = -y[SI] * p[RATE_I];
  return GSL_SUCCESS;
}

static int jacobian(double t, const double y[], double *J, double dfdt[], void *params)
{
  const ember_neuron_ctx *c = params;
  const double *p = c->p;
  double v = y[V], live = c->refractory ? 0.0 : p[INV_CM];
  double qe = sigmoid(p[SIGMA_E] * (y[SE] - p[MU_E])), qi = sigmoid(p[SIGMA_I] * (y[SI] - p[MU_I]));
  J[0] = -live * (p[G_LEAK] + p[G_MAX_E] * qe + p[G_MAX_I] * qi);
  J[1] = live * p[G_MAX_E] * qe * (1 - qe) * p[SIGMA_E] * (p[E_REV_E] - v);
  J[2] = live * p[G_MAX_I] * qi * (1 - qi) * p[SIGMA_I] * (p[E_REV_I] - v);
  J[3] = 0.0; J[4] = -p[RATE_E]; J[5] = 0.0;
  J[6] = 0.0; J[7] = 0.0;        J[8] = -p[RATE_I];
  dfdt[0] = dfdt[1] = dfdt[2] = 0.0;
  return GSL_SUCCESS;
}

/* Taylor coefficients g[0..order] of g_max sigmoid(sigma (s(t) - mu)) with
 * s(t) = s0 exp(-rate t). z = sigma (s - mu) has z_k = sigma s0 (-rate)^k / k!
 * (k >= 1); q = sigmoid(z) obeys q' = h z' with h = q - q^2, so
 *   (k+1) q_(k+1) = sum_(i=0..k) h_i (k+1-i) z_(k+1-i),
 * h_k = q_k - sum_(j=0..k) q_j q_(k-j), computed as soon as q_k is known. */
static void sigmoid_series(double s0, double rate, double gmax, double sigma, double mu,
                           size_t order, double *g)
{
  const double *inv = ember_taylor_inverses;
  double z[EMBER_TAYLOR_MAX_ORDER + 1], q[EMBER_TAYLOR_MAX_ORDER + 1], h[EMBER_TAYLOR_MAX_ORDER + 1];
  double sk = s0;
  z[0] = sigma * (s0 - mu);
  for (size_t k = 1; k <= order; k++) {
    sk *= -rate * inv[k];
    z[k] = sigma * sk;
  }
  q[0] = sigmoid(z[0]);
  for (size_t k = 0; k < order; k++) {
    double sq = 0.0;
    for (size_t j = 0; j <= k; j++)
      sq += q[j] * q[k - j];
    h[k] = q[k] - sq;
    double acc = 0.0;
    for (size_t i = 0; i <= k; i++)
      acc += h[i] * (double)(k + 1 - i) * z[k + 1 - i];
    q[k + 1] = acc * inv[k + 1];
  }
  for (size_t k = 0; k <= order; k++)
    g[k] = gmax * q[k];
}

/* Taylor coefficients (see ember_model.taylor). With G = g_E + g_I and the
 * Cauchy product P = G v:
 *   (k+1) v_(k+1) = ([k = 0] (g_leak v_rest + I) - g_leak v_k
 *                    + e_rev_E g_E,k + e_rev_I g_I,k - P_k) / cm
 * and s_X,k = s_X (-1/tau_X)^k / k!. */
static int taylor(const double y[], size_t order, double c[], const ember_neuron_ctx *ctx)
{
  const double *p = ctx->p, *inv = ember_taylor_inverses;
  double ge[EMBER_TAYLOR_MAX_ORDER + 1], gi[EMBER_TAYLOR_MAX_ORDER + 1];
  sigmoid_series(y[SE], p[RATE_E], p[G_MAX_E], p[SIGMA_E], p[MU_E], order, ge);
  sigmoid_series(y[SI], p[RATE_I], p[G_MAX_I], p[SIGMA_I], p[MU_I], order, gi);
  double se = y[SE], si = y[SI];
  for (size_t k = 0; k <= order; k++) {
    c[k * N_STATE + SE] = se;
    c[k * N_STATE + SI] = si;
    se *= -p[RATE_E] * inv[k + 1];
    si *= -p[RATE_I] * inv[k + 1];
  }
  c[V] = y[V];
  if (ctx->refractory) {   /* v is clamped */
    for (size_t k = 1; k <= order; k++)
      c[k * N_STATE + V] = 0.0;
    return GSL_SUCCESS;
  }
  double drive0 = p[G_LEAK] * p[V_REST] + p[I_OFFSET] + ctx->i_ext;
  for (size_t k = 0; k < order; k++) {
    double prod = 0.0;
    for (size_t j = 0; j <= k; j++)
      prod += (ge[j] + gi[j]) * c[(k - j) * N_STATE + V];
    double num = (k == 0 ? drive0 : 0.0) - p[G_LEAK] * c[k * N_STATE + V] + p[E_REV_E] * ge[k] +
                 p[E_REV_I] * gi[k] - prod;
    c[(k + 1) * N_STATE + V] = num * p[INV_CM] * inv[k + 1];
  }
  return GSL_SUCCESS;
}

static double threshold(const double *p) { return p[V_THRESH]; }
static double refractory_period(const double *p) { return p[TAU_REFRAC]; }
static void reset(double y[], const ember_neuron_ctx *c) { y[V] = c->p[V_RESET]; }

static void on_event(double y[], size_t receptor, double w, const ember_neuron_ctx *c)
{
  y[receptor == 0 ? SE : SI] += w;
}

const ember_model ember_lif_ltc = {
  .name = "lif_ltc",
  .doc = "Spiking LTC neuron: LTC membrane with sigmoid synapses on decaying activations, "
         "threshold, reset, refractory period (Hasani et al. 2021)",
  .n_state = N_STATE, .state = state,
  .n_params = N_PARAMS, .params = params,
  .n_derived = N_DERIVED_END - N_PARAMS,
  .n_receptors = 2, .receptors = receptors,
  .prepare = prepare, .rhs = rhs, .jacobian = jacobian,
  .threshold = threshold, .spike_var = V, .reset = reset,
  .refractory_period = refractory_period,
  .on_event = on_event, .exact = NULL, .taylor = taylor,
};
