/* Recording: which variables of which neurons, frame buffers filled by the worker
 * threads, and the SONATA files they are appended to. Frames are buffered in
 * memory (bounded: at most max(2 intervals, ~1 MiB) per recorder) and written in
 * blocks; files are flushed on a wall-time interval so a reader or a crash sees
 * everything up to the last flush. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include "internal.h"
#include "ltc_pop.h"

static double wall_now(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

void recorder_free(recorder *r)
{
  if (!r)
    return;
  free(r->ids);
  free(r->col);
  free(r->ptr);
  free(r->elem);
  free(r->buf);
  free(r->ext);
  free(r);
}

static int cmp_u32(const void *a, const void *b)
{
  uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
  return (x > y) - (x < y);
}

/* Sorted, duplicate-free copy of ids (all neurons if ids == NULL). */
static uint32_t *unique_ids(const ember_population *pop, const uint32_t *ids, size_t n, size_t *n_out)
{
  size_t m = ids ? n : pop->n;
  uint32_t *v = malloc((m ? m : 1) * sizeof *v);
  if (!v)
    return NULL;
  for (size_t k = 0; k < m; k++)
    v[k] = ids ? ids[k] : (uint32_t)k;
  qsort(v, m, sizeof *v, cmp_u32);
  size_t u = 0;
  for (size_t k = 0; k < m; k++)
    if (u == 0 || v[u - 1] != v[k])
      v[u++] = v[k];
  *n_out = u;
  return v;
}

static ember_status add_recorder(ember_population *pop, int var, double interval,
                                 const uint32_t *ids, size_t n_ids)
{
  ember_network *net = pop->net;
  for (size_t r = 0; r < pop->n_rec; r++)
    if (pop->rec[r]->var == var)
      return net_fail(net, EMBER_ERR_INVALID, "'%s' of population '%s' is already recorded",
                      pop->model->state[var].name, pop->label);
  if (pop->n_rec == EMBER_MAX_RECORDERS)
    return net_fail(net, EMBER_ERR_INVALID, "population '%s' records too many variables", pop->label);
  recorder *r = calloc(1, sizeof *r);
  if (!r || !(r->ids = unique_ids(pop, ids, n_ids, &r->n_ids)) ||
      !(r->col = malloc(pop->n * sizeof *r->col))) {
    recorder_free(r);
    return net_fail(net, EMBER_ERR_NOMEM, "out of memory");
  }
  r->var = var;
  r->interval = interval > 0 ? interval : 0.1;
  for (size_t i = 0; i < pop->n; i++)
    r->col[i] = -1;
  for (size_t k = 0; k < r->n_ids; k++)
    r->col[r->ids[k]] = (int32_t)k;
  r->n_cols = r->n_ids;
  pop->rec[pop->n_rec++] = r;
  ember_status st = pop->ltc ? ltc_pop_record_columns(pop, r) : EMBER_OK;   /* synapse-level */
  if (st) {
    pop->n_rec--;
    recorder_free(r);
  }
  return st;
}

ember_status ember_population_record(ember_population *pop, const char *what, double interval,
                                     const uint32_t *ids, size_t n_ids)
{
  ember_network *net = pop->net;
  ember_status st = net_check_mutable(net, "recording");
  if (st)
    return st;
  if (!isfinite(interval))
    return net_fail(net, EMBER_ERR_INVALID, "record: interval must be a finite number of ms");
  for (size_t k = 0; ids && k < n_ids; k++)
    if (ids[k] >= pop->n)
      return net_fail(net, EMBER_ERR_INVALID, "record: neuron id %u is out of range for '%s' (ids 0..%zu)",
                      ids[k], pop->label, pop->n - 1);
  if (ids && n_ids == 0)
    return net_fail(net, EMBER_ERR_INVALID, "record: the list of ids for '%s' is empty", pop->label);
  uint32_t *owned = NULL;
  if (pop->ltc && (st = ltc_pop_record_ids(pop, what, &ids, &n_ids, &owned)))
    return st;
  if (owned) {
    st = add_recorder(pop, ember_model_state_index(pop->model, what), interval, ids, n_ids);
    free(owned);
    return st;
  }
  if (strcmp(what, "spikes") == 0) {
    pop->record_spikes = 1;
    return EMBER_OK;
  }
  int var = pop->model ? ember_model_state_index(pop->model, what) : -1;
  if (var < 0) {
    char names[512] = "spikes";
    for (size_t i = 0; pop->model && i < pop->model->n_state; i++)
      snprintf(names + strlen(names), sizeof names - strlen(names), ", %s", pop->model->state[i].name);
    return net_fail(net, EMBER_ERR_UNKNOWN, "record: %s '%s' has nothing called '%s' to record "
                    "(recordable: %s)", ember_population_kind(pop), pop->label, what, names);
  }
  return add_recorder(pop, var, interval, ids, n_ids);
}

size_t ember_population_recorded_spikes(const ember_population *pop, const double **times,
                                        const uint32_t **ids)
{
  *times = pop->rec_t;
  *ids = pop->rec_id;
  return pop->rec_n;
}

/* ----------------------------------------------------------- opening files --- */

static ember_status make_dirs(ember_network *net, const char *dir)
{
  char path[4096];
  snprintf(path, sizeof path, "%s", dir);
  for (char *p = path + 1; ; p++) {
    if (*p == '/' || *p == 0) {
      char c = *p;
      *p = 0;
      if (mkdir(path, 0777) && errno != EEXIST)
        return net_fail(net, EMBER_ERR_IO, "cannot create output directory '%s': %s", path, strerror(errno));
      *p = c;
      if (!c)
        break;
    }
  }
  return EMBER_OK;
}

/* Provenance attributes: the caller's, then the run settings. The returned array
 * and its strings are freed with free_attrs. */
static sonata_attr *build_attrs(ember_network *net, size_t *n, char **vals_out)
{
  size_t extra = 4;
  sonata_attr *a = calloc(net->n_prov + extra, sizeof *a);
  char *vals = calloc(extra, 8192);
  if (!a || !vals) {
    free(a);
    free(vals);
    return NULL;
  }
  *vals_out = vals;
  for (size_t i = 0; i < net->n_prov; i++)
    a[i] = (sonata_attr){net->prov[i].key, net->prov[i].value};
  size_t k = net->n_prov;
  snprintf(vals, 8192, "%llu", (unsigned long long)net->seed);
  snprintf(vals + 8192, 8192, "%d", net->threads);
  snprintf(vals + 2 * 8192, 8192, "%.17g", net->h);
  char *s = vals + 3 * 8192;
  for (size_t p = 0; p < net->n_pops; p++)
    if (net->pops[p]->ltc) {
      snprintf(s + strlen(s), 8192 - strlen(s), "%s%s: ", *s ? "; " : "", net->pops[p]->label);
      ltc_pop_solver_text(net->pops[p], s + strlen(s), 8192 - strlen(s));
    } else if (net->pops[p]->model) {
      const ember_solver_opts *o = &net->pops[p]->solver;
      snprintf(s + strlen(s), 8192 - strlen(s), "%s%s: %s abstol=%g reltol=%g root_tol=%g max_step=%g",
               *s ? "; " : "", net->pops[p]->label, o->method, o->abstol, o->reltol, o->root_tol, o->max_step);
    }
  /* The run's own settings win over a caller's attribute of the same name: they
   * are what was actually used. */
  const sonata_attr own[] = {{"seed", vals}, {"threads", vals + 8192},
                             {"min_delay", vals + 2 * 8192}, {"solvers", s}};
  for (size_t o = 0; o < 4; o++) {
    size_t i = 0;
    while (i < net->n_prov && strcmp(a[i].key, own[o].key) != 0)
      i++;
    if (i < net->n_prov)
      a[i].value = own[o].value;
    else
      a[k++] = own[o];
  }
  *n = k;
  return a;
}

static void free_attrs(sonata_attr *a, char *vals)
{
  free(vals);
  free(a);
}

static ember_status open_spikes(ember_network *net, const sonata_attr *attrs, size_t n_attrs)
{
  const char *names[256];
  size_t n = 0;
  for (size_t p = 0; p < net->n_pops && n < 256; p++)
    if (net->pops[p]->record_spikes)
      names[n++] = net->pops[p]->label;
  if (n == 0)
    return EMBER_OK;
  char path[4096], msg[512];
  snprintf(path, sizeof path, "%s/spikes.h5", net->outdir);
  ember_status st = sonata_spikes_create(path, n, names, attrs, n_attrs, &net->spikes_file, msg, sizeof msg);
  return st ? net_fail(net, st, "%s", msg) : EMBER_OK;
}

/* One file per variable name, holding every population that records it. */
static ember_status open_report(ember_network *net, const char *var, const sonata_attr *attrs,
                                size_t n_attrs)
{
  sonata_report_pop rp[256];
  uint64_t *ids[256];
  recorder *recs[256];
  size_t n = 0;
  const char *units = "";
  ember_status st = EMBER_OK;
  for (size_t p = 0; p < net->n_pops; p++)
    for (size_t r = 0; r < net->pops[p]->n_rec && n < 256; r++) {
      ember_population *pop = net->pops[p];
      recorder *rc = pop->rec[r];
      if (rc->file || strcmp(pop->model->state[rc->var].name, var) != 0)
        continue;
      units = pop->model->state[rc->var].unit;
      ids[n] = malloc(rc->n_ids * sizeof(uint64_t));
      if (!ids[n]) {
        st = net_fail(net, EMBER_ERR_NOMEM, "out of memory");
        break;
      }
      for (size_t k = 0; k < rc->n_ids; k++)
        ids[n][k] = rc->ids[k];
      rp[n] = (sonata_report_pop){.name = rc->label ? rc->label : pop->label,   /* or a projection's */
                                 .n_nodes = rc->n_ids, .node_ids = ids[n],
                                 .t_start = rc->t_start, .dt = rc->interval,
                                 .n_values = rc->elem ? rc->n_cols : 0,
                                 .index_pointers = rc->ptr, .element_ids = rc->elem};
      recs[n++] = rc;
    }
  sonata_file *f = NULL;
  if (!st) {
    char path[4096], msg[512];
    snprintf(path, sizeof path, "%s/%s.h5", net->outdir, var);
    if ((st = sonata_report_create(path, units, n, rp, attrs, n_attrs, &f, msg, sizeof msg)))
      net_fail(net, st, "%s", msg);
  }
  for (size_t i = 0; i < n; i++) {
    free(ids[i]);
    recs[i]->file = f;
    recs[i]->file_pop = i;
  }
  if (f)
    net->files[net->n_files++] = f;
  return st;
}

static ember_status open_reports(ember_network *net, const sonata_attr *attrs, size_t n_attrs)
{
  size_t total = 0;
  for (size_t p = 0; p < net->n_pops; p++)
    total += net->pops[p]->n_rec;
  net->files = calloc(total ? total : 1, sizeof *net->files);
  if (!net->files)
    return net_fail(net, EMBER_ERR_NOMEM, "out of memory");
  for (size_t p = 0; p < net->n_pops; p++)
    for (size_t r = 0; r < net->pops[p]->n_rec; r++) {
      recorder *rc = net->pops[p]->rec[r];
      ember_status st = rc->file ? EMBER_OK
                                 : open_report(net, net->pops[p]->model->state[rc->var].name, attrs, n_attrs);
      if (st)
        return st;
    }
  return EMBER_OK;
}

/* Sizes each recorder's buffer for at least two intervals and about 1 MiB. */
static ember_status alloc_buffers(ember_network *net)
{
  for (size_t p = 0; p < net->n_pops; p++)
    for (size_t r = 0; r < net->pops[p]->n_rec; r++) {
      recorder *rc = net->pops[p]->rec[r];
      size_t per_slice = (size_t)ceil(net->h / rc->interval) + 2;
      size_t by_size = (256u * 1024u) / rc->n_cols;
      rc->buf_cap = 2 * per_slice > by_size ? 2 * per_slice : by_size;
      rc->buf = calloc(rc->buf_cap * rc->n_cols, sizeof *rc->buf);
      rc->t_start = net->t;
      if (!rc->buf)
        return net_fail(net, EMBER_ERR_NOMEM, "out of memory for recording buffers");
    }
  return EMBER_OK;
}

ember_status record_open(ember_network *net)
{
  ember_status st = alloc_buffers(net);
  if (st || !net->outdir)
    return st;
  if ((st = make_dirs(net, net->outdir)))
    return st;
  size_t n_attrs;
  char *vals = NULL;
  sonata_attr *attrs = build_attrs(net, &n_attrs, &vals);
  if (!attrs)
    return net_fail(net, EMBER_ERR_NOMEM, "out of memory");
  st = open_spikes(net, attrs, n_attrs);
  if (!st)
    st = open_reports(net, attrs, n_attrs);
  if (!st)
    st = stdp_open_output(net, attrs, n_attrs);
  free_attrs(attrs, vals);
  net->last_flush = wall_now();
  return st;
}

/* ------------------------------------------------------------- per interval --- */

/* The first frame index k with t_start + k * interval >= t. */
static uint64_t frame_at_or_after(const recorder *r, double t)
{
  if (t <= r->t_start)
    return 0;
  uint64_t k = (uint64_t)ceil((t - r->t_start) / r->interval);
  while (k > 0 && r->t_start + (double)(k - 1) * r->interval >= t)
    k--;
  while (r->t_start + (double)k * r->interval < t)
    k++;
  return k;
}

/* Appends the buffered frames to the file and empties the buffer, also when the
 * write fails (the buffer must never overflow; the error is returned). */
static ember_status write_frames(ember_network *net, recorder *r)
{
  ember_status st = EMBER_OK;
  if (r->buf_frames && r->file && (st = sonata_report_append(r->file, r->file_pop, r->buf, r->buf_frames)))
    net_fail(net, st, "%s", sonata_error(r->file));
  r->buf_first += r->buf_frames;
  r->buf_frames = 0;
  return st;
}

ember_status record_begin_slice(ember_population *pop, double ta, double tb)
{
  ember_status st = EMBER_OK;
  for (size_t i = 0; i < pop->n_rec; i++) {
    recorder *r = pop->rec[i];
    r->k_begin = r->buf_first + r->buf_frames;
    r->k_end = frame_at_or_after(r, tb);
    if (r->buf_frames + (r->k_end - r->k_begin) > r->buf_cap) {
      ember_status w = write_frames(pop->net, r);
      if (!st)
        st = w;
      r->k_begin = r->buf_first;
    }
  }
  return st;
}

/* Sorts one population's spikes of this interval by time for the file. */
static int by_time(const void *a, const void *b)
{
  const spike_rec *x = a, *y = b;
  if (x->t != y->t)
    return x->t < y->t ? -1 : 1;
  return (x->id > y->id) - (x->id < y->id);
}

static ember_status keep_spikes(ember_population *pop, spike_rec *s, size_t n)
{
  qsort(s, n, sizeof *s, by_time);
  size_t cap = pop->rec_cap;
  double *t = net_grow(pop->rec_t, &cap, pop->rec_n + n, sizeof *t);
  if (t)
    pop->rec_t = t;
  cap = pop->rec_cap;
  uint32_t *id = net_grow(pop->rec_id, &cap, pop->rec_n + n, sizeof *id);
  if (id)
    pop->rec_id = id;
  if (!t || !id)
    return net_fail(pop->net, EMBER_ERR_NOMEM, "out of memory for recorded spikes");
  pop->rec_cap = cap;
  for (size_t k = 0; k < n; k++) {
    pop->rec_t[pop->rec_n + k] = s[k].t;
    pop->rec_id[pop->rec_n + k] = s[k].id;
  }
  pop->rec_n += n;
  return EMBER_OK;
}

/* s is in canonical order (population first); called after delivery, so the
 * per-population runs may be re-sorted by time here. */
ember_status record_spikes(ember_network *net, spike_rec *s, size_t n)
{
  for (size_t a = 0; a < n;) {
    size_t b = a;
    while (b < n && s[b].pop == s[a].pop)
      b++;
    ember_population *pop = net->pops[s[a].pop];
    if (pop->record_spikes) {
      ember_status st = keep_spikes(pop, s + a, b - a);
      if (st)
        return st;
    }
    a = b;
  }
  return EMBER_OK;
}

static ember_status write_spikes(ember_network *net)
{
  size_t fp = 0;
  for (size_t p = 0; p < net->n_pops; p++) {
    ember_population *pop = net->pops[p];
    if (!pop->record_spikes)
      continue;
    size_t n = pop->rec_n - pop->rec_flushed;
    if (n && net->spikes_file) {
      uint64_t *ids = malloc(n * sizeof *ids);
      if (!ids)
        return net_fail(net, EMBER_ERR_NOMEM, "out of memory");
      for (size_t k = 0; k < n; k++)
        ids[k] = pop->rec_id[pop->rec_flushed + k];
      ember_status st = sonata_spikes_append(net->spikes_file, fp, pop->rec_t + pop->rec_flushed, ids, n);
      free(ids);
      if (st)
        return net_fail(net, st, "%s", sonata_error(net->spikes_file));
    }
    pop->rec_flushed = pop->rec_n;
    fp++;
  }
  return EMBER_OK;
}

static ember_status flush_all(ember_network *net)
{
  ember_status st = write_spikes(net);
  if (!st)
    st = stdp_flush(net);
  for (size_t p = 0; !st && p < net->n_pops; p++)
    for (size_t r = 0; !st && r < net->pops[p]->n_rec; r++)
      st = write_frames(net, net->pops[p]->rec[r]);
  if (!st && net->spikes_file && ((st = sonata_set_time(net->spikes_file, net->t)) ||
                                   (st = sonata_flush(net->spikes_file))))
    net_fail(net, st, "%s", sonata_error(net->spikes_file));
  for (size_t i = 0; !st && i < net->n_files; i++)
    if ((st = sonata_flush(net->files[i])))
      net_fail(net, st, "%s", sonata_error(net->files[i]));
  net->last_flush = wall_now();
  return st;
}

ember_status record_end_slice(ember_network *net, int force)
{
  ember_status pst = net->failed ? EMBER_OK : stdp_end_interval(net);
  if (pst) {
    net->failed = 1;
    return pst;
  }
  for (size_t p = 0; !net->failed && p < net->n_pops; p++)
    for (size_t r = 0; r < net->pops[p]->n_rec; r++) {
      recorder *rc = net->pops[p]->rec[r];
      rc->buf_frames += rc->k_end - rc->k_begin;
      rc->k_begin = rc->k_end;
    }
  if (!net->frozen || (!force && wall_now() - net->last_flush < net->flush_every))
    return EMBER_OK;
  return flush_all(net);
}

ember_status ember_network_close_output(ember_network *net)
{
  if (net->closed)
    return EMBER_OK;
  ember_status st = net->frozen ? flush_all(net) : EMBER_OK;
  size_t n_attrs = 0;
  char *vals = NULL;
  sonata_attr *attrs = net->frozen && net->outdir ? build_attrs(net, &n_attrs, &vals) : NULL;
  ember_status e = stdp_close_output(net, attrs, n_attrs);   /* final weights in edges.h5 */
  free_attrs(attrs, vals);
  if (!st)
    st = e;
  ember_status c = sonata_close(net->spikes_file);
  for (size_t i = 0; i < net->n_files; i++) {
    ember_status ci = sonata_close(net->files[i]);
    if (!c)
      c = ci;
  }
  net->spikes_file = NULL;
  free(net->files);
  net->files = NULL;
  net->n_files = 0;
  net->closed = 1;
  if (!st && c)
    st = net_fail(net, c, "closing the output files failed");
  return st;
}
