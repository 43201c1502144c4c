/* The visualizer's data model (see store.h): growing spike and trace arrays with
 * binary searches by time, so that a frame only touches what it shows. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "store.h"
#include "circuit.h"
#include "draw.h"
#include "pyramid.h"
#include "weights.h"

vz_store *vz_store_new(void)
{
  vz_store *s = calloc(1, sizeof *s);
  if (s)
    s->t_begin = s->t_end = 0.0;
  return s;
}

/* Frees a parameter table of n entries (any pointer may be NULL). */
static void params_free(char **names, char **units, double *values, size_t n)
{
  for (size_t k = 0; k < n; k++) {
    free(names ? names[k] : NULL);
    free(units ? units[k] : NULL);
  }
  free(names);
  free(units);
  free(values);
}

static void pop_free(vz_pop *p)
{
  free(p->name);
  free(p->kind);
  free(p->t);
  free(p->id);
  vz_pyr_free(p->pyr);
  vz_nidx_free(p->nidx);
  params_free(p->param_names, p->param_units, p->params, p->n_params);
}

void vz_store_free(vz_store *s)
{
  if (!s)
    return;
  for (size_t i = 0; i < s->n_pops; i++)
    pop_free(&s->pops[i]);
  for (size_t i = 0; i < s->n_traces; i++) {
    free(s->traces[i].var);
    free(s->traces[i].units);
    free(s->traces[i].v);
    free(s->traces[i].t);
  }
  for (size_t i = 0; i < s->n_circuits; i++)
    vz_circuit_free(s->circuits[i]);
  free(s->circuits);
  vz_weights_free(s->weights);
  free(s->pops);
  free(s->traces);
  free(s);
}

/* Rows of the stacked raster: populations one above the other in their order. */
static void restack(vz_store *s)
{
  size_t row = 0;
  for (size_t i = 0; i < s->n_pops; i++) {
    s->pops[i].row0 = row;
    row += s->pops[i].size;
  }
}

int vz_store_pop(vz_store *s, const char *name, const char *kind, size_t size)
{
  for (size_t i = 0; i < s->n_pops; i++)
    if (strcmp(s->pops[i].name, name) == 0)
      return (int)i;
  vz_pop *v = realloc(s->pops, (s->n_pops + 1) * sizeof *v);
  if (!v)
    return -1;
  s->pops = v;
  vz_pop *p = &v[s->n_pops];
  memset(p, 0, sizeof *p);
  p->name = strdup(name);
  p->kind = strdup(kind ? kind : "");
  if (!p->name || !p->kind) {
    pop_free(p);
    return -1;
  }
  p->size = size;
  p->size_known = size > 0;
  p->color = vz_palette(s->n_pops);
  s->n_pops++;
  restack(s);
  return (int)s->n_pops - 1;
}

void vz_store_set_size(vz_store *s, size_t pop, size_t size)
{
  s->pops[pop].size = size;
  s->pops[pop].size_known = 1;
  restack(s);
}

size_t vz_store_rows(const vz_store *s)
{
  size_t n = 0;
  for (size_t i = 0; i < s->n_pops; i++)
    n += s->pops[i].size;
  return n;
}

int vz_store_row_neuron(const vz_store *s, size_t row, uint32_t *id)
{
  for (size_t i = 0; i < s->n_pops; i++)
    if (row >= s->pops[i].row0 && row < s->pops[i].row0 + s->pops[i].size) {
      *id = (uint32_t)(row - s->pops[i].row0);
      return (int)i;
    }
  return -1;
}

int vz_store_add_circuit(vz_store *s, vz_circuit *c)
{
  vz_circuit **v = realloc(s->circuits, (s->n_circuits + 1) * sizeof *v);
  if (!v) {
    vz_circuit_free(c);
    return -1;
  }
  s->circuits = v;
  v[s->n_circuits++] = c;
  return 0;
}

vz_circuit *vz_store_circuit_of(const vz_store *s, const char *name)
{
  for (size_t i = 0; i < s->n_circuits; i++)
    if (!strcmp(s->circuits[i]->label, name))
      return s->circuits[i];
  return NULL;
}

/* Makes room for `more` elements in the parallel arrays a (double) and b (uint32). */
static int reserve(double **a, uint32_t **b, size_t *cap, size_t n, size_t more)
{
  if (n + more <= *cap)
    return 0;
  size_t c = *cap ? *cap : 1024;
  while (c < n + more)
    c *= 2;
  double *na = realloc(*a, c * sizeof *na);
  if (na)
    *a = na;
  uint32_t *nb = b ? realloc(*b, c * sizeof *nb) : NULL;
  if (nb)
    *b = nb;
  if (!na || (b && !nb))
    return -1;
  *cap = c;
  return 0;
}

int vz_store_add_spikes(vz_store *s, size_t pop, const double *t, const uint32_t *id, size_t n)
{
  vz_pop *p = &s->pops[pop];
  if (n == 0)
    return 0;
  if (reserve(&p->t, &p->id, &p->cap, p->n, n))
    return -1;
  memcpy(p->t + p->n, t, n * sizeof *t);
  memcpy(p->id + p->n, id, n * sizeof *id);
  p->n += n;
  s->total_spikes += n;
  uint32_t top = 0;
  for (size_t k = 0; k < n; k++)
    top = id[k] > top ? id[k] : top;
  if (!p->size_known && top + 1 > p->size) {
    p->size = (size_t)top + 1;
    restack(s);
  }
  if (t[n - 1] > s->t_end)
    s->t_end = t[n - 1];
  return 0;
}

/* The first k in [0, n) with t[k] >= x (n if none); t is non-decreasing. */
static size_t lower_bound(const double *t, size_t n, double x)
{
  size_t lo = 0, hi = n;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (t[mid] < x)
      lo = mid + 1;
    else
      hi = mid;
  }
  return lo;
}

size_t vz_pop_lower(const vz_pop *p, double t)
{
  return lower_bound(p->t, p->n, t);
}

size_t vz_pop_count(const vz_pop *p, double t0, double t1, long id)
{
  size_t a = vz_pop_lower(p, t0), b = vz_pop_lower(p, t1);
  if (id < 0)
    return b > a ? b - a : 0;
  size_t n = 0;
  for (size_t k = a; k < b; k++)
    n += p->id[k] == (uint32_t)id;
  return n;
}

/* ------------------------------------------------ spikes by neuron --- */

typedef struct nvec {
  uint32_t *pos;
  uint32_t n, cap;
} nvec;

struct vz_nidx {
  nvec *neuron;
  size_t n_neurons;
  size_t consumed;   /* spikes of the population indexed so far */
};

void vz_nidx_free(struct vz_nidx *x)
{
  for (size_t i = 0; x && i < x->n_neurons; i++)
    free(x->neuron[i].pos);
  if (x)
    free(x->neuron);
  free(x);
}

/* p's index with every spike in it; NULL if out of memory (or too many spikes
 * for 32-bit positions). */
static struct vz_nidx *nidx_update(const vz_pop *cp)
{
  vz_pop *p = (vz_pop *)cp;   /* the index is a cache (see store.h) */
  if (p->n > UINT32_MAX)
    return NULL;
  if (!p->nidx && !(p->nidx = calloc(1, sizeof *p->nidx)))
    return NULL;
  struct vz_nidx *x = p->nidx;
  for (; x->consumed < p->n; x->consumed++) {
    uint32_t id = p->id[x->consumed];
    if (id >= x->n_neurons) {
      size_t n = (size_t)id + 1 > 2 * x->n_neurons ? (size_t)id + 1 : 2 * x->n_neurons;
      nvec *v = realloc(x->neuron, n * sizeof *v);
      if (!v)
        return NULL;
      memset(v + x->n_neurons, 0, (n - x->n_neurons) * sizeof *v);
      x->neuron = v;
      x->n_neurons = n;
    }
    nvec *v = &x->neuron[id];
    if (v->n == v->cap) {
      uint32_t cap = v->cap ? 2 * v->cap : 8;
      uint32_t *np = realloc(v->pos, cap * sizeof *np);
      if (!np)
        return NULL;
      v->pos = np;
      v->cap = cap;
    }
    v->pos[v->n++] = (uint32_t)x->consumed;
  }
  return x;
}

/* Number of the neuron's spikes (positions pos[0..n)) before time t. */
static size_t nvec_lower(const vz_pop *p, const nvec *v, double t)
{
  size_t lo = 0, hi = v->n;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (p->t[v->pos[mid]] < t)
      lo = mid + 1;
    else
      hi = mid;
  }
  return lo;
}

size_t vz_pop_neuron_count(const vz_pop *p, uint32_t id, double t0, double t1)
{
  const struct vz_nidx *x = nidx_update(p);
  if (!x)
    return vz_pop_count(p, t0, t1, id);
  if (id >= x->n_neurons)
    return 0;
  const nvec *v = &x->neuron[id];
  size_t a = t0 == -INFINITY ? 0 : nvec_lower(p, v, t0), b = t1 == INFINITY ? v->n : nvec_lower(p, v, t1);
  return b > a ? b - a : 0;
}

double vz_pop_neuron_last(const vz_pop *p, uint32_t id, double t)
{
  const struct vz_nidx *x = nidx_update(p);
  if (!x) {   /* walk back from t */
    for (size_t k = vz_pop_lower(p, t + 1e-12); k-- > 0;)
      if (p->id[k] == id)
        return p->t[k];
    return NAN;
  }
  if (id >= x->n_neurons)
    return NAN;
  const nvec *v = &x->neuron[id];
  size_t k = nvec_lower(p, v, t + 1e-12);
  return k ? p->t[v->pos[k - 1]] : NAN;
}

int vz_store_set_params(vz_store *s, size_t pop, size_t n_params, const char *const *names,
                        const char *const *units, const double *values)
{
  vz_pop *p = &s->pops[pop];
  size_t nv = n_params * p->size;
  char **nn = calloc(n_params + 1, sizeof *nn), **nu = calloc(n_params + 1, sizeof *nu);
  double *v = malloc((nv ? nv : 1) * sizeof *v);
  int bad = !nn || !nu || !v;
  for (size_t k = 0; !bad && k < n_params; k++) {
    nn[k] = strdup(names[k]);
    nu[k] = strdup(units[k] ? units[k] : "");
    bad = !nn[k] || !nu[k];
  }
  if (bad) {
    params_free(nn, nu, v, nn && nu ? n_params : 0);
    return -1;
  }
  memcpy(v, values, nv * sizeof *v);
  params_free(p->param_names, p->param_units, p->params, p->n_params);
  p->param_names = nn;
  p->param_units = nu;
  p->params = v;
  p->n_params = n_params;
  return 0;
}

int vz_store_find_trace(const vz_store *s, size_t pop, uint32_t id, const char *var)
{
  for (size_t i = 0; i < s->n_traces; i++) {
    const vz_trace *tr = &s->traces[i];
    if (tr->pop == pop && tr->id == id && (!var || strcmp(tr->var, var) == 0))
      return (int)i;
  }
  return -1;
}

int vz_store_trace(vz_store *s, size_t pop, uint32_t id, const char *var, const char *units,
                   double t0, double dt)
{
  int have = vz_store_find_trace(s, pop, id, var);
  if (have >= 0)
    return have;
  vz_trace *v = realloc(s->traces, (s->n_traces + 1) * sizeof *v);
  if (!v)
    return -1;
  s->traces = v;
  vz_trace *tr = &v[s->n_traces];
  memset(tr, 0, sizeof *tr);
  tr->pop = pop;
  tr->id = id;
  tr->t0 = t0;
  tr->dt = dt;
  tr->src_index = -1;
  tr->var = strdup(var);
  tr->units = strdup(units ? units : "");
  if (!tr->var || !tr->units) {
    free(tr->var);
    free(tr->units);
    return -1;
  }
  return (int)s->n_traces++;
}

int vz_trace_add(vz_trace *tr, const float *v, const double *t, size_t n)
{
  if (tr->n + n > tr->cap) {
    size_t c = tr->cap ? tr->cap : 1024;
    while (c < tr->n + n)
      c *= 2;
    float *nv = realloc(tr->v, c * sizeof *nv);
    if (nv)
      tr->v = nv;
    double *nt = tr->dt > 0 ? NULL : realloc(tr->t, c * sizeof *nt);
    if (nt)
      tr->t = nt;
    if (!nv || (tr->dt <= 0 && !nt))
      return -1;
    tr->cap = c;
  }
  memcpy(tr->v + tr->n, v, n * sizeof *v);
  if (tr->dt <= 0)
    memcpy(tr->t + tr->n, t, n * sizeof *t);
  tr->n += n;
  return 0;
}

double vz_trace_time(const vz_trace *tr, size_t k)
{
  return tr->dt > 0 ? tr->t0 + (double)k * tr->dt : tr->t[k];
}

size_t vz_trace_lower(const vz_trace *tr, double t)
{
  if (tr->dt > 0) {
    double k = ceil((t - tr->t0) / tr->dt - 1e-9);
    return k <= 0 ? 0 : k >= (double)tr->n ? tr->n : (size_t)k;
  }
  return lower_bound(tr->t, tr->n, t);
}

double vz_trace_value_at(const vz_trace *tr, double t)
{
  if (tr->n == 0 || t < vz_trace_time(tr, 0))
    return NAN;
  size_t k = vz_trace_lower(tr, t);
  if (k < tr->n && vz_trace_time(tr, k) == t)
    return tr->v[k];
  /* Past the last frame's interval: unknown; its end (where a run stops, and
   * where a finished run's playhead rests) still has the last frame's value. */
  if (k == tr->n && tr->dt > 0 && t > tr->t0 + (double)tr->n * tr->dt + 1e-9 * fmax(1.0, fabs(t)))
    return NAN;
  return tr->v[k - 1];
}
