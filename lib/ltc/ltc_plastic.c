/* Rate-based plasticity on an LTC circuit's weights (ember/plasticity.h): the
 * weights, and the rule's per-neuron state, integrated together with v.
 *
 * GSL solvers: the ODE state is [v (N) | w of internal synapses | w of sensory
 * synapses | rule state (N x n_state)], each store in its storage order. The
 * right-hand side copies the trial weights into the synapse stores (the sensory
 * drive is recomputed from them), lets an LTC population add its coupling
 * conductances (c->ext_drive: spikes, LTC -> LTC synapses), evaluates the
 * unchanged LTC derivative (ltc_rhs), and adds the weights' derivatives.
 * Fused solver: each sub-step evaluates the weights' derivatives at the state
 * at its start, then takes ncps' update of v with the old weights, then an
 * explicit Euler step of the weights and the rule state (a Jacobi update of
 * everything, as ncps' own sub-step).
 *
 * Bounds: 0 <= w <= w_max. Where w sits on a bound and its rate points out of
 * [0, w_max] the rate is 0 (projected dynamics), and after each accepted step
 * a weight outside the bounds (by at most the solver's tolerance) is put back
 * on the bound. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_errno.h>
#include "ltc_internal.h"
#include "ember/plasticity.h"

typedef struct ltc_plastic {
  const ember_rate_rule *rule;
  double p[EMBER_RATE_MAX_PARAMS];   /* p[EMBER_RATE_ETA] is set to eta(t) before use */
  double eta;                        /* the constant rate (ember_ltc_set_learning_rate) */
  double (*eta_fn)(double t, void *data);
  void *eta_data;
  int internal, sensory;             /* which stores learn */
  size_t n_int, n_sens, ns;          /* plastic weights per store; rule state per neuron */
  double *s;                         /* N x ns rule state */
  double *xs;                        /* sens.nnz: sensory presynaptic activity, per step */
  double *state;                     /* N + n_int + n_sens + N ns: the GSL state */
  double *deriv;                     /* n_int + n_sens + N ns: fused scratch */
} ltc_plastic;

static int parallel(const ember_ltc *c) { return c->threads > 1 && c->n >= EMBER_LTC_PARALLEL_MIN; }

void ltc_plastic_free(ember_ltc *c)
{
  ltc_plastic *P = c->plastic;
  if (!P)
    return;
  free(P->s);
  free(P->xs);
  free(P->state);
  free(P->deriv);
  free(P);
  c->plastic = NULL;
}

int ltc_plastic_sensory(const ember_ltc *c) { return c->plastic && c->plastic->sensory; }

size_t ltc_plastic_dim(const ember_ltc *c)
{
  const ltc_plastic *P = c->plastic;
  return P ? P->n_int + P->n_sens + c->n * P->ns : 0;
}

void ltc_plastic_reset(ember_ltc *c)
{
  ltc_plastic *P = c->plastic;
  if (!P)
    return;
  for (size_t j = 0; j < c->n; j++) {
    double *s = P->s + j * P->ns;
    for (size_t q = 0; q < P->ns; q++)
      s[q] = P->rule->state[q].def;
    if (P->rule->init)
      P->rule->init(P->p, s);
  }
}

/* ------------------------------------------------------------ activities --- */

/* The postsynaptic activity of neuron j (docs/plasticity_rate.md). */
static inline double post_activity(const ltc_plastic *P, const ember_ltc *c, const double *v,
                                   size_t j)
{
  switch ((int)P->p[EMBER_RATE_POST]) {
  case EMBER_RATE_POST_RECTIFIED: return fmax(v[j] - c->vleak[j], 0.0);
  case EMBER_RATE_POST_SIGMOID:
    return ltc_sigmoid(P->p[EMBER_RATE_POST_SIGMA] * (v[j] - P->p[EMBER_RATE_POST_MU]));
  default: return v[j] - c->vleak[j];
  }
}

/* Sensory presynaptic activities sigmoid(ssigma (input_w x + input_b - smu)):
 * constant while the input holds. */
static void sensory_activity(ember_ltc *c) { ltc_sensory_activity(c, c->plastic->xs); }

/* gs, gse from the cached sensory activities and the current sensory weights:
 * with unchanged weights, the bits of the plain circuit's sensory drive. */
static void sensory_conductance(ember_ltc *c) { ltc_sensory_sums_act(c, c->plastic->xs); }

/* The learning rate at circuit time t: fn(t), or eta / (1 + t / eta_decay). */
static double eta_at(const ltc_plastic *P, double t)
{
  if (P->eta_fn)
    return P->eta_fn(t, P->eta_data);
  double tau = P->p[EMBER_RATE_ETA_DECAY];
  return isinf(tau) ? P->eta : P->eta / (1.0 + t / tau);
}

/* The rate of weight w, projected so that it cannot leave [0, w_max]. */
static inline double bounded(double f, double w, double wmax)
{
  return (w <= 0 && f < 0) || (w >= wmax && f > 0) ? 0.0 : f;
}

/* ----------------------------------------------------------- derivatives --- */

/* Derivatives of neuron j's plastic weights and rule state at (v, w, s):
 * internal weights wi (row j of syn), sensory ws (row j of sens). */
static void neuron_derivs(const ember_ltc *c, const double *v, const double *wi, const double *ws,
                          const double *s, double *fi, double *fs_, double *fst, size_t j)
{
  const ltc_plastic *P = c->plastic;
  const ember_rate_rule *r = P->rule;
  double y = post_activity(P, c, v, j), wmax = P->p[EMBER_RATE_W_MAX];
  const double *sj = s + j * P->ns;
  if (P->internal) {
    const ltc_syn *q = &c->syn;
    for (size_t p = q->row[j]; p < q->row[j + 1]; p++) {
      double x = ltc_sigmoid(q->sigma[p] * (v[q->src[p]] - q->mu[p]));
      fi[p] = bounded(r->dw(P->p, x, y, wi[p], sj), wi[p], wmax);
    }
  }
  if (P->sensory) {
    const ltc_syn *q = &c->sens;
    for (size_t p = q->row[j]; p < q->row[j + 1]; p++)
      fs_[p] = bounded(r->dw(P->p, P->xs[p], y, ws[p], sj), ws[p], wmax);
  }
  if (P->ns)
    r->ds(P->p, y, sj, fst + j * P->ns);
}

/* All derivatives; w points at [w_int | w_sens | s] and f likewise. Rows are
 * independent: split over threads for large circuits, the same bits. */
static void plastic_derivs(const ember_ltc *c, const double *v, const double *w, double *f)
{
  const ltc_plastic *P = c->plastic;
  const double *ws = w + P->n_int, *s = ws + P->n_sens;
  double *fs_ = f + P->n_int, *fst = fs_ + P->n_sens;
  if (parallel(c)) {
#pragma omp parallel for schedule(static) num_threads(c->threads)
    for (size_t j = 0; j < c->n; j++)
      neuron_derivs(c, v, w, ws, s, f, fs_, fst, j);
  } else {
    for (size_t j = 0; j < c->n; j++)
      neuron_derivs(c, v, w, ws, s, f, fs_, fst, j);
  }
}

/* Loads the weights of w = [w_int | w_sens] into the synapse stores. */
static void load_weights(ember_ltc *c, const double *w)
{
  ltc_plastic *P = c->plastic;
  if (P->internal)
    memcpy(c->syn.w, w, P->n_int * sizeof *w);
  if (P->sensory) {
    memcpy(c->sens.w, w + P->n_int, P->n_sens * sizeof *w);
    sensory_conductance(c);
  }
}

int ltc_plastic_rhs(double t, const double *y, double *dydt, void *circuit)
{
  ember_ltc *c = circuit;
  ltc_plastic *P = c->plastic;
  P->p[EMBER_RATE_ETA] = eta_at(P, c->t + t);
  if (!(P->p[EMBER_RATE_ETA] >= 0) || !isfinite(P->p[EMBER_RATE_ETA]))
    return GSL_EBADFUNC;
  load_weights(c, y + c->n);
  if (c->ext_drive)   /* spike-driven / LTC -> LTC conductances on top of the sensory drive */
    c->ext_drive(c, t, c->ext_user);
  ltc_rhs(t, y, dydt, c);
  plastic_derivs(c, y, y + c->n, dydt + c->n);
  return GSL_SUCCESS;
}

/* Puts weights back into [0, w_max]; 1 if one moved. */
static int clip_weights(const ltc_plastic *P, double *w)
{
  int moved = 0;
  double wmax = P->p[EMBER_RATE_W_MAX];
  for (size_t p = 0; p < P->n_int + P->n_sens; p++)
    if (w[p] < 0 || w[p] > wmax) {
      w[p] = w[p] < 0 ? 0.0 : wmax;
      moved = 1;
    }
  return moved;
}

/* ---------------------------------------------------------------- advance --- */

static void gather(ember_ltc *c, double *y)
{
  ltc_plastic *P = c->plastic;
  memcpy(y, c->v, c->n * sizeof *y);
  y += c->n;
  if (P->internal)
    memcpy(y, c->syn.w, P->n_int * sizeof *y);
  if (P->sensory)
    memcpy(y + P->n_int, c->sens.w, P->n_sens * sizeof *y);
  memcpy(y + P->n_int + P->n_sens, P->s, c->n * P->ns * sizeof *y);
}

static void scatter(ember_ltc *c, const double *y)
{
  ltc_plastic *P = c->plastic;
  memcpy(c->v, y, c->n * sizeof *y);
  load_weights(c, y + c->n);
  memcpy(P->s, y + c->n + P->n_int + P->n_sens, c->n * P->ns * sizeof *y);
}

static ember_status advance_gsl(ember_ltc *c, double elapsed, int input_changed)
{
  ltc_plastic *P = c->plastic;
  if (input_changed) {
    gsl_odeiv2_step_reset(c->step);
    gsl_odeiv2_evolve_reset(c->evolve);
  }
  gather(c, P->state);
  double t = 0;
  if (c->opt.max_step > 0 && c->h > c->opt.max_step)
    c->h = c->opt.max_step;
  while (t < elapsed) {
    int rc = gsl_odeiv2_evolve_apply(c->evolve, c->control, c->step, &c->sys, &t, elapsed, &c->h,
                                     P->state);
    if (rc != GSL_SUCCESS) {
      scatter(c, P->state);
      return ltc_fail(c, EMBER_ERR_SOLVER, "%s failed at t = %g: %s%s", c->method, c->t + t,
                      gsl_strerror(rc), rc == GSL_EBADFUNC ? " (learning rate not finite or < 0)" : "");
    }
    if (clip_weights(P, P->state + c->n))
      gsl_odeiv2_evolve_reset(c->evolve);
    if (c->opt.max_step > 0 && c->h > c->opt.max_step)
      c->h = c->opt.max_step;
  }
  scatter(c, P->state);
  return EMBER_OK;
}

/* One fused sub-step of length dt from circuit time t, on the weights (and the
 * rule state) in P->state's layout, which gather() filled. */
static ember_status fused_substep(ember_ltc *c, double t, double dt)
{
  ltc_plastic *P = c->plastic;
  size_t m = ltc_plastic_dim(c);
  double *w = P->state + c->n;
  P->p[EMBER_RATE_ETA] = eta_at(P, t);
  if (!(P->p[EMBER_RATE_ETA] >= 0) || !isfinite(P->p[EMBER_RATE_ETA]))
    return ltc_fail(c, EMBER_ERR_INVALID, "learning rate %g at t = %g is not finite and >= 0",
                    P->p[EMBER_RATE_ETA], t);
  plastic_derivs(c, c->v, w, P->deriv);
  ltc_fused_substep(c, c->v, c->vtmp, dt);
  double *tmp = c->v;
  c->v = c->vtmp;
  c->vtmp = tmp;
  for (size_t q = 0; q < m; q++)
    w[q] += dt * P->deriv[q];
  clip_weights(P, w);
  load_weights(c, w);
  return EMBER_OK;
}

static ember_status advance_fused(ember_ltc *c, double elapsed)
{
  ltc_plastic *P = c->plastic;
  double *w = P->state + c->n, dt = elapsed / c->opt.ode_unfolds;
  gather(c, P->state);
  for (int u = 0; u < c->opt.ode_unfolds; u++) {
    ember_status st = fused_substep(c, c->t + u * dt, dt);
    if (st)
      return st;
  }
  memcpy(P->s, w + P->n_int + P->n_sens, c->n * P->ns * sizeof *w);
  c->n_rhs += (uint64_t)c->opt.ode_unfolds;
  return EMBER_OK;
}

/* The network's fused path (ltc_pop.c), which places the sub-steps itself
 * (their number follows the segment's length, frames go between them): the
 * drive at a segment's start, then one sub-step at a time from circuit time t. */
void ltc_plastic_fused_begin(ember_ltc *c, int input_changed)
{
  ltc_plastic *P = c->plastic;
  if (input_changed && P->sensory)
    sensory_activity(c);
  if (P->sensory)
    sensory_conductance(c);
}

ember_status ltc_plastic_fused_step(ember_ltc *c, double t, double dt)
{
  ltc_plastic *P = c->plastic;
  double *w = P->state + c->n;
  gather(c, P->state);
  ember_status st = fused_substep(c, t, dt);
  memcpy(P->s, w + P->n_int + P->n_sens, c->n * P->ns * sizeof *w);
  c->n_rhs++;
  return st;
}

ember_status ltc_plastic_advance(ember_ltc *c, double elapsed, int input_changed)
{
  ltc_plastic *P = c->plastic;
  if (input_changed && P->sensory)
    sensory_activity(c);
  if (P->sensory)
    sensory_conductance(c);
  return c->fused ? advance_fused(c, elapsed) : advance_gsl(c, elapsed, input_changed);
}

/* ------------------------------------------------------------ public API --- */

/* Parameters of rule r from its defaults and names/values, checked. */
static ember_status rule_params(ember_ltc *c, const ember_rate_rule *r, const char *const *names,
                                const double *values, size_t n, double *p)
{
  char msg[256];
  for (size_t i = 0; i < r->n_params; i++)
    p[i] = r->params[i].def;
  for (size_t i = 0; i < n; i++) {
    int k = ember_rate_rule_param_index(r, names[i]);
    if (k < 0) {
      char list[256] = "";
      for (size_t q = 0; q < r->n_params; q++)
        snprintf(list + strlen(list), sizeof list - strlen(list), "%s%s", q ? ", " : "",
                 r->params[q].name);
      return ltc_fail(c, EMBER_ERR_UNKNOWN, "rate rule '%s' has no parameter '%s' (parameters: %s)",
                      r->name, names[i] ? names[i] : "(null)", list);
    }
    if (ember_param_check(&r->params[k], values[i], msg, sizeof msg))
      return ltc_fail(c, EMBER_ERR_INVALID, "rate rule '%s': %s", r->name, msg);
    if ((k == EMBER_RATE_SYNAPSES || k == EMBER_RATE_POST) && values[i] != floor(values[i]))
      return ltc_fail(c, EMBER_ERR_INVALID, "rate rule '%s': parameter '%s' = %g must be 0, 1 or 2",
                      r->name, names[i], values[i]);
    p[k] = values[i];
  }
  if (r->prepare && r->prepare(p, msg, sizeof msg))
    return ltc_fail(c, EMBER_ERR_INVALID, "rate rule '%s': %s", r->name, msg);
  return EMBER_OK;
}

static ltc_plastic *plastic_new(const ember_ltc *c, const ember_rate_rule *r, const double *p)
{
  ltc_plastic *P = calloc(1, sizeof *P);
  if (!P)
    return NULL;
  P->rule = r;
  memcpy(P->p, p, r->n_params * sizeof *p);
  P->eta = p[EMBER_RATE_ETA];
  int syn = (int)p[EMBER_RATE_SYNAPSES];
  P->internal = syn != EMBER_RATE_SYN_SENSORY;
  P->sensory = syn != EMBER_RATE_SYN_INTERNAL;
  P->n_int = P->internal ? c->syn.nnz : 0;
  P->n_sens = P->sensory ? c->sens.nnz : 0;
  P->ns = r->n_state;
  size_t m = P->n_int + P->n_sens + c->n * P->ns;
  P->s = calloc(c->n * P->ns + 1, sizeof(double));
  P->xs = calloc(c->sens.nnz + 1, sizeof(double));
  P->state = calloc(c->n + m + 1, sizeof(double));
  P->deriv = calloc(m + 1, sizeof(double));
  if (!P->s || !P->xs || !P->state || !P->deriv) {
    free(P->s);
    free(P->xs);
    free(P->state);
    free(P->deriv);
    free(P);
    return NULL;
  }
  return P;
}

ember_status ember_ltc_set_plasticity(ember_ltc *c, const char *rule, const char *const *names,
                                      const double *values, size_t n)
{
  if (!rule) {
    ltc_plastic_free(c);
    return ltc_solver_setup(c);
  }
  const ember_rate_rule *r = ember_rate_rule_find(rule);
  if (!r)
    return ltc_fail(c, EMBER_ERR_UNKNOWN, "unknown rate rule '%s' (hebb, oja, bcm)", rule);
  if (n && (!names || !values))
    return ltc_fail(c, EMBER_ERR_INVALID, "ember_ltc_set_plasticity: no names or values");
  if (!c->n)
    return ltc_fail(c, EMBER_ERR_STATE, "the circuit is empty: build or load it first");
  double p[EMBER_RATE_MAX_PARAMS];
  ember_status st = rule_params(c, r, names, values, n, p);
  if (st)
    return st;
  ltc_plastic *P = plastic_new(c, r, p);
  if (!P)
    return ltc_fail(c, EMBER_ERR_NOMEM, "out of memory for plasticity");
  ltc_plastic_free(c);
  c->plastic = P;
  ltc_plastic_reset(c);
  c->input_dirty = 1;   /* sensory activities are computed at the next step */
  st = ltc_solver_setup(c);
  if (st)
    ltc_plastic_free(c);
  return st;
}

ember_status ember_ltc_set_learning_rate(ember_ltc *c, double eta)
{
  if (!c->plastic)
    return ltc_fail(c, EMBER_ERR_STATE, "the circuit has no plasticity (ember_ltc_set_plasticity)");
  if (!(eta >= 0) || !isfinite(eta))
    return ltc_fail(c, EMBER_ERR_INVALID, "learning rate eta = %g must be finite and >= 0", eta);
  c->plastic->eta = eta;
  c->plastic->eta_fn = NULL;
  return EMBER_OK;
}

ember_status ember_ltc_set_learning_rate_fn(ember_ltc *c, double (*fn)(double t, void *data),
                                            void *data)
{
  if (!c->plastic)
    return ltc_fail(c, EMBER_ERR_STATE, "the circuit has no plasticity (ember_ltc_set_plasticity)");
  c->plastic->eta_fn = fn;
  c->plastic->eta_data = data;
  return EMBER_OK;
}

const char *ember_ltc_plasticity(const ember_ltc *c)
{
  return c->plastic ? c->plastic->rule->name : "";
}

double ember_ltc_learning_rate(const ember_ltc *c)
{
  return c->plastic ? eta_at(c->plastic, c->t) : 0.0;
}

ember_status ember_ltc_get_weights(const ember_ltc *c, double *w, double *sensory)
{
  if (w)
    memcpy(w, c->syn.w, c->syn.nnz * sizeof *w);
  if (sensory)
    memcpy(sensory, c->sens.w, c->sens.nnz * sizeof *sensory);
  return EMBER_OK;
}

ember_status ember_ltc_set_weights(ember_ltc *c, const double *w, const double *sensory)
{
  const double *src[2] = {w, sensory};
  ltc_syn *dst[2] = {&c->syn, &c->sens};
  for (int q = 0; q < 2; q++)
    for (size_t k = 0; src[q] && k < dst[q]->nnz; k++)
      if (!(src[q][k] >= 0) || !isfinite(src[q][k]))
        return ltc_fail(c, EMBER_ERR_INVALID, "%s weight %zu = %g must be finite and >= 0",
                        q ? "sensory" : "synaptic", k, src[q][k]);
  for (int q = 0; q < 2; q++)
    if (src[q])
      memcpy(dst[q]->w, src[q], dst[q]->nnz * sizeof *w);
  c->input_dirty = 1;   /* sensory drive and solver history depend on them */
  return EMBER_OK;
}

ember_status ember_ltc_get_rule_state(const ember_ltc *c, const char *name, double *out)
{
  const ltc_plastic *P = c->plastic;
  for (size_t q = 0; P && name && q < P->ns; q++)
    if (!strcmp(P->rule->state[q].name, name)) {
      for (size_t j = 0; j < c->n; j++)
        out[j] = P->s[j * P->ns + q];
      return EMBER_OK;
    }
  return ltc_fail((ember_ltc *)c, EMBER_ERR_UNKNOWN, "no rule state '%s'%s", name ? name : "(null)",
                  P ? "" : " (the circuit has no plasticity)");
}
