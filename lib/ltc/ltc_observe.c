/* Reading and writing an LTC circuit's parameters in ncps' dense layout, its
 * wiring, and the quantities that explain a neuron (tau, synaptic currents). */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "ltc_internal.h"

typedef enum { SH_N, SH_K, SH_M, SH_SYN, SH_SENS } shape;

/* A parameter's storage: a vector or one field of a synapse store. */
typedef struct pview {
  shape sh;
  double *arr;
  ltc_syn *s;       /* SH_SYN, SH_SENS */
  int positive;     /* 1: >= 0, 2: > 0 */
} pview;

static int find_param(const ember_ltc *cc, const char *name, pview *pv)
{
  ember_ltc *c = (ember_ltc *)cc;   /* views are only written through by set_param */
  const struct { const char *name; shape sh; double *arr; ltc_syn *s; int pos; } t[] = {
    {"gleak", SH_N, c->gleak, NULL, 1},       {"vleak", SH_N, c->vleak, NULL, 0},
    {"cm", SH_N, c->cm, NULL, 2},             {"w", SH_SYN, c->syn.w, &c->syn, 1},
    {"sigma", SH_SYN, c->syn.sigma, &c->syn, 0}, {"mu", SH_SYN, c->syn.mu, &c->syn, 0},
    {"erev", SH_SYN, c->syn.erev, &c->syn, 0},   {"sensory_w", SH_SENS, c->sens.w, &c->sens, 1},
    {"sensory_sigma", SH_SENS, c->sens.sigma, &c->sens, 0},
    {"sensory_mu", SH_SENS, c->sens.mu, &c->sens, 0},
    {"sensory_erev", SH_SENS, c->sens.erev, &c->sens, 0},
    {"input_w", SH_K, c->input_w, NULL, 0},   {"input_b", SH_K, c->input_b, NULL, 0},
    {"output_w", SH_M, c->output_w, NULL, 0}, {"output_b", SH_M, c->output_b, NULL, 0},
  };
  for (size_t i = 0; name && i < sizeof t / sizeof *t; i++)
    if (!strcmp(name, t[i].name)) {
      *pv = (pview){t[i].sh, t[i].arr, t[i].s, t[i].pos};
      return 1;
    }
  return 0;
}

static size_t view_size(const ember_ltc *c, const pview *pv)
{
  switch (pv->sh) {
  case SH_N: return c->n;
  case SH_K: return c->k;
  case SH_M: return c->m;
  case SH_SYN: return c->n * c->n;
  case SH_SENS: return c->k * c->n;
  }
  return 0;
}

size_t ember_ltc_param_size(const ember_ltc *c, const char *name)
{
  pview pv;
  return find_param(c, name, &pv) ? view_size(c, &pv) : 0;
}

ember_status ember_ltc_get_param(const ember_ltc *c, const char *name, double *out)
{
  pview pv;
  if (!find_param(c, name, &pv))
    return ltc_fail((ember_ltc *)c, EMBER_ERR_UNKNOWN, "no LTC parameter '%s'", name ? name : "(null)");
  if (!pv.s) {
    memcpy(out, pv.arr, view_size(c, &pv) * sizeof *out);
    return EMBER_OK;
  }
  memset(out, 0, view_size(c, &pv) * sizeof *out);
  for (size_t j = 0; j < c->n; j++)
    for (size_t p = pv.s->row[j]; p < pv.s->row[j + 1]; p++)
      out[(size_t)pv.s->src[p] * c->n + j] = pv.arr[p];
  return EMBER_OK;
}

/* Checks every value of a set_param call before anything changes. */
static ember_status check_values(ember_ltc *c, const char *name, const pview *pv, const double *v)
{
  size_t size = view_size(c, pv);
  for (size_t i = 0; i < size; i++) {
    if (!isfinite(v[i]))
      return ltc_fail(c, EMBER_ERR_INVALID, "%s[%zu] = %g is not finite", name, i, v[i]);
    if ((pv->positive == 1 && v[i] < 0) || (pv->positive == 2 && !(v[i] > 0)))
      return ltc_fail(c, EMBER_ERR_INVALID, "%s[%zu] = %g must be %s", name, i, v[i],
                      pv->positive == 1 ? ">= 0" : "> 0");
    if (pv->s && v[i] != 0) {
      size_t src = i / c->n, dest = i % c->n;
      if (ltc_syn_find(pv->s, (uint32_t)src, (uint32_t)dest) < 0)
        return ltc_fail(c, EMBER_ERR_INVALID, "%s[%zu, %zu] = %g but the wiring has no such synapse",
                        name, src, dest, v[i]);
    }
  }
  return EMBER_OK;
}

ember_status ember_ltc_set_param(ember_ltc *c, const char *name, const double *values)
{
  pview pv;
  if (!find_param(c, name, &pv))
    return ltc_fail(c, EMBER_ERR_UNKNOWN, "no LTC parameter '%s'", name ? name : "(null)");
  ember_status st = check_values(c, name, &pv, values);
  if (st)
    return st;
  if (!pv.s)
    memcpy(pv.arr, values, view_size(c, &pv) * sizeof *values);
  for (size_t j = 0; pv.s && j < c->n; j++)
    for (size_t p = pv.s->row[j]; p < pv.s->row[j + 1]; p++)
      pv.arr[p] = values[(size_t)pv.s->src[p] * c->n + j];
  c->input_dirty = 1;   /* sensory drive and solver history depend on parameters */
  return EMBER_OK;
}

/* --------------------------------------------------------------- wiring --- */

static ember_status syn_at(const ember_ltc *c, const ltc_syn *s, size_t k, uint32_t *src,
                           uint32_t *dest, int *pol)
{
  if (k >= s->nnz)
    return ltc_fail((ember_ltc *)c, EMBER_ERR_INVALID, "synapse %zu of %zu", k, s->nnz);
  size_t lo = 0, hi = s->n_rows;   /* the row holding k: row[lo] <= k < row[lo + 1] */
  while (hi - lo > 1) {
    size_t mid = lo + (hi - lo) / 2;
    if (s->row[mid] <= k)
      lo = mid;
    else
      hi = mid;
  }
  if (src)
    *src = s->src[k];
  if (dest)
    *dest = (uint32_t)lo;
  if (pol)
    *pol = s->pol[k];
  return EMBER_OK;
}

ember_status ember_ltc_synapse(const ember_ltc *c, size_t k, uint32_t *src, uint32_t *dest,
                               int *polarity)
{
  return syn_at(c, &c->syn, k, src, dest, polarity);
}

ember_status ember_ltc_sensory_synapse(const ember_ltc *c, size_t k, uint32_t *src,
                                       uint32_t *dest, int *polarity)
{
  return syn_at(c, &c->sens, k, src, dest, polarity);
}

ember_status ember_ltc_adjacency(const ember_ltc *c, int8_t *adj, int8_t *sensory)
{
  const ltc_syn *s[2] = {&c->syn, &c->sens};
  int8_t *out[2] = {adj, sensory};
  size_t rows[2] = {c->n, c->k};
  for (int q = 0; q < 2; q++) {
    if (!out[q])
      continue;
    memset(out[q], 0, rows[q] * c->n);
    for (size_t j = 0; j < c->n; j++)
      for (size_t p = s[q]->row[j]; p < s[q]->row[j + 1]; p++)
        out[q][(size_t)s[q]->src[p] * c->n + j] = s[q]->pol[p];
  }
  return EMBER_OK;
}

/* ----------------------------------------------------------- observables --- */

ember_status ember_ltc_get_tau(ember_ltc *c, double *tau)
{
  if (c->input_dirty)
    ltc_sensory_update(c);
  ltc_syn_sums(c, c->v, c->a, c->b);
  for (size_t j = 0; j < c->n; j++)
    tau[j] = c->cm[j] / (c->gleak[j] + c->b[j] + c->gs[j]);
  return EMBER_OK;
}

/* One store's currents g (erev - v_dest) with g = w sigmoid(sigma (pre - mu)). */
static void currents(const ltc_syn *s, const double *pre, const double *v, double *out)
{
  for (size_t j = 0; j < s->n_rows; j++)
    for (size_t p = s->row[j]; p < s->row[j + 1]; p++)
      out[p] = s->w[p] * ltc_sigmoid(s->sigma[p] * (pre[s->src[p]] - s->mu[p])) * (s->erev[p] - v[j]);
}

ember_status ember_ltc_get_currents(ember_ltc *c, double *syn, double *sensory)
{
  if (syn)
    currents(&c->syn, c->v, c->v, syn);
  if (!sensory)
    return EMBER_OK;
  double *xm = malloc((c->k ? c->k : 1) * sizeof *xm);   /* not a stepping path */
  if (!xm)
    return ltc_fail(c, EMBER_ERR_NOMEM, "out of memory");
  for (size_t k = 0; k < c->k; k++)
    xm[k] = c->input_w[k] * c->x[k] + c->input_b[k];
  currents(&c->sens, xm, c->v, sensory);
  free(xm);
  return EMBER_OK;
}

/* ------------------------------------------------ synapse-list layout --- */

static size_t list_size(const ember_ltc *c, const pview *pv)
{
  return pv->s ? pv->s->nnz : view_size(c, pv);
}

size_t ember_ltc_param_list_size(const ember_ltc *c, const char *name)
{
  pview pv;
  return find_param(c, name, &pv) ? list_size(c, &pv) : 0;
}

ember_status ember_ltc_get_param_list(const ember_ltc *c, const char *name, double *out)
{
  pview pv;
  if (!find_param(c, name, &pv))
    return ltc_fail((ember_ltc *)c, EMBER_ERR_UNKNOWN, "no LTC parameter '%s'", name ? name : "(null)");
  memcpy(out, pv.arr, list_size(c, &pv) * sizeof *out);
  return EMBER_OK;
}

ember_status ember_ltc_set_param_list(ember_ltc *c, const char *name, const double *values)
{
  pview pv;
  if (!find_param(c, name, &pv))
    return ltc_fail(c, EMBER_ERR_UNKNOWN, "no LTC parameter '%s'", name ? name : "(null)");
  size_t n = list_size(c, &pv);
  for (size_t i = 0; i < n; i++) {   /* all checked before anything changes */
    if (!isfinite(values[i]))
      return ltc_fail(c, EMBER_ERR_INVALID, "%s[%zu] = %g is not finite", name, i, values[i]);
    if ((pv.positive == 1 && values[i] < 0) || (pv.positive == 2 && !(values[i] > 0)))
      return ltc_fail(c, EMBER_ERR_INVALID, "%s[%zu] = %g must be %s", name, i, values[i],
                      pv.positive == 1 ? ">= 0" : "> 0");
  }
  memcpy(pv.arr, values, n * sizeof *values);
  c->input_dirty = 1;   /* sensory drive and solver history depend on parameters */
  return EMBER_OK;
}
