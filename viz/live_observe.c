/* The live source's simulation side (see live.h): vz_live_observe runs on the
 * simulation thread after every interval. It describes new populations and
 * projections, samples the watched neurons, LTC circuits and weights into its
 * own buffers without the lock, then appends them to the shared block under it
 * and honours the window's pause, speed cap and stop. Apart from the window
 * side (live.c) because only this thread may read the network while it runs. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "app.h"
#include "ember/stdp.h"
#include "live_internal.h"

/* LTC populations' v is sampled for the circuit view at most this often (ms of
 * simulated time), every neuron of circuits up to VZ_CIRCUIT_MAX neurons. */
#define LTC_SAMPLE_MS 0.5
/* Weights: a wanted plastic projection is sampled at most every WEIGHT_PERIOD s
 * of wall time, and after a sample that took c seconds not again before
 * WEIGHT_BUDGET c have passed, so sampling takes at most 1 / WEIGHT_BUDGET of
 * the run's wall time. Projections above LIVE_MAX_SYN synapses are not sampled. */
#define WEIGHT_PERIOD 0.1
#define WEIGHT_BUDGET 50.0
#define LIVE_MAX_SYN ((size_t)1 << 24)

/* The circuit of an LTC population comes with LTC populations in the network
 * (contract A of the session notes). The reference is weak so that the window
 * also links against a library without them: then it is NULL and a live run
 * shows no circuit (replays read circuits/<label>.h5 all the same). */
EMBER_API ember_ltc *ember_ltc_population_circuit(const ember_population *pop);
#pragma weak ember_ltc_population_circuit

/* Room for n more elements of size sz; 0, or -1 if out of memory. */
static int vec_reserve(vec *a, size_t n, size_t sz)
{
  if (a->n + n <= a->cap)
    return 0;
  size_t c = a->cap ? a->cap : 4096;
  while (c < a->n + n)
    c *= 2;
  void *v = realloc(a->v, c * sz);
  if (!v)
    return -1;
  a->v = v;
  a->cap = c;
  return 0;
}

/* Appends n elements of size sz; 0, or -1 if out of memory (nothing appended). */
static int vec_push(vec *a, const void *x, size_t n, size_t sz)
{
  if (vec_reserve(a, n, sz))
    return -1;
  memcpy((char *)a->v + a->n * sz, x, n * sz);
  a->n += n;
  return 0;
}

void vz_live_meta_free(meta_pop *m, size_t n)
{
  for (size_t i = 0; i < n; i++) {
    free(m[i].label);
    free(m[i].kind);
    free(m[i].pnames);
    free(m[i].punits);
    free(m[i].params);
    vz_circuit_free(m[i].circuit);
  }
  free(m);
}

/* Labels, sizes, kinds, every neuron's parameters and the state tables. */
static meta_pop *build_meta(ember_network *net, size_t n)
{
  meta_pop *m = calloc(n ? n : 1, sizeof *m);
  for (size_t i = 0; m && i < n; i++) {
    const ember_population *p = ember_network_population_at(net, i);
    const ember_model *model = ember_population_model(p);
    meta_pop *x = &m[i];
    x->label = strdup(ember_population_label(p));
    x->kind = strdup(ember_population_kind(p));
    x->size = ember_population_size(p);
    x->n_params = ember_population_param_count(p);
    x->pnames = calloc(x->n_params + 1, sizeof *x->pnames);
    x->punits = calloc(x->n_params + 1, sizeof *x->punits);
    x->params = malloc((x->n_params * x->size + 1) * sizeof *x->params);
    if (!x->label || !x->kind || !x->pnames || !x->punits || !x->params) {
      vz_live_meta_free(m, i + 1);
      return NULL;
    }
    for (size_t k = 0; k < x->n_params; k++) {
      const ember_param_info *pi = ember_population_param_info(p, k);
      x->pnames[k] = pi->name;
      x->punits[k] = pi->unit;
      if (ember_population_get(p, pi->name, x->params + k * x->size))
        memset(x->params + k * x->size, 0, x->size * sizeof *x->params);
    }
    x->n_state = model ? model->n_state : 0;
    x->state = model ? model->state : NULL;
    const ember_ltc *ltc = ember_ltc_population_circuit ? ember_ltc_population_circuit(p) : NULL;
    char msg[256];
    x->circuit = ltc ? vz_circuit_from_ltc(ltc, x->label, msg, sizeof msg) : NULL;
    x->has_circuit = x->circuit != NULL;
  }
  return m;
}

void vz_live_pmeta_free(meta_proj *m, size_t n)
{
  for (size_t i = 0; i < n; i++) {
    free(m[i].label);
    free(m[i].pre);
    free(m[i].post);
  }
  free(m);
}

/* The unit of weights on receptor `name` of model m, or "". */
static const char *weight_unit(const ember_model *m, const char *name)
{
  for (size_t k = 0; m && k < m->n_receptors; k++)
    if (!strcmp(m->receptors[k].name, name))
      return m->receptors[k].unit ? m->receptors[k].unit : "";
  return "";
}

/* Labels, sizes and plasticity of the projections. */
static meta_proj *build_pmeta(ember_network *net, size_t n)
{
  meta_proj *m = calloc(n ? n : 1, sizeof *m);
  for (size_t i = 0; m && i < n; i++) {
    const ember_projection *pr = ember_network_projection_at(net, i);
    const ember_population *post = ember_projection_post(pr);
    m[i].label = strdup(ember_projection_label(pr));
    m[i].pre = strdup(ember_population_label(ember_projection_pre(pr)));
    m[i].post = strdup(ember_population_label(post));
    snprintf(m[i].receptor, sizeof m[i].receptor, "%s", ember_projection_receptor(pr));
    snprintf(m[i].units, sizeof m[i].units, "%s", weight_unit(ember_population_model(post), m[i].receptor));
    m[i].n_syn = ember_projection_size(pr);
    m[i].plastic = ember_projection_plasticity(pr) != NULL;
    if (!m[i].label || !m[i].pre || !m[i].post) {
      vz_live_pmeta_free(m, i + 1);
      return NULL;
    }
  }
  return m;
}

/* New projections (before the first run, in practice). */
static void refresh_projs(vz_live *L)
{
  size_t n = ember_network_projection_count(L->net);
  meta_proj *m = build_pmeta(L->net, n);
  unsigned char *sent = realloc(L->sent, n + 1);
  if (!m || !sent) {
    vz_live_pmeta_free(m, m ? n : 0);
    L->sent = sent ? sent : L->sent;
    return;
  }
  L->sent = sent;
  memset(sent + L->known_projs, 0, n + 1 - L->known_projs);
  pthread_mutex_lock(&L->mu);
  meta_proj *old = L->pmeta;
  size_t n_old = L->n_pmeta;
  L->pmeta = m;
  L->n_pmeta = n;
  L->meta_version++;
  pthread_mutex_unlock(&L->mu);
  vz_live_pmeta_free(old, n_old);
  L->known_projs = n;
}

/* New populations since the last interval (the first one, in practice). */
static void refresh_meta(vz_live *L)
{
  size_t n = ember_network_population_count(L->net);
  meta_pop *m = build_meta(L->net, n);
  double **scratch = calloc(n ? n : 1, sizeof *scratch);
  for (size_t i = 0; scratch && i < n; i++)
    scratch[i] = malloc((ember_population_size(ember_network_population_at(L->net, i)) + 1) * sizeof **scratch);
  if (!m || !scratch) {
    vz_live_meta_free(m, m ? n : 0);
    free(scratch);
    return;   /* tried again at the next interval */
  }
  for (size_t i = 0; i < L->known_pops; i++)
    free(L->scratch[i]);
  free(L->scratch);
  L->scratch = scratch;
  pthread_mutex_lock(&L->mu);
  meta_pop *old = L->meta;
  size_t n_old = L->n_meta;
  L->meta = m;
  L->n_meta = n;
  L->meta_version++;
  for (size_t i = 0; L->n_watch == 0 && i < n; i++)
    if (m[i].n_state)   /* watch neuron 0 of the first model population by default */
      L->watch[L->n_watch++] = (watch){(uint32_t)i, 0};
  pthread_mutex_unlock(&L->mu);
  vz_live_meta_free(old, n_old);
  L->known_pops = n;
}

/* The watched neurons' state variables now, into L->my_smp. */
static void sample_watched(vz_live *L, double t)
{
  L->my_smp.n = 0;
  for (size_t w = 0; w < L->my_n_watch; w++) {
    watch x = L->my_watch[w];
    if (x.pop >= L->known_pops)
      continue;
    const ember_population *p = ember_network_population_at(L->net, x.pop);
    const ember_model *m = ember_population_model(p);
    for (size_t k = 0; m && x.id < ember_population_size(p) && k < m->n_state; k++)
      if (L->scratch[x.pop] && !ember_population_get(p, m->state[k].name, L->scratch[x.pop])) {
        sample s = {x.pop, x.id, (uint32_t)k, (float)L->scratch[x.pop][x.id], t};
        vec_push(&L->my_smp, &s, 1, sizeof s);
      }
  }
}

/* Every neuron's v of the LTC populations that have a circuit, into my_ltc*,
 * at most every LTC_SAMPLE_MS. meta is only replaced on this thread. */
static void sample_ltc(vz_live *L, double t)
{
  L->my_ltch.n = L->my_ltcv.n = 0;
  if (t < L->ltc_last + LTC_SAMPLE_MS && L->ltc_last > 0)
    return;
  L->ltc_last = t;
  for (size_t i = 0; i < L->known_pops && i < L->n_meta; i++) {
    const ember_population *p = ember_network_population_at(L->net, i);
    size_t n = ember_population_size(p);
    if (!L->meta[i].has_circuit || n > VZ_CIRCUIT_MAX || ember_population_get(p, "v", L->scratch[i]))
      continue;
    float v[VZ_CIRCUIT_MAX];
    for (size_t j = 0; j < n; j++)
      v[j] = (float)L->scratch[i][j];
    ltc_frame h = {(uint32_t)i, t};
    if (!vec_push(&L->my_ltcv, v, n, sizeof *v))
      vec_push(&L->my_ltch, &h, 1, sizeof h);
  }
}

/* Reads projection i's weights (and, the first time, its synapses) into the
 * my_w* buffers as one sample at time t. */
static void sample_proj(vz_live *L, size_t i, double t)
{
  const ember_projection *pr = ember_network_projection_at(L->net, i);
  size_t n = ember_projection_size(pr);
  int structure = !L->sent[i];
  if (!n || n > LIVE_MAX_SYN || (!structure && !ember_projection_plasticity(pr)))
    return;
  size_t h0 = L->my_wval.n, i0 = L->my_wids.n, d0 = L->my_wdel.n;
  /* Room first (vec_reserve), then the values written in place. */
  int bad = vec_reserve(&L->my_wval, n, sizeof(float))
            || (structure && (vec_reserve(&L->my_wids, 2 * n, sizeof(uint32_t))
                              || vec_reserve(&L->my_wdel, n, sizeof(float))));
  float *wv = bad ? NULL : (float *)L->my_wval.v + h0, *dv = structure && !bad ? (float *)L->my_wdel.v + d0 : NULL;
  uint32_t *iv = structure && !bad ? (uint32_t *)L->my_wids.v + i0 : NULL;
  for (size_t k = 0; k < n && !bad; k++) {
    double w, d;
    bad = ember_projection_get(pr, k, iv ? &iv[2 * k] : NULL, iv ? &iv[2 * k + 1] : NULL, &w,
                               dv ? &d : NULL) != EMBER_OK;
    wv[k] = (float)w;
    if (dv)
      dv[k] = (float)d;
  }
  if (!bad) {
    L->my_wval.n += n;
    L->my_wids.n += iv ? 2 * n : 0;
    L->my_wdel.n += dv ? n : 0;
  }
  wsample h = {(uint32_t)i, (uint32_t)structure, n,
               ember_population_size(ember_projection_pre(pr)), ember_population_size(ember_projection_post(pr)), t};
  if (bad || vec_push(&L->my_wh, &h, 1, sizeof h)) {   /* out of memory: this sample is dropped */
    L->my_wval.n = h0;
    L->my_wids.n = i0;
    L->my_wdel.n = d0;
    return;
  }
  L->sent[i] = 1;
}

/* At most one wanted projection per call (round robin), within the wall-time
 * budget; all = 1 (the run has ended): every plastic or wanted projection. */
static void sample_weights(vz_live *L, double t, int all)
{
  L->my_wh.n = L->my_wids.n = L->my_wdel.n = L->my_wval.n = 0;
  if (all) {
    for (size_t i = 0; i < L->known_projs; i++) {
      int wanted = 0;
      for (size_t k = 0; k < L->my_n_want; k++)
        wanted |= L->my_want[k] == i;
      if (wanted || ember_projection_plasticity(ember_network_projection_at(L->net, i)))
        sample_proj(L, i, t);
    }
    return;
  }
  double now = vz_wall();
  if (!L->my_n_want || now < L->w_next)
    return;
  /* Synapses not sent yet come first (a projection the window just asked for). */
  size_t pick = L->my_want[L->next_want++ % L->my_n_want];
  for (size_t k = 0; k < L->my_n_want; k++)
    if (L->my_want[k] < L->known_projs && !L->sent[L->my_want[k]])
      pick = L->my_want[k];
  if (pick >= L->known_projs)
    return;
  sample_proj(L, pick, t);
  double cost = vz_wall() - now;
  L->w_count++;
  L->w_cost += cost;
  L->w_next = now + fmax(WEIGHT_PERIOD / (double)L->my_n_want, WEIGHT_BUDGET * cost);
}

/* Hands the my_w* buffers over to the window. Under mu. */
static void push_weights(vz_live *L)
{
  if (!L->my_wh.n)
    return;
  size_t h = L->wh.n, i = L->wids.n, d = L->wdel.n, v = L->wval.n;
  if (vec_push(&L->wval, L->my_wval.v, L->my_wval.n, sizeof(float))
      || vec_push(&L->wids, L->my_wids.v, L->my_wids.n, sizeof(uint32_t))
      || vec_push(&L->wdel, L->my_wdel.v, L->my_wdel.n, sizeof(float))
      || vec_push(&L->wh, L->my_wh.v, L->my_wh.n, sizeof(wsample))) {
    L->wh.n = h;
    L->wids.n = i;
    L->wdel.n = d;
    L->wval.n = v;
    const wsample *x = L->my_wh.v;
    for (size_t k = 0; k < L->my_wh.n; k++)   /* its synapses: send them again */
      if (x[k].structure)
        L->sent[x[k].proj] = 0;
  }
}

/* Sleeps so that simulated time runs at most `cap` times wall time. */
static void throttle(vz_live *L, double cap, double t)
{
  if (!(cap > 0)) {
    L->cap_seen = 0;
    return;
  }
  double now = vz_wall();
  if (cap != L->cap_seen) {
    L->cap_seen = cap;
    L->ref_wall = now;
    L->ref_sim = t;
  }
  double target = L->ref_wall + (t - L->ref_sim) / 1000.0 / cap;
  while (now < target && !vz_live_stop_requested(L)) {
    double d = fmin(target - now, 0.05);
    struct timespec ts = {(time_t)d, (long)((d - floor(d)) * 1e9)};
    nanosleep(&ts, NULL);
    now = vz_wall();
  }
}

/* While paused (under mu, returned under mu): the window selected a neuron or
 * a view, so the newly watched neuron's state and the synapses of the newly
 * wanted projections are sampled now (the simulation is idle anyway), so that
 * the inspector shows them without resuming. Returns the request stamp seen. */
static unsigned answer_in_pause(vz_live *L, double t)
{
  unsigned asked = L->asked;
  memcpy(L->my_watch, L->watch, sizeof L->watch);
  L->my_n_watch = L->n_watch;
  memcpy(L->my_want, L->want, sizeof L->want);
  L->my_n_want = L->n_want;
  pthread_mutex_unlock(&L->mu);
  sample_watched(L, t);
  L->my_wh.n = L->my_wids.n = L->my_wdel.n = L->my_wval.n = 0;
  for (size_t k = 0; k < L->my_n_want; k++)
    if (L->my_want[k] < L->known_projs && !L->sent[L->my_want[k]])
      sample_proj(L, L->my_want[k], t);
  pthread_mutex_lock(&L->mu);
  vec_push(&L->smp, L->my_smp.v, L->my_smp.n, sizeof(sample));
  push_weights(L);
  return asked;
}

int vz_live_observe(const ember_interval *iv, void *user)
{
  vz_live *L = user;
  if (ember_network_population_count(L->net) != L->known_pops)
    refresh_meta(L);
  if (ember_network_projection_count(L->net) != L->known_projs)
    refresh_projs(L);
  sample_watched(L, iv->t_end);
  sample_ltc(L, iv->t_end);
  sample_weights(L, iv->t_end, 0);
  pthread_mutex_lock(&L->mu);
  push_weights(L);
  memcpy(L->my_want, L->want, sizeof L->want);
  L->my_n_want = L->n_want;
  if (!vec_push(&L->ltcv, L->my_ltcv.v, L->my_ltcv.n, sizeof(float)))
    vec_push(&L->ltch, L->my_ltch.v, L->my_ltch.n, sizeof(ltc_frame));
  size_t end = L->spk.n + iv->n_spikes;
  /* Out of memory drops this interval's data; the run itself goes on. */
  if (!vec_push(&L->spk, iv->spikes, iv->n_spikes, sizeof *iv->spikes)
      && vec_push(&L->seg, &end, 1, sizeof end))
    L->spk.n -= iv->n_spikes;
  vec_push(&L->smp, L->my_smp.v, L->my_smp.n, sizeof(sample));
  memcpy(L->my_watch, L->watch, sizeof L->watch);
  L->my_n_watch = L->n_watch;
  if (L->spikes == 0 && L->t_sim == 0)
    L->t_start = iv->t_begin;
  L->t_sim = iv->t_end;
  L->spikes += iv->n_spikes;
  double cap = L->cap;
  int waited = 0;
  unsigned asked = L->asked;
  while (L->paused && !L->stop) {
    pthread_cond_wait(&L->cv, &L->mu);
    waited = 1;
    if (L->asked != asked)   /* the user selected something while paused */
      asked = answer_in_pause(L, iv->t_end);
  }
  int stop = L->stop;
  pthread_mutex_unlock(&L->mu);
  if (waited)
    L->cap_seen = -1;   /* the pause is not time to catch up */
  throttle(L, cap, iv->t_end);
  return stop || vz_live_stop_requested(L);
}

void vz_live_finish(vz_live *L, int code)
{
  /* The final weights of the plastic (and the wanted) projections: taken here,
   * on the simulation thread after the script, so the run does not wait. */
  if (ember_network_population_count(L->net) != L->known_pops)
    refresh_meta(L);
  if (ember_network_projection_count(L->net) != L->known_projs)
    refresh_projs(L);
  pthread_mutex_lock(&L->mu);
  memcpy(L->my_want, L->want, sizeof L->want);
  L->my_n_want = L->n_want;
  double t = L->t_sim;
  pthread_mutex_unlock(&L->mu);
  sample_weights(L, t, 1);
  pthread_mutex_lock(&L->mu);
  push_weights(L);
  L->finished = 1;
  L->code = code;
  pthread_mutex_unlock(&L->mu);
}

int vz_live_stop_requested(vz_live *L)
{
  pthread_mutex_lock(&L->mu);
  int s = L->stop;
  pthread_mutex_unlock(&L->mu);
  return s;
}
