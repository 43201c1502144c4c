/* Internal: advancing one neuron between events with a GSL stepper or the model's
 * closed form, locating threshold crossings inside steps, and sampling recorded
 * variables without disturbing the trajectory. */
#ifndef EMBER_SOLVER_H
#define EMBER_SOLVER_H

#include <stddef.h>
#include <stdint.h>
#include "internal.h"

struct solver_kind {
  const char *name;
  int gsl_index;      /* into the GSL stepper table; -1 exact, -2 dopri5, -3 taylor */
  int implicit;       /* needs the model's Jacobian */
  int multistep;      /* keeps history: samples by Hermite interpolation, not re-stepping */
};

/* NULL for an unknown name. */
const solver_kind *solver_find(const char *name);
/* "exact, rk2, rk4, ..." for error messages. */
const char *solver_names(void);

typedef struct solver_ws solver_ws;

/* Blocks of n_state doubles kept per neuron for its open step: its start, and
 * the further blocks of the method's dense output (dopri5: 4; taylor: order). */
size_t solver_pending(const solver_kind *k, const ember_solver_opts *o);

/* A workspace for one population's model and solver settings, used by one thread. */
solver_ws *solver_ws_new(const solver_kind *k, const ember_model *m, const ember_solver_opts *o);
void solver_ws_free(solver_ws *ws);

/* Frames k in [k, k_end) of one recorder, at times t0 + k * dt, written to
 * dst[(k - k_base) * stride]. */
typedef struct sample_req {
  float *dst;
  size_t stride;
  double t0, dt;
  uint64_t k, k_end, k_base;
  int var;
} sample_req;

/* One neuron's work for one interval. */
typedef struct neuron_job {
  double *y;                 /* state at *t_cur */
  double *t_cur;             /* the neuron's time: may pass the interval's end */
  double *t_prev, *y_prev;   /* its last step (solver_pending x n_state), to go back into it */
  ember_neuron_ctx ctx;
  double *h;                 /* step-size proposal, kept between calls */
  double *refr_until;
  const ember_event *ev;     /* this interval's events, sorted by time */
  size_t n_ev;
  uint32_t pop, id;
  const char *label;
  const struct stdp_in *stdp;   /* plastic inputs of the population, or NULL */
  sample_req samples[EMBER_MAX_RECORDERS];
  size_t n_samples;
} neuron_job;

/* Advances the neuron from t0 to t1, applying its events at their times and
 * pushing its spikes into sink. On failure returns EMBER_ERR_SOLVER or
 * EMBER_ERR_NONFINITE with a message naming population, neuron and time in msg. */
ember_status solver_advance(solver_ws *ws, neuron_job *job, double t0, double t1,
                            spike_buf *sink, char *msg, size_t msglen);

/* Brings a neuron whose last step passed t back to exactly t (end of a run, so
 * that the state read or set between runs is the state at the network's time). */
void solver_settle(solver_ws *ws, neuron_job *job, double t);

#endif
