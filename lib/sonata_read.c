/* Reading an output directory of SONATA files (spikes.h5, <variable>.h5) through HDF5. */
#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <hdf5.h>
#include "ember/output.h"
#include "sonata.h"

typedef struct out_attr {
  char *key, *value;
} out_attr;

/* A string list that grows one element at a time (the lists here are short). */
typedef struct str_list {
  char **v;
  size_t n;
  int nomem;
} str_list;

typedef struct out_spikes {
  char *name;
  hid_t group;      /* /spikes/<name> */
  uint64_t count;   /* at open time: the shorter of timestamps and node_ids */
} out_spikes;

typedef struct out_report {
  char *variable, *population, *units;
  hid_t group;      /* /report/<population> */
  size_t n_nodes, n_frames;
  double t_start, t_stop, dt;   /* ms */
} out_report;

typedef struct out_edges {
  char *name, *source, *target, *receptor, *units;
  hid_t group;      /* /edges/<name> */
  size_t n;
} out_edges;

struct ember_output {
  out_edges *edges;
  size_t n_edges;
  hid_t *files;
  size_t n_files;
  out_spikes *spikes;
  size_t n_spikes;
  out_report *reports;
  size_t n_reports;
  out_attr *attrs[2];   /* root string attributes: [0] spikes.h5, [1] the first report file */
  size_t n_attrs[2];
  int have_attrs[2];
};


/* Appends a copy of s; sets l->nomem on failure. */
static void list_add(str_list *l, const char *s)
{
  char **v = realloc(l->v, (l->n + 1) * sizeof *v);
  char *c = strdup(s);
  if (!v || !c) {
    if (v)
      l->v = v;
    free(c);
    l->nomem = 1;
    return;
  }
  l->v = v;
  l->v[l->n++] = c;
}

static void list_free(str_list *l)
{
  for (size_t i = 0; i < l->n; i++)
    free(l->v[i]);
  free(l->v);
}

/* base (n elements of size sz) grown by one zeroed element; NULL when out of
 * memory, base then unchanged. The caller stores the result and counts the element. */
static void *grow1(void *base, size_t n, size_t sz)
{
  char *v = realloc(base, (n + 1) * sz);
  if (v)
    memset(v + n * sz, 0, sz);
  return v;
}

/* ---------------------------------------------------------- string attributes --- */

/* A malloc'ed copy of a scalar string attribute, variable-length or fixed (h5py,
 * NEST and our writer use the former, older tools the latter); NULL if attr is
 * not a single string or cannot be read. */
static char *attr_string(hid_t attr)
{
  hid_t ft = H5Aget_type(attr), sp = H5Aget_space(attr), mt = H5I_INVALID_HID;
  char *s = NULL;
  if (ft >= 0 && sp >= 0 && H5Tget_class(ft) == H5T_STRING && H5Sget_simple_extent_npoints(sp) == 1
      && (mt = H5Tcopy(H5T_C_S1)) >= 0 && H5Tset_cset(mt, H5Tget_cset(ft)) >= 0) {
    if (H5Tis_variable_str(ft) > 0) {
      char *raw = NULL;
      if (H5Tset_size(mt, H5T_VARIABLE) >= 0 && H5Aread(attr, mt, &raw) >= 0) {
        s = strdup(raw ? raw : "");
        H5free_memory(raw);
      }
    } else {
      size_t size = H5Tget_size(ft);
      s = calloc(size + 1, 1);   /* room for the terminator a space- or null-padded string may lack */
      if (s && (H5Tset_size(mt, size + 1) < 0 || H5Aread(attr, mt, s) < 0)) {
        free(s);
        s = NULL;
      }
    }
  }
  H5Tclose(mt);
  H5Sclose(sp);
  H5Tclose(ft);
  return s;
}

/* String attribute `name` of obj, malloc'ed; NULL if absent or not a string. */
static char *get_string_attr(hid_t obj, const char *name)
{
  if (H5Aexists(obj, name) <= 0)
    return NULL;
  hid_t a = H5Aopen(obj, name, H5P_DEFAULT);
  char *s = a < 0 ? NULL : attr_string(a);
  if (a >= 0)
    H5Aclose(a);
  return s;
}

typedef struct attr_sink {
  out_attr *v;
  size_t n;
  int nomem;
} attr_sink;

/* H5Aiterate2 callback: keeps every string attribute of the root group. */
static herr_t keep_attr(hid_t loc, const char *name, const H5A_info_t *info, void *data)
{
  attr_sink *sink = data;
  char *value = get_string_attr(loc, name);
  if (!value)
    return 0;   /* magic, version and other non-strings are not provenance */
  out_attr *v = grow1(sink->v, sink->n, sizeof *v);
  char *key = strdup(name);
  if (v)
    sink->v = v;
  if (!v || !key) {
    free(key);
    free(value);
    sink->nomem = 1;
    return 1;   /* stops the iteration */
  }
  v[sink->n++] = (out_attr){key, value};
  return 0;
}

/* Loads the root string attributes of file into slot `slot` of o. */
static ember_status load_attrs(ember_output *o, hid_t file, int slot)
{
  attr_sink sink = {NULL, 0, 0};
  H5Aiterate_by_name(file, "/", H5_INDEX_NAME, H5_ITER_INC, NULL, keep_attr, &sink, H5P_DEFAULT);
  o->attrs[slot] = sink.v;
  o->n_attrs[slot] = sink.n;
  o->have_attrs[slot] = 1;
  return sink.nomem ? EMBER_ERR_NOMEM : EMBER_OK;
}

/* ------------------------------------------------------------- groups --- */

/* H5Literate callback: collects link names. */
static herr_t keep_name(hid_t g, const char *name, const H5L_info_t *info, void *data)
{
  list_add(data, name);
  return 0;
}

/* Names of the members of group g, in creation order when the group tracks it
 * (our writer does: the order the network defined the populations), else by name. */
static int member_names(hid_t g, str_list *names)
{
  unsigned flags = 0;
  hid_t p = H5Gget_create_plist(g);
  if (p >= 0)
    H5Pget_link_creation_order(p, &flags);
  H5Pclose(p);
  H5_index_t idx = (flags & H5P_CRT_ORDER_INDEXED) ? H5_INDEX_CRT_ORDER : H5_INDEX_NAME;
  hsize_t at = 0;
  herr_t r = H5Literate(g, idx, H5_ITER_INC, &at, keep_name, names);
  return r < 0 || names->nomem ? -1 : 0;
}

/* Extent of dataset `name` in g: rank-1 length into dims[0] (and dims[1] for rank
 * 2). Returns the rank, or -1 when the dataset is missing or has another rank. */
static int extent(hid_t g, const char *name, int want_rank, hsize_t *dims)
{
  hid_t d = H5Dopen2(g, name, H5P_DEFAULT);
  hid_t s = d < 0 ? H5I_INVALID_HID : H5Dget_space(d);
  int rank = s < 0 ? -1 : H5Sget_simple_extent_ndims(s);
  if (rank == want_rank)
    H5Sget_simple_extent_dims(s, dims, NULL);
  if (s >= 0)
    H5Sclose(s);
  if (d >= 0)
    H5Dclose(d);
  return rank == want_rank ? rank : -1;
}

/* Reads rows [first, first + count) of dataset `name` in g (rank 1, or rank 2 with
 * `cols` columns) into buf as mtype. */
static herr_t read_rows(hid_t g, const char *name, hid_t mtype, int rank, hsize_t first,
                        hsize_t count, hsize_t cols, void *buf)
{
  hsize_t start[2] = {first, 0}, n[2] = {count, cols};
  if (count == 0 || (rank == 2 && cols == 0))
    return 0;
  hid_t d = H5Dopen2(g, name, H5P_DEFAULT);
  hid_t fs = d < 0 ? H5I_INVALID_HID : H5Dget_space(d), ms = H5Screate_simple(rank, n, NULL);
  herr_t r = -1;
  if (fs >= 0 && ms >= 0 && H5Sselect_hyperslab(fs, H5S_SELECT_SET, start, NULL, n, NULL) >= 0)
    r = H5Dread(d, mtype, ms, fs, H5P_DEFAULT, buf);
  H5Sclose(ms);
  if (fs >= 0)
    H5Sclose(fs);
  if (d >= 0)
    H5Dclose(d);
  return r;
}

/* ------------------------------------------------------------- spikes --- */

/* Adds population `name` of /spikes. The count is the shorter of the two datasets:
 * a writer killed between its two appends leaves one longer than the other. */
static ember_status add_spike_pop(ember_output *o, hid_t spikes, const char *name,
                                  const char *path, char *msg, size_t msglen)
{
  hsize_t nt = 0, ni = 0;
  hid_t g = H5Gopen2(spikes, name, H5P_DEFAULT);
  if (g < 0 || extent(g, "timestamps", 1, &nt) < 0 || extent(g, "node_ids", 1, &ni) < 0) {
    if (g >= 0)
      H5Gclose(g);
    return sonata_msg(msg, msglen, EMBER_ERR_IO,
                   "'%s': /spikes/%s lacks a 1-D timestamps or node_ids dataset", path, name);
  }
  out_spikes *v = grow1(o->spikes, o->n_spikes, sizeof *v);
  char *copy = strdup(name);
  if (v)
    o->spikes = v;
  if (!v || !copy) {
    free(copy);
    H5Gclose(g);
    return sonata_msg(msg, msglen, EMBER_ERR_NOMEM, "out of memory reading '%s'", path);
  }
  v[o->n_spikes++] = (out_spikes){copy, g, nt < ni ? nt : ni};
  return EMBER_OK;
}

/* Adds every population of /spikes in file. */
static ember_status add_spikes(ember_output *o, hid_t file, const char *path, char *msg,
                               size_t msglen)
{
  hid_t g = H5Gopen2(file, "/spikes", H5P_DEFAULT);
  if (g < 0)
    return sonata_msg(msg, msglen, EMBER_ERR_IO, "'%s' has no /spikes group", path);
  str_list names = {NULL, 0, 0};
  ember_status st = member_names(g, &names) < 0
                        ? sonata_msg(msg, msglen, EMBER_ERR_IO, "cannot list /spikes in '%s'", path)
                        : EMBER_OK;
  for (size_t i = 0; !st && i < names.n; i++)
    st = add_spike_pop(o, g, names.v[i], path, msg, msglen);
  list_free(&names);
  H5Gclose(g);
  return st;
}

/* ------------------------------------------------------------ reports --- */

/* Fills r's shape and time axis from its group. n_frames is data's length (what
 * was flushed); t_stop is mapping/time's stop unless a killed writer left the two
 * out of step, then the stop that matches the frames present. */
static int report_shape(out_report *r)
{
  hsize_t dims[2], n3 = 0;
  double time[3];
  if (extent(r->group, "data", 2, dims) < 0 || extent(r->group, "mapping/time", 1, &n3) < 0
      || n3 != 3 || read_rows(r->group, "mapping/time", H5T_NATIVE_DOUBLE, 1, 0, 3, 0, time) < 0)
    return -1;
  r->n_frames = dims[0];
  r->n_nodes = dims[1];
  r->t_start = time[0];
  r->t_stop = time[1];
  r->dt = time[2];
  double implied = r->dt > 0 ? (r->t_stop - r->t_start) / r->dt : 0;
  if (r->dt > 0 && (implied > r->n_frames + 0.5 || implied < r->n_frames - 0.5))
    r->t_stop = r->t_start + (double)r->n_frames * r->dt;
  return 0;
}

/* Adds report /report/<name> of the file whose stem is `variable`. */
static ember_status add_report(ember_output *o, hid_t report, const char *variable,
                               const char *name, const char *path, char *msg, size_t msglen)
{
  out_report *v = grow1(o->reports, o->n_reports, sizeof *v);
  if (!v)
    return sonata_msg(msg, msglen, EMBER_ERR_NOMEM, "out of memory reading '%s'", path);
  o->reports = v;
  out_report *r = &v[o->n_reports++];   /* counted now, so that free closes its group */
  r->group = H5Gopen2(report, name, H5P_DEFAULT);
  if (r->group < 0 || report_shape(r) < 0)
    return sonata_msg(msg, msglen, EMBER_ERR_IO,
                   "'%s': /report/%s lacks a 2-D data or a 3-element mapping/time", path, name);
  hid_t d = H5Dopen2(r->group, "data", H5P_DEFAULT);
  char *units = d < 0 ? NULL : get_string_attr(d, "units");
  if (d >= 0)
    H5Dclose(d);
  r->units = units ? units : strdup("");
  r->variable = strdup(variable);
  r->population = strdup(name);
  if (!r->units || !r->variable || !r->population)
    return sonata_msg(msg, msglen, EMBER_ERR_NOMEM, "out of memory reading '%s'", path);
  return EMBER_OK;
}

/* Adds every population of /report in file; `variable` is the file stem. A file
 * without /report is not a report (a network export, say) and adds nothing. */
static ember_status add_reports(ember_output *o, hid_t file, const char *variable,
                                const char *path, char *msg, size_t msglen)
{
  if (H5Lexists(file, "report", H5P_DEFAULT) <= 0)
    return EMBER_OK;
  hid_t g = H5Gopen2(file, "/report", H5P_DEFAULT);
  if (g < 0)
    return sonata_msg(msg, msglen, EMBER_ERR_IO, "cannot open /report in '%s'", path);
  str_list names = {NULL, 0, 0};
  ember_status st = member_names(g, &names) < 0
                        ? sonata_msg(msg, msglen, EMBER_ERR_IO, "cannot list /report in '%s'", path)
                        : EMBER_OK;
  for (size_t i = 0; !st && i < names.n; i++)
    st = add_report(o, g, variable, names.v[i], path, msg, msglen);
  list_free(&names);
  H5Gclose(g);
  return st;
}

/* -------------------------------------------------------------- edges --- */

static char *ds_string_attr(hid_t g, const char *ds, const char *name)
{
  hid_t d = H5Dopen2(g, ds, H5P_DEFAULT);
  char *v = d < 0 ? NULL : get_string_attr(d, name);
  if (d >= 0)
    H5Dclose(d);
  return v;
}

/* Adds every population of /edges (edges.h5). */
static ember_status add_edges(ember_output *o, hid_t file, const char *path, char *msg, size_t msglen)
{
  if (H5Lexists(file, "edges", H5P_DEFAULT) <= 0)
    return EMBER_OK;
  hid_t g = H5Gopen2(file, "/edges", H5P_DEFAULT);
  str_list names = {NULL, 0, 0};
  ember_status st = g < 0 || member_names(g, &names) < 0
                        ? sonata_msg(msg, msglen, EMBER_ERR_IO, "cannot list /edges in '%s'", path)
                        : EMBER_OK;
  for (size_t i = 0; !st && i < names.n; i++) {
    out_edges *v = grow1(o->edges, o->n_edges, sizeof *v);
    if (!v) {
      st = sonata_msg(msg, msglen, EMBER_ERR_NOMEM, "out of memory reading '%s'", path);
      break;
    }
    o->edges = v;
    out_edges *e = &v[o->n_edges++];
    hsize_t n = 0;
    e->group = H5Gopen2(g, names.v[i], H5P_DEFAULT);
    e->name = strdup(names.v[i]);
    if (e->group < 0 || extent(e->group, "source_node_id", 1, &n) < 0) {
      st = sonata_msg(msg, msglen, EMBER_ERR_IO, "'%s': /edges/%s lacks source_node_id", path, names.v[i]);
      break;
    }
    e->n = (size_t)n;
    e->source = ds_string_attr(e->group, "source_node_id", "node_population");
    e->target = ds_string_attr(e->group, "target_node_id", "node_population");
    e->receptor = get_string_attr(e->group, "receptor");   /* optional */
    e->units = ds_string_attr(e->group, "0/syn_weight", "units");
    if (!e->name || !e->source || !e->target)
      st = sonata_msg(msg, msglen, EMBER_ERR_IO, "'%s': /edges/%s lacks node_population attributes",
                      path, names.v[i]);
  }
  list_free(&names);
  if (g >= 0)
    H5Gclose(g);
  return st;
}

/* -------------------------------------------------------------- files --- */

/* Opens path for reading. SWMR-read first: it accepts a file being written or
 * left by a killed writer (whose SWMR flag is still set). It needs the latest file
 * format, so files written by other tools may only open the plain way. */
static hid_t open_h5(const char *path)
{
  hid_t f = H5Fopen(path, H5F_ACC_RDONLY | H5F_ACC_SWMR_READ, H5P_DEFAULT);
  return f >= 0 ? f : H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
}

/* spikes.h5's /t_stop (the simulated time of the last flush, ms) as the root
 * attribute "t_stop", unless the file has such an attribute. Files without it
 * (older writers, other tools) are fine. */
static ember_status load_t_stop(ember_output *o, hid_t file)
{
  if (ember_output_attr(o, "t_stop") || H5Lexists(file, "t_stop", H5P_DEFAULT) <= 0)
    return EMBER_OK;
  hid_t d = H5Dopen2(file, "t_stop", H5P_DEFAULT);
  double t = NAN;
  int ok = d >= 0 && H5Dread(d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, &t) >= 0;
  if (d >= 0)
    H5Dclose(d);
  if (!ok || !isfinite(t))
    return EMBER_OK;
  char buf[64];
  snprintf(buf, sizeof buf, "%.17g", t);
  out_attr *v = grow1(o->attrs[0], o->n_attrs[0], sizeof *v);
  char *key = strdup("t_stop"), *value = strdup(buf);
  if (v)
    o->attrs[0] = v;
  if (!v || !key || !value) {
    free(key);
    free(value);
    return EMBER_ERR_NOMEM;
  }
  v[o->n_attrs[0]++] = (out_attr){key, value};
  return EMBER_OK;
}

/* Adds the spikes (spikes.h5) or reports (any other name) of the open file. */
static ember_status add_content(ember_output *o, hid_t file, const char *name, const char *path,
                                char *msg, size_t msglen)
{
  if (strcmp(name, "spikes.h5") == 0) {
    ember_status st = add_spikes(o, file, path, msg, msglen);
    if (!st)
      st = load_attrs(o, file, 0);
    return st ? st : load_t_stop(o, file);
  }
  if (strcmp(name, "edges.h5") == 0)
    return add_edges(o, file, path, msg, msglen);
  char *stem = strndup(name, strlen(name) - 3);
  size_t before = o->n_reports;
  ember_status st = stem ? add_reports(o, file, stem, path, msg, msglen) : EMBER_ERR_NOMEM;
  if (!st && o->n_reports > before && !o->have_attrs[1])
    st = load_attrs(o, file, 1);
  free(stem);
  return st;
}

/* Opens dir/name and adds what it holds; a file holding nothing is closed again. */
static ember_status add_file(ember_output *o, const char *dir, const char *name, char *msg,
                             size_t msglen)
{
  size_t len = strlen(dir) + strlen(name) + 2;
  char *path = malloc(len);
  hid_t *files = grow1(o->files, o->n_files, sizeof *files);
  if (files)
    o->files = files;
  if (!path || !files) {
    free(path);
    return sonata_msg(msg, msglen, EMBER_ERR_NOMEM, "out of memory opening '%s'", dir);
  }
  hid_t *slot = &files[o->n_files++];
  size_t had = o->n_spikes + o->n_reports + o->n_edges;
  snprintf(path, len, "%s/%s", dir, name);
  ember_status st = EMBER_OK;
  if ((*slot = open_h5(path)) < 0)
    st = sonata_msg(msg, msglen, EMBER_ERR_IO,
                 "cannot open '%s' as HDF5 (if its writer was killed before it started "
                 "SWMR mode, try `h5clear -s --increment`)", path);
  else if ((st = add_content(o, *slot, name, path, msg, msglen)) == EMBER_ERR_NOMEM)
    sonata_msg(msg, msglen, st, "out of memory reading '%s'", path);
  if (!st && o->n_spikes + o->n_reports + o->n_edges == had) {
    H5Fclose(*slot);
    *slot = H5I_INVALID_HID;
  }
  free(path);
  return st;
}

static int by_name(const void *a, const void *b)
{
  return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The regular files named *.h5 in dir, sorted by name (a stable order for reports). */
static ember_status list_h5(const char *dir, str_list *names, char *msg, size_t msglen)
{
  DIR *d = opendir(dir);
  if (!d)
    return sonata_msg(msg, msglen, EMBER_ERR_IO, "cannot open output directory '%s': %s", dir,
                   strerror(errno));
  struct dirent *e;
  while ((e = readdir(d))) {
    size_t len = strlen(e->d_name);
    if (len <= 3 || strcmp(e->d_name + len - 3, ".h5") != 0)
      continue;
    char path[4096];
    struct stat sb;
    snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
    if (stat(path, &sb) == 0 && S_ISREG(sb.st_mode))
      list_add(names, e->d_name);
  }
  closedir(d);
  if (names->nomem)
    return sonata_msg(msg, msglen, EMBER_ERR_NOMEM, "out of memory listing '%s'", dir);
  if (names->n)
    qsort(names->v, names->n, sizeof *names->v, by_name);
  return EMBER_OK;
}

/* ------------------------------------------------------------- public --- */

ember_status ember_output_open(const char *dir, ember_output **out, char *msg, size_t msglen)
{
  if (!out)
    return sonata_msg(msg, msglen, EMBER_ERR_INVALID, "ember_output_open: out is NULL");
  *out = NULL;
  if (!dir)
    return sonata_msg(msg, msglen, EMBER_ERR_INVALID, "ember_output_open: dir is NULL");
  H5Eset_auto2(H5E_DEFAULT, NULL, NULL);   /* the library never prints */
  str_list names = {NULL, 0, 0};
  ember_output *o = calloc(1, sizeof *o);
  ember_status st = o ? list_h5(dir, &names, msg, msglen)
                      : sonata_msg(msg, msglen, EMBER_ERR_NOMEM, "out of memory");
  for (size_t i = 0; !st && i < names.n; i++)
    st = add_file(o, dir, names.v[i], msg, msglen);
  list_free(&names);
  if (st) {
    ember_output_free(o);
    return st;
  }
  *out = o;
  return EMBER_OK;
}

void ember_output_free(ember_output *o)
{
  if (!o)
    return;
  for (size_t i = 0; i < o->n_spikes; i++) {
    free(o->spikes[i].name);
    H5Gclose(o->spikes[i].group);
  }
  for (size_t i = 0; i < o->n_reports; i++) {
    free(o->reports[i].variable);
    free(o->reports[i].population);
    free(o->reports[i].units);
    if (o->reports[i].group >= 0)
      H5Gclose(o->reports[i].group);
  }
  for (size_t i = 0; i < o->n_edges; i++) {
    free(o->edges[i].name);
    free(o->edges[i].source);
    free(o->edges[i].target);
    free(o->edges[i].receptor);
    free(o->edges[i].units);
    if (o->edges[i].group >= 0)
      H5Gclose(o->edges[i].group);
  }
  free(o->edges);
  for (int s = 0; s < 2; s++) {
    for (size_t i = 0; i < o->n_attrs[s]; i++) {
      free(o->attrs[s][i].key);
      free(o->attrs[s][i].value);
    }
    free(o->attrs[s]);
  }
  for (size_t i = 0; i < o->n_files; i++)
    if (o->files[i] >= 0)
      H5Fclose(o->files[i]);
  free(o->spikes);
  free(o->reports);
  free(o->files);
  free(o);
}

const char *ember_output_attr(const ember_output *o, const char *key)
{
  if (!o || !key)
    return NULL;
  for (int s = 0; s < 2; s++)
    for (size_t i = 0; i < o->n_attrs[s]; i++)
      if (strcmp(o->attrs[s][i].key, key) == 0)
        return o->attrs[s][i].value;
  return NULL;
}

size_t ember_output_spike_pop_count(const ember_output *o)
{
  return o ? o->n_spikes : 0;
}

const char *ember_output_spike_pop_name(const ember_output *o, size_t i)
{
  return o && i < o->n_spikes ? o->spikes[i].name : NULL;
}

uint64_t ember_output_spike_count(const ember_output *o, size_t i)
{
  return o && i < o->n_spikes ? o->spikes[i].count : 0;
}

ember_status ember_output_read_spikes(const ember_output *o, size_t i, double **times,
                                      uint64_t **ids, size_t *n)
{
  if (!o || i >= o->n_spikes || !times || !ids || !n)
    return EMBER_ERR_INVALID;
  const out_spikes *s = &o->spikes[i];
  size_t len = s->count ? (size_t)s->count : 1;   /* never NULL on success */
  double *t = malloc(len * sizeof *t);
  uint64_t *id = malloc(len * sizeof *id);
  ember_status st = (t && id) ? ember_output_read_spike_range(o, i, 0, (size_t)s->count, t, id)
                              : EMBER_ERR_NOMEM;
  if (st) {
    free(t);
    free(id);
    return st;
  }
  *times = t;
  *ids = id;
  *n = (size_t)s->count;
  return EMBER_OK;
}

ember_status ember_output_read_spike_range(const ember_output *o, size_t i, uint64_t first,
                                           size_t count, double *times, uint64_t *ids)
{
  if (!o || i >= o->n_spikes || (count && (!times || !ids)))
    return EMBER_ERR_INVALID;
  const out_spikes *s = &o->spikes[i];
  if (first > s->count || count > s->count - first)
    return EMBER_ERR_INVALID;
  if (read_rows(s->group, "timestamps", H5T_NATIVE_DOUBLE, 1, first, count, 0, times) < 0
      || read_rows(s->group, "node_ids", H5T_NATIVE_UINT64, 1, first, count, 0, ids) < 0)
    return EMBER_ERR_IO;
  return EMBER_OK;
}

size_t ember_output_report_count(const ember_output *o)
{
  return o ? o->n_reports : 0;
}

ember_status ember_output_report_info(const ember_output *o, size_t i, ember_report_info *info)
{
  if (!o || i >= o->n_reports || !info)
    return EMBER_ERR_INVALID;
  const out_report *r = &o->reports[i];
  *info = (ember_report_info){r->variable, r->population, r->units, r->n_nodes, r->n_frames,
                              r->t_start, r->t_stop, r->dt};
  return EMBER_OK;
}

ember_status ember_output_read_report(const ember_output *o, size_t i, size_t first,
                                      size_t count, float *data, uint64_t *node_ids)
{
  if (!o || i >= o->n_reports || (count && !data))
    return EMBER_ERR_INVALID;
  const out_report *r = &o->reports[i];
  if (first > r->n_frames || count > r->n_frames - first)
    return EMBER_ERR_INVALID;
  if (read_rows(r->group, "data", H5T_NATIVE_FLOAT, 2, first, count, r->n_nodes, data) < 0)
    return EMBER_ERR_IO;
  if (!node_ids)
    return EMBER_OK;
  /* A report of elements (synapses, compartments) has more values than nodes. */
  hsize_t n_ids = 0;
  if (extent(r->group, "mapping/node_ids", 1, &n_ids) < 0 || n_ids != r->n_nodes)
    return EMBER_ERR_INVALID;
  return read_rows(r->group, "mapping/node_ids", H5T_NATIVE_UINT64, 1, 0, n_ids, 0, node_ids) < 0
             ? EMBER_ERR_IO
             : EMBER_OK;
}

/* ------------------------------------------------- synapse-level reports --- */

ember_status ember_output_report_mapping(const ember_output *o, size_t i, size_t *n_nodes,
                                         size_t *n_values)
{
  if (!o || i >= o->n_reports)
    return EMBER_ERR_INVALID;
  hsize_t n = 0;
  if (extent(o->reports[i].group, "mapping/node_ids", 1, &n) < 0)
    return EMBER_ERR_IO;
  if (n_nodes)
    *n_nodes = (size_t)n;
  if (n_values)
    *n_values = o->reports[i].n_nodes;
  return EMBER_OK;
}

ember_status ember_output_read_report_mapping(const ember_output *o, size_t i, uint64_t *node_ids,
                                              uint64_t *index_pointers, uint32_t *element_ids)
{
  size_t nn, nv;
  ember_status st = ember_output_report_mapping(o, i, &nn, &nv);
  if (st)
    return st;
  hid_t g = o->reports[i].group;
  hsize_t np = 0, ne = 0;
  if (extent(g, "mapping/index_pointers", 1, &np) < 0 || np != nn + 1 ||
      extent(g, "mapping/element_ids", 1, &ne) < 0 || ne != nv)
    return EMBER_ERR_IO;
  if ((node_ids && read_rows(g, "mapping/node_ids", H5T_NATIVE_UINT64, 1, 0, nn, 0, node_ids) < 0) ||
      (index_pointers &&
       read_rows(g, "mapping/index_pointers", H5T_NATIVE_UINT64, 1, 0, nn + 1, 0, index_pointers) < 0) ||
      (element_ids && read_rows(g, "mapping/element_ids", H5T_NATIVE_UINT32, 1, 0, nv, 0, element_ids) < 0))
    return EMBER_ERR_IO;
  return EMBER_OK;
}

/* ------------------------------------------------------------------ edges --- */

size_t ember_output_edge_pop_count(const ember_output *o) { return o ? o->n_edges : 0; }

ember_status ember_output_edge_info(const ember_output *o, size_t i, ember_edge_info *info)
{
  if (!o || i >= o->n_edges || !info)
    return EMBER_ERR_INVALID;
  const out_edges *e = &o->edges[i];
  *info = (ember_edge_info){e->name, e->source, e->target, e->n, e->receptor ? e->receptor : "",
                            e->units ? e->units : ""};
  return EMBER_OK;
}

ember_status ember_output_read_edges(const ember_output *o, size_t i, size_t first, size_t count,
                                     uint64_t *source, uint64_t *target, double *weight, double *delay)
{
  if (!o || i >= o->n_edges)
    return EMBER_ERR_INVALID;
  const out_edges *e = &o->edges[i];
  if (first > e->n || count > e->n - first)
    return EMBER_ERR_INVALID;
  hid_t g = e->group;
  if ((source && read_rows(g, "source_node_id", H5T_NATIVE_UINT64, 1, first, count, 0, source) < 0) ||
      (target && read_rows(g, "target_node_id", H5T_NATIVE_UINT64, 1, first, count, 0, target) < 0) ||
      (weight && read_rows(g, "0/syn_weight", H5T_NATIVE_DOUBLE, 1, first, count, 0, weight) < 0) ||
      (delay && read_rows(g, "0/delay", H5T_NATIVE_DOUBLE, 1, first, count, 0, delay) < 0))
    return EMBER_ERR_IO;
  return EMBER_OK;
}
