/* lif_curr_exp: leaky integrate-and-fire neuron with exponentially decaying
 * current-based synapses (PyNN IF_curr_exp; NEST iaf_psc_exp).
 *
 *   cm dv/dt = cm (v_rest - v) / tau_m + isyn_exc + isyn_inh + i_offset + i_ext
 *   d isyn_X/dt = -isyn_X / tau_syn_X
 *
 * A spike on receptor X adds its weight (nA) to isyn_X; inhibitory weights are
 * negative currents (PyNN's convention), so that receptor refuses positive ones.
 * When v crosses v_thresh from below, v is set to v_reset and held there for
 * tau_refrac ms while the synaptic currents keep decaying.
 *
 * Between events the system is linear with constant coefficients, so it has a
 * closed form (solver "exact", the default):
 *   v(t) = v_inf + (v0 - v_inf) e^{-t/tau_m}
 *          + sum_X (isyn_X(0)/cm) (e^{-t/tau_syn_X} - e^{-t/tau_m}) / (1/tau_m - 1/tau_syn_X)
 * with v_inf = v_rest + tau_m (i_offset + i_ext) / cm; the last factor tends to
 * t e^{-t/tau_m} when tau_syn_X = tau_m and is computed without cancellation there.
 *
 * Parameters, defaults and units are PyNN's (cells.py, IF_curr_exp). */
#include <math.h>
#include <gsl/gsl_errno.h>
#include "ember/model.h"
#include "lif_common.h"

enum { V, IE, II, N_STATE };
enum {
  CM = LIF_CM, TAU_M = LIF_TAU_M, TAU_SYN_E = LIF_TAU_SYN_E, TAU_SYN_I = LIF_TAU_SYN_I,
  V_REST = LIF_V_REST, I_OFFSET = LIF_I_OFFSET, N_PARAMS = LIF_N_COMMON
};
enum {
  INV_TAU_M = N_PARAMS + LIF_INV_TAU_M, INV_CM = N_PARAMS + LIF_INV_CM,
  INV_TAU_E = N_PARAMS + LIF_INV_TAU_E, INV_TAU_I = N_PARAMS + LIF_INV_TAU_I
};

static const ember_param_info params[N_PARAMS] = {
  LIF_COMMON_PARAMS("current"),
};

static const ember_state_info state[N_STATE] = {
  [V] = {"v", "mV", -65.0, "membrane potential"},
  [IE] = {"isyn_exc", "nA", 0.0, "excitatory synaptic current"},
  [II] = {"isyn_inh", "nA", 0.0, "inhibitory synaptic current"},
};

static const ember_receptor_info receptors[] = {
  {"excitatory", "nA", EMBER_SIGN_NONNEG},
  {"inhibitory", "nA", EMBER_SIGN_NONPOS},
};

static ember_status prepare(double *p, char *msg, size_t len)
{
  return lif_prepare(p, N_PARAMS, msg, len);
}

static int rhs(double t, const double y[], double f[], void *params)
{
  const ember_neuron_ctx *c = params;
  const double *p = c->p;
  f[V] = c->refractory ? 0.0
                       : (p[V_REST] - y[V]) * p[INV_TAU_M] +
                           (y[IE] + y[II] + p[I_OFFSET] + c->i_ext) * p[INV_CM];
  f[IE] = -y[IE] * p[INV_TAU_E];
  f[II] = -y[II] * p[INV_TAU_I];
  return GSL_SUCCESS;
}

static int jacobian(double t, const double y[], double *J, double dfdt[], void *params)
{
  const ember_neuron_ctx *c = params;
  const double *p = c->p;
  double live = c->refractory ? 0.0 : 1.0;
  J[0] = -live * p[INV_TAU_M]; J[1] = live * p[INV_CM]; J[2] = live * p[INV_CM];
  J[3] = 0.0;                  J[4] = -p[INV_TAU_E];    J[5] = 0.0;
  J[6] = 0.0;                  J[7] = 0.0;              J[8] = -p[INV_TAU_I];
  dfdt[0] = dfdt[1] = dfdt[2] = 0.0;
  return GSL_SUCCESS;
}

static void on_event(double y[], size_t receptor, double w, const ember_neuron_ctx *c)
{
  y[receptor == 0 ? IE : II] += w;
}

/* (e^{-t/tau_s} - e^{-t/tau_m}) / (1/tau_m - 1/tau_s), stable for any pair: the
 * expm1 form near tau_s = tau_m, the plain difference elsewhere (where the expm1
 * form could overflow for long steps). */
static double kernel(double t, double tau_m, double tau_s, double em, double es)
{
  double d = 1.0 / tau_m - 1.0 / tau_s;
  if (fabs(t * d) < 1.0)
    return d == 0.0 ? t * em : em * expm1(t * d) / d;
  return (es - em) / d;
}

static void exact(double dt, double y[], const ember_neuron_ctx *c)
{
  const double *p = c->p;
  double em = exp(-dt / p[TAU_M]);
  double ee = exp(-dt / p[TAU_SYN_E]), ei = exp(-dt / p[TAU_SYN_I]);
  if (!c->refractory) {
    double v_inf = p[V_REST] + p[TAU_M] * (p[I_OFFSET] + c->i_ext) / p[CM];
    y[V] = v_inf + (y[V] - v_inf) * em +
           (y[IE] * kernel(dt, p[TAU_M], p[TAU_SYN_E], em, ee) +
            y[II] * kernel(dt, p[TAU_M], p[TAU_SYN_I], em, ei)) / p[CM];
  }
  y[IE] *= ee;
  y[II] *= ei;
}

const ember_model ember_lif_curr_exp = {
  .name = "lif_curr_exp",
  .doc = "Leaky integrate-and-fire, exponential current synapses (PyNN IF_curr_exp)",
  .n_state = N_STATE, .state = state,
  .n_params = N_PARAMS, .params = params,
  .n_derived = LIF_N_DERIVED,
  .n_receptors = 2, .receptors = receptors,
  .prepare = prepare, .rhs = rhs, .jacobian = jacobian,
  .threshold = lif_threshold, .spike_var = V, .reset = lif_reset,
  .refractory_period = lif_refractory_period,
  .on_event = on_event, .exact = exact,
};
