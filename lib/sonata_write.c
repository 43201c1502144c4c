/* Writing SONATA spike and report files: HDF5 1.10 SWMR, chunked, compressed. */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <hdf5.h>
#include "sonata.h"
#include "sonata_h5.h"

#define SONATA_MAGIC 0x0A7Au
#define NAME_MAX_LEN 255          /* population names; keeps object paths in fixed buffers */
/* Elements: 64 KiB of timestamps per chunk. Every flush compresses the last,
 * partly filled chunk whole; at 65 536 elements that cost ~25 M instructions per
 * dataset and flush whatever the number of spikes (0.1 s of a 1 s COBA run). */
#define SPIKE_CHUNK 8192
#define REPORT_CHUNK_ELEMS 65536  /* floats: 256 KiB per report chunk */

/* One population of a file. The two datasets are the ones appended to. */
typedef struct sonata_pop {
  char *name;
  hid_t a, b;          /* spikes: timestamps, node_ids; reports: data, mapping/time */
  uint64_t n;          /* spikes or frames appended so far */
  size_t n_nodes;      /* reports: columns of data */
  double t_start, dt;  /* ms, reports */
  double last_t;       /* ms, spikes: time of the last spike, to check the order */
} sonata_pop;

struct sonata_file {
  hid_t file;
  char *path;
  int is_report;
  size_t n_pops;
  sonata_pop *pops;
  ember_status failed;  /* sticky: after a failed write the file is not appended to */
  char msg[1024];
  hid_t t_stop;         /* spikes.h5: /t_stop, the simulated time written (ms) */
};

/* ------------------------------------------------------------------ errors --- */

/* H5Ewalk2 callback: keeps the innermost description (n == 0 walking upward). */
static herr_t keep_innermost(unsigned n, const H5E_error2_t *e, void *data)
{
  if (n == 0 && e->desc)
    snprintf(data, 256, "%s", e->desc);
  return 0;
}

/* Why the last HDF5 call failed, in a few words. HDF5's innermost message for a
 * system call embeds "error message = '<strerror>'"; that part alone is what a
 * user needs, so it is cut out when present. Must be called before any other
 * HDF5 call, which would clear the error stack. */
static void h5_reason(char *buf, size_t len)
{
  char desc[256] = "";
  H5Ewalk2(H5E_DEFAULT, H5E_WALK_UPWARD, keep_innermost, desc);
  const char *key = "error message = '";
  char *p = strstr(desc, key), *q = p ? strchr(p + strlen(key), '\'') : NULL;
  if (p && q) {
    *q = '\0';
    p += strlen(key);
  }
  snprintf(buf, len, "%s", p ? p : (*desc ? desc : "HDF5 error"));
}

/* Records "<what> in '<path>': <HDF5 reason>" as f's message; returns EMBER_ERR_IO. */
static ember_status h5fail(sonata_file *f, const char *fmt, ...)
{
  char reason[160], what[160];   /* with the path, fits msg in the common case */
  h5_reason(reason, sizeof reason);
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(what, sizeof what, fmt, ap);
  va_end(ap);
  snprintf(f->msg, sizeof f->msg, "%s in '%s': %s", what, f->path, reason);
  return EMBER_ERR_IO;
}

/* Records a message that is not an HDF5 failure; returns st. */
static ember_status fail(sonata_file *f, ember_status st, const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(f->msg, sizeof f->msg, fmt, ap);
  va_end(ap);
  return st;
}

/* --------------------------------------------------------- construction --- */

/* A name is used as an HDF5 link name: non-empty, no '/', not "." (HDF5's "self"). */
static int valid_name(const char *s)
{
  return s && *s && !strchr(s, '/') && strcmp(s, ".") != 0 && strlen(s) <= NAME_MAX_LEN;
}

/* Writes a message into the caller's buffer (msg may be NULL); returns st. */
ember_status sonata_msg(char *msg, size_t msglen, ember_status st, const char *fmt, ...)
{
  if (msg && msglen) {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, msglen, fmt, ap);
    va_end(ap);
  }
  return st;
}

/* Closes every HDF5 object of f (no flush) and frees it. NULL is a no-op. Returns
 * EMBER_ERR_IO if closing the file failed (the data may not all be on disk). */
static ember_status file_free(sonata_file *f)
{
  if (!f)
    return EMBER_OK;
  ember_status st = EMBER_OK;
  for (size_t i = 0; i < f->n_pops; i++) {
    if (f->pops[i].a >= 0)
      H5Dclose(f->pops[i].a);
    if (f->pops[i].b >= 0)
      H5Dclose(f->pops[i].b);
    free(f->pops[i].name);
  }
  if (f->t_stop >= 0)
    H5Dclose(f->t_stop);
  if (f->file >= 0 && H5Fclose(f->file) < 0)
    st = h5fail(f, "cannot close the file");
  free(f->pops);
  free(f->path);
  free(f);
  return st;
}

/* An empty file record (no HDF5 object yet, so it is always safe to free) with a
 * copy of the path and n_pops unnamed populations. NULL when out of memory. */
static sonata_file *file_new(const char *path, size_t n_pops)
{
  sonata_file *f = calloc(1, sizeof *f);
  if (!f)
    return NULL;
  f->file = H5I_INVALID_HID;
  f->t_stop = H5I_INVALID_HID;
  f->path = strdup(path);
  f->pops = calloc(n_pops ? n_pops : 1, sizeof *f->pops);
  if (!f->path || !f->pops) {
    file_free(f);
    return NULL;
  }
  f->n_pops = n_pops;
  for (size_t i = 0; i < n_pops; i++) {
    f->pops[i].a = f->pops[i].b = H5I_INVALID_HID;
    f->pops[i].last_t = -INFINITY;
  }
  return f;
}

/* Copies population i's name into f; EMBER_ERR_NOMEM on failure. */
static ember_status name_pop(sonata_file *f, size_t i, const char *name)
{
  f->pops[i].name = strdup(name);
  return f->pops[i].name ? EMBER_OK : fail(f, EMBER_ERR_NOMEM, "out of memory creating '%s'", f->path);
}

/* Hands a created file to the caller, or its message and nothing on failure. */
static ember_status finish_create(sonata_file *f, ember_status st, sonata_file **out,
                                  char *msg, size_t msglen)
{
  if (st) {
    sonata_msg(msg, msglen, st, "%s", f->msg);
    file_free(f);
    return st;
  }
  *out = f;
  return EMBER_OK;
}

/* Root attributes: magic, version {0, 1} and the provenance strings. */
static ember_status root_attrs(sonata_file *f, const sonata_attr *prov, size_t n_prov)
{
  uint32_t magic = SONATA_MAGIC, version[2] = {0, 1};
  if (h5w_attr_u32(f->file, "magic", &magic, 0) < 0 ||
      h5w_attr_u32(f->file, "version", version, 2) < 0)
    return h5fail(f, "cannot write the root attributes magic/version");
  for (size_t i = 0; i < n_prov; i++)
    if (h5w_attr_str(f->file, prov[i].key, prov[i].value) < 0)
      return h5fail(f, "cannot write the provenance attribute '%s'", prov[i].key);
  return EMBER_OK;
}

/* ------------------------------------------------------------ file layout --- */

/* Creates `path`, truncating, with the latest format (required for SWMR), and
 * writes the root attributes. Turns HDF5's error printing off: the library never
 * prints, failures are reported through messages. */
static ember_status file_create(sonata_file *f, const sonata_attr *prov, size_t n_prov)
{
  H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
  hid_t fapl = H5Pcreate(H5P_FILE_ACCESS);
  if (fapl < 0 || H5Pset_libver_bounds(fapl, H5F_LIBVER_LATEST, H5F_LIBVER_LATEST) < 0) {
    ember_status st = h5fail(f, "cannot set up file access properties");
    H5Pclose(fapl);
    return st;
  }
  f->file = H5Fcreate(f->path, H5F_ACC_TRUNC, H5P_DEFAULT, fapl);
  ember_status st = f->file < 0 ? h5fail(f, "cannot create the HDF5 file") : EMBER_OK;
  H5Pclose(fapl);
  return st ? st : root_attrs(f, prov, n_prov);
}

/* /spikes/<pop>: timestamps (ms), node_ids, and sorting = by_time. */
static ember_status spikes_layout(sonata_file *f, hid_t spikes, size_t i)
{
  const char *name = f->pops[i].name;
  hsize_t dims = 0, maxdims = H5S_UNLIMITED, chunk = SPIKE_CHUNK;
  hid_t g = H5Gcreate2(spikes, name, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  if (g < 0)
    return h5fail(f, "cannot create group /spikes/%s", name);
  ember_status st = EMBER_OK;
  if (h5w_attr_sorting(g) < 0)
    st = h5fail(f, "cannot write attribute /spikes/%s sorting", name);
  else if (h5w_create_appendable(g, "timestamps", H5T_IEEE_F64LE, 1, &dims, &maxdims, &chunk,
                                 "ms") < 0)
    st = h5fail(f, "cannot create /spikes/%s/timestamps", name);
  else if (h5w_create_appendable(g, "node_ids", H5T_STD_U64LE, 1, &dims, &maxdims, &chunk,
                                 NULL) < 0)
    st = h5fail(f, "cannot create /spikes/%s/node_ids", name);
  H5Gclose(g);
  return st;
}

/* mapping/ of one report population: node_ids, index_pointers (n + 1, as libsonata
 * requires) with the BMTK name index_pointer as a hard link, element_ids (0 for point
 * neurons), and time = [t_start, stop = t_start, dt] in ms. */
static herr_t mapping_layout(hid_t g, const sonata_report_pop *p)
{
  hid_t m = H5Gcreate2(g, "mapping", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  if (m < 0)
    return -1;
  double time[3] = {p->t_start, p->t_start, p->dt};
  herr_t r = h5w_create_fixed(m, "node_ids", H5T_STD_U64LE, H5T_NATIVE_UINT64, p->n_nodes,
                              p->node_ids, NULL);
  if (r >= 0)
    r = p->index_pointers ? h5w_create_fixed(m, "index_pointers", H5T_STD_U64LE, H5T_NATIVE_UINT64,
                                             p->n_nodes + 1, p->index_pointers, NULL)
                          : h5w_create_iota(m, "index_pointers", p->n_nodes);
  if (r >= 0)
    r = H5Lcreate_hard(m, "index_pointers", m, "index_pointer", H5P_DEFAULT, H5P_DEFAULT);
  if (r >= 0)
    r = h5w_create_fixed(m, "element_ids", H5T_STD_U32LE, H5T_NATIVE_UINT32,
                         p->element_ids ? p->n_values : p->n_nodes, p->element_ids, NULL);
  if (r >= 0)
    r = h5w_create_fixed(m, "time", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, 3, time, "ms");
  hid_t es = h5w_stack_save(r);
  H5Gclose(m);
  h5w_stack_restore(es);
  return r;
}

/* /report/<pop>: data float32 [frames x n_nodes] and its mapping. Chunks hold
 * about 256 KiB: whole rows when they fit, else one row cut into column blocks
 * (so a chunk never exceeds 1 MiB, whatever the number of neurons). */
static ember_status report_layout(sonata_file *f, hid_t report, size_t i, const char *units,
                                  const sonata_report_pop *p)
{
  hsize_t n = p->element_ids ? p->n_values : p->n_nodes;
  hsize_t dims[2] = {0, n}, maxdims[2] = {H5S_UNLIMITED, n};
  hsize_t chunk[2] = {n > REPORT_CHUNK_ELEMS ? 1 : REPORT_CHUNK_ELEMS / (n ? n : 1),
                      n > REPORT_CHUNK_ELEMS ? REPORT_CHUNK_ELEMS : (n ? n : 1)};
  if (n == 0)
    maxdims[1] = H5S_UNLIMITED;   /* a chunk dimension may not exceed a fixed 0 */
  hid_t g = H5Gcreate2(report, p->name, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  if (g < 0)
    return h5fail(f, "cannot create group /report/%s", p->name);
  ember_status st = EMBER_OK;
  if (h5w_create_appendable(g, "data", H5T_IEEE_F32LE, 2, dims, maxdims, chunk, units) < 0)
    st = h5fail(f, "cannot create /report/%s/data", p->name);
  else if (mapping_layout(g, p) < 0)
    st = h5fail(f, "cannot create /report/%s/mapping", p->name);
  H5Gclose(g);
  f->pops[i].n_nodes = n;
  f->pops[i].t_start = p->t_start;
  f->pops[i].dt = p->dt;
  return st;
}

/* Opens /<top>/<pop>/<leaf> into *d. */
static ember_status open_ds(sonata_file *f, const char *top, size_t i, const char *leaf, hid_t *d)
{
  char path[2 * NAME_MAX_LEN];
  snprintf(path, sizeof path, "/%s/%s/%s", top, f->pops[i].name, leaf);
  *d = H5Dopen2(f->file, path, H5P_DEFAULT);
  return *d < 0 ? h5fail(f, "cannot open %s", path) : EMBER_OK;
}

/* Switches to SWMR writing, then opens the datasets to append to: datasets open
 * while H5Fstart_swmr_write runs lose their access properties in HDF5 1.10.8
 * (HDF5 issue #1730), so they are all closed before and opened after. */
static ember_status start_swmr(sonata_file *f)
{
  if (H5Fstart_swmr_write(f->file) < 0)
    return h5fail(f, "cannot start SWMR writing");
  const char *top = f->is_report ? "report" : "spikes";
  const char *la = f->is_report ? "data" : "timestamps";
  const char *lb = f->is_report ? "mapping/time" : "node_ids";
  ember_status st = EMBER_OK;
  for (size_t i = 0; !st && i < f->n_pops; i++) {
    st = open_ds(f, top, i, la, &f->pops[i].a);
    if (!st)
      st = open_ds(f, top, i, lb, &f->pops[i].b);
  }
  if (!st && !f->is_report && (f->t_stop = H5Dopen2(f->file, "t_stop", H5P_DEFAULT)) < 0)
    st = h5fail(f, "cannot open /t_stop");
  return st;
}

/* ------------------------------------------------------------ public calls --- */

ember_status sonata_spikes_create(const char *path, size_t n_pops, const char *const *names,
                                  const sonata_attr *prov, size_t n_prov,
                                  sonata_file **out, char *msg, size_t msglen)
{
  if (!out || !path || (n_pops && !names) || (n_prov && !prov))
    return sonata_msg(msg, msglen, EMBER_ERR_INVALID, "sonata_spikes_create: NULL argument");
  *out = NULL;
  for (size_t i = 0; i < n_pops; i++)
    if (!valid_name(names[i]))
      return sonata_msg(msg, msglen, EMBER_ERR_INVALID, "'%s': invalid population name '%s'",
                     path, names[i] ? names[i] : "(null)");
  sonata_file *f = file_new(path, n_pops);
  if (!f)
    return sonata_msg(msg, msglen, EMBER_ERR_NOMEM, "out of memory creating '%s'", path);
  ember_status st = EMBER_OK;
  for (size_t i = 0; !st && i < n_pops; i++)
    st = name_pop(f, i, names[i]);
  if (!st)
    st = file_create(f, prov, n_prov);
  hid_t spikes = H5I_INVALID_HID;
  if (!st && (spikes = h5w_group_create(f->file, "spikes")) < 0)
    st = h5fail(f, "cannot create group /spikes");
  for (size_t i = 0; !st && i < n_pops; i++)
    st = spikes_layout(f, spikes, i);
  if (spikes >= 0)
    H5Gclose(spikes);
  /* The simulated time reached, rewritten at each flush: attributes cannot be
   * added once SWMR writing has started, a dataset's value can. */
  hsize_t one = 1;
  if (!st &&
      h5w_create_appendable(f->file, "t_stop", H5T_IEEE_F64LE, 1, &one, &one, &one, "ms") < 0)
    st = h5fail(f, "cannot create /t_stop");
  if (!st)
    st = start_swmr(f);
  return finish_create(f, st, out, msg, msglen);
}

/* Checks the arguments of sonata_report_create; writes msg on failure. */
static ember_status check_report_args(const char *path, size_t n_pops,
                                      const sonata_report_pop *pops, char *msg, size_t msglen)
{
  for (size_t i = 0; i < n_pops; i++) {
    const sonata_report_pop *p = &pops[i];
    if (!valid_name(p->name))
      return sonata_msg(msg, msglen, EMBER_ERR_INVALID, "'%s': invalid population name '%s'",
                     path, p->name ? p->name : "(null)");
    if (!(p->dt > 0) || !isfinite(p->dt) || !isfinite(p->t_start))
      return sonata_msg(msg, msglen, EMBER_ERR_INVALID,
                     "'%s': population '%s' needs a finite t_start and dt > 0 (got %g, %g)",
                     path, p->name, p->t_start, p->dt);
    if (p->n_nodes && !p->node_ids)
      return sonata_msg(msg, msglen, EMBER_ERR_INVALID, "'%s': population '%s' has no node ids",
                     path, p->name);
    if (p->element_ids && (!p->index_pointers || p->index_pointers[0] != 0 ||
                           p->index_pointers[p->n_nodes] != p->n_values))
      return sonata_msg(msg, msglen, EMBER_ERR_INVALID, "'%s': population '%s': index_pointers must "
                        "run from 0 to the %zu element ids", path, p->name, p->n_values);
  }
  return EMBER_OK;
}

ember_status sonata_report_create(const char *path, const char *units, size_t n_pops,
                                  const sonata_report_pop *pops,
                                  const sonata_attr *prov, size_t n_prov,
                                  sonata_file **out, char *msg, size_t msglen)
{
  if (!out || !path || (n_pops && !pops) || (n_prov && !prov))
    return sonata_msg(msg, msglen, EMBER_ERR_INVALID, "sonata_report_create: NULL argument");
  *out = NULL;
  ember_status st = check_report_args(path, n_pops, pops, msg, msglen);
  if (st)
    return st;
  sonata_file *f = file_new(path, n_pops);
  if (!f)
    return sonata_msg(msg, msglen, EMBER_ERR_NOMEM, "out of memory creating '%s'", path);
  f->is_report = 1;
  for (size_t i = 0; !st && i < n_pops; i++)
    st = name_pop(f, i, pops[i].name);
  if (!st)
    st = file_create(f, prov, n_prov);
  hid_t report = H5I_INVALID_HID;
  if (!st && (report = h5w_group_create(f->file, "report")) < 0)
    st = h5fail(f, "cannot create group /report");
  for (size_t i = 0; !st && i < n_pops; i++)
    st = report_layout(f, report, i, pops[i].units ? pops[i].units : units ? units : "", &pops[i]);
  if (report >= 0)
    H5Gclose(report);
  if (!st)
    st = start_swmr(f);
  return finish_create(f, st, out, msg, msglen);
}

/* Grows dataset d (rank 1, or rank 2 with `cols` columns) from `old` to old + n
 * rows and writes buf into the new rows. */
static herr_t append_rows(hid_t d, hid_t mtype, int rank, hsize_t old, hsize_t n, hsize_t cols,
                          const void *buf)
{
  hsize_t dims[2] = {old + n, cols}, start[2] = {old, 0}, count[2] = {n, cols};
  if (H5Dset_extent(d, dims) < 0)
    return -1;
  if (n == 0 || (rank == 2 && cols == 0))
    return 0;
  hid_t fs = H5Dget_space(d), ms = H5Screate_simple(rank, count, NULL);
  herr_t r = -1;
  if (fs >= 0 && ms >= 0 && H5Sselect_hyperslab(fs, H5S_SELECT_SET, start, NULL, count, NULL) >= 0)
    r = H5Dwrite(d, mtype, ms, fs, H5P_DEFAULT, buf);
  hid_t es = h5w_stack_save(r);
  H5Sclose(ms);
  H5Sclose(fs);
  h5w_stack_restore(es);
  return r;
}

/* Checks an append: open file of the right kind, population in range. */
static ember_status check_append(sonata_file *f, int is_report, size_t pop, const void *buf,
                                 size_t n)
{
  if (f->failed)
    return f->failed;
  if (f->is_report != is_report)
    return fail(f, EMBER_ERR_INVALID, "'%s' is not a %s file", f->path,
                is_report ? "report" : "spikes");
  if (pop >= f->n_pops)
    return fail(f, EMBER_ERR_INVALID, "'%s': population index %zu out of range (%zu populations)",
                f->path, pop, f->n_pops);
  if (n && !buf)
    return fail(f, EMBER_ERR_INVALID, "'%s': NULL data for %zu elements", f->path, n);
  return EMBER_OK;
}

/* Checks that t is sorted and starts at or after the last spike written, as the
 * sorting attribute (by_time) promises. NaN fails the comparison too. */
static ember_status check_order(sonata_file *f, const sonata_pop *p, const double *t, size_t n)
{
  double prev = p->last_t;
  for (size_t k = 0; k < n; k++) {
    if (!(t[k] >= prev))
      return fail(f, EMBER_ERR_INVALID,
                  "'%s': spikes of /spikes/%s out of time order (%g after %g)", f->path,
                  p->name, t[k], prev);
    prev = t[k];
  }
  return EMBER_OK;
}

ember_status sonata_spikes_append(sonata_file *f, size_t pop, const double *t,
                                  const uint64_t *ids, size_t n)
{
  if (!f)
    return EMBER_ERR_INVALID;
  ember_status st = check_append(f, 0, pop, t && ids ? (const void *)t : NULL, n);
  if (st || n == 0)
    return st;
  sonata_pop *p = &f->pops[pop];
  if ((st = check_order(f, p, t, n)))
    return st;
  if (append_rows(p->a, H5T_NATIVE_DOUBLE, 1, p->n, n, 0, t) < 0)
    return f->failed = h5fail(f, "cannot append to /spikes/%s/timestamps", p->name);
  if (append_rows(p->b, H5T_NATIVE_UINT64, 1, p->n, n, 0, ids) < 0)
    return f->failed = h5fail(f, "cannot append to /spikes/%s/node_ids", p->name);
  p->n += n;
  p->last_t = t[n - 1];
  return EMBER_OK;
}

ember_status sonata_report_append(sonata_file *f, size_t pop, const float *frames,
                                  size_t n_frames)
{
  if (!f)
    return EMBER_ERR_INVALID;
  ember_status st = check_append(f, 1, pop, frames, n_frames);
  if (st || n_frames == 0)
    return st;
  sonata_pop *p = &f->pops[pop];
  if (append_rows(p->a, H5T_NATIVE_FLOAT, 2, p->n, n_frames, p->n_nodes, frames) < 0)
    return f->failed = h5fail(f, "cannot append to /report/%s/data", p->name);
  p->n += n_frames;
  /* stop is exclusive: the frames are t_start + k*dt for k < n, all < stop. */
  double stop = p->t_start + (double)p->n * p->dt;
  if (h5w_write_range(p->b, H5T_NATIVE_DOUBLE, 1, 1, &stop) < 0)
    return f->failed = h5fail(f, "cannot update /report/%s/mapping/time", p->name);
  return EMBER_OK;
}

/* ------------------------------------------------------------------ edges --- */

static herr_t edge_ids(hid_t g, const char *name, const uint64_t *ids, size_t n, const char *pop)
{
  herr_t r = h5w_create_fixed(g, name, H5T_STD_U64LE, H5T_NATIVE_UINT64, n, ids, NULL);
  hid_t d = r < 0 ? H5I_INVALID_HID : H5Dopen2(g, name, H5P_DEFAULT);
  if (d < 0)
    return -1;
  r = h5w_attr_str(d, "node_population", pop);
  H5Dclose(d);
  return r;
}

/* /edges/<name>: ids, type/group columns, and the group 0 with weight and delay. */
static herr_t edges_layout(hid_t edges, const sonata_edge_pop *p)
{
  hid_t g = H5Gcreate2(edges, p->name, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  if (g < 0)
    return -1;
  size_t n = p->n;
  uint64_t *row = malloc((n ? n : 1) * sizeof *row);
  herr_t r = row ? 0 : -1;
  for (size_t k = 0; row && k < n; k++)
    row[k] = k;
  if (r >= 0)
    r = edge_ids(g, "source_node_id", p->source_ids, n, p->source);
  if (r >= 0)
    r = edge_ids(g, "target_node_id", p->target_ids, n, p->target);
  if (r >= 0)   /* fill value 0: one edge type, one group */
    r = h5w_create_fixed(g, "edge_type_id", H5T_STD_I64LE, H5T_NATIVE_INT64, n, NULL, NULL);
  if (r >= 0)
    r = h5w_create_fixed(g, "edge_group_id", H5T_STD_U32LE, H5T_NATIVE_UINT32, n, NULL, NULL);
  if (r >= 0)
    r = h5w_create_fixed(g, "edge_group_index", H5T_STD_U64LE, H5T_NATIVE_UINT64, n, row, NULL);
  hid_t g0 = r < 0 ? H5I_INVALID_HID : H5Gcreate2(g, "0", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  if (g0 < 0)
    r = -1;
  if (r >= 0)
    r = h5w_create_fixed(g0, "syn_weight", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, n, p->weight,
                         p->units);
  if (r >= 0 && p->receptor)
    r = h5w_attr_str(g, "receptor", p->receptor);
  if (r >= 0)
    r = h5w_create_fixed(g0, "delay", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, n, p->delay, "ms");
  hid_t es = h5w_stack_save(r);
  if (g0 >= 0)
    H5Gclose(g0);
  H5Gclose(g);
  h5w_stack_restore(es);
  free(row);
  return r;
}

ember_status sonata_edges_write(const char *path, size_t n_pops, const sonata_edge_pop *pops,
                                const sonata_attr *prov, size_t n_prov, char *msg, size_t msglen)
{
  for (size_t i = 0; i < n_pops; i++)
    if (!valid_name(pops[i].name))
      return sonata_msg(msg, msglen, EMBER_ERR_INVALID, "'%s': invalid edge population name '%s'",
                        path, pops[i].name ? pops[i].name : "(null)");
  sonata_file *f = file_new(path, 0);
  if (!f)
    return sonata_msg(msg, msglen, EMBER_ERR_NOMEM, "out of memory creating '%s'", path);
  ember_status st = file_create(f, prov, n_prov);
  hid_t edges = H5I_INVALID_HID;
  if (!st && (edges = h5w_group_create(f->file, "edges")) < 0)
    st = h5fail(f, "cannot create group /edges");
  for (size_t i = 0; !st && i < n_pops; i++)
    if (edges_layout(edges, &pops[i]) < 0)
      st = h5fail(f, "cannot write /edges/%s", pops[i].name);
  if (edges >= 0)
    H5Gclose(edges);
  if (st)
    sonata_msg(msg, msglen, st, "%s", f->msg);
  ember_status c = file_free(f);
  if (!st && c)
    sonata_msg(msg, msglen, c, "'%s': closing failed", path);
  return st ? st : c;
}

ember_status sonata_set_time(sonata_file *f, double t)
{
  if (!f)
    return EMBER_ERR_INVALID;
  if (f->failed || f->t_stop < 0)
    return f->failed;
  if (H5Dwrite(f->t_stop, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, &t) < 0)
    return f->failed = h5fail(f, "cannot write /t_stop");
  return EMBER_OK;
}

ember_status sonata_flush(sonata_file *f)
{
  if (!f)
    return EMBER_ERR_INVALID;
  if (f->failed)
    return f->failed;
  if (f->t_stop >= 0 && H5Dflush(f->t_stop) < 0)
    return f->failed = h5fail(f, "cannot flush /t_stop");
  const char *top = f->is_report ? "report" : "spikes";
  /* Data before mapping/time (reports) and timestamps before node_ids (spikes): a
   * reader of a killed writer's file takes the shorter of the two. */
  for (size_t i = 0; i < f->n_pops; i++)
    if (H5Dflush(f->pops[i].a) < 0 || H5Dflush(f->pops[i].b) < 0)
      return f->failed = h5fail(f, "cannot flush /%s/%s", top, f->pops[i].name);
  return EMBER_OK;
}

ember_status sonata_close(sonata_file *f)
{
  if (!f)
    return EMBER_OK;
  ember_status st = f->failed ? f->failed : sonata_flush(f);
  ember_status c = file_free(f);
  return st ? st : c;
}

const char *sonata_error(const sonata_file *f)
{
  if (!f)
    return "no file";
  return f->msg[0] ? f->msg : "no error";
}
