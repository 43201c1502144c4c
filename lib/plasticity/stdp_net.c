/* Spike-timing plasticity in the network: attaching rules to projections, the
 * per-synapse and per-neuron plastic state, the updates at exact spike times, and
 * the learning-rate schedule.
 *
 * Ownership and threads. Every plastic synapse belongs to its postsynaptic
 * neuron, and only that neuron's thread touches it: a plastic event carries its
 * synapse's index; when the neuron's advance reaches the event (in time order
 * with the neuron's own spikes) the synapse is depressed and its weight read; when
 * the neuron spikes, all its incoming plastic synapses are potentiated through an
 * index of the projection transposed by postsynaptic neuron. So updates need no
 * locks and are the same for any number of threads.
 *
 * Memory per plastic synapse, beyond the static 8 or 12 bytes: the weight as a
 * double (8), the time of its last presynaptic arrival (8), the rule's traces
 * (8 each: 1 for "stdp", 2 for "triplet") and its entry in the transposed index
 * (4): 28 bytes for "stdp", 36 for "triplet". Per postsynaptic neuron: 8 bytes of
 * index, the time of its last spike and its traces (8 each), and with a dendritic
 * delay a ring of STDP_PENDING spike times (258 bytes). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "../internal.h"
#include "stdp_net.h"

/* ------------------------------------------------------------ parameters --- */

static ember_status check_value(ember_projection *proj, const ember_stdp_param *pi, double v)
{
  if (!isfinite(v) && !(isinf(v) && (pi->max == INFINITY || pi->min == -INFINITY)))
    return net_fail(proj->net, EMBER_ERR_INVALID, "%s: plasticity parameter %s must be a number, got %g",
                    proj->label, pi->name, v);
  if (!(v >= pi->min && v <= pi->max))
    return net_fail(proj->net, EMBER_ERR_INVALID, "%s: plasticity parameter %s = %g is out of range "
                    "[%g, %g] (%s)", proj->label, pi->name, v, pi->min, pi->max, pi->doc);
  if (pi->choices && v != floor(v))
    return net_fail(proj->net, EMBER_ERR_INVALID, "%s: plasticity parameter %s takes the index of a "
                    "choice, got %g", proj->label, pi->name, v);
  return EMBER_OK;
}

static ember_status unknown_param(ember_projection *proj, const ember_stdp_rule *r, const char *name)
{
  char list[512] = "";
  for (size_t i = 0; i < r->n_params; i++)
    snprintf(list + strlen(list), sizeof list - strlen(list), "%s%s", i ? ", " : "", r->params[i].name);
  return net_fail(proj->net, EMBER_ERR_UNKNOWN, "%s: rule '%s' has no parameter '%s' (parameters: %s)",
                  proj->label, r->name, name, list);
}

static ember_status unknown_rule(ember_projection *proj, const char *rule)
{
  char list[256] = "";
  for (size_t i = 0; ember_stdp_rule_at(i); i++)
    snprintf(list + strlen(list), sizeof list - strlen(list), "%s%s", i ? ", " : "",
             ember_stdp_rule_at(i)->name);
  return net_fail(proj->net, EMBER_ERR_UNKNOWN, "%s: unknown plasticity rule '%s' (rules: %s)",
                  proj->label, rule ? rule : "(null)", list);
}

/* Checks the sign of the weight bounds against the receptor. */
static ember_status check_bounds(ember_projection *proj, const ember_stdp_rule *r, const double *p)
{
  const ember_receptor_info *ri = &proj->post->model->receptors[proj->receptor];
  double lo = p[ember_stdp_rule_param_index(r, "w_min")], hi = p[ember_stdp_rule_param_index(r, "w_max")];
  if ((ri->sign == EMBER_SIGN_NONNEG && lo < 0) || (ri->sign == EMBER_SIGN_NONPOS && hi > 0))
    return net_fail(proj->net, EMBER_ERR_INVALID, "%s: weights on the %s receptor of %s are %s (%s), "
                    "but [w_min, w_max] = [%g, %g]", proj->label, ri->name, proj->post->model->name,
                    ri->sign == EMBER_SIGN_NONNEG ? ">= 0" : "<= 0", ri->unit, lo, hi);
  return EMBER_OK;
}

ember_status ember_projection_set_plasticity(ember_projection *proj, const char *rule,
                                             const char *const *names, const double *values, size_t n)
{
  const ember_stdp_rule *r = ember_stdp_rule_find(rule);
  if (!r)
    return unknown_rule(proj, rule);
  stdp_proj *s = proj->stdp;
  if (proj->net->frozen && (!s || s->rule != r))
    return net_fail(proj->net, EMBER_ERR_STATE, "%s: after the first run only the parameters of the "
                    "projection's own rule (%s) can change", proj->label, s ? s->rule->name : "none");
  double p[STDP_MAX_PARAMS];
  for (size_t i = 0; i < r->n_params; i++)
    p[i] = (s && s->rule == r) ? s->p[i] : r->params[i].def;
  for (size_t k = 0; k < n; k++) {
    int i = ember_stdp_rule_param_index(r, names[k]);
    if (i < 0)
      return unknown_param(proj, r, names[k]);
    ember_status st = check_value(proj, &r->params[i], values[k]);
    if (st)
      return st;
    p[i] = values[k];
  }
  int id = ember_stdp_rule_param_index(r, "dendritic_delay");
  if (proj->net->frozen && p[id] != s->dd)
    return net_fail(proj->net, EMBER_ERR_STATE, "%s: dendritic_delay is fixed at the first run (%g ms)",
                    proj->label, s->dd);
  char msg[256];
  if (r->prepare(p, msg, sizeof msg))
    return net_fail(proj->net, EMBER_ERR_INVALID, "%s: %s", proj->label, msg);
  ember_status st = check_bounds(proj, r, p);
  if (st)
    return st;
  if (!s && !(s = proj->stdp = calloc(1, sizeof *s)))
    return net_fail(proj->net, EMBER_ERR_NOMEM, "out of memory");
  s->rule = r;
  memcpy(s->p, p, r->n_params * sizeof *p);
  return EMBER_OK;
}

const ember_stdp_rule *ember_projection_plasticity(const ember_projection *proj)
{
  return proj->stdp ? proj->stdp->rule : NULL;
}

ember_status ember_projection_get_plasticity(const ember_projection *proj, const char *name,
                                             double *value)
{
  if (!proj->stdp)
    return net_fail(proj->net, EMBER_ERR_STATE, "%s: the projection is not plastic", proj->label);
  int i = ember_stdp_rule_param_index(proj->stdp->rule, name);
  if (i < 0)
    return unknown_param((ember_projection *)proj, proj->stdp->rule, name);
  *value = proj->stdp->p[i];
  return EMBER_OK;
}

ember_status ember_projection_set_schedule(ember_projection *proj, ember_stdp_schedule_fn fn, void *user)
{
  if (fn && !proj->stdp)
    return net_fail(proj->net, EMBER_ERR_STATE, "%s: a schedule needs a plastic projection", proj->label);
  if (proj->stdp) {
    proj->stdp->sched = fn;
    proj->stdp->sched_user = user;
  }
  return EMBER_OK;
}

/* ------------------------------------------------------------------ setup --- */

static ember_status load_weights(ember_projection *proj)
{
  stdp_proj *s = proj->stdp;
  double lo = s->p[ember_stdp_rule_param_index(s->rule, "w_min")];
  double hi = s->p[ember_stdp_rule_param_index(s->rule, "w_max")];
  /* Weights are given as doubles but stored as floats: a weight set to w_max
   * must not be refused because its float is a hair above. */
  for (size_t k = 0; k < proj->n_syn; k++)
    if (!(proj->weight[k] >= (float)lo && proj->weight[k] <= (float)hi))
      return net_fail(proj->net, EMBER_ERR_INVALID, "%s: weight %g of synapse %zu is outside "
                      "[w_min, w_max] = [%g, %g] of its plasticity rule", proj->label,
                      (double)proj->weight[k], k, lo, hi);
  for (size_t k = 0; k < proj->n_syn; k++)
    s->syn[k * s->stride] = fmin(fmax((double)proj->weight[k], lo), hi);
  return EMBER_OK;
}

ember_status stdp_weights_changed(ember_projection *proj)
{
  return proj->stdp && proj->stdp->syn ? load_weights(proj) : EMBER_OK;
}

double stdp_weight(const ember_projection *proj, size_t k)
{
  const stdp_proj *s = proj->stdp;
  return s && s->syn ? s->syn[k * s->stride] : (double)proj->weight[k];
}

/* Plastic state and the index of the synapses by postsynaptic neuron. */
static ember_status setup_proj(ember_projection *proj)
{
  stdp_proj *s = proj->stdp;
  size_t n_post = proj->post->n;
  s->stride = 2 + s->rule->n_syn;
  s->post_stride = 1 + s->rule->n_post;
  s->syn = calloc(proj->n_syn ? proj->n_syn * s->stride : 1, sizeof *s->syn);
  s->post = calloc(n_post * s->post_stride, sizeof *s->post);
  s->post_row = calloc(n_post + 1, sizeof *s->post_row);
  s->post_syn = malloc((proj->n_syn ? proj->n_syn : 1) * sizeof *s->post_syn);
  if (!s->syn || !s->post || !s->post_row || !s->post_syn)
    return net_fail(proj->net, EMBER_ERR_NOMEM, "out of memory for the plastic synapses of %s", proj->label);
  if (proj->n_syn > UINT32_MAX)
    return net_fail(proj->net, EMBER_ERR_INVALID, "%s: a plastic projection holds at most %u synapses",
                    proj->label, UINT32_MAX);
  for (size_t k = 0; k < proj->n_syn; k++) {
    s->syn[k * s->stride + 1] = -INFINITY;
    s->post_row[proj->target[k] + 1]++;
  }
  for (size_t j = 0; j < n_post; j++) {
    s->post[j * s->post_stride] = -INFINITY;
    s->post_row[j + 1] += s->post_row[j];
  }
  size_t *fill = malloc((n_post ? n_post : 1) * sizeof *fill);
  if (!fill)
    return net_fail(proj->net, EMBER_ERR_NOMEM, "out of memory");
  memcpy(fill, s->post_row, n_post * sizeof *fill);
  for (size_t k = 0; k < proj->n_syn; k++)   /* ascending k within each neuron */
    s->post_syn[fill[proj->target[k]]++] = (uint32_t)k;
  free(fill);
  s->dd = s->p[ember_stdp_rule_param_index(s->rule, "dendritic_delay")];
  if (s->dd > 0) {
    if (s->dd > proj->min_delay)
      return net_fail(proj->net, EMBER_ERR_INVALID, "%s: dendritic_delay %g ms exceeds the smallest "
                      "synaptic delay, %g ms (the axonal part would be negative)", proj->label, s->dd,
                      proj->min_delay);
    s->pend = malloc(n_post * STDP_PENDING * sizeof *s->pend);
    s->pend_first = calloc(n_post, 1);
    s->pend_n = calloc(n_post, 1);
    if (!s->pend || !s->pend_first || !s->pend_n)
      return net_fail(proj->net, EMBER_ERR_NOMEM, "out of memory for the plastic synapses of %s", proj->label);
  }
  return load_weights(proj);
}

/* Lists each population's plastic inputs; a projection's slot goes in its events. */
static ember_status link_inputs(ember_network *net)
{
  for (size_t i = 0; i < net->n_projs; i++) {
    ember_projection *proj = net->projs[i];
    if (!proj->stdp)
      continue;
    ember_population *post = proj->post;
    if (!post->stdp_in && !(post->stdp_in = calloc(1, sizeof *post->stdp_in)))
      return net_fail(net, EMBER_ERR_NOMEM, "out of memory");
    stdp_in *in = post->stdp_in;
    ember_projection **v = realloc(in->proj, (in->n + 1) * sizeof *v);
    if (!v)
      return net_fail(net, EMBER_ERR_NOMEM, "out of memory");
    in->proj = v;
    proj->stdp_receptor = EMBER_RECEPTOR_PLASTIC + (uint32_t)in->n;
    v[in->n++] = proj;
  }
  return EMBER_OK;
}

ember_status stdp_setup(ember_network *net)
{
  ember_status st = EMBER_OK;
  for (size_t i = 0; !st && i < net->n_projs; i++)
    if (net->projs[i]->stdp)
      st = setup_proj(net->projs[i]);
  if (!st)
    st = link_inputs(net);
  for (size_t i = 0; !st && i < net->n_projs; i++)
    if (net->projs[i]->wrec)
      st = wrec_setup(net->projs[i]);
  return st;
}

void stdp_free(ember_network *net)
{
  for (size_t i = 0; i < net->n_projs; i++) {
    ember_projection *proj = net->projs[i];
    if (proj->stdp) {
      free(proj->stdp->syn);
      free(proj->stdp->post);
      free(proj->stdp->post_row);
      free(proj->stdp->post_syn);
      free(proj->stdp->pend);
      free(proj->stdp->pend_first);
      free(proj->stdp->pend_n);
      free(proj->stdp);
      proj->stdp = NULL;
    }
    wrec_free(proj->wrec);
    proj->wrec = NULL;
  }
  for (size_t p = 0; p < net->n_pops; p++)
    if (net->pops[p]->stdp_in) {
      free(net->pops[p]->stdp_in->proj);
      free(net->pops[p]->stdp_in);
      net->pops[p]->stdp_in = NULL;
    }
}

/* -------------------------------------------------------------- the run --- */

ember_status stdp_begin_interval(ember_network *net, double ta, double tb)
{
  for (size_t i = 0; i < net->n_projs; i++) {
    ember_projection *proj = net->projs[i];
    stdp_proj *s = proj->stdp;
    if (s && s->sched) {
      char msg[512] = "";
      ember_status st = s->sched(proj, ta, s->sched_user, msg, sizeof msg);
      if (st)
        return *msg ? net_fail(net, st, "%s", msg) : st;
    }
    if (proj->wrec) {
      ember_status st = wrec_begin(proj, tb);
      if (st)
        return st;
    }
  }
  return EMBER_OK;
}

/* The postsynaptic spike of neuron id reaches the projection's synapses at t. */
static void potentiate(const ember_projection *proj, uint32_t id, double t)
{
  const stdp_proj *s = proj->stdp;
  const ember_stdp_rule *r = s->rule;
  double *po = s->post + (size_t)id * s->post_stride;
  if (proj->wrec)
    wrec_catch_up(proj, id, t);
  for (size_t a = s->post_row[id]; a < s->post_row[id + 1]; a++) {
    double *sy = s->syn + (size_t)s->post_syn[a] * s->stride;
    sy[0] = r->on_post(s->p, sy + 2, t - sy[1], po + 1, t - po[0], sy[0]);
  }
  r->post_spike(s->p, po + 1, t - po[0]);
  po[0] = t;
}

/* Applies neuron id's waiting postsynaptic spikes that reach the synapses
 * (arrival frame) before t. */
static void drain(const ember_projection *proj, uint32_t id, double t)
{
  stdp_proj *s = proj->stdp;
  const double *ring = s->pend + (size_t)id * STDP_PENDING;
  while (s->pend_n[id] && ring[s->pend_first[id]] < t) {
    potentiate(proj, id, ring[s->pend_first[id]]);
    s->pend_first[id] = (uint8_t)((s->pend_first[id] + 1) % STDP_PENDING);
    s->pend_n[id]--;
  }
}

double stdp_arrive(const stdp_in *in, const ember_event *e, size_t *receptor)
{
  const ember_projection *proj = in->proj[e->receptor - EMBER_RECEPTOR_PLASTIC];
  const stdp_proj *s = proj->stdp;
  size_t k = (size_t)e->w;
  double *sy = s->syn + k * s->stride;
  const double *po = s->post + (size_t)e->target * s->post_stride;
  if (s->pend)
    drain(proj, e->target, e->t);
  if (proj->wrec)
    wrec_catch_up(proj, e->target, e->t);
  sy[0] = s->rule->on_pre(s->p, sy + 2, e->t - sy[1], po + 1, e->t - po[0], sy[0]);
  sy[1] = e->t;
  *receptor = proj->receptor;
  return sy[0];
}

void stdp_post_spike(const stdp_in *in, uint32_t id, double t)
{
  for (size_t i = 0; i < in->n; i++) {
    const ember_projection *proj = in->proj[i];
    stdp_proj *s = proj->stdp;
    if (!s->pend) {
      potentiate(proj, id, t);
      continue;
    }
    if (s->pend_n[id] == STDP_PENDING) {   /* reported after the interval */
      #pragma omp atomic write
      s->overflow = 1;
      continue;
    }
    s->pend[(size_t)id * STDP_PENDING + (s->pend_first[id] + s->pend_n[id]) % STDP_PENDING] = t + 2 * s->dd;
    s->pend_n[id]++;
  }
}

ember_status stdp_drain_all(ember_network *net, double t)
{
  for (size_t i = 0; i < net->n_projs; i++) {
    ember_projection *proj = net->projs[i];
    stdp_proj *s = proj->stdp;
    if (!s || !s->pend)
      continue;
    if (s->overflow)
      return net_fail(net, EMBER_ERR_SOLVER, "%s: more than %d postsynaptic spikes of one neuron within "
                      "2 x dendritic_delay = %g ms", proj->label, STDP_PENDING, 2 * s->dd);
    for (uint32_t j = 0; j < proj->post->n; j++)
      drain(proj, j, t);
  }
  return EMBER_OK;
}
