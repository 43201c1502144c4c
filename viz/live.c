/* The live source's window side (see live.h): the vz_source operations. Once
 * per frame live_poll swaps the shared buffers out under the lock and turns
 * them into store data (spikes, traces, LTC frames, weights); the other
 * operations pass the window's requests (watched neuron, wanted projections,
 * pause, speed, stop) to the simulation side (live_observe.c), which shares
 * the block of live_internal.h, so each side only ever waits for the other's
 * short copy. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "app.h"
#include "live_internal.h"
#include "weights.h"

/* Exchanges two buffers (a shared one and the window's), without copying. */
static void vec_swap(vec *a, vec *b)
{
  vec t = *a;
  *a = *b;
  *b = t;
}

/* Copies the populations (names, sizes, parameters) into the store, and hands
 * over the circuits of LTC populations. Under mu. */
static void copy_meta(vz_live *L, vz_store *st)
{
  for (size_t i = 0; i < L->n_meta; i++) {
    meta_pop *m = &L->meta[i];
    int p = vz_store_pop(st, m->label, m->kind, m->size);
    if (p < 0)
      continue;
    vz_store_set_size(st, (size_t)p, m->size);
    vz_store_set_params(st, (size_t)p, m->n_params, m->pnames, m->punits, m->params);
    if (m->circuit && !vz_store_circuit_of(st, m->label))
      vz_store_add_circuit(st, m->circuit);
    else
      vz_circuit_free(m->circuit);
    m->circuit = NULL;
  }
  if (L->n_pmeta && !st->weights)
    st->weights = vz_weights_new();
  for (size_t i = st->weights ? st->weights->n : 0; i < L->n_pmeta; i++) {
    const meta_proj *m = &L->pmeta[i];
    vz_proj *p = vz_weights_add(st->weights, m->label, m->pre, m->post, m->units);
    if (!p)
      break;
    p->plastic = m->plastic;
    snprintf(p->receptor, sizeof p->receptor, "%s", m->receptor);
  }
}

/* Appends the weight samples to their projections (the first of each brings
 * its synapses). */
static void take_weights(vz_live *L, vz_store *st)
{
  const wsample *h = L->rx_wh.v;
  const float *w = L->rx_wval.v, *d = L->rx_wdel.v;
  const uint32_t *ids = L->rx_wids.v;
  uint32_t *src = NULL, *dst = NULL;
  for (size_t k = 0; st->weights && k < L->rx_wh.n; k++) {
    vz_proj *p = h[k].proj < st->weights->n ? &st->weights->proj[h[k].proj] : NULL;
    if (p && h[k].structure && !p->src) {
      uint32_t *s2 = realloc(src, (h[k].n + 1) * sizeof *s2), *d2 = realloc(dst, (h[k].n + 1) * sizeof *d2);
      src = s2 ? s2 : src;
      dst = d2 ? d2 : dst;
      for (size_t q = 0; s2 && d2 && q < h[k].n; q++) {
        src[q] = ids[2 * q];
        dst[q] = ids[2 * q + 1];
      }
      if (!s2 || !d2 || vz_proj_set_synapses(p, h[k].n, src, dst, w, d, h[k].n_pre, h[k].n_post))
        p = NULL;
    }
    if (p && p->n_syn == h[k].n)
      vz_proj_add_sample(p, w, h[k].t);
    w += h[k].n;
    if (h[k].structure) {
      ids += 2 * h[k].n;
      d += h[k].n;
    }
  }
  free(src);
  free(dst);
  L->rx_wh.n = L->rx_wids.n = L->rx_wdel.n = L->rx_wval.n = 0;
}

/* Appends the LTC frames to their circuits. The sampling side only sends
 * frames of populations whose meta had a circuit, which copy_meta handed over
 * first (same lock). */
static void take_ltc(vz_live *L, vz_store *st, const meta_pop *meta, size_t n_meta)
{
  const ltc_frame *h = L->rx_ltch.v;
  const float *v = L->rx_ltcv.v;
  for (size_t k = 0, at = 0; k < L->rx_ltch.n; k++) {
    if (h[k].pop >= n_meta)
      break;
    vz_circuit *c = vz_store_circuit_of(st, meta[h[k].pop].label);
    size_t n = meta[h[k].pop].size;
    if (c && c->n == n)
      vz_circuit_add_sample(c, v + at, h[k].t);
    at += n;
  }
  L->rx_ltch.n = L->rx_ltcv.n = 0;
}

/* Within one interval the engine gives spikes by (population, neuron, time). */
static int by_pop_time(const void *a, const void *b)
{
  const ember_spike *x = a, *y = b;
  if (x->pop != y->pop)
    return x->pop < y->pop ? -1 : 1;
  if (x->t != y->t)
    return x->t < y->t ? -1 : 1;
  return x->id < y->id ? -1 : x->id > y->id;
}

/* Sorts each interval by (population, time) and appends each population's run.
 * Intervals come in time order, so every population's spikes stay sorted. */
static void take_spikes(vz_live *L, vz_store *st)
{
  ember_spike *s = L->rx_spk.v;
  const size_t *seg = L->rx_seg.v;
  double t[512];
  uint32_t id[512];
  for (size_t g = 0, a = 0; g < L->rx_seg.n; a = seg[g++]) {
    qsort(s + a, seg[g] - a, sizeof *s, by_pop_time);
    for (size_t k = a; k < seg[g];) {
      uint32_t pop = s[k].pop;
      size_t n = 0;
      while (k < seg[g] && s[k].pop == pop && n < 512) {
        t[n] = s[k].t;
        id[n++] = s[k++].id;
      }
      if (pop < st->n_pops)
        vz_store_add_spikes(st, pop, t, id, n);
    }
  }
  L->rx_spk.n = L->rx_seg.n = 0;
}

/* Appends the samples to their traces (irregular times: interval ends). */
static void take_samples(vz_live *L, vz_store *st, const meta_pop *meta, size_t n_meta)
{
  const sample *s = L->rx_smp.v;
  for (size_t k = 0; k < L->rx_smp.n; k++) {
    if (s[k].pop >= n_meta || s[k].pop >= st->n_pops || s[k].var >= meta[s[k].pop].n_state)
      continue;
    const ember_state_info *si = &meta[s[k].pop].state[s[k].var];
    int tr = vz_store_trace(st, s[k].pop, s[k].id, si->name, si->unit, 0, 0);
    if (tr >= 0)
      vz_trace_add(&st->traces[tr], &s[k].v, &s[k].t, 1);
  }
  L->rx_smp.n = 0;
}

/* Real-time factor and spikes per wall second, over at least half a second. */
static void measure(vz_live *L, double t_sim, uint64_t spikes, int finished)
{
  double now = vz_wall(), dt = now - L->stat_wall;
  if (finished) {
    L->base.wall_rtf = L->base.wall_sps = 0;
    return;
  }
  if (dt < 0.5)
    return;
  if (L->stat_wall > 0) {
    L->base.wall_rtf = (t_sim - L->stat_sim) / 1000.0 / dt;
    L->base.wall_sps = (double)(spikes - L->stat_spikes) / dt;
  }
  L->stat_wall = now;
  L->stat_sim = t_sim;
  L->stat_spikes = spikes;
}

static int live_poll(vz_source *src, vz_store *st)
{
  vz_live *L = (vz_live *)src;
  pthread_mutex_lock(&L->mu);
  if (L->meta_version != L->meta_seen) {
    copy_meta(L, st);
    L->meta_seen = L->meta_version;
  }
  vec_swap(&L->spk, &L->rx_spk);
  vec_swap(&L->seg, &L->rx_seg);
  vec_swap(&L->smp, &L->rx_smp);
  vec_swap(&L->ltch, &L->rx_ltch);
  vec_swap(&L->ltcv, &L->rx_ltcv);
  vec_swap(&L->wh, &L->rx_wh);
  vec_swap(&L->wids, &L->rx_wids);
  vec_swap(&L->wdel, &L->rx_wdel);
  vec_swap(&L->wval, &L->rx_wval);
  double t_sim = L->t_sim, t_start = L->t_start;
  uint64_t spikes = L->spikes;
  int finished = L->finished, code = L->code, stop = L->stop;
  /* Samples name their variables through the metadata, which the simulation
   * thread replaces under mu, so they are converted under mu too (a short loop). */
  take_samples(L, st, L->meta, L->n_meta);
  take_ltc(L, st, L->meta, L->n_meta);
  pthread_mutex_unlock(&L->mu);
  int changed = L->rx_seg.n > 0 || L->rx_wh.n > 0;
  take_spikes(L, st);
  take_weights(L, st);
  st->t_begin = t_start;
  if (t_sim > st->t_end)
    st->t_end = t_sim;
  measure(L, t_sim, spikes, finished);
  L->base.growing = !finished;
  if (finished)
    snprintf(L->base.state, sizeof L->base.state, stop ? "stopped" : code ? "finished (exit code %d)" : "finished",
             code);
  else
    snprintf(L->base.state, sizeof L->base.state, stop ? "stopping" : "running");
  return changed;
}

static void live_select(vz_source *src, vz_store *st, int pop, uint32_t id)
{
  vz_live *L = (vz_live *)src;
  if (pop < 0)
    return;
  pthread_mutex_lock(&L->mu);
  watch w = {(uint32_t)pop, id};
  size_t n = 0;
  watch keep[MAX_WATCH];
  keep[n++] = w;
  for (size_t k = 0; k < L->n_watch && n < MAX_WATCH; k++)
    if (L->watch[k].pop != w.pop || L->watch[k].id != w.id)
      keep[n++] = L->watch[k];
  memcpy(L->watch, keep, sizeof keep);
  L->n_watch = n;
  L->asked++;
  pthread_cond_broadcast(&L->cv);
  pthread_mutex_unlock(&L->mu);
}

static void live_want_weights(vz_source *src, const size_t *proj, size_t n)
{
  vz_live *L = (vz_live *)src;
  n = n < MAX_WANT ? n : MAX_WANT;
  pthread_mutex_lock(&L->mu);
  if (n != L->n_want || memcmp(L->want, proj, n * sizeof *proj)) {   /* called every frame */
    L->n_want = n;
    memcpy(L->want, proj, n * sizeof *proj);
    L->asked++;
    pthread_cond_broadcast(&L->cv);
  }
  pthread_mutex_unlock(&L->mu);
}

static void live_set_paused(vz_source *src, int paused)
{
  vz_live *L = (vz_live *)src;
  pthread_mutex_lock(&L->mu);
  L->paused = paused;
  pthread_cond_broadcast(&L->cv);
  pthread_mutex_unlock(&L->mu);
}

static void live_set_speed(vz_source *src, double rtf)
{
  vz_live *L = (vz_live *)src;
  pthread_mutex_lock(&L->mu);
  L->cap = rtf;
  pthread_mutex_unlock(&L->mu);
}

static void live_quit(vz_source *src)
{
  vz_live *L = (vz_live *)src;
  pthread_mutex_lock(&L->mu);
  L->stop = 1;
  L->paused = 0;
  pthread_cond_broadcast(&L->cv);
  pthread_mutex_unlock(&L->mu);
}

static void live_free(vz_source *src)
{
  vz_live *L = (vz_live *)src;
  vec *all[] = {&L->spk,    &L->seg,    &L->smp,     &L->my_smp,  &L->rx_spk,   &L->rx_seg,  &L->rx_smp,
                &L->ltch,   &L->ltcv,   &L->my_ltch, &L->my_ltcv, &L->rx_ltch, &L->rx_ltcv,
                &L->wh,     &L->wids,   &L->wdel,    &L->wval,    &L->my_wh,   &L->my_wids,
                &L->my_wdel, &L->my_wval, &L->rx_wh, &L->rx_wids, &L->rx_wdel, &L->rx_wval};
  for (size_t k = 0; k < sizeof all / sizeof *all; k++)
    free(all[k]->v);
  vz_live_meta_free(L->meta, L->n_meta);
  vz_live_pmeta_free(L->pmeta, L->n_pmeta);
  free(L->sent);
  for (size_t i = 0; i < L->known_pops; i++)
    free(L->scratch[i]);
  free(L->scratch);
  pthread_cond_destroy(&L->cv);
  pthread_mutex_destroy(&L->mu);
  free(L);
}

static const vz_source_ops live_ops = {"live",          live_poll,      live_select,       live_set_paused,
                                       live_set_speed,  live_quit,      live_want_weights, live_free};

vz_live *vz_live_new(ember_network *net)
{
  vz_live *L = calloc(1, sizeof *L);
  if (!L)
    return NULL;
  L->base.ops = &live_ops;
  L->base.live = 1;
  L->base.growing = 1;
  snprintf(L->base.state, sizeof L->base.state, "starting");
  L->net = net;
  pthread_mutex_init(&L->mu, NULL);
  pthread_cond_init(&L->cv, NULL);
  return L;
}

void vz_live_weight_stats(const vz_live *live, size_t *samples, double *seconds)
{
  *samples = live->w_count;   /* simulation thread's counters: read them between runs */
  *seconds = live->w_cost;
}

vz_source *vz_live_source(vz_live *live)
{
  return &live->base;
}
