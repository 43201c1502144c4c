/* Projections: connectors, and the compact synapse store (CSR by presynaptic
 * neuron: 4-byte target, 4-byte weight, and a 4-byte delay only when delays
 * differ, so 8 or 12 bytes per synapse plus 8 bytes per presynaptic neuron). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "internal.h"

/* A growable list of (pre, post) pairs with optional per-row weight/delay. */
typedef struct pairs {
  uint32_t *pre, *post;
  double *w, *d;          /* FROM_LIST only: NaN = use the projection's */
  size_t n, cap;
} pairs;

static int pairs_push(pairs *p, uint32_t i, uint32_t j)
{
  if (p->n == p->cap) {
    size_t cap = p->cap, cap2 = p->cap;
    uint32_t *a = net_grow(p->pre, &cap, p->n + 1, sizeof *a);
    if (!a)
      return -1;
    p->pre = a;
    uint32_t *b = net_grow(p->post, &cap2, p->n + 1, sizeof *b);
    if (!b)
      return -1;
    p->post = b;
    p->cap = cap;
  }
  p->pre[p->n] = i;
  p->post[p->n++] = j;
  return 0;
}

static void pairs_free(pairs *p)
{
  free(p->pre);
  free(p->post);
  free(p->w);
  free(p->d);
}

static int keep(const ember_connector *c, ember_population *pre, ember_population *post,
                uint32_t i, uint32_t j)
{
  return c->allow_autapses || pre != post || i != j;
}

/* fixed_probability: each (i, j) independently with probability p. Instead of
 * one draw per pair, the gap to the next target is drawn from the geometric
 * distribution, so the cost is proportional to the synapses made, not to
 * n_pre x n_post. Row i's draws come from its own stream, so the result is
 * independent of everything else. */
static int gen_probability(pairs *out, const ember_connector *c, ember_population *pre,
                           ember_population *post, uint64_t obj)
{
  if (c->p <= 0)
    return 0;
  rng_geom g;   /* the gaps floor(log1p(-u) / log1p(-p)), to the bit (rng.h) */
  if (c->p < 1)
    rng_geom_init(&g, c->p);
  double n_post = (double)post->n;
  for (uint32_t i = 0; i < pre->n; i++) {
    rng_stream r = rng_stream_for(pre->net->seed, obj, RNG_CONNECT, i);
    for (double j = -1;;) {
      double gap = c->p >= 1 ? 0 : rng_geom_gap(&g, &r);   /* p = 1: every gap is 0 */
      j += 1 + gap;
      if (j >= n_post)
        break;
      if (!keep(c, pre, post, i, (uint32_t)j))
        continue;
      if (out->n < out->cap) {   /* pairs_push's common case, inline: ~80 per neuron */
        out->pre[out->n] = i;
        out->post[out->n++] = (uint32_t)j;
      } else if (pairs_push(out, i, (uint32_t)j))
        return -1;
    }
  }
  return 0;
}

/* fixed_number_pre: for each target j, n distinct sources (Floyd's sampling). */
static int gen_number_pre(pairs *out, const ember_connector *c, ember_population *pre,
                          ember_population *post, uint64_t obj)
{
  size_t avail = pre->n - (pre == post && !c->allow_autapses ? 1 : 0);
  uint8_t *taken = calloc(pre->n, 1);
  if (!taken)
    return -1;
  for (uint32_t j = 0; j < post->n; j++) {
    rng_stream r = rng_stream_for(pre->net->seed, obj, RNG_CONNECT, j);
    size_t chosen = 0;
    while (chosen < c->n && chosen < avail) {
      uint32_t i = (uint32_t)(rng_uniform(&r) * (double)pre->n);
      if (taken[i] || !keep(c, pre, post, i, j))
        continue;
      taken[i] = 1;
      chosen++;
      if (pairs_push(out, i, j)) {
        free(taken);
        return -1;
      }
    }
    for (size_t k = out->n - chosen; k < out->n; k++)
      taken[out->pre[k]] = 0;
  }
  free(taken);
  return 0;
}

static int gen_list(pairs *out, const ember_connector *c)
{
  out->w = malloc((c->n ? c->n : 1) * sizeof *out->w);
  out->d = malloc((c->n ? c->n : 1) * sizeof *out->d);
  if (!out->w || !out->d)
    return -1;
  for (size_t k = 0; k < c->n; k++) {
    if (pairs_push(out, c->list[k].pre, c->list[k].post))
      return -1;
    out->w[k] = c->list[k].weight;
    out->d[k] = c->list[k].delay;
  }
  return 0;
}

static ember_status generate(ember_network *net, pairs *out, const ember_connector *c,
                             ember_population *pre, ember_population *post, uint64_t obj)
{
  int r = 0;
  switch (c->kind) {
  case EMBER_CONN_ALL_TO_ALL:
    for (uint32_t i = 0; i < pre->n && !r; i++)
      for (uint32_t j = 0; j < post->n && !r; j++)
        if (keep(c, pre, post, i, j))
          r = pairs_push(out, i, j);
    break;
  case EMBER_CONN_ONE_TO_ONE:
    if (pre->n != post->n)
      return net_fail(net, EMBER_ERR_INVALID, "one_to_one needs equal sizes ('%s' has %zu, '%s' %zu)",
                      pre->label, pre->n, post->label, post->n);
    for (uint32_t i = 0; i < pre->n && !r; i++)
      r = pairs_push(out, i, i);
    break;
  case EMBER_CONN_FIXED_PROBABILITY:
    if (!(c->p >= 0 && c->p <= 1))
      return net_fail(net, EMBER_ERR_INVALID, "fixed_probability: p must be in [0, 1], got %g", c->p);
    r = gen_probability(out, c, pre, post, obj);
    break;
  case EMBER_CONN_FIXED_NUMBER_PRE:
    if (c->n > pre->n)
      return net_fail(net, EMBER_ERR_INVALID, "fixed_number_pre: n = %zu exceeds the %zu neurons of '%s'",
                      c->n, pre->n, pre->label);
    r = gen_number_pre(out, c, pre, post, obj);
    break;
  case EMBER_CONN_FROM_LIST:
    for (size_t k = 0; k < c->n; k++)
      if (c->list[k].pre >= pre->n || c->list[k].post >= post->n)
        return net_fail(net, EMBER_ERR_INVALID, "from_list row %zu: (%u, %u) is out of range "
                        "(pre ids 0..%zu, post ids 0..%zu)", k + 1, c->list[k].pre, c->list[k].post,
                        pre->n - 1, post->n - 1);
    r = gen_list(out, c);
    break;
  default:
    return net_fail(net, EMBER_ERR_INVALID, "unknown connector kind %d", (int)c->kind);
  }
  return r ? net_fail(net, EMBER_ERR_NOMEM, "out of memory while connecting") : EMBER_OK;
}

/* Stable counting sort of the pairs by pre: perm[k] is the pair stored at k. */
static size_t *csr_order(ember_projection *proj, const pairs *p)
{
  size_t npre = proj->pre->n;
  size_t *perm = malloc((p->n ? p->n : 1) * sizeof *perm);
  proj->row = calloc(npre + 1, sizeof *proj->row);
  if (!perm || !proj->row) {
    free(perm);
    return NULL;
  }
  for (size_t k = 0; k < p->n; k++)
    proj->row[p->pre[k] + 1]++;
  for (size_t i = 0; i < npre; i++)
    proj->row[i + 1] += proj->row[i];
  size_t *fill = malloc((npre ? npre : 1) * sizeof *fill);
  if (!fill) {
    free(perm);
    return NULL;
  }
  memcpy(fill, proj->row, npre * sizeof *fill);
  for (size_t k = 0; k < p->n; k++)
    perm[fill[p->pre[k]]++] = k;
  free(fill);
  return perm;
}

static ember_status check_weight(ember_projection *proj, double w, size_t k)
{
  if (proj->graded && !proj->sigmoid)   /* nA per unit of the LTC value: any sign */
    return isfinite(w) ? EMBER_OK
                       : net_fail(proj->net, EMBER_ERR_INVALID, "%s: weight %g (synapse %zu) is not "
                                  "finite", proj->label, w, k);
  const ember_receptor_info *r = &proj->post->model->receptors[proj->receptor];
  int bad = !isfinite(w) || (r->sign == EMBER_SIGN_NONNEG && w < 0) ||
            (r->sign == EMBER_SIGN_NONPOS && w > 0);
  if (bad)
    return net_fail(proj->net, EMBER_ERR_INVALID, "%s: weight %g (synapse %zu) is not allowed on the "
                    "%s receptor of %s: weights there are %s (%s)", proj->label, w, k, r->name,
                    proj->post->model->name,
                    r->sign == EMBER_SIGN_NONNEG ? ">= 0" : r->sign == EMBER_SIGN_NONPOS ? "<= 0" : "finite",
                    r->unit);
  return EMBER_OK;
}

/* Delays below EMBER_MIN_DELAY would make the communication interval so short
 * that a run could not finish; they are refused rather than left to hang. */
#define EMBER_MIN_DELAY 1e-6

static ember_status check_delay(ember_projection *proj, double d, size_t k)
{
  double lo = fmax(proj->net->min_delay_user, EMBER_MIN_DELAY);
  if (proj->graded)   /* a graded current has no delay */
    return EMBER_OK;
  if (!isfinite(d) || !(d >= lo))
    return net_fail(proj->net, EMBER_ERR_INVALID, "%s: delay %g ms (synapse %zu) must be finite "
                    "and >= %g ms (%s)", proj->label, d, k, lo,
                    proj->net->min_delay_user > 0 ? "min_delay" : "the smallest delay Ember accepts");
  return EMBER_OK;
}

/* The common case of one weight and one delay for every synapse: both are checked
 * once (as synapse 0, where the general loop would stop), and the loop only copies. */
static ember_status fill_constant(ember_projection *proj, const pairs *p, const size_t *perm,
                                  double w, double d)
{
  ember_status st = check_weight(proj, w, 0);
  if (st || (st = check_delay(proj, d, 0)))
    return st;
  float wf = (float)w;
  for (size_t k = 0; k < p->n; k++) {
    proj->target[k] = p->post[perm[k]];
    proj->weight[k] = wf;
  }
  proj->min_delay = proj->max_delay = d;
  return EMBER_OK;
}

/* Fills target/weight/delay in CSR order, drawing from per-synapse streams. */
static ember_status fill_synapses(ember_projection *proj, const pairs *p, const size_t *perm,
                                  const ember_dist *wd, const ember_dist *dd)
{
  int const_delay = dd->kind == EMBER_DIST_CONST && !p->d;
  proj->target = malloc((p->n ? p->n : 1) * sizeof *proj->target);
  proj->weight = malloc((p->n ? p->n : 1) * sizeof *proj->weight);
  proj->delay = const_delay ? NULL : malloc((p->n ? p->n : 1) * sizeof *proj->delay);
  if (!proj->target || !proj->weight || (!const_delay && !proj->delay))
    return net_fail(proj->net, EMBER_ERR_NOMEM, "out of memory for %zu synapses", p->n);
  uint64_t seed = proj->net->seed, obj = 0x10000u + proj->index;
  proj->min_delay = INFINITY;
  proj->max_delay = 0;
  proj->delay_const = dd->a;
  if (wd->kind == EMBER_DIST_CONST && const_delay && !p->w && p->n)
    return fill_constant(proj, p, perm, wd->a, dd->a);
  /* A constant draws nothing: its streams (two mixes each) are not even made. */
  int w_rand = wd->kind != EMBER_DIST_CONST, d_rand = dd->kind != EMBER_DIST_CONST;
  rng_stream rw = {0, 0}, rd = {0, 0};
  for (size_t k = 0; k < p->n; k++) {
    size_t s = perm[k];
    if (w_rand)
      rw = rng_stream_for(seed, obj, RNG_WEIGHT, k);
    if (d_rand)
      rd = rng_stream_for(seed, obj, RNG_DELAY, k);
    double w = (p->w && !isnan(p->w[s])) ? p->w[s] : dist_draw(wd, &rw);
    double d = (p->d && !isnan(p->d[s])) ? p->d[s] : dist_draw(dd, &rd);
    if (!const_delay)
      d = (double)(float)d;   /* what is stored is what is used */
    ember_status st = check_weight(proj, w, k);
    if (st || (st = check_delay(proj, d, k)))
      return st;
    proj->target[k] = p->post[s];
    proj->weight[k] = (float)w;
    if (!const_delay)
      proj->delay[k] = (float)d;
    proj->min_delay = fmin(proj->min_delay, d);
    proj->max_delay = fmax(proj->max_delay, d);
  }
  if (p->n == 0) {   /* nothing drawn, but a constant delay is still checked */
    ember_status st = dd->kind == EMBER_DIST_CONST ? check_delay(proj, dd->a, 0) : EMBER_OK;
    proj->min_delay = proj->max_delay = dd->a;
    return st;
  }
  return EMBER_OK;
}

static void make_label(ember_network *net, ember_projection *proj)
{
  snprintf(proj->label, sizeof proj->label, "%s_to_%s", proj->pre->label, proj->post->label);
  size_t base = strlen(proj->label);
  for (int k = 2;; k++) {
    int clash = 0;
    for (size_t i = 0; i < net->n_projs; i++)
      clash |= strcmp(net->projs[i]->label, proj->label) == 0;
    if (!clash)
      return;
    snprintf(proj->label + base, sizeof proj->label - base, "_%d", k);
  }
}

static ember_status check_ends(ember_network *net, ember_population *pre, ember_population *post,
                               const char *receptor, size_t *rix)
{
  ember_status st = net_check_mutable(net, "connecting");
  if (st)
    return st;
  if (!pre || !post || pre->net != net || post->net != net)
    return net_fail(net, EMBER_ERR_INVALID, "connect: both ends must be populations of this network");
  if (!post->model)
    return net_fail(net, EMBER_ERR_INVALID, "connect: '%s' is a spike source and cannot receive spikes",
                    post->label);
  if (pre->ltc && !post->ltc) {   /* a graded current: no receptor */
    *rix = 0;
    return EMBER_OK;
  }
  int r = ember_model_receptor_index(post->model, receptor ? receptor : "excitatory");
  if (r < 0) {
    char names[256] = "";
    for (size_t i = 0; i < post->model->n_receptors; i++)
      snprintf(names + strlen(names), sizeof names - strlen(names), "%s%s", i ? ", " : "",
               post->model->receptors[i].name);
    return net_fail(net, EMBER_ERR_UNKNOWN, "connect: model %s of '%s' has no receptor '%s' (receptors: %s)",
                    post->model->name, post->label, receptor, names);
  }
  *rix = (size_t)r;
  return EMBER_OK;
}

ember_status ember_projection_new(ember_network *net, ember_population *pre, ember_population *post,
                                  const ember_connector *conn, const ember_dist *weight,
                                  const ember_dist *delay, const char *receptor,
                                  ember_projection **out)
{
  size_t rix = 0;
  ember_status st = check_ends(net, pre, post, receptor, &rix);
  if (st)
    return st;
  ember_projection **arr = net_grow(net->projs, &net->cap_projs, net->n_projs + 1, sizeof *arr);
  ember_projection *proj = arr ? calloc(1, sizeof *proj) : NULL;
  if (arr)
    net->projs = arr;
  if (!proj)
    return net_fail(net, EMBER_ERR_NOMEM, "out of memory");
  *proj = (ember_projection){.net = net, .index = (uint32_t)net->n_projs, .pre = pre, .post = post,
                             .receptor = rix, .graded = pre->ltc != NULL,
                             .sigmoid = pre->ltc && post->ltc, .sig_sigma = LTC_SIGMOID_SIGMA,
                             .sig_mu = LTC_SIGMOID_MU};
  make_label(net, proj);
  pairs p = {0};
  size_t *perm = NULL;
  if ((st = generate(net, &p, conn, pre, post, 0x10000u + proj->index)))
    goto fail;
  proj->n_syn = p.n;
  if (!(perm = csr_order(proj, &p))) {
    st = net_fail(net, EMBER_ERR_NOMEM, "out of memory while connecting");
    goto fail;
  }
  if ((st = fill_synapses(proj, &p, perm, weight, delay)))
    goto fail;
  free(perm);
  pairs_free(&p);
  net->projs[net->n_projs++] = proj;
  *out = proj;
  return EMBER_OK;
fail:
  free(perm);
  pairs_free(&p);
  proj_free(proj);
  return st;
}

void proj_free(ember_projection *proj)
{
  if (!proj)
    return;
  free(proj->row);
  free(proj->target);
  free(proj->weight);
  free(proj->delay);
  free(proj->graded_i);
  free(proj);
}

size_t ember_projection_size(const ember_projection *proj) { return proj->n_syn; }
const char *ember_projection_label(const ember_projection *proj) { return proj->label; }

const char *ember_projection_receptor(const ember_projection *proj)
{
  const ember_model *m = proj->post->model;
  return m && proj->receptor < m->n_receptors ? m->receptors[proj->receptor].name : "";
}
ember_population *ember_projection_pre(const ember_projection *proj) { return proj->pre; }
ember_population *ember_projection_post(const ember_projection *proj) { return proj->post; }

ember_status ember_projection_get(const ember_projection *proj, size_t k, uint32_t *pre,
                                  uint32_t *post, double *weight, double *delay)
{
  if (k >= proj->n_syn)
    return net_fail(proj->net, EMBER_ERR_INVALID, "%s: synapse %zu out of range (%zu synapses)",
                    proj->label, k, proj->n_syn);
  /* The row containing k: binary search over the offsets. */
  size_t lo = 0, hi = proj->pre->n;
  while (hi - lo > 1) {
    size_t mid = (lo + hi) / 2;
    if (proj->row[mid] <= k)
      lo = mid;
    else
      hi = mid;
  }
  if (pre) *pre = (uint32_t)lo;
  if (post) *post = proj->target[k];
  if (weight) *weight = stdp_weight(proj, k);
  if (delay) *delay = proj->delay ? proj->delay[k] : proj->delay_const;
  return EMBER_OK;
}

ember_status ember_projection_set_weights(ember_projection *proj, const ember_dist *w)
{
  float *nw = malloc((proj->n_syn ? proj->n_syn : 1) * sizeof *nw);
  if (!nw)
    return net_fail(proj->net, EMBER_ERR_NOMEM, "out of memory");
  for (size_t k = 0; k < proj->n_syn; k++) {
    rng_stream r = rng_stream_for(proj->net->seed, 0x20000u + proj->index, RNG_WEIGHT, k);
    double v = dist_draw(w, &r);
    ember_status st = check_weight(proj, v, k);
    if (st) {
      free(nw);
      return st;
    }
    nw[k] = (float)v;
  }
  free(proj->weight);
  proj->weight = nw;
  proj->net->edges_stale = 1;
  return stdp_weights_changed(proj);
}

ember_status ember_projection_set_weight_array(ember_projection *proj, const double *w, size_t n)
{
  if (n != proj->n_syn)
    return net_fail(proj->net, EMBER_ERR_INVALID,
                    "%s: %zu weights given for %zu synapses (one per synapse, in storage order)",
                    proj->label, n, proj->n_syn);
  for (size_t k = 0; k < n; k++) {   /* all checked before any is changed */
    ember_status st = check_weight(proj, w[k], k);
    if (st)
      return st;
  }
  for (size_t k = 0; k < n; k++)
    proj->weight[k] = (float)w[k];
  proj->net->edges_stale = 1;
  return stdp_weights_changed(proj);
}
