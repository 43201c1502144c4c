/* LTC parameters: the CSR synapse store and random initialisation with ncps'
 * ranges (ncps/torch/ltc_cell.py, LTCCell._init_ranges). */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "ltc_internal.h"
#include "rng.h"

#define LTC_RNG_OBJECT 0x4c5443ULL

void ltc_syn_free(ltc_syn *s)
{
  free(s->row);
  free(s->src);
  free(s->pol);
  free(s->w);
  free(s->sigma);
  free(s->mu);
  free(s->erev);
  memset(s, 0, sizeof *s);
}

static int syn_alloc(ltc_syn *s, size_t n_rows, size_t nnz)
{
  size_t m = nnz ? nnz : 1;
  s->n_rows = n_rows;
  s->nnz = nnz;
  s->row = calloc(n_rows + 1, sizeof *s->row);
  s->src = malloc(m * sizeof *s->src);
  s->pol = malloc(m * sizeof *s->pol);
  s->w = calloc(m, sizeof *s->w);
  s->sigma = calloc(m, sizeof *s->sigma);
  s->mu = calloc(m, sizeof *s->mu);
  s->erev = calloc(m, sizeof *s->erev);
  return s->row && s->src && s->pol && s->w && s->sigma && s->mu && s->erev ? 0 : -1;
}

/* Edges in input order, bucketed by destination (counting sort, stable), then
 * each row sorted by source; a repeated (src, dest) keeps its last polarity, as
 * ncps' add_synapse overwrites. */
static int cmp_edge(const void *a, const void *b)
{
  const uint64_t *x = a, *y = b;
  return *x < *y ? -1 : *x > *y;
}

ember_status ltc_syn_from_edges(ltc_syn *s, size_t n_rows, const ltc_edges *e)
{
  /* key = src << 32 | input index: sorting a row by it orders by source and
   * keeps input order among duplicates. */
  uint64_t *key = malloc((e->n ? e->n : 1) * sizeof *key);
  size_t *cnt = calloc(n_rows + 1, sizeof *cnt);
  if (!key || !cnt)
    goto fail;
  for (size_t q = 0; q < e->n; q++)
    cnt[e->dest[q] + 1]++;
  for (size_t j = 0; j < n_rows; j++)
    cnt[j + 1] += cnt[j];
  for (size_t q = 0; q < e->n; q++)
    key[cnt[e->dest[q]]++] = ((uint64_t)e->src[q] << 32) | (uint64_t)q;
  /* cnt[j] is now the end of row j; rows are [cnt[j-1], cnt[j]). */
  size_t nnz = 0;
  for (size_t j = 0, beg = 0; j < n_rows; beg = cnt[j], j++) {
    qsort(key + beg, cnt[j] - beg, sizeof *key, cmp_edge);
    for (size_t q = beg; q < cnt[j]; q++)
      nnz += q + 1 == cnt[j] || (key[q + 1] >> 32) != (key[q] >> 32);
  }
  if (syn_alloc(s, n_rows, nnz))
    goto fail;
  size_t p = 0;
  for (size_t j = 0, beg = 0; j < n_rows; beg = cnt[j], j++) {
    for (size_t q = beg; q < cnt[j]; q++) {
      if (q + 1 < cnt[j] && (key[q + 1] >> 32) == (key[q] >> 32))
        continue;   /* a later duplicate follows: it wins */
      s->src[p] = (uint32_t)(key[q] >> 32);
      s->pol[p++] = e->pol[key[q] & 0xffffffffu];
    }
    s->row[j + 1] = p;
  }
  free(key);
  free(cnt);
  return EMBER_OK;
fail:
  free(key);
  free(cnt);
  ltc_syn_free(s);
  return EMBER_ERR_NOMEM;
}

ptrdiff_t ltc_syn_find(const ltc_syn *s, uint32_t src, uint32_t dest)
{
  size_t lo = s->row[dest], hi = s->row[dest + 1];
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (s->src[mid] < src)
      lo = mid + 1;
    else
      hi = mid;
  }
  return lo < s->row[dest + 1] && s->src[lo] == src ? (ptrdiff_t)lo : -1;
}

/* ------------------------------------------------------------ initialise --- */

/* Parameter ids: one stream per (parameter, element) so that every value is a
 * pure function of the seed and its position. */
enum { P_GLEAK = 1, P_VLEAK, P_CM, P_W, P_SIGMA, P_MU, P_SW, P_SSIGMA, P_SMU };

static double softplus(double x) { return x > 30 ? x : log1p(exp(x)); }

static void draw_vec(double *out, size_t n, uint64_t seed, int pid, double lo, double hi, int sp)
{
  rng_stream r = rng_stream_for(seed, LTC_RNG_OBJECT, RNG_INIT_PARAM, (uint64_t)pid << 40);
  for (size_t i = 0; i < n; i++) {
    out[i] = lo + (hi - lo) * rng_uniform(&r);
    if (sp)
      out[i] = softplus(out[i]);
  }
}

/* Draws a synaptic parameter row by row (a row's stream is keyed by its
 * destination), in storage order. */
static void draw_syn(const ltc_syn *s, double *out, uint64_t seed, int pid, double lo, double hi,
                     int sp)
{
  for (size_t j = 0; j < s->n_rows; j++) {
    rng_stream r = rng_stream_for(seed, LTC_RNG_OBJECT, RNG_INIT_PARAM, ((uint64_t)pid << 40) + j);
    for (size_t p = s->row[j]; p < s->row[j + 1]; p++) {
      out[p] = lo + (hi - lo) * rng_uniform(&r);
      if (sp)
        out[p] = softplus(out[p]);
    }
  }
}

void ltc_params_randomize(ember_ltc *c, uint64_t seed, unsigned flags)
{
  int sp = (flags & EMBER_LTC_INIT_SOFTPLUS) != 0;
  draw_vec(c->gleak, c->n, seed, P_GLEAK, 0.001, 1.0, sp);
  draw_vec(c->vleak, c->n, seed, P_VLEAK, -0.2, 0.2, 0);
  draw_vec(c->cm, c->n, seed, P_CM, 0.4, 0.6, sp);
  draw_syn(&c->syn, c->syn.w, seed, P_W, 0.001, 1.0, sp);
  draw_syn(&c->syn, c->syn.sigma, seed, P_SIGMA, 3, 8, 0);
  draw_syn(&c->syn, c->syn.mu, seed, P_MU, 0.3, 0.8, 0);
  draw_syn(&c->sens, c->sens.w, seed, P_SW, 0.001, 1.0, sp);
  draw_syn(&c->sens, c->sens.sigma, seed, P_SSIGMA, 3, 8, 0);
  draw_syn(&c->sens, c->sens.mu, seed, P_SMU, 0.3, 0.8, 0);
  /* Reversal potentials start at the polarity, as ncps' erev_initializer. */
  for (size_t p = 0; p < c->syn.nnz; p++)
    c->syn.erev[p] = c->syn.pol[p];
  for (size_t p = 0; p < c->sens.nnz; p++)
    c->sens.erev[p] = c->sens.pol[p];
  for (size_t i = 0; i < c->k; i++) {
    c->input_w[i] = 1;
    c->input_b[i] = 0;
  }
  for (size_t i = 0; i < c->m; i++) {
    c->output_w[i] = 1;
    c->output_b[i] = 0;
  }
}
