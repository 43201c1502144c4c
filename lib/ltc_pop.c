/* LTC circuits as populations of the network (docs/ltc.md, "LTC populations in
 * a network").
 *
 * An LTC circuit is continuously coupled, so it is advanced as one ODE system
 * over each communication interval [ta, tb], by the master thread outside the
 * engine's parallel region (a large circuit's right-hand side then uses its own
 * OpenMP threads, deterministically; a small one none). Within the interval the
 * integration stops at every "stop": an input sample's start time, a spike
 * arrival (the synaptic conductance jumps there), and, for the GSL solvers, a
 * recording frame. No step crosses a jump.
 *
 * Spike-driven synapses: per neuron one excitatory and one inhibitory
 * conductance g (circuit units, like gleak) jumps by the weight at each arrival
 * and decays as exp(-t / tau_syn); it adds g (e_rev - v) to cm dv/dt, so it is
 * folded into the circuit's sensory drive (gs, gse) while integrating (a plastic
 * circuit, whose weights rewrite that drive, folds it in again through
 * c->ext_drive and at every fused sub-step).
 *
 * Graded coupling: an LTC neuron's value (the readout y for motor neurons, v for
 * the others) times the weight is a current (nA) into its spiking targets, held
 * over each interval at its value at the interval's start; it is delivered as a
 * change of injected current at ta, like a current source. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <gsl/gsl_errno.h>
#include "ltc/ltc_internal.h"
#include "ltc_pop.h"

/* ----------------------------------------------------------------- model --- */

enum { P_TAU_E, P_TAU_I, P_EREV_E, P_EREV_I, N_PARAMS };

static const ember_param_info params[N_PARAMS] = {
  {"tau_syn_E", 5.0, "ms", 0, INFINITY, EMBER_RANGE_MIN_OPEN,
   "decay time constant of the spike-driven excitatory conductance"},
  {"tau_syn_I", 5.0, "ms", 0, INFINITY, EMBER_RANGE_MIN_OPEN,
   "decay time constant of the spike-driven inhibitory conductance"},
  {"e_rev_E", 1.0, "mV", -INFINITY, INFINITY, 0,
   "reversal potential of the excitatory receptor (ncps' excitatory erev is +1)"},
  {"e_rev_I", -1.0, "mV", -INFINITY, INFINITY, 0,
   "reversal potential of the inhibitory receptor (ncps' inhibitory erev is -1)"},
};

static const ember_state_info states[] = {
  {"v", "mV", 0.0, "membrane state (ncps' unitless potential, read as mV)"},
  {"output", "", 0.0, "readout y = output_w v + output_b (motor neurons 0..M-1 only)"},
  {"tau", "ms", 0.0, "liquid time constant cm / (gleak + every conductance onto the neuron)"},
  {"gsyn_exc", "", 0.0, "spike-driven excitatory conductance (circuit units, like gleak)"},
  {"gsyn_inh", "", 0.0, "spike-driven inhibitory conductance (circuit units, like gleak)"},
  {"syn_current", "", 0.0, "per synapse: w sigma(sigma (v_src - mu)) (erev - v_dest), record only "
   "(syn_current.h5, element = synapse index)"},
  {"sensory_current", "", 0.0, "per input synapse: sw sigma(ssigma (x~ - smu)) (serev - v_dest), "
   "record only (sensory_current.h5)"},
  {"current", "", 0.0, "per synapse of a projection into the circuit: its own conductance times "
   "(e_rev - v), recorded on the projection only (current.h5, /report/<projection>)"},
};

static const ember_receptor_info receptors[] = {
  {"excitatory", "conductance units of the circuit", EMBER_SIGN_NONNEG},
  {"inhibitory", "conductance units of the circuit", EMBER_SIGN_NONNEG},
};

const ember_model ltc_pop_model = {
  .name = "ltc",
  .doc = "Liquid time-constant circuit (Hasani et al. 2021, ncps semantics), integrated as one "
         "ODE system; spikes arrive through exponentially decaying conductances. docs/ltc.md.",
  .n_state = sizeof states / sizeof *states,
  .state = states,
  .n_params = N_PARAMS,
  .params = params,
  .n_receptors = 2,
  .receptors = receptors,
};

/* ------------------------------------------------------------ population --- */


void ltc_pop_free(ltc_pop *p)
{
  if (!p)
    return;
  ember_ltc_free(p->c);
  double *arr[] = {p->ge, p->gi, p->ie, p->ii, p->gs0, p->gse0, p->ce, p->ci, p->vs, p->sa, p->sb,
                   p->hse, p->hsi, p->ss0, p->sse0};
  for (size_t i = 0; i < sizeof arr / sizeof *arr; i++)
    free(arr[i]);
  free(p->ev);
  free(p);
}

static ltc_pop *ltc_pop_alloc(ember_ltc *c)
{
  ltc_pop *p = calloc(1, sizeof *p);
  if (!p)
    return NULL;
  p->c = c;
  size_t n = ember_ltc_units(c);
  double **arr[] = {&p->ge, &p->gi, &p->ie, &p->ii, &p->gs0, &p->gse0, &p->ce, &p->ci, &p->vs,
                    &p->sa, &p->sb, &p->hse, &p->hsi, &p->ss0, &p->sse0};
  int ok = 1;
  for (size_t i = 0; i < sizeof arr / sizeof *arr; i++)
    ok &= (*arr[i] = calloc(n, sizeof(double))) != NULL;
  if (!ok) {
    p->c = NULL;
    ltc_pop_free(p);
    return NULL;
  }
  p->reset = 1;
  return p;
}

static int pop_rhs(double t, const double *v, double *dvdt, void *pp);
static void plastic_drive(ember_ltc *c, double t, void *pp);

/* The population's solver record (for provenance) from the circuit's options. */
static void copy_solver(ember_population *pop)
{
  const ember_ltc_solver_opts *o = &pop->ltc->c->opt;
  snprintf(pop->method, sizeof pop->method, "%s", o->method);
  pop->solver = (ember_solver_opts){pop->method, o->abstol, o->reltol, 0, o->max_step};
}

ember_status ember_ltc_population_new(ember_network *net, const char *label, ember_ltc *circuit,
                                      ember_population **out)
{
  if (!circuit)
    return net_fail(net, EMBER_ERR_INVALID, "LTC population '%s': no circuit", label ? label : "");
  size_t n = ember_ltc_units(circuit);
  if (n == 0) {
    ember_ltc_free(circuit);
    return net_fail(net, EMBER_ERR_INVALID, "LTC population '%s': the circuit is empty (build or "
                    "load it first)", label ? label : "");
  }
  ltc_pop *p = ltc_pop_alloc(circuit);
  if (!p) {
    ember_ltc_free(circuit);
    return net_fail(net, EMBER_ERR_NOMEM, "out of memory for LTC population '%s'", label);
  }
  ember_population *pop;
  ember_status st = pop_alloc(net, label, n, params, N_PARAMS, 0, ltc_pop_model.n_state, &pop);
  if (st) {
    ltc_pop_free(p);
    return st;
  }
  pop->model = &ltc_pop_model;
  pop->ltc = p;
  p->pop = pop;
  p->sys = (gsl_odeiv2_system){pop_rhs, NULL, n, p};
  copy_solver(pop);
  *out = pop;
  return EMBER_OK;
}

ember_ltc *ember_ltc_population_circuit(const ember_population *pop)
{
  return pop && pop->ltc ? pop->ltc->c : NULL;
}

/* ---------------------------------------------------------------- freeze --- */

static ember_status write_circuit(ember_network *net, ltc_pop *p)
{
  char path[4096];
  snprintf(path, sizeof path, "%s/circuits", net->outdir);
  if (mkdir(path, 0777) && errno != EEXIST)
    return net_fail(net, EMBER_ERR_IO, "cannot create '%s': %s", path, strerror(errno));
  snprintf(path, sizeof path, "%s/circuits/%s.h5", net->outdir, p->pop->label);
  if (ember_ltc_save(p->c, path))
    return net_fail(net, EMBER_ERR_IO, "LTC population '%s': writing %s: %s", p->pop->label, path,
                    ember_ltc_error(p->c));
  return EMBER_OK;
}

ember_status ltc_net_check(ember_network *net)
{
  for (size_t i = 0; i < net->n_projs; i++) {
    ember_projection *pj = net->projs[i];
    if (pj->stdp && (pj->pre->ltc || pj->post->ltc))
      return net_fail(net, EMBER_ERR_INVALID, "%s: spike-timing plasticity needs spikes on both "
                      "sides; LTC population '%s' does not spike", pj->label,
                      pj->pre->ltc ? pj->pre->label : pj->post->label);
  }
  return EMBER_OK;
}

ember_status ltc_net_freeze(ember_network *net)
{
  for (size_t i = 0; i < net->n_projs; i++) {
    ember_projection *pj = net->projs[i];
    if (pj->post->ltc && pj->sigmoid)
      pj->post->ltc->has_sig = 1;
    else if (pj->post->ltc)
      pj->post->ltc->has_syn = 1;
    if (pj->graded && !(pj->graded_i = calloc(2 * pj->post->n, sizeof(double))))
      return net_fail(net, EMBER_ERR_NOMEM, "out of memory for graded currents");
  }
  for (size_t i = 0; i < net->n_pops; i++) {
    ltc_pop *p = net->pops[i]->ltc;
    if (!p)
      continue;
    p->c->ext_drive = p->has_syn || p->has_sig ? plastic_drive : NULL;   /* plastic GSL path */
    p->c->ext_user = p;
    ember_ltc_set_threads(p->c, net->threads);
    copy_solver(p->pop);   /* the circuit's solver may have changed since */
    p->reset = 1;
    ember_status st = net->outdir ? write_circuit(net, p) : EMBER_OK;
    if (st)
      return st;
  }
  return EMBER_OK;
}

/* ------------------------------------------------------------- recording --- */

/* Writes frame k of recorder rc from state v (N), the sensory conductances gsens
 * and the spike-driven ge, gi (NULL: none). */
static void write_frame(ltc_pop *p, recorder *rc, uint64_t k, const double *v, const double *gsens,
                        const double *ge, const double *gi)
{
  ember_ltc *c = p->c;
  float *dst = rc->buf + (k - rc->buf_first) * rc->n_cols;
  if (rc->var == LTC_PROJI) {
    ltc_crec_frame(p, rc, v, ge, gi, dst);
    return;
  }
  if (rc->elem) {
    ltc_currents_frame(c, rc, v, dst);
    return;
  }
  if (rc->var == LTC_TAU)
    ltc_syn_sums(c, v, p->sa, p->sb);
  for (size_t q = 0; q < rc->n_ids; q++) {
    size_t j = rc->ids[q];
    double x;
    switch (rc->var) {
    case LTC_V: x = v[j]; break;
    case LTC_OUTPUT: x = c->output_w[j] * v[j] + c->output_b[j]; break;
    case LTC_TAU:
      x = c->cm[j] / (c->gleak[j] + p->sb[j] + gsens[j] + (ge ? ge[j] + gi[j] : 0.0) +
                      (p->has_sig ? p->hse[j] + p->hsi[j] : 0.0));
      break;
    case LTC_GEXC: x = ge ? ge[j] : 0.0; break;
    default: x = gi ? gi[j] : 0.0; break;
    }
    dst[q] = (float)x;
  }
}

/* GSL: the frames at or before t, from the state at t. */
static void frames_at(ltc_pop *p, double t)
{
  ember_population *pop = p->pop;
  if (p->c->input_dirty) {   /* tau needs the drive of the sample just started */
    ltc_sensory_update(p->c);
    p->reset = 1;
  }
  for (size_t r = 0; r < pop->n_rec; r++) {
    recorder *rc = pop->rec[r];
    for (; p->kcur[r] < rc->k_end && rc->t_start + (double)p->kcur[r] * rc->interval <= t; p->kcur[r]++)
      write_frame(p, rc, p->kcur[r], p->c->v, p->c->gs, p->has_syn ? p->ge : NULL, p->gi);
  }
}

/* The next frame time after t (GSL stops there), or INFINITY. */
static double next_frame(const ltc_pop *p)
{
  double t = INFINITY;
  for (size_t r = 0; r < p->pop->n_rec; r++) {
    const recorder *rc = p->pop->rec[r];
    if (p->kcur[r] < rc->k_end)
      t = fmin(t, rc->t_start + (double)p->kcur[r] * rc->interval);
  }
  return t;
}

/* Fused: the frames in [t0, t1) of a sub-step from vold to vnew, with v
 * interpolated linearly (the scheme itself only defines the sub-step ends) and
 * the conductances held, as the sub-step holds them. */
static void frames_between(ltc_pop *p, double t0, double t1, const double *vold, const double *vnew)
{
  ember_population *pop = p->pop;
  size_t n = p->c->n;
  const double *gsens = p->has_sig || p->has_syn ? p->ss0 : p->c->gs;   /* sensory only */
  for (size_t r = 0; r < pop->n_rec; r++) {
    recorder *rc = pop->rec[r];
    for (; p->kcur[r] < rc->k_end; p->kcur[r]++) {
      double ts = rc->t_start + (double)p->kcur[r] * rc->interval;
      if (ts >= t1)
        break;
      double a = (ts - t0) / (t1 - t0);
      for (size_t j = 0; j < n; j++)
        p->vs[j] = vold[j] + a * (vnew[j] - vold[j]);
      write_frame(p, rc, p->kcur[r], p->vs, gsens, p->has_syn ? p->ce : NULL, p->ci);
    }
  }
}

/* ---------------------------------------------------------------- events --- */

static int ev_order(const void *a, const void *b)
{
  const ev_ref *x = a, *y = b;
  if (x->t != y->t)
    return x->t < y->t ? -1 : 1;
  return (x->idx > y->idx) - (x->idx < y->idx);
}

/* This interval's events before tb, in time order (ties: queue order, which is
 * deterministic). The list keeps its capacity from interval to interval. */
static ember_status collect_events(ltc_pop *p, double tb, size_t *n_out)
{
  const event_queue *q = &p->pop->queue;
  size_t n = 0, total = q->n_taken;
  if (total > p->ev_cap) {
    ev_ref *e = realloc(p->ev, total * sizeof *e);
    if (!e)
      return net_fail(p->pop->net, EMBER_ERR_NOMEM, "out of memory for events");
    p->ev = e;
    p->ev_cap = total;
  }
  for (size_t k = 0; k < total; k++)
    if (q->taken[k].t < tb)
      p->ev[n++] = (ev_ref){q->taken[k].t, k};
  qsort(p->ev, n, sizeof *p->ev, ev_order);
  *n_out = n;
  return EMBER_OK;
}

static void apply_event(ltc_pop *p, const ember_event *e)
{
  double w = e->w;
  uint32_t r = e->receptor;
  if (r >= EMBER_RECEPTOR_SYNAPSE && r < EMBER_RECEPTOR_PLASTIC) {   /* a recorded synapse */
    const ember_projection *pj = p->pop->net->projs[r - EMBER_RECEPTOR_SYNAPSE];
    size_t k = (size_t)w;
    w = pj->weight[k];
    r = (uint32_t)pj->receptor;
    ltc_crec_arrive(pj, k, w);
  }
  if (r == 0)
    p->ge[e->target] += w;
  else if (r == 1)
    p->gi[e->target] += w;
  p->reset = 1;
}

/* ---------------------------------------------------------------- series --- */

/* Applies the samples whose start is at or before t. */
static void series_due(ltc_pop *p, double t)
{
  ember_series *s = p->series;
  if (!s)
    return;
  size_t cur = p->cur;
  while (cur < s->n && s->t[cur] <= t)
    cur++;
  if (cur != p->cur) {
    p->cur = cur;
    ember_ltc_set_input(p->c, s->x + (cur - 1) * s->k);   /* checked finite at creation */
  }
}

static double next_sample(const ltc_pop *p)
{
  return p->series && p->cur < p->series->n ? p->series->t[p->cur] : INFINITY;
}

/* Length (ms) of the input sample in force: the fused solver takes ode_unfolds
 * sub-steps per sample. 1 ms (ncps' default elapsed time) without one. */
static double sample_len(const ltc_pop *p)
{
  const ember_series *s = p->series;
  if (!s || p->cur == 0)
    return 1.0;
  size_t k = p->cur - 1;
  double d = (k + 1 < s->n ? s->t[k + 1] : s->t_end) - s->t[k];
  return isfinite(d) && d > 0 ? d : 1.0;
}

/* ------------------------------------------------------------ integration --- */

/* From the sensory drive alone in c->gs/gse: keeps it in ss0/sse0 (restored at
 * the segment's end, read by recording), adds the held LTC -> LTC conductances,
 * and with spikes keeps that as the base gs0/gse0 which fold() adds the
 * spike-driven conductances to. Called again whenever learning sensory weights
 * have rewritten c->gs. */
static void set_base(ltc_pop *p)
{
  ember_ltc *c = p->c;
  if (!p->has_sig && !p->has_syn)
    return;
  memcpy(p->ss0, c->gs, c->n * sizeof *c->gs);
  memcpy(p->sse0, c->gse, c->n * sizeof *c->gse);
  if (p->has_sig) {   /* base drive = sensory + held LTC -> LTC conductances */
    const double *par = p->pop->params;
    size_t row = p->pop->row;
    for (size_t j = 0; j < c->n; j++) {
      c->gs[j] += p->hse[j] + p->hsi[j];
      c->gse[j] += p->hse[j] * par[j * row + P_EREV_E] + p->hsi[j] * par[j * row + P_EREV_I];
    }
  }
  if (p->has_syn) {
    memcpy(p->gs0, c->gs, c->n * sizeof *c->gs);
    memcpy(p->gse0, c->gse, c->n * sizeof *c->gse);
  }
}

/* The sensory drive of the current input, then the base drive (set_base). */
static void begin_segment(ltc_pop *p)
{
  ember_ltc *c = p->c;
  if (c->input_dirty) {
    ltc_sensory_update(c);
    p->reset = 1;
  }
  set_base(p);
}

/* Folds conductances ge, gi, decayed over a time t (ms) when `decay` is set,
 * into the circuit's drive: gs = sensory + ge + gi, gse = sensory + ge e_rev_E +
 * gi e_rev_I. */
static void fold(ltc_pop *p, const double *ge, const double *gi, double t, int decay)
{
  ember_ltc *c = p->c;
  const double *par = p->pop->params;
  size_t row = p->pop->row;
  for (size_t j = 0; j < c->n; j++) {
    double a = decay ? ge[j] * exp(-t * p->ie[j]) : ge[j];
    double b = decay ? gi[j] * exp(-t * p->ii[j]) : gi[j];
    c->gs[j] = p->gs0[j] + (a + b);
    c->gse[j] = p->gse0[j] + (a * par[j * row + P_EREV_E] + b * par[j * row + P_EREV_I]);
  }
}

/* Decays ge, gi by a duration L (ms), exactly, and restores the sensory drive
 * (which learning sensory weights have just rewritten themselves). */
static void end_segment(ltc_pop *p, double L)
{
  ember_ltc *c = p->c;
  for (size_t j = 0; p->has_syn && j < c->n; j++) {
    p->ge[j] *= exp(-L * p->ie[j]);
    p->gi[j] *= exp(-L * p->ii[j]);
  }
  if (p->n_crec)
    ltc_crec_decay(p, L);
  if ((p->has_sig || p->has_syn) && !ltc_plastic_sensory(c)) {
    memcpy(c->gs, p->ss0, c->n * sizeof *c->gs);
    memcpy(c->gse, p->sse0, c->n * sizeof *c->gse);
  }
}

/* The plastic right-hand side's hook (c->ext_drive, GSL solvers): on top of the
 * sensory drive, which it has just recomputed from the trial weights if they
 * learn, the held LTC -> LTC conductances and the spike-driven ones decayed to
 * the segment-local time t, as pop_rhs. */
static void plastic_drive(ember_ltc *c, double t, void *pp)
{
  ltc_pop *p = pp;
  if (ltc_plastic_sensory(c))
    set_base(p);
  if (p->has_syn)
    fold(p, p->ge, p->gi, t, 1);
}

/* Fused: the held conductances ce, ci decay over a sub-step of dt (ms). */
static void decay_held(ltc_pop *p, double dt)
{
  for (size_t j = 0; j < p->c->n; j++) {
    p->ce[j] *= exp(-dt * p->ie[j]);
    p->ci[j] *= exp(-dt * p->ii[j]);
  }
}

/* GSL callback with spike-driven conductances: g(t) = g(segment start) exp(-t / tau_syn),
 * t local to the segment. */
static int pop_rhs(double t, const double *v, double *dvdt, void *pp)
{
  ltc_pop *p = pp;
  fold(p, p->ge, p->gi, t, 1);
  return ltc_rhs(t, v, dvdt, p->c);
}

/* The fused scheme over [t0, t1): ceil(ode_unfolds * L / sample length) equal
 * sub-steps, so that a whole sample takes exactly ode_unfolds (ncps). Within a
 * sub-step the spike-driven conductances are held at their value at its start,
 * as the scheme holds the synaptic ones. */
static void fused_segment(ltc_pop *p, double t0, double t1)
{
  ember_ltc *c = p->c;
  double L = t1 - t0, m = ceil((double)c->opt.ode_unfolds * L / sample_len(p) - 1e-9);
  size_t n = m < 1 ? 1 : (size_t)m;
  double dt = L / (double)n;
  if (p->has_syn) {
    memcpy(p->ce, p->ge, c->n * sizeof *p->ce);
    memcpy(p->ci, p->gi, c->n * sizeof *p->ci);
  }
  for (size_t i = 0; i < n; i++) {
    if (p->has_syn)
      fold(p, p->ce, p->ci, 0, 0);
    ltc_fused_substep(c, c->v, c->vtmp, dt);
    double *old = c->v;   /* Jacobi update, as ltc_solve.c */
    c->v = c->vtmp;
    c->vtmp = old;
    double ta = t0 + (double)i * dt, tb = i + 1 == n ? t1 : t0 + (double)(i + 1) * dt;
    if (p->pop->n_rec)
      frames_between(p, ta, tb, c->vtmp, c->v);
    if (p->has_syn)
      decay_held(p, dt);
  }
  c->n_rhs += n;
}

static ember_status gsl_segment(ltc_pop *p, double t0, double t1)
{
  ember_ltc *c = p->c;
  if (p->reset) {   /* a discontinuity: no stepper state carries over */
    gsl_odeiv2_step_reset(c->step);
    gsl_odeiv2_evolve_reset(c->evolve);
    p->reset = 0;
  }
  gsl_odeiv2_system *sys = p->has_syn ? &p->sys : &c->sys;
  double t = 0, L = t1 - t0, hmax = c->opt.max_step;
  while (t < L) {   /* segment-local time keeps the end point exact */
    if (hmax > 0 && c->h > hmax)
      c->h = hmax;
    int rc = gsl_odeiv2_evolve_apply(c->evolve, c->control, c->step, sys, &t, L, &c->h, c->v);
    if (rc != GSL_SUCCESS)
      return net_fail(p->pop->net, EMBER_ERR_SOLVER, "LTC population '%s': solver %s failed at "
                      "t = %.9g ms: %s", p->pop->label, c->method, t0 + t, gsl_strerror(rc));
  }
  return EMBER_OK;
}

static ember_status check_finite(ltc_pop *p, double t)
{
  for (size_t j = 0; j < p->c->n; j++)
    if (!isfinite(p->c->v[j]))
      return net_fail(p->pop->net, EMBER_ERR_NONFINITE, "LTC population '%s' neuron %zu: v became "
                      "%g in the step ending at t = %.9g ms", p->pop->label, j, p->c->v[j], t);
  return EMBER_OK;
}

/* A plastic circuit with the fused solver: as fused_segment (the number of
 * sub-steps follows the segment's length, frames are interpolated between
 * them, so recording leaves the trajectory alone; spike-driven conductances
 * held over each sub-step), each sub-step updating the weights too
 * (lib/ltc/ltc_plastic.c). */
static ember_status plastic_fused_segment(ltc_pop *p, double t0, double t1, int changed)
{
  ember_ltc *c = p->c;
  double L = t1 - t0, m = ceil((double)c->opt.ode_unfolds * L / sample_len(p) - 1e-9);
  size_t n = m < 1 ? 1 : (size_t)m;
  double dt = L / (double)n;
  int sens = ltc_plastic_sensory(c);
  ltc_plastic_fused_begin(c, changed);
  if (p->has_syn) {
    memcpy(p->ce, p->ge, c->n * sizeof *p->ce);
    memcpy(p->ci, p->gi, c->n * sizeof *p->ci);
  }
  for (size_t i = 0; i < n; i++) {
    if (sens)   /* the sensory drive was rewritten from the (new) weights */
      set_base(p);
    if (p->has_syn)
      fold(p, p->ce, p->ci, 0, 0);
    ember_status st = ltc_plastic_fused_step(c, c->t + (double)i * dt, dt);
    if (st)
      return st;
    double ta = t0 + (double)i * dt, tb = i + 1 == n ? t1 : t0 + (double)(i + 1) * dt;
    if (p->pop->n_rec)
      frames_between(p, ta, tb, c->vtmp, c->v);
    if (p->has_syn)
      decay_held(p, dt);
  }
  return EMBER_OK;
}

/* A plastic circuit (rate rules, lib/ltc/ltc_plastic.c) integrates its weights
 * with v: its segments go through ltc_plastic_advance (GSL solvers, the coupling
 * conductances through c->ext_drive) or plastic_fused_segment. */
static ember_status advance_segment(ltc_pop *p, double t0, double t1)
{
  int changed = p->c->input_dirty || p->reset;
  begin_segment(p);
  ember_status st = EMBER_OK;
  if (p->c->plastic) {
    st = p->c->fused ? plastic_fused_segment(p, t0, t1, changed)
                     : ltc_plastic_advance(p->c, t1 - t0, changed);
    if (!st)
      p->reset = 0;
    else
      net_fail(p->pop->net, st, "LTC population '%s': %s", p->pop->label, ember_ltc_error(p->c));
  } else if (p->c->fused)
    fused_segment(p, t0, t1);
  else
    st = gsl_segment(p, t0, t1);
  end_segment(p, t1 - t0);
  p->c->t += t1 - t0;
  return st ? st : check_finite(p, t1);
}

static void load_rates(ltc_pop *p)
{
  const double *par = p->pop->params;
  for (size_t j = 0; j < p->c->n; j++) {
    p->ie[j] = 1.0 / par[j * p->pop->row + P_TAU_E];
    p->ii[j] = 1.0 / par[j * p->pop->row + P_TAU_I];
  }
}

/* One population over [ta, tb]: from stop to stop, applying at each stop the
 * spikes arriving and the input sample starting there. */
static ember_status pop_advance(ltc_pop *p, double ta, double tb)
{
  ember_population *pop = p->pop;
  const event_queue *q = &pop->queue;
  size_t ne = 0, e = 0;
  ember_status st = collect_events(p, tb, &ne);
  if (st)
    return st;
  load_rates(p);
  for (size_t r = 0; r < pop->n_rec; r++)
    p->kcur[r] = pop->rec[r]->k_begin;
  int fused = p->c->fused;   /* else frames are stops */
  for (double t = ta;;) {
    for (; e < ne && p->ev[e].t <= t; e++)
      apply_event(p, &q->taken[p->ev[e].idx]);
    series_due(p, t);
    if (!fused && pop->n_rec)
      frames_at(p, t);
    if (t >= tb)
      break;
    double stop = fmin(tb, next_sample(p));
    if (e < ne)
      stop = fmin(stop, p->ev[e].t);
    if (!fused)
      stop = fmin(stop, next_frame(p));
    if ((st = advance_segment(p, t, stop)))
      return st;
    t = stop;
  }
  return EMBER_OK;
}

ember_status ltc_net_advance(ember_network *net, double ta, double tb)
{
  for (size_t i = 0; i < net->n_pops; i++) {
    if (!net->pops[i]->ltc)
      continue;
    ember_status st = pop_advance(net->pops[i]->ltc, ta, tb);
    if (st) {
      net->failed = 1;
      return st;
    }
  }
  return EMBER_OK;
}

/* ------------------------------------------------------------- get / set --- */

ember_status ltc_pop_get(const ember_population *pop, int var, double *out)
{
  ltc_pop *p = pop->ltc;
  ember_ltc *c = p->c;
  size_t n = c->n;
  if (var == LTC_SYNI || var == LTC_SENSI || var == LTC_PROJI)
    return net_fail(pop->net, EMBER_ERR_INVALID, "'%s' of LTC population '%s' is one value per "
                    "synapse: record it%s", states[var].name, pop->label, var == LTC_PROJI ?
                    " on its projection (proj:record(\"current\"))" :
                    ", or use ember_ltc_get_currents on the circuit");
  switch (var) {
  case LTC_V: memcpy(out, c->v, n * sizeof *out); break;
  case LTC_OUTPUT:
    for (size_t j = 0; j < n; j++)
      out[j] = j < c->m ? c->output_w[j] * c->v[j] + c->output_b[j] : NAN;
    break;
  case LTC_TAU:
    if (c->input_dirty) {   /* the input changed: the next GSL step must not reuse history */
      ltc_sensory_update(c);
      p->reset = 1;
    }
    ltc_syn_sums(c, c->v, p->sa, p->sb);
    for (size_t j = 0; j < n; j++)
      out[j] = c->cm[j] / (c->gleak[j] + p->sb[j] + c->gs[j] + p->ge[j] + p->gi[j] + p->hse[j] +
                           p->hsi[j]);
    break;
  case LTC_GEXC: memcpy(out, p->ge, n * sizeof *out); break;
  default: memcpy(out, p->gi, n * sizeof *out); break;
  }
  return EMBER_OK;
}

ember_status ltc_pop_set(ember_population *pop, int var, const double *v, const uint32_t *ids,
                         size_t n)
{
  ltc_pop *p = pop->ltc;
  ember_network *net = pop->net;
  if (var == LTC_OUTPUT || var == LTC_TAU || var == LTC_SYNI || var == LTC_SENSI || var == LTC_PROJI)
    return net_fail(net, EMBER_ERR_INVALID, "'%s' of LTC population '%s' is computed from v; set v "
                    "instead", states[var].name, pop->label);
  for (size_t k = 0; k < n; k++) {
    if (ids && ids[k] >= pop->n)
      return net_fail(net, EMBER_ERR_INVALID, "neuron id %u is out of range for population '%s' "
                      "(ids 0..%zu)", ids[k], pop->label, pop->n - 1);
    if (!isfinite(v[k]) || (var != LTC_V && v[k] < 0))
      return net_fail(net, EMBER_ERR_INVALID, "LTC population '%s': %s = %g must be finite%s",
                      pop->label, states[var].name, v[k], var == LTC_V ? "" : " and >= 0");
  }
  double *dst = var == LTC_V ? p->vs : var == LTC_GEXC ? p->ge : p->gi;
  if (var == LTC_V)
    memcpy(p->vs, p->c->v, pop->n * sizeof *p->vs);
  for (size_t k = 0; k < n; k++)
    dst[ids ? ids[k] : k] = v[k];
  p->reset = 1;
  return var == LTC_V ? ember_ltc_set_v(p->c, p->vs) : EMBER_OK;
}

/* --------------------------------------------------------- hooks elsewhere --- */

ember_status ltc_pop_record_ids(ember_population *pop, const char *what, const uint32_t **ids,
                                size_t *n_ids, uint32_t **owned)
{
  *owned = NULL;
  ember_ltc *c = pop->ltc->c;
  if (strcmp(what, "spikes") == 0)
    return net_fail(pop->net, EMBER_ERR_INVALID, "record: LTC population '%s' does not spike "
                    "(recordable: v, output, tau, gsyn_exc, gsyn_inh, "
                    "syn_current, sensory_current)", pop->label);
  if (strcmp(what, "current") == 0)
    return net_fail(pop->net, EMBER_ERR_INVALID, "record: 'current' of LTC population '%s' is per "
                    "synapse of a projection: record it on the projection (proj:record(\"current\"), "
                    "ember_projection_record_currents)", pop->label);
  if (strcmp(what, "output") != 0)
    return EMBER_OK;
  if (c->m == 0)
    return net_fail(pop->net, EMBER_ERR_INVALID, "record: LTC population '%s' has no outputs", pop->label);
  for (size_t k = 0; *ids && k < *n_ids; k++)
    if ((*ids)[k] >= c->m)
      return net_fail(pop->net, EMBER_ERR_INVALID, "record: 'output' exists for the motor neurons "
                      "0..%zu of '%s' only, got id %u", c->m - 1, pop->label, (*ids)[k]);
  if (*ids)
    return EMBER_OK;
  if (!(*owned = malloc(c->m * sizeof **owned)))
    return net_fail(pop->net, EMBER_ERR_NOMEM, "out of memory");
  for (size_t k = 0; k < c->m; k++)
    (*owned)[k] = (uint32_t)k;
  *ids = *owned;
  *n_ids = c->m;
  return EMBER_OK;
}

ember_status ltc_series_attach(ember_population *pop, ember_series *s)
{
  ltc_pop *p = pop->ltc;
  if (s->k != p->c->k)
    return net_fail(pop->net, EMBER_ERR_INVALID, "feed: the series has %zu channel%s but LTC "
                    "population '%s' has %zu input%s", s->k, s->k == 1 ? "" : "s", pop->label,
                    p->c->k, p->c->k == 1 ? "" : "s");
  if (p->series)
    return net_fail(pop->net, EMBER_ERR_INVALID, "feed: LTC population '%s' already has a series",
                    pop->label);
  p->series = s;
  p->cur = 0;
  return EMBER_OK;
}

double ltc_pop_erev(const ltc_pop *p, size_t j, size_t r)
{
  return p->pop->params[j * p->pop->row + (r ? P_EREV_I : P_EREV_E)];
}

void ltc_pop_solver_text(const ember_population *pop, char *buf, size_t len)
{
  const ember_ltc_solver_opts *o = &pop->ltc->c->opt;
  if (pop->ltc->c->fused)
    snprintf(buf, len, "ltc fused ode_unfolds=%d epsilon=%g", o->ode_unfolds, o->epsilon);
  else
    snprintf(buf, len, "ltc %s abstol=%g reltol=%g max_step=%g", o->method, o->abstol, o->reltol,
             o->max_step);
}
