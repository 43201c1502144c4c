/* hh_cond_exp: single-compartment Hodgkin-Huxley neuron with the Traub-Miles
 * sodium and potassium channels and exponentially decaying conductance synapses
 * (PyNN HH_cond_exp; NEST hh_cond_exp_traub; the neuron of the COBAHH benchmark,
 * Brette et al. 2007, benchmark 3).
 *
 *   cm dv/dt = g_leak (e_rev_leak - v) + gbar_Na m^3 h (e_rev_Na - v)
 *              + gbar_K n^4 (e_rev_K - v) + gsyn_exc (e_rev_E - v)
 *              + gsyn_inh (e_rev_I - v) + i_offset + i_inj
 *   dx/dt = alpha_x(v) (1 - x) - beta_x(v) x          for x = m, h, n
 *   d gsyn_X/dt = -gsyn_X / tau_syn_X
 *
 * with u = v - v_offset (mV) and rates in 1/ms (Traub & Miles 1991, as in
 * Brette et al. 2007):
 *
 *   alpha_m = 0.32 (13 - u) / (exp((13 - u) / 4) - 1)
 *   beta_m  = 0.28 (u - 40) / (exp((u - 40) / 5) - 1)
 *   alpha_h = 0.128 exp((17 - u) / 18)
 *   beta_h  = 4 / (1 + exp((40 - u) / 5))
 *   alpha_n = 0.032 (15 - u) / (exp((15 - u) / 5) - 1)
 *   beta_n  = 0.5 exp((10 - u) / 40)
 *
 * Three rates have the form k x / (exp(x / s) - 1) = k s psi(x / s) with
 * psi(z) = z / (e^z - 1), a removable singularity at z = 0 (psi(0) = 1, at
 * u = 13, 40 and 15 mV): psi and its derivative are evaluated by their Taylor
 * series near 0 and by expm1 elsewhere, so neither the rates nor the Jacobian
 * lose precision or become 0/0 there.
 *
 * Guard for trial states. An explicit stepper proposing too long a step (HH is
 * mildly stiff) produces trial states far outside the physical range; there m^3 h
 * and n^4 of gates far outside [0, 1], and the exponentials of the rates at
 * |u| of thousands of mV, overflow, and a step whose error estimate is inf or NaN
 * may be accepted instead of rejected (the built-in dopri5 accepts such steps on
 * the assumption that the state itself blew up). So the rhs evaluates the
 * conductances with each gate clamped to [0, 1] and the rates with u clamped to
 * [-1000, 1000] mV: any finite state then gives a finite rhs, the error estimate
 * is finite and large, and the step is rejected. Inside the physical range (gates
 * in [0, 1], |u| < 1000 mV) nothing changes; the Jacobian is that of the clamped
 * rhs.
 *
 * Spikes. HH has no reset: the action potential is part of the dynamics. A spike
 * is emitted when v crosses v_spike upward (default -20 mV, as in COBAHH), and no
 * further spike is detected during tau_refrac ms (default 3 ms, COBAHH's
 * refractory period); unlike the LIF models this dead time does not change the
 * dynamics at all. These two parameters are Ember's (PyNN's HH_cond_exp has no
 * spike-detection parameters; NEST's hh_cond_exp_traub uses t_ref = 2 ms the same
 * way). A spike on receptor X adds its weight (uS, >= 0) to gsyn_X.
 *
 * Parameters (PyNN HH_cond_exp names, defaults and units, plus v_spike and
 * tau_refrac):
 *
 *   name        default  unit  range  meaning
 *   gbar_Na     20.0     uS    >= 0   peak sodium conductance
 *   gbar_K      6.0      uS    >= 0   peak potassium (delayed rectifier) conductance
 *   g_leak      0.01     uS    >= 0   leak conductance
 *   cm          0.2      nF    > 0    membrane capacitance
 *   v_offset    -63.0    mV    any    shift of the rate functions (V_T)
 *   e_rev_Na    50.0     mV    any    sodium reversal potential
 *   e_rev_K     -90.0    mV    any    potassium reversal potential
 *   e_rev_leak  -65.0    mV    any    leak reversal potential
 *   e_rev_E     0.0      mV    any    excitatory reversal potential
 *   e_rev_I     -80.0    mV    any    inhibitory reversal potential
 *   tau_syn_E   0.2      ms    > 0    excitatory conductance decay
 *   tau_syn_I   2.0      ms    > 0    inhibitory conductance decay
 *   i_offset    0.0      nA    any    constant injected current
 *   v_spike     -20.0    mV    any    spike detection threshold (upward crossing)
 *   tau_refrac  3.0      ms    >= 0   no spike detected for this long after one
 *
 * State: v (mV), m, h, n (dimensionless), gsyn_exc, gsyn_inh (uS). The initial
 * values are the resting state of the default parameters: v = -64.7646 mV (the
 * stable zero of the steady-state current; note it is not e_rev_leak, since Na and
 * K conduct a little at rest), m = m_inf(v), h = h_inf(v), n = n_inf(v).
 *
 * Default solver: dopri5. The Jacobian is exact, so the implicit GSL steppers
 * (rk4imp, bsimp, msbdf) work too.
 *
 * References: Traub RD, Miles R (1991) Neuronal Networks of the Hippocampus.
 * Cambridge University Press. Brette R et al. (2007) Simulation of networks of
 * spiking neurons: a review of tools and strategies. J Comput Neurosci
 * 23:349-398 (benchmark 3, COBAHH). */
#include <math.h>
#include <gsl/gsl_errno.h>
#include "ember/model.h"

enum { V, M, H, N, GE, GI, N_STATE };
enum {
  GBAR_NA, GBAR_K, G_LEAK, CM, V_OFFSET, E_REV_NA, E_REV_K, E_REV_LEAK, E_REV_E, E_REV_I,
  TAU_SYN_E, TAU_SYN_I, I_OFFSET, V_SPIKE, TAU_REFRAC, N_PARAMS
};
enum { INV_CM = N_PARAMS, INV_TAU_E, INV_TAU_I, END_DERIVED };

#define NONNEG(NAME, DEF, UNIT, DOC) {NAME, DEF, UNIT, 0, INFINITY, 0, DOC}
#define POS(NAME, DEF, UNIT, DOC) {NAME, DEF, UNIT, 0, INFINITY, EMBER_RANGE_MIN_OPEN, DOC}
#define ANY(NAME, DEF, UNIT, DOC) {NAME, DEF, UNIT, -INFINITY, INFINITY, 0, DOC}

static const ember_param_info params[N_PARAMS] = {
  [GBAR_NA] = NONNEG("gbar_Na", 20.0, "uS", "peak sodium conductance"),
  [GBAR_K] = NONNEG("gbar_K", 6.0, "uS", "peak potassium conductance"),
  [G_LEAK] = NONNEG("g_leak", 0.01, "uS", "leak conductance"),
  [CM] = POS("cm", 0.2, "nF", "membrane capacitance"),
  [V_OFFSET] = ANY("v_offset", -63.0, "mV", "shift of the rate functions (V_T)"),
  [E_REV_NA] = ANY("e_rev_Na", 50.0, "mV", "sodium reversal potential"),
  [E_REV_K] = ANY("e_rev_K", -90.0, "mV", "potassium reversal potential"),
  [E_REV_LEAK] = ANY("e_rev_leak", -65.0, "mV", "leak reversal potential"),
  [E_REV_E] = ANY("e_rev_E", 0.0, "mV", "excitatory reversal potential"),
  [E_REV_I] = ANY("e_rev_I", -80.0, "mV", "inhibitory reversal potential"),
  [TAU_SYN_E] = POS("tau_syn_E", 0.2, "ms", "decay time of the excitatory conductance"),
  [TAU_SYN_I] = POS("tau_syn_I", 2.0, "ms", "decay time of the inhibitory conductance"),
  [I_OFFSET] = ANY("i_offset", 0.0, "nA", "constant injected current"),
  [V_SPIKE] = ANY("v_spike", -20.0, "mV", "spike detection threshold (upward crossing)"),
  [TAU_REFRAC] = NONNEG("tau_refrac", 3.0, "ms",
                        "no spike is detected for this long after one (dynamics unchanged)"),
};

/* The resting state of the default parameters (see the top; tests/test_models.c
 * recomputes it). */
static const ember_state_info state[N_STATE] = {
  [V] = {"v", "mV", -64.764629264, "membrane potential"},
  [M] = {"m", "1", 0.010227271, "sodium activation"},
  [H] = {"h", "1", 0.99741030, "sodium inactivation"},
  [N] = {"n", "1", 0.028166966, "potassium activation"},
  [GE] = {"gsyn_exc", "uS", 0.0, "excitatory synaptic conductance"},
  [GI] = {"gsyn_inh", "uS", 0.0, "inhibitory synaptic conductance"},
};

static const ember_receptor_info receptors[] = {
  {"excitatory", "uS", EMBER_SIGN_NONNEG},
  {"inhibitory", "uS", EMBER_SIGN_NONNEG},
};

static ember_status prepare(double *p, char *msg, size_t len)
{
  p[INV_CM] = 1.0 / p[CM];
  p[INV_TAU_E] = 1.0 / p[TAU_SYN_E];
  p[INV_TAU_I] = 1.0 / p[TAU_SYN_I];
  return EMBER_OK;
}

/* psi(z) = z / (e^z - 1) and its derivative. Near 0 both are Taylor series
 * (truncated where the next term is below 1e-17 for |z| < 1e-2); elsewhere
 * psi = z / expm1(z) is accurate, and psi' = (1 + z / expm1(-z)) / expm1(z) stays
 * finite for large |z| (no inf/inf), but cancels near 0, hence the series. */
static double psi(double z, double *dpsi)
{
  if (fabs(z) < 1e-2) {
    double z2 = z * z;
    *dpsi = -0.5 + z * (1.0 / 6.0 - z2 * (1.0 / 180.0 - z2 / 5040.0));
    return 1.0 - 0.5 * z + z2 * (1.0 / 12.0 - z2 * (1.0 / 720.0 - z2 / 30240.0));
  }
  double em1 = expm1(z);
  *dpsi = (1.0 + z / expm1(-z)) / em1;
  return z / em1;
}

/* Opening and closing rates (1/ms) of one gate and their derivatives by v. */
typedef struct gate_rates { double alpha, beta, dalpha, dbeta; } gate_rates;

/* The Traub-Miles rates at u = v - v_offset, for m, h and n (see the top). */
static void rates(double u, gate_rates *m, gate_rates *h, gate_rates *n)
{
  double d;
  m->alpha = 1.28 * psi((13.0 - u) / 4.0, &d);   /* 0.32 x 4 psi */
  m->dalpha = -0.32 * d;
  m->beta = 1.4 * psi((u - 40.0) / 5.0, &d);     /* 0.28 x 5 psi */
  m->dbeta = 0.28 * d;
  h->alpha = 0.128 * exp((17.0 - u) / 18.0);
  h->dalpha = -h->alpha / 18.0;
  h->beta = 4.0 / (1.0 + exp((40.0 - u) / 5.0));
  h->dbeta = 0.2 * h->beta * (1.0 - 0.25 * h->beta);   /* no inf/inf for large |u| */
  n->alpha = 0.16 * psi((15.0 - u) / 5.0, &d);   /* 0.032 x 5 psi */
  n->dalpha = -0.032 * d;
  n->beta = 0.5 * exp((10.0 - u) / 40.0);
  n->dbeta = -n->beta / 40.0;
}

#define U_GUARD 1000.0   /* mV: rates are evaluated with |u| <= this */

/* A gate clamped to [0, 1] for the conductances (see the top), and whether it
 * was inside (1) or clamped (0), for the Jacobian. */
static double gate_clamp(double x, double *inside)
{
  *inside = (x >= 0.0 && x <= 1.0) ? 1.0 : 0.0;
  return fmin(fmax(x, 0.0), 1.0);
}

/* The rates at v, with u clamped (see the top); *live = 0 where clamped. */
static void rates_at(const double *p, double v, gate_rates *m, gate_rates *h, gate_rates *n)
{
  double u = v - p[V_OFFSET];
  rates(fmin(fmax(u, -U_GUARD), U_GUARD), m, h, n);
  if (fabs(u) > U_GUARD) {
    m->dalpha = m->dbeta = h->dalpha = h->dbeta = n->dalpha = n->dbeta = 0.0;
  }
}

static double gate_rhs(const gate_rates *r, double x)
{
  return r->alpha * (1.0 - x) - r->beta * x;
}

static int rhs(double t, const double y[], double f[], void *params)
{
  const ember_neuron_ctx *c = params;
  const double *p = c->p;
  double v = y[V], in, m = gate_clamp(y[M], &in), h = gate_clamp(y[H], &in);
  double n = gate_clamp(y[N], &in), n2 = n * n;
  gate_rates rm, rh, rn;
  rates_at(p, v, &rm, &rh, &rn);
  f[V] = (p[G_LEAK] * (p[E_REV_LEAK] - v) + p[GBAR_NA] * m * m * m * h * (p[E_REV_NA] - v) +
          p[GBAR_K] * n2 * n2 * (p[E_REV_K] - v) + y[GE] * (p[E_REV_E] - v) +
          y[GI] * (p[E_REV_I] - v) + p[I_OFFSET] + c->i_ext) * p[INV_CM];
  f[M] = gate_rhs(&rm, y[M]);
  f[H] = gate_rhs(&rh, y[H]);
  f[N] = gate_rhs(&rn, y[N]);
  f[GE] = -y[GE] * p[INV_TAU_E];
  f[GI] = -y[GI] * p[INV_TAU_I];
  return GSL_SUCCESS;
}

/* Row of gate x (state index i) of the Jacobian: d/dv and d/dx. */
static void gate_row(double *row, size_t i, const gate_rates *r, double x)
{
  row[V] = r->dalpha * (1.0 - x) - r->dbeta * x;
  row[i] = -(r->alpha + r->beta);
}

static int jacobian(double t, const double y[], double *J, double dfdt[], void *params)
{
  const ember_neuron_ctx *c = params;
  const double *p = c->p;
  double v = y[V], k = p[INV_CM], in_m, in_h, in_n;
  double m = gate_clamp(y[M], &in_m), h = gate_clamp(y[H], &in_h), n = gate_clamp(y[N], &in_n);
  gate_rates rm, rh, rn;
  rates_at(p, v, &rm, &rh, &rn);
  for (size_t i = 0; i < N_STATE * N_STATE; i++)
    J[i] = 0.0;
  double *row = J;   /* dv/dt */
  row[V] = -k * (p[G_LEAK] + p[GBAR_NA] * m * m * m * h + p[GBAR_K] * n * n * n * n + y[GE] +
                 y[GI]);
  row[M] = in_m * k * 3.0 * p[GBAR_NA] * m * m * h * (p[E_REV_NA] - v);
  row[H] = in_h * k * p[GBAR_NA] * m * m * m * (p[E_REV_NA] - v);
  row[N] = in_n * k * 4.0 * p[GBAR_K] * n * n * n * (p[E_REV_K] - v);
  row[GE] = k * (p[E_REV_E] - v);
  row[GI] = k * (p[E_REV_I] - v);
  gate_row(J + M * N_STATE, M, &rm, y[M]);
  gate_row(J + H * N_STATE, H, &rh, y[H]);
  gate_row(J + N * N_STATE, N, &rn, y[N]);
  J[GE * N_STATE + GE] = -p[INV_TAU_E];
  J[GI * N_STATE + GI] = -p[INV_TAU_I];
  for (size_t i = 0; i < N_STATE; i++)
    dfdt[i] = 0.0;
  return GSL_SUCCESS;
}

static double threshold(const double *p) { return p[V_SPIKE]; }
static double refractory_period(const double *p) { return p[TAU_REFRAC]; }

static void on_event(double y[], size_t receptor, double w, const ember_neuron_ctx *c)
{
  y[receptor == 0 ? GE : GI] += w;
}

const ember_model ember_hh_cond_exp = {
  .name = "hh_cond_exp",
  .doc = "Hodgkin-Huxley (Traub-Miles), exponential conductance synapses (PyNN HH_cond_exp)",
  .n_state = N_STATE, .state = state,
  .n_params = N_PARAMS, .params = params,
  .n_derived = END_DERIVED - N_PARAMS,
  .n_receptors = 2, .receptors = receptors,
  .prepare = prepare, .rhs = rhs, .jacobian = jacobian,
  .threshold = threshold, .spike_var = V, .reset = NULL,
  .refractory_period = refractory_period,
  .on_event = on_event, .exact = NULL,
};
