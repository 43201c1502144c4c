/* Weights of spiking projections (see weights.h), read with HDF5 directly: the
 * public output reader knows spikes and node reports, not edges nor element
 * mappings. Files are opened read-only in SWMR mode like the reader's. */
#include <hdf5.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "weights.h"

/* At most this many weight values are held per projection (frames x recorded
 * synapses); later frames are not read. */
enum { MAX_VALUES = 1 << 26 };

static hid_t open_h5(const char *path)
{
  hid_t f = -1;
  H5E_BEGIN_TRY {
    f = H5Fopen(path, H5F_ACC_RDONLY | H5F_ACC_SWMR_READ, H5P_DEFAULT);
    if (f < 0)
      f = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
  } H5E_END_TRY;
  return f;
}

/* Length of the 1-D (or rows of the 2-D) dataset g/name; -1 if missing. */
static long long length(hid_t g, const char *name, hsize_t *cols)
{
  hsize_t dims[2] = {0, 0};
  long long n = -1;
  H5E_BEGIN_TRY {
    hid_t d = H5Dopen2(g, name, H5P_DEFAULT);
    hid_t s = d < 0 ? -1 : H5Dget_space(d);
    int rank = s < 0 ? -1 : H5Sget_simple_extent_ndims(s);
    if (rank == 1 || rank == 2) {
      H5Sget_simple_extent_dims(s, dims, NULL);
      n = (long long)dims[0];
      if (cols)
        *cols = rank == 2 ? dims[1] : 1;
    }
    if (s >= 0)
      H5Sclose(s);
    if (d >= 0)
      H5Dclose(d);
  } H5E_END_TRY;
  return n;
}

/* Reads rows [first, first + count) (cols values each) of g/name as mtype. */
static int read_part(hid_t g, const char *name, hid_t mtype, hsize_t first, hsize_t count, hsize_t cols,
                     void *buf)
{
  if (!count)
    return 0;
  int rank = 1;
  hsize_t dims[2] = {0, 0};
  (void)cols;
  herr_t r = -1;
  H5E_BEGIN_TRY {
    hid_t d = H5Dopen2(g, name, H5P_DEFAULT), fs = d < 0 ? -1 : H5Dget_space(d);
    if (fs >= 0) {
      rank = H5Sget_simple_extent_ndims(fs);
      H5Sget_simple_extent_dims(fs, dims, NULL);
    }
    hsize_t start[2] = {first, 0}, n[2] = {count, rank == 2 ? dims[1] : 1};
    hid_t ms = H5Screate_simple(rank, n, NULL);
    if (fs >= 0 && H5Sselect_hyperslab(fs, H5S_SELECT_SET, start, NULL, n, NULL) >= 0)
      r = H5Dread(d, mtype, ms, fs, H5P_DEFAULT, buf);
    H5Sclose(ms);
    if (fs >= 0)
      H5Sclose(fs);
    if (d >= 0)
      H5Dclose(d);
  } H5E_END_TRY;
  return r < 0 ? -1 : 0;
}

/* String attribute `attr` of g/name, malloc'ed; NULL if absent. */
static char *string_attr(hid_t g, const char *name, const char *attr)
{
  char *s = NULL;
  H5E_BEGIN_TRY {
    hid_t a = H5Aopen_by_name(g, name, attr, H5P_DEFAULT, H5P_DEFAULT);
    hid_t ft = a < 0 ? -1 : H5Aget_type(a), mt = H5Tcopy(H5T_C_S1);
    /* The memory type takes the file's character set (ASCII or UTF-8): HDF5
     * does not convert between the two. */
    if (ft >= 0 && H5Tget_class(ft) == H5T_STRING && H5Tset_cset(mt, H5Tget_cset(ft)) >= 0) {
      if (H5Tis_variable_str(ft) > 0) {
        char *raw = NULL;
        H5Tset_size(mt, H5T_VARIABLE);
        if (H5Aread(a, mt, &raw) >= 0 && raw) {
          s = strdup(raw);
          H5free_memory(raw);
        }
      } else {
        size_t size = H5Tget_size(ft);
        s = calloc(size + 1, 1);
        if (s && (H5Tset_size(mt, size + 1) < 0 || H5Aread(a, mt, s) < 0)) {
          free(s);
          s = NULL;
        }
      }
    }
    H5Tclose(mt);
    if (ft >= 0)
      H5Tclose(ft);
    if (a >= 0)
      H5Aclose(a);
  } H5E_END_TRY;
  return s;
}

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

int vz_weights_find(const vz_weights *w, const char *label)
{
  for (size_t i = 0; w && i < w->n; i++)
    if (!strcmp(w->proj[i].label, label))
      return (int)i;
  return -1;
}

/* A new projection named label (all arrays empty); NULL if out of memory. */
static vz_proj *add_proj(vz_weights *w, const char *label)
{
  vz_proj *v = realloc(w->proj, (w->n + 1) * sizeof *v);
  if (!v)
    return NULL;
  w->proj = v;
  vz_proj *p = &v[w->n];
  memset(p, 0, sizeof *p);
  p->label = strdup(label);
  p->cur_frame = -2;
  p->wmin = INFINITY;
  p->wmax = -INFINITY;
  if (!p->label)
    return NULL;
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
  if (!p->in_ptr || !p->in_idx)
    return -1;
  for (size_t k = 0; k < p->n_syn; k++)
    p->in_ptr[p->dst[k] + 1]++;
  for (size_t j = 0; j < p->n_post; j++)
    p->in_ptr[j + 1] += p->in_ptr[j];
  size_t *at = malloc((p->n_post + 1) * sizeof *at);
  if (!at)
    return -1;
  memcpy(at, p->in_ptr, (p->n_post + 1) * sizeof *at);
  for (size_t k = 0; k < p->n_syn; k++)
    p->in_idx[at[p->dst[k]]++] = (uint32_t)k;
  free(at);
  return 0;
}

/* Reads /edges/<label> of edges.h5. 0, or -1 with a message. */
static int load_edges(vz_weights *w, hid_t f, const char *label, char *msg, size_t msglen)
{
  hid_t g = -1;
  H5E_BEGIN_TRY { g = H5Gopen2(f, "edges", H5P_DEFAULT); } H5E_END_TRY;
  char path[600];
  snprintf(path, sizeof path, "%s/source_node_id", label);
  long long n = g < 0 ? -1 : length(g, path, NULL);
  vz_proj *p = n < 0 ? NULL : add_proj(w, label);
  int bad = !p;
  if (p) {
    size_t ns = p->n_syn = (size_t)n;
    uint64_t *ids = malloc((ns + 1) * sizeof *ids);
    p->src = malloc((ns + 1) * sizeof *p->src);
    p->dst = malloc((ns + 1) * sizeof *p->dst);
    p->w0 = malloc((ns + 1) * sizeof *p->w0);
    p->delay = malloc((ns + 1) * sizeof *p->delay);
    p->cur = malloc((ns + 1) * sizeof *p->cur);
    bad = !ids || !p->src || !p->dst || !p->w0 || !p->delay || !p->cur;
    const char *col[2] = {"source_node_id", "target_node_id"};
    for (int c = 0; !bad && c < 2; c++) {
      snprintf(path, sizeof path, "%s/%s", label, col[c]);
      bad = read_part(g, path, H5T_NATIVE_UINT64, 0, ns, 1, ids);
      uint32_t *out = c ? p->dst : p->src;
      size_t top = 0;
      for (size_t k = 0; !bad && k < ns; k++) {
        out[k] = (uint32_t)ids[k];
        top = ids[k] + 1 > top ? ids[k] + 1 : top;
      }
      *(c ? &p->n_post : &p->n_pre) = top;
      char *pop = string_attr(g, path, "node_population");
      *(c ? &p->post : &p->pre) = pop;
    }
    snprintf(path, sizeof path, "%s/0/syn_weight", label);
    bad = bad || read_part(g, path, H5T_NATIVE_FLOAT, 0, ns, 1, p->w0);
    snprintf(path, sizeof path, "%s/0/delay", label);
    if (!bad && read_part(g, path, H5T_NATIVE_FLOAT, 0, ns, 1, p->delay))
      memset(p->delay, 0, ns * sizeof *p->delay);
    if (!bad)
      widen(p, p->w0, ns);
    free(ids);
    bad = bad || index_by_target(p);
  }
  if (g >= 0)
    H5Gclose(g);
  if (bad)
    snprintf(msg, msglen, "edges.h5: cannot read /edges/%s (source_node_id, target_node_id, 0/syn_weight)",
             label);
  return bad ? -1 : 0;
}

static herr_t collect(hid_t g, const char *name, const H5L_info_t *info, void *data)
{
  char ***names = data;
  size_t n = 0;
  while ((*names)[n])
    n++;
  char **v = realloc(*names, (n + 2) * sizeof *v);
  if (!v)
    return -1;
  v[n] = strdup(name);
  v[n + 1] = NULL;
  *names = v;
  return 0;
}

/* Member names of group `name` in f (NULL-terminated, malloc'ed), or NULL. */
static char **members(hid_t f, const char *name)
{
  char **names = calloc(1, sizeof *names);
  hid_t g = -1;
  H5E_BEGIN_TRY { g = H5Gopen2(f, name, H5P_DEFAULT); } H5E_END_TRY;
  if (g < 0 || !names) {
    free(names);
    return NULL;
  }
  hsize_t at = 0;
  H5Literate(g, H5_INDEX_NAME, H5_ITER_INC, &at, collect, &names);
  H5Gclose(g);
  return names;
}

static void free_names(char **names)
{
  for (size_t i = 0; names && names[i]; i++)
    free(names[i]);
  free(names);
}

/* The recorded synapses and time axis of /report/<label> of weight.h5. */
static int load_mapping(vz_proj *p, hid_t f)
{
  char path[600];
  snprintf(path, sizeof path, "/report/%s/mapping/element_ids", p->label);
  long long n = length(f, path, NULL);
  double time[3];
  if (n < 0)
    return -1;
  p->n_rec = (size_t)n;
  p->rec = malloc((p->n_rec + 1) * sizeof *p->rec);
  uint64_t *ids = malloc((p->n_rec + 1) * sizeof *ids);
  int bad = !p->rec || !ids || read_part(f, path, H5T_NATIVE_UINT64, 0, p->n_rec, 1, ids);
  for (size_t q = 0; !bad && q < p->n_rec; q++) {
    bad = ids[q] >= p->n_syn;   /* an element that is no synapse of edges.h5 */
    p->rec[q] = (uint32_t)ids[q];
  }
  free(ids);
  snprintf(path, sizeof path, "/report/%s/mapping/time", p->label);
  bad = bad || read_part(f, path, H5T_NATIVE_DOUBLE, 0, 3, 1, time);
  if (bad) {
    p->n_rec = 0;
    return -1;
  }
  p->t0 = time[0];
  p->dt = time[2] > 0 ? time[2] : 1;
  snprintf(path, sizeof path, "/report/%s/data", p->label);
  char *u = string_attr(f, path, "units");
  snprintf(p->units, sizeof p->units, "%s", u ? u : "");
  free(u);
  return 0;
}

/* Appends the frames of /report/<label>/data not read yet. 1 if any. */
static int load_frames(vz_proj *p, hid_t f)
{
  char path[600];
  snprintf(path, sizeof path, "/report/%s/data", p->label);
  hsize_t cols = 0;
  long long n = length(f, path, &cols);
  if (n < 0 || cols != p->n_rec || (size_t)n <= p->n_frames || !p->n_rec)
    return 0;
  size_t want = (size_t)n, limit = MAX_VALUES / p->n_rec;
  want = want > limit ? limit : want;
  if (want <= p->n_frames)
    return 0;
  if (want > p->cap_frames) {
    size_t cap = p->cap_frames ? p->cap_frames : 64;
    while (cap < want)
      cap *= 2;
    float *v = realloc(p->frames, cap * p->n_rec * sizeof *v);
    if (!v)
      return 0;
    p->frames = v;
    p->cap_frames = cap;
  }
  float *dst = p->frames + p->n_frames * p->n_rec;
  if (read_part(f, path, H5T_NATIVE_FLOAT, p->n_frames, want - p->n_frames, p->n_rec, dst))
    return 0;
  widen(p, dst, (want - p->n_frames) * p->n_rec);
  p->n_frames = want;
  p->cur_frame = -2;
  return 1;
}

int vz_weights_update(vz_weights *w, const char *dir)
{
  char path[4096];
  snprintf(path, sizeof path, "%s/weight.h5", dir);
  hid_t f = open_h5(path);
  if (f < 0)
    return 0;
  int changed = 0;
  for (size_t i = 0; i < w->n; i++) {
    vz_proj *p = &w->proj[i];
    if (!p->rec && load_mapping(p, f))
      continue;
    changed |= load_frames(p, f);
  }
  H5Fclose(f);
  return changed;
}

vz_weights *vz_weights_load(const char *dir, char *msg, size_t msglen)
{
  char path[4096];
  snprintf(path, sizeof path, "%s/edges.h5", dir);
  hid_t f = open_h5(path);
  msg[0] = 0;
  if (f < 0)
    return NULL;
  vz_weights *w = calloc(1, sizeof *w);
  char **names = members(f, "edges");
  int bad = !w;
  for (size_t i = 0; !bad && names && names[i]; i++)
    bad = load_edges(w, f, names[i], msg, msglen);
  free_names(names);
  H5Fclose(f);
  if (bad) {
    vz_weights_free(w);
    return NULL;
  }
  vz_weights_update(w, dir);
  return w;
}

const float *vz_proj_weights_at(vz_proj *p, double t)
{
  long f = -1;
  if (p->n_frames) {
    double k = floor((t - p->t0) / p->dt + 1e-9);
    f = k < 0 ? 0 : k >= (double)p->n_frames ? (long)p->n_frames - 1 : (long)k;
  }
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
