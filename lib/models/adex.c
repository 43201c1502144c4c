/* adex: adaptive exponential integrate-and-fire neuron with exponentially
 * decaying conductance synapses (Brette & Gerstner 2005; PyNN
 * EIF_cond_exp_isfa_ista; NEST aeif_cond_exp).
 *
 *   cm dv/dt = g_L (v_rest - v) + g_L delta_T exp((v - v_thresh) / delta_T)
 *              - w + gsyn_exc (e_rev_E - v) + gsyn_inh (e_rev_I - v) + i_offset + i_inj
 *   tau_w dw/dt = a (v - v_rest) - w
 *   d gsyn_X/dt = -gsyn_X / tau_syn_X                g_L = cm / tau_m
 *
 * When v crosses v_spike from below the neuron spikes: v = v_reset, w = w + b, and
 * v is held at v_reset for tau_refrac ms (w and the conductances keep evolving,
 * with v = v_reset in w's equation, as NEST). A spike on receptor X adds its
 * weight (uS, >= 0) to gsyn_X. Units: a is in nS, so a (v - v_rest) is a current
 * in pA and is divided by 1000 to give nA like w and b.
 *
 * Guard on the exponential. The upstroke above v_thresh is explosive: v reaches
 * infinity in finite time, and a trial stage of a Runge-Kutta step (or of an
 * implicit solve) may land far above v_spike, where exp() overflows and poisons
 * the solver with inf/NaN. The argument of the exponential is therefore clamped
 * at its value 10 delta_T above v_spike: exp((min(v, v_spike + 10 delta_T) -
 * v_thresh) / delta_T). Up to v_spike, where the spike is emitted and v reset,
 * the model is exact; the clamp only touches trial states past the spike. It sits
 * above v_spike, not at it (NEST clamps V at V_peak), because a kink at v_spike
 * itself, where dv/dt is largest, forces steps below the time resolution of a
 * double: with v_spike = 0 mV (NEST's default V_peak) and tolerance 1e-11 every
 * solver failed; with the headroom all pass (tests/test_models.c). prepare()
 * requires (v_spike - v_thresh) / delta_T <= 500 so that the clamped exp() is
 * finite with room to spare. Large values are still hard: the upstroke from
 * v_thresh to v_spike lasts about tau_m exp(-(v_spike - v_thresh) / delta_T), and
 * beyond about 25 (e.g. delta_T = 1, v_spike = v_thresh + 28) that is below what
 * a double time can resolve late in a run, and dopri5 may stop with "step size
 * underflow" (rk8pd and bsimp last longer). PyNN's default is 5.2. delta_T must
 * be > 0: the delta_T -> 0 limit (a LIF with a hard threshold) is lif_cond_exp.
 *
 * Parameters (PyNN EIF_cond_exp_isfa_ista names, defaults and units):
 *
 *   name        default  unit  range              meaning
 *   cm          0.281    nF    > 0                membrane capacitance
 *   tau_m       9.3667   ms    > 0                membrane time constant (g_L = cm / tau_m)
 *   v_rest      -70.6    mV    any                leak reversal potential
 *   v_thresh    -50.4    mV    < v_spike          spike initiation threshold
 *   delta_T     2.0      mV    > 0                slope factor
 *   v_spike     -40.0    mV    > v_reset          spike detection threshold
 *   v_reset     -70.6    mV    < v_spike          v after a spike
 *   tau_refrac  0.1      ms    >= 0               refractory period
 *   a           4.0      nS    any                subthreshold adaptation
 *   b           0.0805   nA    any                spike-triggered adaptation
 *   tau_w       144.0    ms    > 0                adaptation time constant
 *   tau_syn_E   5.0      ms    > 0                excitatory conductance decay
 *   tau_syn_I   5.0      ms    > 0                inhibitory conductance decay
 *   e_rev_E     0.0      mV    any                excitatory reversal potential
 *   e_rev_I     -80.0    mV    any                inhibitory reversal potential
 *   i_offset    0.0      nA    any                constant injected current
 *
 * State: v (mV, initial -70.6), w (nA, 0), gsyn_exc, gsyn_inh (uS, 0).
 * Default solver: dopri5. The Jacobian is exact (for the implicit steppers).
 *
 * References: Brette R, Gerstner W (2005) Adaptive exponential integrate-and-fire
 * model as an effective description of neuronal activity. J Neurophysiol
 * 94:3637-3642. */
#include <math.h>
#include <stdio.h>
#include <gsl/gsl_errno.h>
#include "ember/model.h"

#define EXP_ARG_LIMIT 500.0   /* largest allowed (v_spike - v_thresh) / delta_T */
#define EXP_HEADROOM 10.0     /* the clamp sits this many delta_T above v_spike */

enum { V, W, GE, GI, N_STATE };
enum {
  CM, TAU_M, V_REST, V_THRESH, DELTA_T, V_SPIKE, V_RESET, TAU_REFRAC, A, B, TAU_W,
  TAU_SYN_E, TAU_SYN_I, E_REV_E, E_REV_I, I_OFFSET, N_PARAMS
};
/* Derived values, after the parameters. */
enum {
  G_L = N_PARAMS, INV_CM, A_US, INV_TAU_W, INV_TAU_E, INV_TAU_I, INV_DELTA_T, V_CLAMP, END_DERIVED
};

#define POS(NAME, DEF, UNIT, DOC) {NAME, DEF, UNIT, 0, INFINITY, EMBER_RANGE_MIN_OPEN, DOC}
#define ANY(NAME, DEF, UNIT, DOC) {NAME, DEF, UNIT, -INFINITY, INFINITY, 0, DOC}

static const ember_param_info params[N_PARAMS] = {
  [CM] = POS("cm", 0.281, "nF", "membrane capacitance"),
  [TAU_M] = POS("tau_m", 9.3667, "ms", "membrane time constant (g_L = cm / tau_m)"),
  [V_REST] = ANY("v_rest", -70.6, "mV", "resting (leak reversal) potential"),
  [V_THRESH] = ANY("v_thresh", -50.4, "mV", "spike initiation threshold (below v_spike)"),
  [DELTA_T] = POS("delta_T", 2.0, "mV", "slope factor of the exponential"),
  [V_SPIKE] = ANY("v_spike", -40.0, "mV", "spike detection threshold"),
  [V_RESET] = ANY("v_reset", -70.6, "mV", "potential after a spike (below v_spike)"),
  [TAU_REFRAC] = {"tau_refrac", 0.1, "ms", 0, INFINITY, 0, "refractory period (v held at v_reset)"},
  [A] = ANY("a", 4.0, "nS", "subthreshold adaptation conductance"),
  [B] = ANY("b", 0.0805, "nA", "spike-triggered adaptation (jump of w)"),
  [TAU_W] = POS("tau_w", 144.0, "ms", "adaptation time constant"),
  [TAU_SYN_E] = POS("tau_syn_E", 5.0, "ms", "decay time of the excitatory conductance"),
  [TAU_SYN_I] = POS("tau_syn_I", 5.0, "ms", "decay time of the inhibitory conductance"),
  [E_REV_E] = ANY("e_rev_E", 0.0, "mV", "excitatory reversal potential"),
  [E_REV_I] = ANY("e_rev_I", -80.0, "mV", "inhibitory reversal potential"),
  [I_OFFSET] = ANY("i_offset", 0.0, "nA", "constant injected current"),
};

static const ember_state_info state[N_STATE] = {
  [V] = {"v", "mV", -70.6, "membrane potential"},
  [W] = {"w", "nA", 0.0, "adaptation current"},
  [GE] = {"gsyn_exc", "uS", 0.0, "excitatory synaptic conductance"},
  [GI] = {"gsyn_inh", "uS", 0.0, "inhibitory synaptic conductance"},
};

static const ember_receptor_info receptors[] = {
  {"excitatory", "uS", EMBER_SIGN_NONNEG},
  {"inhibitory", "uS", EMBER_SIGN_NONNEG},
};

static ember_status prepare(double *p, char *msg, size_t len)
{
  if (!(p[V_RESET] < p[V_SPIKE])) {
    snprintf(msg, len, "v_reset (%g mV) must be below v_spike (%g mV)", p[V_RESET], p[V_SPIKE]);
    return EMBER_ERR_INVALID;
  }
  if (!(p[V_THRESH] < p[V_SPIKE])) {
    snprintf(msg, len, "v_thresh (%g mV) must be below v_spike (%g mV)", p[V_THRESH],
             p[V_SPIKE]);
    return EMBER_ERR_INVALID;
  }
  if (!((p[V_SPIKE] - p[V_THRESH]) / p[DELTA_T] <= EXP_ARG_LIMIT)) {
    snprintf(msg, len, "(v_spike - v_thresh) / delta_T = %g is too large (at most %g, or "
             "exp() overflows)", (p[V_SPIKE] - p[V_THRESH]) / p[DELTA_T], EXP_ARG_LIMIT);
    return EMBER_ERR_INVALID;
  }
  p[G_L] = p[CM] / p[TAU_M];
  p[INV_CM] = 1.0 / p[CM];
  p[A_US] = 1e-3 * p[A];
  p[INV_TAU_W] = 1.0 / p[TAU_W];
  p[INV_TAU_E] = 1.0 / p[TAU_SYN_E];
  p[INV_TAU_I] = 1.0 / p[TAU_SYN_I];
  p[INV_DELTA_T] = 1.0 / p[DELTA_T];
  p[V_CLAMP] = p[V_SPIKE] + EXP_HEADROOM * p[DELTA_T];
  return EMBER_OK;
}

/* g_L exp((v - v_thresh) / delta_T), with v clamped at v_spike (see the top):
 * the exponential current is delta_T times this, and below v_spike this is the
 * current's derivative by v. */
static double exp_conductance(const double *p, double v)
{
  return p[G_L] * exp((fmin(v, p[V_CLAMP]) - p[V_THRESH]) * p[INV_DELTA_T]);
}

static int rhs(double t, const double y[], double f[], void *params)
{
  const ember_neuron_ctx *c = params;
  const double *p = c->p;
  double v = y[V];
  f[V] = c->refractory ? 0.0
                       : (p[G_L] * (p[V_REST] - v) + p[DELTA_T] * exp_conductance(p, v) -
                          y[W] + y[GE] * (p[E_REV_E] - v) + y[GI] * (p[E_REV_I] - v) +
                          p[I_OFFSET] + c->i_ext) * p[INV_CM];
  f[W] = (p[A_US] * (v - p[V_REST]) - y[W]) * p[INV_TAU_W];
  f[GE] = -y[GE] * p[INV_TAU_E];
  f[GI] = -y[GI] * p[INV_TAU_I];
  return GSL_SUCCESS;
}

static int jacobian(double t, const double y[], double *J, double dfdt[], void *params)
{
  const ember_neuron_ctx *c = params;
  const double *p = c->p;
  double v = y[V], live = c->refractory ? 0.0 : p[INV_CM];
  double g_exp = v < p[V_CLAMP] ? exp_conductance(p, v) : 0.0;
  J[0] = live * (-p[G_L] + g_exp - y[GE] - y[GI]);
  J[1] = -live;
  J[2] = live * (p[E_REV_E] - v);
  J[3] = live * (p[E_REV_I] - v);
  J[4] = p[A_US] * p[INV_TAU_W]; J[5] = -p[INV_TAU_W]; J[6] = 0.0; J[7] = 0.0;
  J[8] = 0.0; J[9] = 0.0; J[10] = -p[INV_TAU_E]; J[11] = 0.0;
  J[12] = 0.0; J[13] = 0.0; J[14] = 0.0; J[15] = -p[INV_TAU_I];
  dfdt[0] = dfdt[1] = dfdt[2] = dfdt[3] = 0.0;
  return GSL_SUCCESS;
}

static double threshold(const double *p) { return p[V_SPIKE]; }
static double refractory_period(const double *p) { return p[TAU_REFRAC]; }

static void reset(double y[], const ember_neuron_ctx *c)
{
  y[V] = c->p[V_RESET];
  y[W] += c->p[B];
}

static void on_event(double y[], size_t receptor, double w, const ember_neuron_ctx *c)
{
  y[receptor == 0 ? GE : GI] += w;
}

const ember_model ember_adex = {
  .name = "adex",
  .doc = "Adaptive exponential IF, exponential conductance synapses (PyNN EIF_cond_exp_isfa_ista)",
  .n_state = N_STATE, .state = state,
  .n_params = N_PARAMS, .params = params,
  .n_derived = END_DERIVED - N_PARAMS,
  .n_receptors = 2, .receptors = receptors,
  .prepare = prepare, .rhs = rhs, .jacobian = jacobian,
  .threshold = threshold, .spike_var = V, .reset = reset,
  .refractory_period = refractory_period,
  .on_event = on_event, .exact = NULL,
};
