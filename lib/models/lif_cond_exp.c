/* lif_cond_exp: leaky integrate-and-fire neuron with exponentially decaying
 * conductance-based synapses (PyNN IF_cond_exp; NEST iaf_cond_exp).
 *
 *   cm dv/dt = cm (v_rest - v) / tau_m + gsyn_exc (e_rev_E - v)
 *              + gsyn_inh (e_rev_I - v) + i_offset + i_ext
 *   d gsyn_X/dt = -gsyn_X / tau_syn_X
 *
 * A spike on receptor X adds its weight (uS, >= 0) to gsyn_X. When v crosses
 * v_thresh from below, v is set to v_reset and held there for tau_refrac ms while
 * the conductances keep decaying. The product of the conductances and v has no
 * elementary closed form, so this model is integrated by a GSL stepper (default
 * rkf45); its Jacobian is exact, for the implicit steppers.
 *
 * Parameters, defaults and units are PyNN's (cells.py, IF_cond_exp). */
#include <math.h>
#include <gsl/gsl_errno.h>
#include "ember/model.h"
#include "lif_cond_exp.h"

enum { V = CE_V, GE = CE_GE, GI = CE_GI, N_STATE = CE_N_STATE };
enum {
  CM = LIF_CM, TAU_M = LIF_TAU_M, TAU_SYN_E = LIF_TAU_SYN_E, TAU_SYN_I = LIF_TAU_SYN_I,
  V_REST = LIF_V_REST, I_OFFSET = LIF_I_OFFSET, E_REV_E = CE_E_REV_E, E_REV_I = CE_E_REV_I,
  N_PARAMS = CE_N_PARAMS
};
enum {
  INV_TAU_M = CE_INV_TAU_M, INV_CM = CE_INV_CM, INV_TAU_E = CE_INV_TAU_E, INV_TAU_I = CE_INV_TAU_I
};

static const ember_param_info params[N_PARAMS] = {
  LIF_COMMON_PARAMS("conductance"),
  [E_REV_E] = {"e_rev_E", 0.0, "mV", -INFINITY, INFINITY, 0, "excitatory reversal potential"},
  [E_REV_I] = {"e_rev_I", -70.0, "mV", -INFINITY, INFINITY, 0, "inhibitory reversal potential"},
};

static const ember_state_info state[N_STATE] = {
  [V] = {"v", "mV", -65.0, "membrane potential"},
  [GE] = {"gsyn_exc", "uS", 0.0, "excitatory synaptic conductance"},
  [GI] = {"gsyn_inh", "uS", 0.0, "inhibitory synaptic conductance"},
};

static const ember_receptor_info receptors[] = {
  {"excitatory", "uS", EMBER_SIGN_NONNEG},
  {"inhibitory", "uS", EMBER_SIGN_NONNEG},
};

static ember_status prepare(double *p, char *msg, size_t len)
{
  return lif_prepare(p, N_PARAMS, msg, len);
}

static int rhs(double t, const double y[], double f[], void *params)
{
  const ember_neuron_ctx *c = params;
  const double *p = c->p;
  double v = y[V];
  f[V] = c->refractory ? 0.0
                       : (p[V_REST] - v) * p[INV_TAU_M] +
                           (y[GE] * (p[E_REV_E] - v) + y[GI] * (p[E_REV_I] - v) + p[I_OFFSET] +
                            c->i_ext) * p[INV_CM];
  f[GE] = -y[GE] * p[INV_TAU_E];
  f[GI] = -y[GI] * p[INV_TAU_I];
  return GSL_SUCCESS;
}

static int jacobian(double t, const double y[], double *J, double dfdt[], void *params)
{
  const ember_neuron_ctx *c = params;
  const double *p = c->p;
  double live = c->refractory ? 0.0 : p[INV_CM], v = y[V];
  J[0] = c->refractory ? 0.0 : -(p[INV_TAU_M] + (y[GE] + y[GI]) * p[INV_CM]);
  J[1] = live * (p[E_REV_E] - v);
  J[2] = live * (p[E_REV_I] - v);
  J[3] = 0.0; J[4] = -p[INV_TAU_E]; J[5] = 0.0;
  J[6] = 0.0; J[7] = 0.0;           J[8] = -p[INV_TAU_I];
  dfdt[0] = dfdt[1] = dfdt[2] = 0.0;
  return GSL_SUCCESS;
}

/* Taylor coefficients (see ember_model.taylor). The conductances decay
 * exponentially, so g_k = g_(k-1) (-1/tau) / k; v's equation is linear in v with
 * the conductances as coefficients, so with G_k = (g_e,k + g_i,k) / cm
 *   (k+1) v_(k+1) = [k = 0] (v_rest / tau_m + I / cm) - v_k / tau_m
 *                   + (e_rev_E g_e,k + e_rev_I g_i,k) / cm - sum_(j=0..k) G_j v_(k-j).
 * (The order of the sum is chosen for the processor: see below.) */
static inline __attribute__((always_inline)) int
taylor_k(const double y[], size_t order, double c[], const ember_neuron_ctx *ctx)
{
  const double *p = ctx->p;
  const double *inv = ember_taylor_inverses;   /* 1/k: no division in the recurrence */
  double de = -p[INV_TAU_E], di = -p[INV_TAU_I], ge = y[GE], gi = y[GI];
  double icm = p[INV_CM], ee = p[E_REV_E] * icm, ei = p[E_REV_I] * icm, itm = p[INV_TAU_M];
  double G[EMBER_TAYLOR_MAX_ORDER + 1], drv[EMBER_TAYLOR_MAX_ORDER + 1];
  double v[EMBER_TAYLOR_MAX_ORDER + 1];
#pragma GCC unroll 16
  for (size_t k = 0; k <= order; k++) {
    c[k * N_STATE + GE] = ge;
    c[k * N_STATE + GI] = gi;
    G[k] = (ge + gi) * icm;
    drv[k] = ee * ge + ei * gi;
    ge *= de * inv[k + 1];
    gi *= di * inv[k + 1];
  }
  c[V] = v[0] = y[V];
  if (ctx->refractory) {   /* v is clamped */
    for (size_t k = 1; k <= order; k++)
      c[k * N_STATE + V] = 0.0;
    return GSL_SUCCESS;
  }
  drv[0] += p[V_REST] * itm + (p[I_OFFSET] + ctx->i_ext) * icm;
  G[0] += itm;
  /* The terms with the older coefficients first, in two chains; the one with
   * v_k last, so that the path from v_k to v_(k+1) is a multiply, a subtract and
   * a multiply whatever k. */
#pragma GCC unroll 16
  for (size_t k = 0; k < order; k++) {
    double s0 = drv[k], s1 = 0.0;
    size_t j = 1;
#pragma GCC unroll 8
    for (; j + 1 <= k; j += 2) {
      s0 -= G[j] * v[k - j];
      s1 -= G[j + 1] * v[k - j - 1];
    }
    if (j <= k)
      s0 -= G[j] * v[k - j];
    v[k + 1] = ((s0 + s1) - G[0] * v[k]) * inv[k + 1];
    c[(k + 1) * N_STATE + V] = v[k + 1];
  }
  return GSL_SUCCESS;
}

/* The orders of the usual tolerances get their own copy, with the loop bounds
 * known to the compiler (unrolled: about half the instructions). */
static int taylor(const double y[], size_t order, double c[], const ember_neuron_ctx *ctx)
{
  switch (order) {
  case 6: return taylor_k(y, 6, c, ctx);
  case 7: return taylor_k(y, 7, c, ctx);
  case 8: return taylor_k(y, 8, c, ctx);
  case 9: return taylor_k(y, 9, c, ctx);
  case 10: return taylor_k(y, 10, c, ctx);
  case 12: return taylor_k(y, 12, c, ctx);
  default: return taylor_k(y, order, c, ctx);
  }
}

static void on_event(double y[], size_t receptor, double w, const ember_neuron_ctx *c)
{
  y[receptor == 0 ? GE : GI] += w;
}

const ember_model ember_lif_cond_exp = {
  .name = "lif_cond_exp",
  .doc = "Leaky integrate-and-fire, exponential conductance synapses (PyNN IF_cond_exp)",
  .n_state = N_STATE, .state = state,
  .n_params = N_PARAMS, .params = params,
  .n_derived = LIF_N_DERIVED,
  .n_receptors = 2, .receptors = receptors,
  .prepare = prepare, .rhs = rhs, .jacobian = jacobian,
  .threshold = lif_threshold, .spike_var = V, .reset = lif_reset,
  .refractory_period = lif_refractory_period,
  .on_event = on_event, .exact = NULL, .taylor = taylor,
};
