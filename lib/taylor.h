/* Internal: the Taylor series method, for models that can give the Taylor
 * coefficients of their solution (ember_model.taylor).
 *
 * Between events most neuron models are polynomial in their state with
 * exponential or constant coefficients, so the coefficients of the solution's
 * Taylor series at a point follow from a short recurrence (automatic
 * differentiation of the right-hand side). One set of coefficients is then a
 * whole step: its length is chosen a priori from the size of the last
 * coefficient (after Jorba & Zou 2005, Exp. Math. 14:99), so a step is never rejected,
 * and the polynomial is the dense output, so an event, a sample or a threshold
 * crossing inside the step costs a Horner evaluation. In an event-driven
 * network, where every input ends a step, that is what matters: a fresh start
 * after an event costs one recurrence (O(order^2) flops for a LIF neuron), not a
 * Runge-Kutta step with its rejections. */
#ifndef EMBER_TAYLOR_H
#define EMBER_TAYLOR_H

#include <stddef.h>
#include "ember/model.h"

typedef struct taylor {
  size_t dim, order;
  double atol, rtol;
  double *c;           /* (order + 1) x dim coefficients of the last step (c[0..dim) =
                        * its start); the caller may point it at its own storage */
  double *own;         /* the storage allocated with the stepper */
  /* expint (which keeps its tolerances here): 1 - e^(-h/tau_syn) for the last
   * (h, 1/tau_E, 1/tau_I) asked, since most steps have the same length */
  double memo_key[3], memo_f[2];
} taylor;

/* The order used for tolerance tol (min of abstol and a non-zero reltol): the
 * usual choice ~ -ln(tol)/2 + 1, which makes the steps about as long as the
 * series allows at that accuracy. */
size_t taylor_order(double abstol, double reltol);

taylor *taylor_new(size_t dim, size_t order, double atol, double rtol);
void taylor_free(taylor *T);

/* Stepping, step-size control and the event loop: taylor_kernel.h. */

/* The state at offset tau from the start of the step described by c. */
void taylor_eval(const double *c, size_t dim, size_t order, double tau, double *out);

#endif
