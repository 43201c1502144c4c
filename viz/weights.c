/* Weights of spiking projections (see weights.h): the synapses and weight
 * frames of an output directory, read with the public output reader
 * (ember_output_read_edges, ember_output_read_report_mapping), and the live
 * samples of a running network (live_observe.c). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "ember/output.h"
#include "weights.h"

static void proj_free(vz_proj *p)
{
  free(p->label);
  free(p->pre);
  free(p->post);
  free(p->src);
  free(p->dst);
  free(p->w0);
  free(p->delay);
  free(p->rec);
  free(p->frames);
  free(p->ft);
  free(p->in_ptr);
  free(p->in_idx);
  free(p->cur);
}

void vz_weights_free(vz_weights *w)
{
  if (!w)
    return;
  for (size_t i = 0; i < w->n; i++)
    proj_free(&w->proj[i]);
  free(w->proj);
  free(w);
}

vz_weights *vz_weights_new(void)
{
  return calloc(1, sizeof(vz_weights));
}

int vz_weights_find(const vz_weights *w, const char *label)
{
  for (size_t i = 0; w && i < w->n; i++)
    if (!strcmp(w->proj[i].label, label))
      return (int)i;
  return -1;
}

vz_proj *vz_weights_add(vz_weights *w, const char *label, const char *pre, const char *post, const char *units)
{
  vz_proj *v = realloc(w->proj, (w->n + 1) * sizeof *v);
  if (!v)
    return NULL;
  w->proj = v;
  vz_proj *p = &v[w->n];
  memset(p, 0, sizeof *p);
  p->label = strdup(label);
  p->pre = pre ? strdup(pre) : NULL;
  p->post = post ? strdup(post) : NULL;
  snprintf(p->units, sizeof p->units, "%s", units ? units : "");
  p->cur_frame = -2;
  p->plastic = -1;
  p->dt = 1;
  p->wmin = INFINITY;
  p->wmax = -INFINITY;
  if (!p->label || (pre && !p->pre) || (post && !p->post)) {
    proj_free(p);
    return NULL;
  }
  w->n++;
  return p;
}

static void widen(vz_proj *p, const float *x, size_t n)
{
  for (size_t k = 0; k < n; k++)
    if (isfinite(x[k])) {
      p->wmin = fmin(p->wmin, x[k]);
      p->wmax = fmax(p->wmax, x[k]);
    }
}

/* The incoming-synapse index by post neuron. */
static int index_by_target(vz_proj *p)
{
  p->in_ptr = calloc(p->n_post + 1, sizeof *p->in_ptr);
  p->in_idx = malloc((p->n_syn + 1) * sizeof *p->in_idx);
  size_t *at = malloc((p->n_post + 1) * sizeof *at);
  if (!p->in_ptr || !p->in_idx || !at) {
    free(at);
    return -1;
  }
  for (size_t k = 0; k < p->n_syn; k++)
    p->in_ptr[p->dst[k] + 1]++;
  for (size_t j = 0; j < p->n_post; j++)
    p->in_ptr[j + 1] += p->in_ptr[j];
  memcpy(at, p->in_ptr, (p->n_post + 1) * sizeof *at);
  for (size_t k = 0; k < p->n_syn; k++)
    p->in_idx[at[p->dst[k]]++] = (uint32_t)k;
  free(at);
  return 0;
}

int vz_proj_set_synapses(vz_proj *p, size_t n, const uint32_t *src, const uint32_t *dst, const float *w,
                         const float *delay, size_t n_pre, size_t n_post)
{
  if (p->src)
    return -1;
  p->src = malloc((n + 1) * sizeof *p->src);
  p->dst = malloc((n + 1) * sizeof *p->dst);
  p->w0 = malloc((n + 1) * sizeof *p->w0);
  p->delay = calloc(n + 1, sizeof *p->delay);
  p->cur = malloc((n + 1) * sizeof *p->cur);
  if (!p->src || !p->dst || !p->w0 || !p->delay || !p->cur)
    return -1;
  memcpy(p->src, src, n * sizeof *src);
  memcpy(p->dst, dst, n * sizeof *dst);
  memcpy(p->w0, w, n * sizeof *w);
  if (delay)
    memcpy(p->delay, delay, n * sizeof *delay);
  for (size_t k = 0; k < n; k++) {
    n_pre = src[k] + (size_t)1 > n_pre ? src[k] + (size_t)1 : n_pre;
    n_post = dst[k] + (size_t)1 > n_post ? dst[k] + (size_t)1 : n_post;
  }
  p->n_syn = n;
  p->n_pre = n_pre;
  p->n_post = n_post;
  p->cur_frame = -2;
  widen(p, w, n);
  return index_by_target(p);
}

/* Drops every other frame (keeping the first). */
static void thin(vz_proj *p)
{
  size_t keep = 0;
  for (size_t f = 0; f < p->n_frames; f += 2, keep++) {
    memmove(p->frames + keep * p->n_rec, p->frames + f * p->n_rec, p->n_rec * sizeof *p->frames);
    p->ft[keep] = p->ft[f];
  }
  p->n_frames = keep;
}

/* Room for `want` frames (and their times when irregular). */
static int reserve_frames(vz_proj *p, size_t want, int times)
{
  if (want <= p->cap_frames)
    return 0;
  size_t cap = p->cap_frames ? p->cap_frames : 64;
  while (cap < want)
    cap *= 2;
  float *v = realloc(p->frames, cap * p->n_rec * sizeof *v);
  if (!v)
    return -1;
  p->frames = v;
  if (times) {
    double *t = realloc(p->ft, cap * sizeof *t);
    if (!t)
      return -1;
    p->ft = t;
  }
  p->cap_frames = cap;
  return 0;
}

int vz_proj_add_sample(vz_proj *p, const float *w, double t)
{
  if (!p->n_syn || (p->n_frames && !p->ft))
    return -1;
  if (!p->rec) {   /* every synapse is "recorded" */
    p->rec = malloc(p->n_syn * sizeof *p->rec);
    if (!p->rec)
      return -1;
    for (size_t k = 0; k < p->n_syn; k++)
      p->rec[k] = (uint32_t)k;
    p->n_rec = p->n_syn;
  }
  if (p->n_frames && (p->n_frames + 1) * p->n_rec > VZ_WEIGHT_VALUES)
    thin(p);
  if (reserve_frames(p, p->n_frames + 1, 1))
    return -1;
  memcpy(p->frames + p->n_frames * p->n_rec, w, p->n_rec * sizeof *w);
  p->ft[p->n_frames++] = t;
  widen(p, w, p->n_rec);
  p->cur_frame = -2;
  return 0;
}

int vz_proj_sign(const vz_proj *p)
{
  return strncmp(p->receptor, "inh", 3) == 0 ? -1 : 1;
}

long vz_proj_frame_at(const vz_proj *p, double t)
{
  if (!p->n_frames)
    return -1;
  if (p->ft) {   /* the last frame at or before t */
    size_t lo = 0, hi = p->n_frames;
    while (lo < hi) {
      size_t mid = (lo + hi) / 2;
      if (p->ft[mid] <= t)
        lo = mid + 1;
      else
        hi = mid;
    }
    return lo ? (long)lo - 1 : 0;
  }
  double k = floor((t - p->t0) / p->dt + 1e-9);
  return k < 0 ? 0 : k >= (double)p->n_frames ? (long)p->n_frames - 1 : (long)k;
}

double vz_proj_frame_time(const vz_proj *p, long f)
{
  return p->ft ? p->ft[f] : p->t0 + (double)f * p->dt;
}

/* ------------------------------------------------------------- files --- */

/* Edge population i of o as a projection. 0, or -1 with a message. */
static int load_edges(vz_weights *w, const ember_output *o, size_t i, char *msg, size_t msglen)
{
  ember_edge_info e;
  if (ember_output_edge_info(o, i, &e))
    return -1;
  size_t n = e.n;
  vz_proj *p = vz_weights_add(w, e.name, e.source, e.target, e.units);
  if (p)
    snprintf(p->receptor, sizeof p->receptor, "%s", e.receptor);
  uint64_t *src = malloc((n + 1) * sizeof *src), *dst = malloc((n + 1) * sizeof *dst);
  double *wd = malloc((n + 1) * sizeof *wd), *dd = malloc((n + 1) * sizeof *dd);
  uint32_t *s32 = malloc((n + 1) * sizeof *s32), *d32 = malloc((n + 1) * sizeof *d32);
  float *wf = malloc((n + 1) * sizeof *wf), *df = malloc((n + 1) * sizeof *df);
  int bad = !p || !src || !dst || !wd || !dd || !s32 || !d32 || !wf || !df
            || ember_output_read_edges(o, i, 0, n, src, dst, wd, NULL) != EMBER_OK;
  int delays = !bad && ember_output_read_edges(o, i, 0, n, NULL, NULL, NULL, dd) == EMBER_OK;
  for (size_t k = 0; !bad && k < n; k++) {
    s32[k] = (uint32_t)src[k];
    d32[k] = (uint32_t)dst[k];
    wf[k] = (float)wd[k];
    df[k] = delays ? (float)dd[k] : 0.0f;
  }
  bad = bad || vz_proj_set_synapses(p, n, s32, d32, wf, df, 0, 0);
  free(src);
  free(dst);
  free(wd);
  free(dd);
  free(s32);
  free(d32);
  free(wf);
  free(df);
  if (bad)
    snprintf(msg, msglen, "edges.h5: cannot read /edges/%s (source_node_id, target_node_id, 0/syn_weight)",
             e.name);
  return bad ? -1 : 0;
}

/* The weight report of projection p: variable "weight", population = its label. */
static int weight_report(const ember_output *o, const vz_proj *p, ember_report_info *ri)
{
  for (size_t r = 0; r < ember_output_report_count(o); r++)
    if (!ember_output_report_info(o, r, ri) && !strcmp(ri->variable, "weight") && !strcmp(ri->population, p->label))
      return (int)r;
  return -1;
}

/* The recorded synapses (element_ids), time axis and units of report r. */
static int load_mapping(vz_proj *p, const ember_output *o, int r, const ember_report_info *ri)
{
  size_t n_nodes = 0, n_rec = 0;
  if (ember_output_report_mapping(o, (size_t)r, &n_nodes, &n_rec) || n_rec != ri->n_nodes)
    return -1;
  p->rec = malloc((n_rec + 1) * sizeof *p->rec);
  int bad = !p->rec || ember_output_read_report_mapping(o, (size_t)r, NULL, NULL, p->rec) != EMBER_OK;
  for (size_t q = 0; !bad && q < n_rec; q++)
    bad = p->rec[q] >= p->n_syn;   /* an element that is no synapse of edges.h5 */
  if (bad) {
    free(p->rec);
    p->rec = NULL;
    return -1;
  }
  p->n_rec = n_rec;
  p->t0 = ri->t_start;
  p->dt = ri->dt > 0 ? ri->dt : 1;
  if (ri->units[0])
    snprintf(p->units, sizeof p->units, "%s", ri->units);
  return 0;
}

/* Appends the frames of report r not read yet (up to VZ_WEIGHT_VALUES values).
 * 1 if any. */
static int load_frames(vz_proj *p, const ember_output *o, int r, const ember_report_info *ri)
{
  if (ri->n_nodes != p->n_rec || !p->n_rec)
    return 0;
  size_t limit = VZ_WEIGHT_VALUES / p->n_rec, want = ri->n_frames > limit ? limit : ri->n_frames;
  if (want <= p->n_frames || reserve_frames(p, want, 0))
    return 0;
  float *dst = p->frames + p->n_frames * p->n_rec;
  if (ember_output_read_report(o, (size_t)r, p->n_frames, want - p->n_frames, dst, NULL))
    return 0;
  widen(p, dst, (want - p->n_frames) * p->n_rec);
  p->n_frames = want;
  p->cur_frame = -2;
  return 1;
}

int vz_weights_update(vz_weights *w, const ember_output *o)
{
  int changed = 0;
  for (size_t i = 0; w && i < w->n; i++) {
    vz_proj *p = &w->proj[i];
    ember_report_info ri;
    int r = weight_report(o, p, &ri);
    if (r < 0 || (!p->rec && load_mapping(p, o, r, &ri)))
      continue;
    changed |= load_frames(p, o, r, &ri);
  }
  return changed;
}

vz_weights *vz_weights_load(const ember_output *o, char *msg, size_t msglen)
{
  msg[0] = 0;
  size_t n = ember_output_edge_pop_count(o);
  if (!n)
    return NULL;
  vz_weights *w = vz_weights_new();
  int bad = !w;
  for (size_t i = 0; !bad && i < n; i++)
    bad = load_edges(w, o, i, msg, msglen);
  if (bad) {
    vz_weights_free(w);
    return NULL;
  }
  vz_weights_update(w, o);
  return w;
}

/* ------------------------------------------------------------ queries --- */

const float *vz_proj_weights_at(vz_proj *p, double t)
{
  long f = vz_proj_frame_at(p, t);
  if (f == p->cur_frame)
    return p->cur;
  memcpy(p->cur, p->w0, p->n_syn * sizeof *p->cur);
  for (size_t q = 0; f >= 0 && q < p->n_rec; q++)
    p->cur[p->rec[q]] = p->frames[(size_t)f * p->n_rec + q];
  p->cur_frame = f;
  return p->cur;
}

void vz_proj_histogram(vz_proj *p, double t, double lo, double hi, size_t nbins, size_t *counts)
{
  const float *w = vz_proj_weights_at(p, t);
  memset(counts, 0, nbins * sizeof *counts);
  double width = hi > lo ? (hi - lo) / (double)nbins : 1;
  for (size_t k = 0; k < p->n_syn; k++) {
    double b = floor((w[k] - lo) / width);
    size_t i = b < 0 ? 0 : b >= (double)nbins ? nbins - 1 : (size_t)b;
    counts[i]++;
  }
}
