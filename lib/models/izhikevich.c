/* izhikevich: the Izhikevich (2003) quadratic integrate-and-fire neuron with a
 * recovery variable and delta (voltage-jump) synapses (PyNN Izhikevich; NEST
 * izhikevich).
 *
 *   dv/dt = 0.04 v^2 + 5 v + 140 - u + I        (v in mV, t in ms)
 *   du/dt = a (b v - u)
 *   I     = 1000 (i_offset + i_inj)             (i_offset, i_inj in nA)
 *
 * When v reaches 30 mV (an upward crossing located inside the step, like every
 * threshold in Ember) the neuron spikes: v = c, u = u + d. There is no refractory
 * period. The constants 0.04, 5 and 140 fix the units: v in mV, t in ms, so u and
 * I are in mV/ms. A current in nA becomes I through an implicit membrane of 1 pF
 * (I = 1000 x nA): this is PyNN's convention (its NEST backend passes i_offset x
 * 1000 as NEST's I_e in pA, which NEST adds to dv/dt as a number), so Izhikevich's
 * I = 10 is i_offset = 0.01 nA, and the current sources (nA) scale the same way.
 *
 * Synapses are deltas, as in the paper and in PyNN/NEST: a spike arriving on
 * either receptor adds its weight, in mV, to v at once (NEST also adds it to v).
 * Both receptors accept any sign; "inhibitory" exists so that scripts written for
 * two receptors carry over, and the paper's single signed weight matrix can go
 * through either one. A jump to v >= 30 mV fires at once.
 *
 * Parameters (PyNN's names and defaults, cells.py Izhikevich):
 *
 *   name      default  unit   range  meaning
 *   a         0.02     1/ms   any    rate of the recovery variable u
 *   b         0.2      1/ms   any    sensitivity of u to v
 *   c         -65      mV     < 30   v after a spike
 *   d         2        mV/ms  any    jump of u at a spike
 *   i_offset  0        nA     any    constant current (I = 1000 i_offset)
 *
 * State: v (mV, initial -70), u (mV/ms, initial -14): the resting state of the
 * defaults (the stable root of 0.04 v^2 + (5 - b) v + 140 = 0, u = b v), as PyNN.
 *
 * The quadratic term makes v blow up in finite time a fraction of a ms after the
 * threshold; the adaptive steppers resolve the upstroke and the crossing of 30 mV
 * is found by root finding, so spikes are not tied to a grid (the paper used
 * 0.5 ms Euler steps and clipped v at 30). Default solver: taylor (the
 * recurrence below), or dopri5 and the GSL steppers.
 *
 * Reference: Izhikevich EM (2003) Simple model of spiking neurons. IEEE Trans
 * Neural Netw 14:1569-1572. */
#include <math.h>
#include <gsl/gsl_errno.h>
#include "ember/model.h"

#define V_PEAK 30.0        /* mV: the spike cut-off of the paper */
#define NA_TO_I 1000.0     /* (mV/ms) per nA: the implicit 1 pF membrane */

enum { V, U, N_STATE };
enum { A, B, C, D, I_OFFSET, N_PARAMS };

static const ember_param_info params[N_PARAMS] = {
  [A] = {"a", 0.02, "1/ms", -INFINITY, INFINITY, 0, "time scale of the recovery variable u"},
  [B] = {"b", 0.2, "1/ms", -INFINITY, INFINITY, 0, "sensitivity of u to v"},
  [C] = {"c", -65.0, "mV", -INFINITY, V_PEAK, EMBER_RANGE_MAX_OPEN,
         "v after a spike (below the 30 mV peak)"},
  [D] = {"d", 2.0, "mV/ms", -INFINITY, INFINITY, 0, "jump of u at a spike"},
  [I_OFFSET] = {"i_offset", 0.0, "nA", -INFINITY, INFINITY, 0,
                "constant current; enters dv/dt as 1000 i_offset (1 pF membrane)"},
};

static const ember_state_info state[N_STATE] = {
  [V] = {"v", "mV", -70.0, "membrane potential"},
  [U] = {"u", "mV/ms", -14.0, "recovery variable"},
};

static const ember_receptor_info receptors[] = {
  {"excitatory", "mV", EMBER_SIGN_ANY},
  {"inhibitory", "mV", EMBER_SIGN_ANY},
};

static int rhs(double t, const double y[], double f[], void *params)
{
  const ember_neuron_ctx *c = params;
  const double *p = c->p;
  double v = y[V];
  f[V] = (0.04 * v + 5.0) * v + 140.0 - y[U] + NA_TO_I * (p[I_OFFSET] + c->i_ext);
  f[U] = p[A] * (p[B] * v - y[U]);
  return GSL_SUCCESS;
}

static int jacobian(double t, const double y[], double *J, double dfdt[], void *params)
{
  const double *p = ((const ember_neuron_ctx *)params)->p;
  J[0] = 0.08 * y[V] + 5.0; J[1] = -1.0;
  J[2] = p[A] * p[B];       J[3] = -p[A];
  dfdt[0] = dfdt[1] = 0.0;
  return GSL_SUCCESS;
}

/* Taylor coefficients (see ember_model.taylor): the square of v is the Cauchy
 * product of v's coefficients with themselves, the rest is linear:
 *   (k+1) v_(k+1) = 0.04 (v^2)_k + 5 v_k - u_k + [k = 0] (140 + I)
 *   (k+1) u_(k+1) = a (b v_k - u_k)
 * Near a spike v runs towards a pole (it blows up in finite time); the series'
 * radius shrinks with the distance to it and the step control follows. */
static int taylor(const double y[], size_t order, double c[], const ember_neuron_ctx *ctx)
{
  const double *p = ctx->p, *inv = ember_taylor_inverses;
  c[V] = y[V];
  c[U] = y[U];
  double drive = 140.0 + NA_TO_I * (p[I_OFFSET] + ctx->i_ext);
  for (size_t k = 0; k < order; k++) {
    double sq = 0.0;
    for (size_t j = 0; j <= k; j++)
      sq += c[j * N_STATE + V] * c[(k - j) * N_STATE + V];
    double vk = c[k * N_STATE + V], uk = c[k * N_STATE + U];
    c[(k + 1) * N_STATE + V] = (0.04 * sq + 5.0 * vk - uk + drive) * inv[k + 1];
    c[(k + 1) * N_STATE + U] = p[A] * (p[B] * vk - uk) * inv[k + 1];
    drive = 0.0;
  }
  return GSL_SUCCESS;
}

static double threshold(const double *p) { return V_PEAK; }

static void reset(double y[], const ember_neuron_ctx *c)
{
  y[V] = c->p[C];
  y[U] += c->p[D];
}

static void on_event(double y[], size_t receptor, double w, const ember_neuron_ctx *c)
{
  y[V] += w;
}

const ember_model ember_izhikevich = {
  .name = "izhikevich",
  .doc = "Izhikevich (2003) quadratic neuron, delta synapses in mV (PyNN Izhikevich)",
  .n_state = N_STATE, .state = state,
  .n_params = N_PARAMS, .params = params,
  .n_derived = 0,
  .n_receptors = 2, .receptors = receptors,
  .prepare = NULL, .rhs = rhs, .jacobian = jacobian,
  .threshold = threshold, .spike_var = V, .reset = reset,
  .refractory_period = NULL,
  .on_event = on_event, .exact = NULL, .taylor = taylor,
};
