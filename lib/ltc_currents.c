/* Synapse-level matters of LTC populations: the settings of sigmoid synapses
 * between two circuits (integrated in ltc_pop.c), and the recording of each
 * synapse's current w sigma(sigma (u_src - mu)) (erev - v_dest) into
 * syn_current.h5 and sensory_current.h5 (docs/ltc.md). The columns of a
 * frame are synapses grouped by postsynaptic neuron (the report's nodes),
 * element id = the synapse's index in the circuit (ember_ltc_synapse /
 * ember_ltc_sensory_synapse order, which is by destination, then source). */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "ltc/ltc_internal.h"
#include "ltc_pop.h"

ember_status ember_projection_set_sigmoid(ember_projection *pj, double sigma, double mu)
{
  if (!pj)
    return EMBER_ERR_INVALID;
  ember_status st = net_check_mutable(pj->net, "changing a projection");
  if (st)
    return st;
  if (!pj->sigmoid)
    return net_fail(pj->net, EMBER_ERR_INVALID, "%s: a sigmoid synapse needs an LTC population on "
                    "both sides", pj->label);
  if (!isfinite(sigma) || !isfinite(mu))
    return net_fail(pj->net, EMBER_ERR_INVALID, "%s: sigmoid sigma = %g, mu = %g must be finite",
                    pj->label, sigma, mu);
  pj->sig_sigma = sigma;
  pj->sig_mu = mu;
  return EMBER_OK;
}

static int is_syn_var(int var) { return var == LTC_SYNI || var == LTC_SENSI; }

static const ltc_syn *syn_of(const ember_ltc *c, int var)
{
  return var == LTC_SYNI ? &c->syn : &c->sens;
}

/* Columns of rc: every synapse onto rc's neurons, or only those of `syn`
 * (sorted, unique, onto rc's neurons) when syn is not NULL. Node k = rc->ids[k]
 * owns columns [ptr[k], ptr[k + 1]). */
static ember_status fill_columns(ember_population *pop, recorder *rc, const size_t *syn, size_t n_syn)
{
  const ltc_syn *s = syn_of(ember_ltc_population_circuit(pop), rc->var);
  size_t m = 0;
  for (size_t q = 0; !syn && q < rc->n_ids; q++)
    m += s->row[rc->ids[q] + 1] - s->row[rc->ids[q]];
  if (syn)
    m = n_syn;
  if (m == 0)
    return net_fail(pop->net, EMBER_ERR_INVALID, "record: no %s synapses onto the recorded neurons "
                    "of LTC population '%s'", rc->var == LTC_SYNI ? "internal" : "sensory", pop->label);
  if (m > UINT32_MAX)
    return net_fail(pop->net, EMBER_ERR_INVALID, "record: too many synapses in '%s'", pop->label);
  free(rc->ptr);
  free(rc->elem);
  rc->ptr = malloc((rc->n_ids + 1) * sizeof *rc->ptr);
  rc->elem = malloc(m * sizeof *rc->elem);
  if (!rc->ptr || !rc->elem)
    return net_fail(pop->net, EMBER_ERR_NOMEM, "out of memory");
  size_t col = 0, i = 0;
  for (size_t q = 0; q < rc->n_ids; q++) {
    size_t j = rc->ids[q];
    rc->ptr[q] = col;
    if (!syn) {
      for (size_t k = s->row[j]; k < s->row[j + 1]; k++)
        rc->elem[col++] = (uint32_t)k;
    } else {   /* storage is by destination: a sorted list is grouped by neuron */
      for (; i < n_syn && syn[i] < s->row[j + 1]; i++)
        rc->elem[col++] = (uint32_t)syn[i];
    }
  }
  rc->ptr[rc->n_ids] = col;
  rc->n_cols = col;
  return EMBER_OK;
}

ember_status ltc_pop_record_columns(ember_population *pop, recorder *rc)
{
  return is_syn_var(rc->var) ? fill_columns(pop, rc, NULL, 0) : EMBER_OK;
}

static int cmp_size(const void *a, const void *b)
{
  size_t x = *(const size_t *)a, y = *(const size_t *)b;
  return (x > y) - (x < y);
}

ember_status ember_ltc_population_record_synapses(ember_population *pop, const char *what,
                                                  double interval, const size_t *synapses, size_t n)
{
  const ember_ltc *c = ember_ltc_population_circuit(pop);
  if (!c || !what)
    return pop ? net_fail(pop->net, EMBER_ERR_INVALID, "record synapses: '%s' is not an LTC "
                          "population", pop->label) : EMBER_ERR_INVALID;
  int var = ember_model_state_index(pop->model, what);
  if (!is_syn_var(var))
    return net_fail(pop->net, EMBER_ERR_INVALID, "record: a list of synapses goes with "
                    "'syn_current' or 'sensory_current', not '%s'", what);
  const ltc_syn *s = syn_of(c, var);
  if (!synapses || n == 0)
    return net_fail(pop->net, EMBER_ERR_INVALID, "record: the list of synapses of '%s' is empty",
                    pop->label);
  size_t *syn = malloc(n * sizeof *syn);
  uint32_t *post = malloc(n * sizeof *post);
  ember_status st = syn && post ? EMBER_OK : net_fail(pop->net, EMBER_ERR_NOMEM, "out of memory");
  size_t u = 0, np = 0;
  if (!st) {
    memcpy(syn, synapses, n * sizeof *syn);
    qsort(syn, n, sizeof *syn, cmp_size);
    for (size_t i = 0; i < n; i++)
      if (i == 0 || syn[i] != syn[u - 1])
        syn[u++] = syn[i];
    if (syn[u - 1] >= s->nnz)
      st = net_fail(pop->net, EMBER_ERR_INVALID, "record: synapse %zu is out of range for '%s' "
                    "(%s synapses 0..%zu)", syn[u - 1], pop->label,
                    var == LTC_SYNI ? "internal" : "sensory", s->nnz ? s->nnz - 1 : 0);
  }
  for (size_t i = 0, j = 0; !st && i < u; i++) {   /* the destination of each, ascending */
    while (s->row[j + 1] <= syn[i])
      j++;
    if (np == 0 || post[np - 1] != j)
      post[np++] = (uint32_t)j;
  }
  if (!st)
    st = ember_population_record(pop, what, interval, post, np);
  if (!st && (st = fill_columns(pop, pop->rec[pop->n_rec - 1], syn, u))) {
    recorder_free(pop->rec[--pop->n_rec]);   /* not recorded after all */
    pop->rec[pop->n_rec] = NULL;
  }
  free(syn);
  free(post);
  return st;
}

void ltc_currents_frame(const ember_ltc *c, const recorder *rc, const double *v, float *dst)
{
  const ltc_syn *s = syn_of(c, rc->var);
  for (size_t q = 0; q < rc->n_ids; q++) {
    size_t j = rc->ids[q];
    for (size_t col = rc->ptr[q]; col < rc->ptr[q + 1]; col++) {
      size_t k = rc->elem[col], i = s->src[k];
      double u = rc->var == LTC_SYNI ? v[i] : c->input_w[i] * c->x[i] + c->input_b[i];
      dst[col] = (float)(s->w[k] * ltc_sigmoid(s->sigma[k] * (u - s->mu[k])) * (s->erev[k] - v[j]));
    }
  }
}

/* ------------------------------------------- currents of projections --- */

/* Per-synapse currents of a projection into an LTC population (current.h5).
 * Each recorded synapse keeps its own conductance g (8 bytes per recorded
 * synapse, plus a 4-byte synapse -> column map over the projection): a spiking
 * synapse's g jumps by w at its arrivals (the engine tags its events with the
 * synapse index, only while recorded) and decays with its neuron's tau_syn at
 * every segment end; a sigmoid synapse's g is set when the interval's held
 * conductances are (ltc_coupling.c). Nothing of this exists, or runs, for a
 * projection that is not recorded. */

static int cmp_u64(const void *a, const void *b)
{
  uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
  return (x > y) - (x < y);
}

static ember_status crec_check(ember_projection *pj, double interval, const size_t *syn, size_t n)
{
  ember_network *net = pj->net;
  ember_status st = net_check_mutable(net, "recording");
  if (st)
    return st;
  if (!pj->post->ltc || (pj->graded && !pj->sigmoid))
    return net_fail(net, EMBER_ERR_INVALID, "record current: %s does not end in an LTC population; "
                    "per-synapse currents are recorded for spikes or sigmoid synapses into LTC "
                    "neurons", pj->label);
  if (pj->crec)
    return net_fail(net, EMBER_ERR_INVALID, "the currents of %s are already recorded", pj->label);
  if (!(interval > 0) || !isfinite(interval))
    return net_fail(net, EMBER_ERR_INVALID, "record current: interval must be a finite number of "
                    "ms > 0, got %g", interval);
  if ((syn && n == 0) || pj->n_syn == 0)
    return net_fail(net, EMBER_ERR_INVALID, "record current: no synapses of %s to record", pj->label);
  if (pj->n_syn > INT32_MAX)
    return net_fail(net, EMBER_ERR_INVALID, "record current: %s has too many synapses", pj->label);
  for (size_t i = 0; syn && i < n; i++)
    if (syn[i] >= pj->n_syn)
      return net_fail(net, EMBER_ERR_INVALID, "record current: synapse %zu is out of range for %s "
                      "(synapses 0..%zu)", syn[i], pj->label, pj->n_syn - 1);
  if (pj->post->n_rec == EMBER_MAX_RECORDERS)
    return net_fail(net, EMBER_ERR_INVALID, "population '%s' records too many variables",
                    pj->post->label);
  return EMBER_OK;
}

/* Columns from (post << 32 | synapse) keys, sorted and unique: nodes, pointers,
 * element ids, and the synapse -> column map. */
static void crec_columns(recorder *rc, ltc_crec *cr, const uint64_t *key, size_t m, size_t n_post)
{
  for (size_t j = 0; j < n_post; j++)
    rc->col[j] = -1;
  for (size_t i = 0; i < m; i++) {
    if (i && key[i] == key[i - 1])
      continue;   /* duplicates in the list count once */
    uint32_t post = (uint32_t)(key[i] >> 32), k = (uint32_t)key[i];
    if (rc->n_ids == 0 || rc->ids[rc->n_ids - 1] != post) {
      rc->col[post] = (int32_t)rc->n_ids;
      rc->ids[rc->n_ids] = post;
      rc->ptr[rc->n_ids++] = rc->n_cols;
    }
    cr->col_of[k] = (int32_t)rc->n_cols;
    rc->elem[rc->n_cols++] = k;
  }
  rc->ptr[rc->n_ids] = rc->n_cols;
}

ember_status ember_projection_record_currents(ember_projection *pj, double interval,
                                              const size_t *synapses, size_t n)
{
  if (!pj)
    return EMBER_ERR_INVALID;
  ember_status st = crec_check(pj, interval, synapses, n);
  if (st)
    return st;
  ember_population *pop = pj->post;
  size_t m = synapses ? n : pj->n_syn;
  uint64_t *key = malloc(m * sizeof *key);
  recorder *rc = calloc(1, sizeof *rc);
  size_t head = (sizeof(ltc_crec) + 7) / 8 * 8;
  if (rc) {   /* ext: the struct, then g (per column), then col_of (per synapse) */
    rc->ext = calloc(1, head + m * sizeof(double) + pj->n_syn * sizeof(int32_t));
    rc->ids = malloc(m * sizeof *rc->ids);
    rc->col = malloc(pop->n * sizeof *rc->col);
    rc->ptr = malloc((m + 1) * sizeof *rc->ptr);
    rc->elem = malloc(m * sizeof *rc->elem);
  }
  if (!key || !rc || !rc->ext || !rc->ids || !rc->col || !rc->ptr || !rc->elem) {
    free(key);
    recorder_free(rc);
    return net_fail(pj->net, EMBER_ERR_NOMEM, "out of memory");
  }
  ltc_crec *cr = rc->ext;
  cr->pj = pj;
  cr->g = (double *)((char *)rc->ext + head);
  cr->col_of = (int32_t *)(cr->g + m);
  for (size_t k = 0; k < pj->n_syn; k++)
    cr->col_of[k] = -1;
  for (size_t i = 0; i < m; i++) {
    size_t k = synapses ? synapses[i] : i;
    key[i] = ((uint64_t)pj->target[k] << 32) | (uint64_t)k;
  }
  qsort(key, m, sizeof *key, cmp_u64);
  crec_columns(rc, cr, key, m, pop->n);
  free(key);
  rc->var = LTC_PROJI;
  rc->interval = interval;
  rc->label = pj->label;
  pop->rec[pop->n_rec++] = rc;
  pj->crec = rc;
  pop->ltc->n_crec++;
  return EMBER_OK;
}

void ltc_crec_arrive(const ember_projection *pj, size_t k, double w)
{
  ltc_crec *cr = pj->crec->ext;
  if (cr->col_of[k] >= 0)
    cr->g[cr->col_of[k]] += w;
}

void ltc_crec_decay(ltc_pop *p, double L)
{
  for (size_t r = 0; r < p->pop->n_rec; r++) {
    const recorder *rc = p->pop->rec[r];
    if (rc->var != LTC_PROJI || ((ltc_crec *)rc->ext)->pj->sigmoid)
      continue;
    ltc_crec *cr = rc->ext;
    const double *rate = cr->pj->receptor == 0 ? p->ie : p->ii;
    for (size_t q = 0; q < rc->n_ids; q++) {
      double f = exp(-L * rate[rc->ids[q]]);   /* the factor of the neuron's own conductance */
      for (uint64_t col = rc->ptr[q]; col < rc->ptr[q + 1]; col++)
        cr->g[col] *= f;
    }
  }
}

void ltc_crec_frame(const ltc_pop *p, const recorder *rc, const double *v, const double *ge,
                    const double *gi, float *dst)
{
  const ltc_crec *cr = rc->ext;
  size_t r = cr->pj->receptor;
  const double *now = r == 0 ? ge : gi, *pop = r == 0 ? p->ge : p->gi;
  for (size_t q = 0; q < rc->n_ids; q++) {
    size_t j = rc->ids[q];
    /* fused: the frame sees the conductance held over its sub-step, which is the
     * population's (at the segment start) times a factor common to every synapse
     * onto j, as no spike arrives within a segment */
    double s = 1.0;
    if (!cr->pj->sigmoid && now && now != pop)
      s = pop[j] > 0 ? now[j] / pop[j] : 0.0;
    double drive = ltc_pop_erev(p, j, r) - v[j];
    for (uint64_t col = rc->ptr[q]; col < rc->ptr[q + 1]; col++)
      dst[col] = (float)(cr->g[col] * s * drive);
  }
}
