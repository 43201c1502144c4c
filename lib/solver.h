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
  int gsl_index;      /* into the GSL stepper table; -1 exact, -2 dopri5, -3 taylor, -4 expint */
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

/* What an incoming event does to a neuron's state y, shared by every event loop
 * (solver.c and the Taylor kernel): a change of injected current, a plastic
 * synapse's arrival (its STDP update gives the weight), or a static one. */
static inline void neuron_event(neuron_job *j, const ember_model *m, double *y,
                                const ember_event *e)
{
  if (e->receptor == EMBER_RECEPTOR_CURRENT) {
    j->ctx.i_ext += e->w;
  } else if (e->receptor >= EMBER_RECEPTOR_PLASTIC) {
    size_t r;
    double w = stdp_arrive(j->stdp, e, &r);
    m->on_event(y, r, w, &j->ctx);
  } else {
    m->on_event(y, e->receptor, e->w, &j->ctx);
  }
}

/* A spike at t, shared by every event loop: record it, tell the neuron's plastic
 * inputs, reset y and start the refractory period. The caller restarts its step. */
static inline void neuron_spike(neuron_job *j, const ember_model *m, double *y, double t,
                                spike_buf *sink)
{
  spike_buf_push(sink, t, j->pop, j->id);
  if (j->stdp)
    stdp_post_spike(j->stdp, j->id, t);
  if (m->reset)
    m->reset(y, &j->ctx);
  double tr = m->refractory_period ? m->refractory_period(j->ctx.p) : 0.0;
  if (tr > 0) {
    *j->refr_until = t + tr;
    j->ctx.refractory = 1;
  }
}

/* Advances the neuron from t0 to t1, applying its events at their times and
 * pushing its spikes into sink. On failure returns EMBER_ERR_SOLVER or
 * EMBER_ERR_NONFINITE with a message naming population, neuron and time in msg. */
ember_status solver_advance(solver_ws *ws, neuron_job *job, double t0, double t1,
                            spike_buf *sink, char *msg, size_t msglen);

/* solver_advance resolved once for the many jobs of one workspace (lib/engine.c,
 * per population and interval): a kernel with its own event loop (expint,
 * taylor) and its arguments that do not depend on the job. kernel NULL: the
 * generic loop, through solver_advance. */
struct taylor;
typedef ember_status (*solver_kernel_fn)(struct taylor *T, const ember_model *m, double hmax,
                                         double root_tol, double *scratch, neuron_job *job,
                                         double t0, double t1, spike_buf *sink, char *msg,
                                         size_t msglen);
typedef struct solver_direct {
  solver_kernel_fn kernel;
  struct taylor *T;
  const ember_model *m;
  double hmax, root_tol;
  double *scratch;
} solver_direct;
solver_direct solver_direct_of(const solver_ws *ws);

/* Brings a neuron whose last step passed t back to exactly t (end of a run, so
 * that the state read or set between runs is the state at the network's time). */
void solver_settle(solver_ws *ws, neuron_job *job, double t);

#endif
