/* Internal: solver "expint", an exponential integrator for lif_cond_exp.
 *
 * Between events the conductances decay exactly, g(t) = g(0) e^(-t/tau), and v
 * obeys the linear equation dv/dt = b(t) (v_inf(t) - v) with
 *   b = 1/tau_m + (g_e + g_i)/cm,
 *   v_inf = (v_rest/tau_m + (g_e e_rev_E + g_i e_rev_I + I)/cm) / b.
 * In the time beta(t) = integral of b (closed form from the same exponentials)
 * this is dv/dbeta = v_inf - v, solved by
 *   v(B) = v(0) e^(-B) + integral_0^B e^(-(B - s)) v_inf(s) ds.
 * v_inf is interpolated by a quartic in s / B through the nodes t = 0, h/4, ..,
 * h, and the integral of each power against the exponential is exact. The fast
 * membrane time scale (tau_eff = 1/b, under 1 ms in a high-conductance state) is
 * thus integrated exactly; only v_inf, which moves on the synaptic time scale,
 * limits the step. The error estimate is the difference between the quartic and
 * the cubic through the first four nodes; the quartic is kept.
 *
 * Threshold: v cannot rise above max(v(0), sup v_inf) on the step, and v_inf is
 * a linear-fractional function of (g_e, g_i), whose supremum over the box the
 * monotone conductances sweep is at one of its corners; when that bound is below
 * threshold the step has no crossing. Otherwise a crossing is located on the
 * dense output as the Taylor kernel does.
 *
 * Negative conductances (which a script may set as initial state) can make b
 * vanish; a step that starts with one is a Taylor step instead, kept in the same
 * storage. The event loop itself is event_loop_body.h, shared with taylor. */
#ifndef EMBER_EXPINT_KERNEL_H
#define EMBER_EXPINT_KERNEL_H

#include "solver.h"
#include "taylor.h"

/* Whether model m has an exponential integrator (lif_cond_exp). */
int expint_supports(const ember_model *m);

/* Blocks of n_state doubles of pending storage per neuron, for Taylor fallback
 * order K. */
size_t expint_pending(size_t K);

/* The state at ta + tau (0 < tau <= tb - ta) of the open step stored in the
 * neuron's pending storage, for tolerances atol, rtol and steps up to hmax (see
 * solver_settle). */
void expint_eval(const ember_neuron_ctx *ctx, const double *pending, size_t K, double atol,
                 double rtol, double hmax, double tau, double *out);

/* Advances job's neuron from t0 to t1 as solver_advance does; T carries the
 * tolerances and the order of the Taylor fallback. scratch holds at least
 * 3 * m->n_state doubles. */
/* Whether the open step in the pending storage is one whose end state is not
 * computed yet (then y is not the state at tb: expint_eval gives it). */
int expint_lazy(const double *pending);

ember_status expint_advance(taylor *T, const ember_model *m, double hmax, double root_tol,
                            double *scratch, neuron_job *job, double t0, double t1,
                            spike_buf *sink, char *msg, size_t msglen);

#endif
