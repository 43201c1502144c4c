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
