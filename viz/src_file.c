/* The output-directory source (see source.h): reads spikes.h5 and the report
 * files through the public reader (ember_output_*). Replay reads once; --follow
 * reopens the directory every half second and reads only what was appended
 * (the writer flushes SWMR files, so a reader sees them grow). Traces are kept
 * for a few neurons: the first recorded ones, and any neuron the user selects.
 * LTC circuits (circuits/<label>.h5) come with all their v frames; weight.h5
 * (a report of synapses, not of neurons) is read by weights.c, not as traces. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "ember/output.h"
#include "app.h"
#include "circuit.h"
#include "source.h"
#include "weights.h"

enum { DEFAULT_TRACES = 3, SPIKE_BLOCK = 1 << 20 };

typedef struct file_src {
  vz_source base;
  char *dir;
  int follow;
  ember_output *o;
  double next_poll;          /* wall seconds */
  uint64_t *loaded;          /* spikes read so far, per store population */
  size_t n_loaded;
  int defaults_done;         /* the first traces were chosen */
} file_src;

/* 1 if the output holds spikes or a report of population `name`. */
static int in_output(const ember_output *o, const char *name)
{
  for (size_t i = 0; i < ember_output_spike_pop_count(o); i++)
    if (!strcmp(ember_output_spike_pop_name(o, i), name))
      return 1;
  for (size_t r = 0; r < ember_output_report_count(o); r++) {
    ember_report_info ri;
    if (!ember_output_report_info(o, r, &ri) && !strcmp(ri.population, name))
      return 1;
  }
  return 0;
}

/* Populations and sizes from the provenance "populations" = "label:size:kind;...",
 * which fixes their order (the network's) and their true sizes. Populations that
 * recorded nothing are left out. */
static void apply_provenance(const ember_output *o, vz_store *st)
{
  const char *s = ember_output_attr(o, "populations");
  while (s && *s) {
    char label[256], kind[64] = "";
    unsigned long long size = 0;
    const char *end = strchr(s, ';');
    size_t len = end ? (size_t)(end - s) : strlen(s);
    char item[512];
    snprintf(item, sizeof item, "%.*s", (int)len, s);
    if (sscanf(item, "%255[^:]:%llu:%63s", label, &size, kind) >= 2 && in_output(o, label)) {
      int p = vz_store_pop(st, label, kind, (size_t)size);
      if (p >= 0 && !st->pops[p].size_known)
        vz_store_set_size(st, (size_t)p, (size_t)size);
    }
    s = end ? end + 1 : NULL;
  }
}

/* Room for the loaded counters of every store population. */
static int grow_loaded(file_src *fs, size_t n)
{
  if (n <= fs->n_loaded)
    return 0;
  uint64_t *v = realloc(fs->loaded, n * sizeof *v);
  if (!v)
    return -1;
  memset(v + fs->n_loaded, 0, (n - fs->n_loaded) * sizeof *v);
  fs->loaded = v;
  fs->n_loaded = n;
  return 0;
}

/* Reads the new spikes of output population i into the store, in blocks. */
static int load_spikes(file_src *fs, vz_store *st, size_t i)
{
  int p = vz_store_pop(st, ember_output_spike_pop_name(fs->o, i), NULL, 0);
  if (p < 0 || grow_loaded(fs, st->n_pops))
    return -1;
  uint64_t have = fs->loaded[p], count = ember_output_spike_count(fs->o, i);
  size_t block = count - have < SPIKE_BLOCK ? (size_t)(count - have) : SPIKE_BLOCK;
  double *t = malloc((block ? block : 1) * sizeof *t);
  uint64_t *id = malloc((block ? block : 1) * sizeof *id);
  uint32_t *id32 = malloc((block ? block : 1) * sizeof *id32);
  int bad = !t || !id || !id32;
  while (!bad && have < count) {
    size_t n = count - have < block ? (size_t)(count - have) : block;
    bad = ember_output_read_spike_range(fs->o, i, have, n, t, id) != EMBER_OK;
    for (size_t k = 0; !bad && k < n; k++)
      id32[k] = (uint32_t)id[k];
    bad = bad || vz_store_add_spikes(st, (size_t)p, t, id32, n);
    have += bad ? 0 : n;
  }
  fs->loaded[p] = have;
  free(t);
  free(id);
  free(id32);
  return bad ? -1 : 0;
}

/* 1 if report r is of neurons (weight.h5 holds synapses). */
static int neuron_report(const ember_report_info *ri)
{
  return strcmp(ri->variable, "weight") != 0;
}

/* The report of (variable, population), or -1. */
static int find_report(const ember_output *o, const char *var, const char *pop)
{
  for (size_t r = 0; r < ember_output_report_count(o); r++) {
    ember_report_info ri;
    if (!ember_output_report_info(o, r, &ri) && !strcmp(ri.variable, var) && !strcmp(ri.population, pop))
      return (int)r;
  }
  return -1;
}

/* Reads the frames of trace tr that are in the file but not yet in the trace:
 * blocks of whole rows, keeping tr's column. */
static int load_frames(file_src *fs, vz_trace *tr, int r)
{
  ember_report_info ri;
  if (ember_output_report_info(fs->o, (size_t)r, &ri) || !ri.n_nodes)
    return -1;
  size_t rows = 65536 / ri.n_nodes ? 65536 / ri.n_nodes : 1;
  float *buf = malloc(rows * ri.n_nodes * sizeof *buf), *col = malloc(rows * sizeof *col);
  int bad = !buf || !col;
  while (!bad && tr->n < ri.n_frames) {
    size_t n = ri.n_frames - tr->n < rows ? ri.n_frames - tr->n : rows;
    bad = ember_output_read_report(fs->o, (size_t)r, tr->n, n, buf, NULL) != EMBER_OK;
    for (size_t k = 0; !bad && k < n; k++)
      col[k] = buf[k * ri.n_nodes + tr->src_column];
    bad = bad || vz_trace_add(tr, col, NULL, n);
  }
  free(buf);
  free(col);
  return bad ? -1 : 0;
}

/* Adds the trace of report r's column for neuron id of store population pop,
 * and reads it. Returns 0 if it was added, 1 if the report lacks the neuron. */
static int add_trace(file_src *fs, vz_store *st, int r, size_t pop, uint32_t id)
{
  ember_report_info ri;
  if (ember_output_report_info(fs->o, (size_t)r, &ri) || !ri.n_nodes)
    return 1;
  uint64_t *ids = malloc(ri.n_nodes * sizeof *ids);
  size_t col = ri.n_nodes;
  if (ids && !ember_output_read_report(fs->o, (size_t)r, 0, 0, NULL, ids))
    for (col = 0; col < ri.n_nodes && ids[col] != id; col++)
      ;
  free(ids);
  if (col == ri.n_nodes)
    return 1;
  int t = vz_store_trace(st, pop, id, ri.variable, ri.units, ri.t_start, ri.dt);
  if (t < 0)
    return -1;
  st->traces[t].src_column = col;
  st->traces[t].src_index = r;
  return load_frames(fs, &st->traces[t], r);
}

/* The first recorded neurons of the first report get traces, so that the trace
 * panel shows something before any selection. */
static void default_traces(file_src *fs, vz_store *st)
{
  if (fs->defaults_done || ember_output_report_count(fs->o) == 0)
    return;
  ember_report_info ri;
  int r = -1, rv = -1;   /* the first "v" report, else the first report of neurons */
  for (size_t k = 0; k < ember_output_report_count(fs->o); k++)
    if (!ember_output_report_info(fs->o, k, &ri) && neuron_report(&ri)) {
      r = r < 0 ? (int)k : r;
      rv = rv < 0 && !strcmp(ri.variable, "v") ? (int)k : rv;
    }
  r = rv >= 0 ? rv : r;
  if (r < 0 || ember_output_report_info(fs->o, (size_t)r, &ri) || !ri.n_nodes)
    return;
  uint64_t *ids = malloc(ri.n_nodes * sizeof *ids);
  int p = vz_store_pop(st, ri.population, NULL, 0);
  if (ids && p >= 0 && !ember_output_read_report(fs->o, (size_t)r, 0, 0, NULL, ids))
    for (size_t k = 0; k < ri.n_nodes && k < DEFAULT_TRACES; k++)
      add_trace(fs, st, r, (size_t)p, (uint32_t)ids[k]);
  free(ids);
  fs->defaults_done = 1;
}

/* Reads the v frames of circuit c that are new in the report (all its columns). */
static int circuit_frames(file_src *fs, vz_circuit *c)
{
  int r = find_report(fs->o, "v", c->label);
  ember_report_info ri;
  if (r < 0 || ember_output_report_info(fs->o, (size_t)r, &ri) || !ri.n_nodes)
    return 0;
  if (!c->n_cols) {
    uint64_t *ids = malloc(ri.n_nodes * sizeof *ids);
    int bad = !ids || ember_output_read_report(fs->o, (size_t)r, 0, 0, NULL, ids)
              || vz_circuit_set_report(c, ids, ri.n_nodes, ri.t_start, ri.dt, ri.units);
    free(ids);
    if (bad)
      return 0;
  }
  size_t had = c->n_frames, rows = 65536 / ri.n_nodes ? 65536 / ri.n_nodes : 1;
  float *buf = malloc(rows * ri.n_nodes * sizeof *buf);
  while (buf && c->n_frames < ri.n_frames) {
    size_t n = ri.n_frames - c->n_frames < rows ? ri.n_frames - c->n_frames : rows;
    if (ember_output_read_report(fs->o, (size_t)r, c->n_frames, n, buf, NULL)
        || vz_circuit_add_frames(c, buf, n))
      break;
  }
  free(buf);
  return c->n_frames != had;
}

/* Loads DIR/circuits/<label>.h5 files not loaded yet; their populations get
 * their size and kind when the provenance did not give them. */
static void load_circuits(file_src *fs, vz_store *st)
{
  char path[4096];
  snprintf(path, sizeof path, "%s/circuits", fs->dir);
  DIR *d = opendir(path);
  struct dirent *e;
  while (d && (e = readdir(d))) {
    size_t len = strlen(e->d_name);
    if (len < 4 || strcmp(e->d_name + len - 3, ".h5"))
      continue;
    char label[256], msg[512];
    snprintf(label, sizeof label, "%.*s", (int)(len - 3), e->d_name);
    if (vz_store_circuit_of(st, label))
      continue;
    snprintf(path, sizeof path, "%s/circuits/%s", fs->dir, e->d_name);
    vz_circuit *c = vz_circuit_load(path, label, msg, sizeof msg);
    if (!c || vz_store_add_circuit(st, c))
      continue;
    int p = vz_store_pop(st, label, "ltc", c->n);
    if (p >= 0 && !st->pops[p].size_known)
      vz_store_set_size(st, (size_t)p, c->n);
    if (p >= 0 && !st->pops[p].kind[0]) {
      free(st->pops[p].kind);
      st->pops[p].kind = strdup("ltc");
    }
  }
  if (d)
    closedir(d);
}

/* Circuits and weights: loaded once, then only new frames. */
static int load_extras(file_src *fs, vz_store *st)
{
  int changed = 0;
  load_circuits(fs, st);
  for (size_t i = 0; i < st->n_circuits; i++)
    changed |= circuit_frames(fs, st->circuits[i]);
  char msg[512];
  if (!st->weights)
    changed |= (st->weights = vz_weights_load(fs->o, msg, sizeof msg)) != NULL;
  else
    changed |= vz_weights_update(st->weights, fs->o);
  return changed;
}

/* Everything new in the open output: populations, spikes, report frames. */
static int load(file_src *fs, vz_store *st)
{
  apply_provenance(fs->o, st);
  uint64_t before = st->total_spikes;
  for (size_t i = 0; i < ember_output_spike_pop_count(fs->o); i++)
    if (load_spikes(fs, st, i))
      return -1;
  default_traces(fs, st);
  int changed = st->total_spikes != before;
  for (size_t k = 0; k < st->n_traces; k++) {
    vz_trace *tr = &st->traces[k];
    int r = find_report(fs->o, tr->var, st->pops[tr->pop].name);
    size_t had = tr->n;
    if (r >= 0 && load_frames(fs, tr, r))
      return -1;
    changed |= tr->n != had;
  }
  for (size_t r = 0; r < ember_output_report_count(fs->o); r++) {
    ember_report_info ri;
    if (!ember_output_report_info(fs->o, r, &ri) && neuron_report(&ri)) {
      vz_store_pop(st, ri.population, NULL, 0);
      if (ri.t_stop > st->t_end)
        st->t_end = ri.t_stop;
    }
  }
  changed |= load_extras(fs, st);
  return changed;
}

/* (Re)opens the directory; in follow mode a failure means "not there yet". */
static int reopen(file_src *fs, char *msg, size_t msglen)
{
  ember_output_free(fs->o);
  fs->o = NULL;
  if (ember_output_open(fs->dir, &fs->o, msg, msglen) == EMBER_OK)
    return 0;
  snprintf(fs->base.state, sizeof fs->base.state, "waiting for %s", fs->dir);
  return -1;
}

static int file_poll(vz_source *src, vz_store *st)
{
  file_src *fs = (file_src *)src;
  double now = vz_wall();
  if (!fs->follow || now < fs->next_poll)
    return 0;
  fs->next_poll = now + 0.5;
  char msg[512];
  if (reopen(fs, msg, sizeof msg))
    return 0;
  snprintf(fs->base.state, sizeof fs->base.state, "following");
  return load(fs, st) > 0;
}

static void file_select(vz_source *src, vz_store *st, int pop, uint32_t id)
{
  file_src *fs = (file_src *)src;
  if (pop < 0 || !fs->o)
    return;
  for (size_t r = 0; r < ember_output_report_count(fs->o); r++) {
    ember_report_info ri;
    if (!ember_output_report_info(fs->o, r, &ri) && !strcmp(ri.population, st->pops[pop].name)
        && neuron_report(&ri) && vz_store_find_trace(st, (size_t)pop, id, ri.variable) < 0)
      add_trace(fs, st, (int)r, (size_t)pop, id);
  }
}

static void file_free(vz_source *src)
{
  file_src *fs = (file_src *)src;
  ember_output_free(fs->o);
  free(fs->loaded);
  free(fs->dir);
  free(fs);
}

static const vz_source_ops file_ops = {"file", file_poll, file_select, NULL, NULL, NULL, NULL, file_free};

vz_source *vz_file_source_new(const char *dir, int follow, vz_store *st, char *msg, size_t msglen)
{
  file_src *fs = calloc(1, sizeof *fs);
  if (!fs || !(fs->dir = strdup(dir))) {
    free(fs);
    snprintf(msg, msglen, "out of memory");
    return NULL;
  }
  fs->base.ops = &file_ops;
  fs->base.growing = fs->follow = follow;
  if (reopen(fs, msg, msglen)) {
    if (!follow) {
      file_free(&fs->base);
      return NULL;
    }
    return &fs->base;   /* waits for the directory */
  }
  if (load(fs, st) < 0) {
    snprintf(msg, msglen, "cannot read the output in '%s' (out of memory or a damaged file)", dir);
    file_free(&fs->base);
    return NULL;
  }
  snprintf(fs->base.state, sizeof fs->base.state, "%s", follow ? "following" : "");
  fs->next_poll = vz_wall() + 0.5;
  return &fs->base;
}

void vz_source_free(vz_source *src)
{
  if (src)
    src->ops->free(src);
}
