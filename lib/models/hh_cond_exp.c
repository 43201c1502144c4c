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
 * Default solver: taylor (the coefficients below, by Taylor-mode automatic
 * differentiation): fewer instructions than dopri5 on COBAHH's cells and spike
 * times about 8 times closer to the reference at the same tolerance
 * (docs/models.md, bench/RESULTS.md). The Jacobian is exact, so the implicit
 * GSL steppers (rk4imp, bsimp, msbdf) work too.
 *
 * References: Traub RD, Miles R (1991) Neuronal Networks of the Hippocampus.
 * Cambridge University Press. Brette R et al. (2007) Simulation of networks of
 * spiking neurons: a review of tools and strategies. J Comput Neurosci
 * 23:349-398 (benchmark 3, COBAHH). */
#include <math.h>
#include <gsl/gsl_errno.h>
#include "ember/model.h"
#include "../taylor_ad.h"

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

/* The resting state of the default parameters (see the top; tests/test_hh.c
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

/* psi(z) = z / (e^z - 1) and, if dpsi is not NULL, its derivative. Near 0 both
 * are Taylor series (truncated where the next term is below 1e-17 for
 * |z| < 1e-2); elsewhere psi = z / expm1(z) is accurate, and
 * psi' = (1 + z / expm1(-z)) / expm1(z) stays finite for large |z| (no inf/inf),
 * but cancels near 0, hence the series. The rhs asks for psi only (one expm1
 * instead of two: the derivative is for the Jacobian). */
static double psi(double z, double *dpsi)
{
  if (fabs(z) < 1e-2) {
    double z2 = z * z;
    if (dpsi)
      *dpsi = -0.5 + z * (1.0 / 6.0 - z2 * (1.0 / 180.0 - z2 / 5040.0));
    return 1.0 - 0.5 * z + z2 * (1.0 / 12.0 - z2 * (1.0 / 720.0 - z2 / 30240.0));
  }
  double em1 = expm1(z);
  if (dpsi)
    *dpsi = (1.0 + z / expm1(-z)) / em1;
  return z / em1;
}

/* Opening and closing rates (1/ms) of one gate and their derivatives by v. */
typedef struct gate_rates { double alpha, beta, dalpha, dbeta; } gate_rates;

/* The Traub-Miles rates at u = v - v_offset, for m, h and n (see the top), and
 * their derivatives if deriv is set (the Jacobian's; the rhs needs none). */
static void rates(double u, gate_rates *m, gate_rates *h, gate_rates *n, int deriv)
{
  double d = 0.0, *dp = deriv ? &d : NULL;
  m->alpha = 1.28 * psi((13.0 - u) / 4.0, dp);   /* 0.32 x 4 psi */
  m->dalpha = -0.32 * d;
  m->beta = 1.4 * psi((u - 40.0) / 5.0, dp);     /* 0.28 x 5 psi */
  m->dbeta = 0.28 * d;
  h->alpha = 0.128 * exp((17.0 - u) / 18.0);
  h->dalpha = -h->alpha / 18.0;
  h->beta = 4.0 / (1.0 + exp((40.0 - u) / 5.0));
  h->dbeta = 0.2 * h->beta * (1.0 - 0.25 * h->beta);   /* no inf/inf for large |u| */
  n->alpha = 0.16 * psi((15.0 - u) / 5.0, dp);   /* 0.032 x 5 psi */
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
static void rates_at(const double *p, double v, gate_rates *m, gate_rates *h, gate_rates *n,
                     int deriv)
{
  double u = v - p[V_OFFSET];
  rates(fmin(fmax(u, -U_GUARD), U_GUARD), m, h, n, deriv);
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
  rates_at(p, v, &rm, &rh, &rn, 0);
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
  rates_at(p, v, &rm, &rh, &rn, 1);
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

/* Taylor coefficients (ember_model.taylor) by Taylor-mode differentiation
 * (lib/taylor_ad.h), coefficient k of every rate and product from coefficients
 * 0..k of the state, then coefficient k + 1 of the state:
 *   alpha_m = 1.28 psi((13 - u) / 4), beta_m = 1.4 psi((u - 40) / 5),
 *   alpha_n = 0.16 psi((15 - u) / 5)              (psi: taylor_ad.h, near 0 too)
 *   alpha_h = 0.128 exp((17 - u) / 18), beta_n = 0.5 exp((10 - u) / 40),
 *   beta_h = 4 / (1 + W), W = exp((40 - u) / 5)   (1 + W >= 1: a stable quotient)
 *   (k+1) x_(k+1) = alpha_k - sum_j (alpha + beta)_j x_(k-j)         x = m, h, n
 *   (k+1) cm v_(k+1) = [k = 0] (g_leak e_rev_leak + i_offset + i_inj)
 *        + gbar_Na e_rev_Na (m^3 h)_k + gbar_K e_rev_K (n^4)_k + e_rev_E ge_k
 *        + e_rev_I gi_k - sum_j G_j v_(k-j)
 * with the total conductance G = g_leak + gbar_Na m^3 h + gbar_K n^4 + ge + gi
 * (one convolution with v instead of five), and ge, gi decaying exponentially.
 * These are the coefficients of the rhs without the trial-state guard (gates
 * clamped to [0, 1], |u| <= 1000 mV), which is the same function wherever a
 * state the method accepts can be. */
typedef struct hh_series {
  double v[TAD_LEN], m[TAD_LEN], h[TAD_LEN], n[TAD_LEN], ge[TAD_LEN], gi[TAD_LEN];
  double m2[TAD_LEN], m3[TAD_LEN], m3h[TAD_LEN], n2[TAD_LEN], n4[TAD_LEN], g[TAD_LEN];
  double sm[TAD_LEN], sh[TAD_LEN], sn[TAD_LEN];   /* alpha + beta of each gate */
  double eah[TAD_LEN], ebn[TAD_LEN], w[TAD_LEN], bh[TAD_LEN];
  tad_psi am, bm, an;
} hh_series;

/* Coefficient k of the rates from coefficient k of v (k >= 1; k = 0: hh_start). */
static void hh_rates_k(hh_series *s, size_t k, double *am, double *ah, double *an)
{
  double vk = s->v[k];
  *am = 1.28 * tad_psi_next(&s->am, -0.25 * vk, k);
  double bm = 1.4 * tad_psi_next(&s->bm, 0.2 * vk, k);
  *an = 0.16 * tad_psi_next(&s->an, -0.2 * vk, k);
  s->eah[k] = tad_exp_lin(s->v, -1.0 / 18.0, s->eah, k);
  s->ebn[k] = tad_exp_lin(s->v, -1.0 / 40.0, s->ebn, k);
  s->w[k] = tad_exp_lin(s->v, -0.2, s->w, k);
  double acc = 0.0;   /* (1 + W) beta_h = 4: 1 + W has coefficients 1 + W_0, W_1, ... */
  for (size_t j = 1; j <= k; j++)
    acc -= s->w[j] * s->bh[k - j];
  s->bh[k] = acc / (1.0 + s->w[0]);
  *ah = 0.128 * s->eah[k];
  s->sm[k] = *am + bm;
  s->sh[k] = *ah + 4.0 * s->bh[k];
  s->sn[k] = *an + 0.5 * s->ebn[k];
}

static void hh_start(hh_series *s, const double *p, size_t K, double *am, double *ah, double *an)
{
  double u = s->v[0] - p[V_OFFSET];
  *am = 1.28 * tad_psi_start(&s->am, (13.0 - u) * 0.25, K);
  double bm = 1.4 * tad_psi_start(&s->bm, (u - 40.0) * 0.2, K);
  *an = 0.16 * tad_psi_start(&s->an, (15.0 - u) * 0.2, K);
  s->eah[0] = exp((17.0 - u) / 18.0);
  s->ebn[0] = exp((10.0 - u) / 40.0);
  s->w[0] = exp((40.0 - u) * 0.2);
  s->bh[0] = 1.0 / (1.0 + s->w[0]);
  *ah = 0.128 * s->eah[0];
  s->sm[0] = *am + bm;
  s->sh[0] = *ah + 4.0 * s->bh[0];
  s->sn[0] = *an + 0.5 * s->ebn[0];
}

static int taylor(const double y[], size_t order, double c[], const ember_neuron_ctx *ctx)
{
  const double *p = ctx->p, *inv = ember_taylor_inverses;
  hh_series s;
  double *x[N_STATE] = {s.v, s.m, s.h, s.n, s.ge, s.gi};
  for (size_t i = 0; i < N_STATE; i++)
    x[i][0] = c[i] = y[i];
  double gna = p[GBAR_NA], gk = p[GBAR_K];
  for (size_t k = 0; k < order; k++) {
    double am, ah, an;
    if (k == 0)
      hh_start(&s, p, order, &am, &ah, &an);
    else
      hh_rates_k(&s, k, &am, &ah, &an);
    s.m2[k] = tad_sqr(s.m, k);
    s.m3[k] = tad_mul(s.m2, s.m, k);
    s.m3h[k] = tad_mul(s.m3, s.h, k);
    s.n2[k] = tad_sqr(s.n, k);
    s.n4[k] = tad_sqr(s.n2, k);
    s.g[k] = gna * s.m3h[k] + gk * s.n4[k] + s.ge[k] + s.gi[k] + (k == 0 ? p[G_LEAK] : 0.0);
    double i = gna * p[E_REV_NA] * s.m3h[k] + gk * p[E_REV_K] * s.n4[k] + p[E_REV_E] * s.ge[k] +
               p[E_REV_I] * s.gi[k] - tad_mul(s.g, s.v, k);
    if (k == 0)
      i += p[G_LEAK] * p[E_REV_LEAK] + p[I_OFFSET] + ctx->i_ext;
    double r = inv[k + 1];
    s.v[k + 1] = i * p[INV_CM] * r;
    s.m[k + 1] = (am - tad_mul(s.sm, s.m, k)) * r;
    s.h[k + 1] = (ah - tad_mul(s.sh, s.h, k)) * r;
    s.n[k + 1] = (an - tad_mul(s.sn, s.n, k)) * r;
    s.ge[k + 1] = -s.ge[k] * p[INV_TAU_E] * r;
    s.gi[k + 1] = -s.gi[k] * p[INV_TAU_I] * r;
    for (size_t q = 0; q < N_STATE; q++)
      c[(k + 1) * N_STATE + q] = x[q][k + 1];
  }
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
  .on_event = on_event, .exact = NULL, .taylor = taylor,
};
