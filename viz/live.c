/* The live source (see live.h). Two sides share one mutex-protected block:
 * the simulation thread appends (observer) and the window thread swaps the
 * buffers out (poll), so each side only ever waits for the other's short copy. */
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "app.h"
#include "circuit.h"
#include "ember/stdp.h"
#include "live.h"
#include "weights.h"

enum { MAX_WATCH = 4 };
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
enum { MAX_WANT = 8 };

/* The circuit of an LTC population comes with LTC populations in the network
 * (contract A of the session notes). The reference is weak so that the window
 * also links against a library without them: then it is NULL and a live run
 * shows no circuit (replays read circuits/<label>.h5 all the same). */
EMBER_API ember_ltc *ember_ltc_population_circuit(const ember_population *pop);
#pragma weak ember_ltc_population_circuit

/* What the window needs to know of one population, captured on the simulation
 * thread (the only one that may read the network while it runs). */
typedef struct meta_pop {
  char *label, *kind;
  size_t size;
  size_t n_params;
  const char **pnames, **punits;   /* point into the model's static tables */
  double *params;                  /* n_params x size */
  size_t n_state;
  const ember_state_info *state;   /* the model's static table; NULL for sources */
  vz_circuit *circuit;             /* LTC populations: handed over to the store */
  int has_circuit;                 /* ... so v is sampled (set when built) */
} meta_pop;

/* One sampled frame of an LTC population's v: n floats in the ltcv vector. */
typedef struct ltc_frame {
  uint32_t pop;
  double t;
} ltc_frame;

/* A watched neuron's state variable at the end of an interval. */
typedef struct sample {
  uint32_t pop, id, var;
  float v;
  double t;
} sample;

typedef struct watch {
  uint32_t pop, id;
} watch;

/* What the window knows of a projection before any sample. */
typedef struct meta_proj {
  char *label, *pre, *post;
  char units[32], receptor[32];
  size_t n_syn;
  int plastic;
} meta_proj;

/* One weight sample: n weights of projection `proj` at time t, and with
 * `structure` also the n synapses' ids (src, dst pairs) and delays. */
typedef struct wsample {
  uint32_t proj, structure;
  size_t n, n_pre, n_post;
  double t;
} wsample;

/* A growing array of `size`-byte elements. */
typedef struct vec {
  void *v;
  size_t n, cap;
} vec;

struct vz_live {
  vz_source base;
  ember_network *net;
  pthread_mutex_t mu;
  pthread_cond_t cv;
  /* Shared, under mu. */
  vec spk, seg, smp;               /* ember_spike, size_t (end of each interval), sample */
  vec ltch, ltcv;                  /* ltc_frame, float: LTC populations' v */
  meta_pop *meta;
  size_t n_meta;
  meta_proj *pmeta;
  size_t n_pmeta;
  unsigned meta_version;
  watch watch[MAX_WATCH];
  size_t n_watch;
  vec wh, wids, wdel, wval;        /* wsample, uint32_t pairs, float, float */
  size_t want[MAX_WANT];           /* projections the window shows */
  size_t n_want;
  unsigned asked;                  /* bumped when watch or want change (wakes a pause) */
  double t_sim, t_start;
  uint64_t spikes;
  int paused, stop, finished, code;
  double cap;
  /* Simulation thread only. */
  size_t known_pops;
  double **scratch;                /* one buffer of `size` doubles per population */
  watch my_watch[MAX_WATCH];
  size_t my_n_watch;
  double ref_wall, ref_sim, cap_seen;
  vec my_smp, my_ltch, my_ltcv;
  double ltc_last;                 /* time of the last LTC sample */
  size_t known_projs;
  unsigned char *sent;             /* per projection: its synapses were sent */
  size_t my_want[MAX_WANT], my_n_want, next_want;
  double w_next;                   /* wall time of the next allowed weight sample */
  size_t w_count;                  /* weight samples taken during runs ... */
  double w_cost;                   /* ... and their wall time (s) */
  vec my_wh, my_wids, my_wdel, my_wval;
  /* Window thread only. */
  vec rx_spk, rx_seg, rx_smp, rx_ltch, rx_ltcv, rx_wh, rx_wids, rx_wdel, rx_wval;
  unsigned meta_seen;
  double stat_wall, stat_sim;
  uint64_t stat_spikes;
};

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

static void vec_swap(vec *a, vec *b)
{
  vec t = *a;
  *a = *b;
  *b = t;
}

static double wall_now(void)
{
  return vz_wall();
}

/* ------------------------------------------------- the simulation side --- */

static void meta_free(meta_pop *m, size_t n)
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
      meta_free(m, i + 1);
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

static void pmeta_free(meta_proj *m, size_t n)
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
      pmeta_free(m, i + 1);
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
    pmeta_free(m, m ? n : 0);
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
  pmeta_free(old, n_old);
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
    meta_free(m, m ? n : 0);
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
  meta_free(old, n_old);
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
  double now = wall_now();
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
  double cost = wall_now() - now;
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
  double now = wall_now();
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
    now = wall_now();
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

/* ----------------------------------------------------- the window side --- */

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
  double now = wall_now(), dt = now - L->stat_wall;
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
  meta_free(L->meta, L->n_meta);
  pmeta_free(L->pmeta, L->n_pmeta);
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
