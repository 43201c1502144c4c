/* Internal: the Dormand-Prince 5(4) embedded Runge-Kutta method with step-size
 * control and its 4th-order continuous extension (dense output).
 *
 * GSL's steppers give the state only at step ends; this one also gives it
 * anywhere inside the last step for the price of a polynomial, which is what an
 * event-driven integrator needs most: an event, a sample or a threshold crossing
 * inside a step costs no extra step. */
#ifndef EMBER_DOPRI5_H
#define EMBER_DOPRI5_H

#include <stddef.h>

typedef int (*dopri5_rhs)(double t, const double y[], double dydt[], void *params);

typedef struct dopri5 {
  size_t dim;
  double atol, rtol;
  double *k[7];        /* stage derivatives; k[0] = f(t, y) at the current point */
  double *ytmp, *ynew;
  double *dense;       /* 5 x dim coefficients of the last accepted step (block 0 = its
                        * start); the caller may point it at its own storage */
  int k0_valid;        /* k[0] is f at the current point (first same as last) */
} dopri5;

dopri5 *dopri5_new(size_t dim, double atol, double rtol);
void dopri5_free(dopri5 *d);

/* After a discontinuity: k[0] must be evaluated afresh. */
static inline void dopri5_restart(dopri5 *d) { d->k0_valid = 0; }

/* One accepted step from (*t, y) of size at most min(*h, hmax, end - *t); y, *t
 * and the dense output are updated, *h becomes the proposal for the next step
 * (unchanged when the step was cut short to land on `end`). Returns 0, the rhs's
 * non-zero status, or -1 when the step size underflows. */
int dopri5_step(dopri5 *d, dopri5_rhs f, void *params, double *t, double end, double *h,
                double hmax, double *y);

/* The state at fraction theta in [0, 1] of the step described by dense (5 x dim). */
void dopri5_eval(const double *dense, size_t dim, double theta, double *out);

#endif
