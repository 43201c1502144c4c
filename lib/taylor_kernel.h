/* Internal: the event loop of one neuron for the Taylor series method.
 *
 * The generic loop of solver.c serves every method through one interface (copy
 * the step's ends, re-evaluate through a switch, reset the stepper at each
 * discontinuity). For `taylor` everything inside a step is a polynomial held in
 * the neuron's own storage, so this loop works on it in place: an event inside
 * the open step is one Horner evaluation, a new step is one recurrence, and the
 * threshold is looked for on the polynomial. The decisions (where steps start
 * and end, which crossing fires, what is sampled) are those of solver.c's loop,
 * documented in docs/engine.md. */
#ifndef EMBER_TAYLOR_KERNEL_H
#define EMBER_TAYLOR_KERNEL_H

#include "solver.h"
#include "taylor.h"

/* Advances job's neuron from t0 to t1 as solver_advance does. scratch holds at
 * least 3 * m->n_state doubles. */
ember_status taylor_advance(taylor *T, const ember_model *m, double hmax, double root_tol,
                            double *scratch, neuron_job *job, double t0, double t1,
                            spike_buf *sink, char *msg, size_t msglen);

#endif
