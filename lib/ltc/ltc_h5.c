/* LTC parameters in HDF5 (schema in docs/ltc.md): effective values, constraints
 * already applied, matrices [source, destination] as in ncps.
 *
 * Matrices are dense in the file (the schema is ncps' layout) but never dense in
 * memory: they are read and written in blocks of rows, so a sparse 10^5-neuron
 * circuit costs its synapses, not N^2 doubles. Chunked + deflated, the zeros of
 * a sparse matrix take almost no space on disk. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <hdf5.h>
#include "ltc_internal.h"

#define BLOCK_ELEMS (1u << 20)   /* doubles per block of rows: 8 MiB */

static size_t block_rows(size_t rows, size_t cols)
{
  size_t b = BLOCK_ELEMS / (cols ? cols : 1);
  return b < 1 ? 1 : (b > rows ? rows : b);
}

static hid_t matrix_dcpl(hsize_t brows, hsize_t cols)
{
  hid_t p = H5Pcreate(H5P_DATASET_CREATE);
  hsize_t chunk[2] = {brows ? brows : 1, cols ? cols : 1};
  unsigned cfg = 0;
  if (p >= 0 && H5Pset_chunk(p, 2, chunk) >= 0 && H5Zfilter_avail(H5Z_FILTER_DEFLATE) > 0 &&
      H5Zget_filter_info(H5Z_FILTER_DEFLATE, &cfg) >= 0 && (cfg & H5Z_FILTER_CONFIG_ENCODE_ENABLED))
    H5Pset_deflate(p, 4);
  return p;
}

/* ---------------------------------------------------------------- write --- */

static int write_vec(hid_t g, const char *name, const double *v, size_t n)
{
  hsize_t d = n;
  hid_t s = H5Screate_simple(1, &d, NULL);
  hid_t ds = s < 0 ? -1 : H5Dcreate2(g, name, H5T_IEEE_F64LE, s, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  int rc = ds < 0 || (n && H5Dwrite(ds, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, v) < 0);
  if (ds >= 0)
    H5Dclose(ds);
  if (s >= 0)
    H5Sclose(s);
  return rc ? -1 : 0;
}

/* Fills buf (b rows x cols) with rows [r0, r0 + b) of store s: values arr, or the
 * polarity when arr is NULL. */
static void fill_block(const ltc_syn *s, const double *arr, size_t r0, size_t b, size_t cols,
                       double *buf)
{
  memset(buf, 0, b * cols * sizeof *buf);
  for (size_t j = 0; j < s->n_rows; j++)
    for (size_t p = s->row[j]; p < s->row[j + 1]; p++)
      if (s->src[p] >= r0 && s->src[p] < r0 + b)
        buf[(s->src[p] - r0) * cols + j] = arr ? arr[p] : s->pol[p];
}

static int write_matrix(hid_t g, const char *name, hid_t ftype, const ltc_syn *s, const double *arr,
                        size_t rows, size_t cols, double *buf)
{
  size_t br = block_rows(rows, cols);
  hsize_t dims[2] = {rows, cols};
  hid_t sp = H5Screate_simple(2, dims, NULL), p = matrix_dcpl(br, cols);
  hid_t ds = sp < 0 || p < 0 ? -1 : H5Dcreate2(g, name, ftype, sp, H5P_DEFAULT, p, H5P_DEFAULT);
  int rc = ds < 0;
  for (size_t r0 = 0; !rc && r0 < rows; r0 += br) {
    size_t b = r0 + br > rows ? rows - r0 : br;
    fill_block(s, arr, r0, b, cols, buf);
    hsize_t off[2] = {r0, 0}, cnt[2] = {b, cols};
    hid_t ms = H5Screate_simple(2, cnt, NULL);
    rc = ms < 0 || H5Sselect_hyperslab(sp, H5S_SELECT_SET, off, NULL, cnt, NULL) < 0 ||
         H5Dwrite(ds, H5T_NATIVE_DOUBLE, ms, sp, H5P_DEFAULT, buf) < 0;
    if (ms >= 0)
      H5Sclose(ms);
  }
  if (ds >= 0)
    H5Dclose(ds);
  if (p >= 0)
    H5Pclose(p);
  if (sp >= 0)
    H5Sclose(sp);
  return rc ? -1 : 0;
}

static int write_all(const ember_ltc *c, hid_t gp, hid_t gw, double *buf)
{
  const char *vn[] = {"gleak", "vleak", "cm", "input_w", "input_b", "output_w", "output_b"};
  const double *vv[] = {c->gleak, c->vleak, c->cm, c->input_w, c->input_b, c->output_w, c->output_b};
  size_t vs[] = {c->n, c->n, c->n, c->k, c->k, c->m, c->m};
  for (int i = 0; i < 7; i++)
    if (write_vec(gp, vn[i], vv[i], vs[i]))
      return -1;
  const char *mn[] = {"w", "sigma", "mu", "erev"};
  const double *ma[] = {c->syn.w, c->syn.sigma, c->syn.mu, c->syn.erev};
  const double *sa[] = {c->sens.w, c->sens.sigma, c->sens.mu, c->sens.erev};
  char name[32];
  for (int i = 0; i < 4; i++) {
    snprintf(name, sizeof name, "sensory_%s", mn[i]);
    if (write_matrix(gp, mn[i], H5T_IEEE_F64LE, &c->syn, ma[i], c->n, c->n, buf) ||
        write_matrix(gp, name, H5T_IEEE_F64LE, &c->sens, sa[i], c->k, c->n, buf))
      return -1;
  }
  if (write_matrix(gw, "adjacency_matrix", H5T_STD_I8LE, &c->syn, NULL, c->n, c->n, buf) ||
      write_matrix(gw, "sensory_adjacency_matrix", H5T_STD_I8LE, &c->sens, NULL, c->k, c->n, buf))
    return -1;
  return 0;
}

ember_status ember_ltc_save(ember_ltc *c, const char *path)
{
  if (!c->n)
    return ltc_fail(c, EMBER_ERR_STATE, "the circuit is empty: nothing to save");
  H5Eset_auto2(H5E_DEFAULT, NULL, NULL);   /* the library never prints */
  size_t br = block_rows(c->n, c->n);
  double *buf = malloc(br * c->n * sizeof *buf);
  if (!buf)
    return ltc_fail(c, EMBER_ERR_NOMEM, "out of memory");
  hid_t f = H5Fcreate(path, H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
  hid_t gp = f < 0 ? -1 : H5Gcreate2(f, "params", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  hid_t gw = f < 0 ? -1 : H5Gcreate2(f, "wiring", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  int rc = gp < 0 || gw < 0 || write_all(c, gp, gw, buf);
  if (gw >= 0)
    H5Gclose(gw);
  if (gp >= 0)
    H5Gclose(gp);
  if (f >= 0 && H5Fclose(f) < 0)
    rc = 1;
  free(buf);
  return rc ? ltc_fail(c, EMBER_ERR_IO, "cannot write LTC parameters to '%s'", path) : EMBER_OK;
}

/* ----------------------------------------------------------------- read --- */

/* Dimensions of dataset `name` in g: rank 1 or 2 (dims[1] = 1 for rank 1); -1 if
 * absent or of another rank. */
static int dims_of(hid_t g, const char *name, hsize_t dims[2])
{
  if (H5Lexists(g, name, H5P_DEFAULT) <= 0)
    return -1;
  hid_t d = H5Dopen2(g, name, H5P_DEFAULT), s = d < 0 ? -1 : H5Dget_space(d);
  int r = s < 0 ? -1 : H5Sget_simple_extent_ndims(s);
  dims[1] = 1;
  if (r < 1 || r > 2 || H5Sget_simple_extent_dims(s, dims, NULL) < 0)
    r = -1;
  if (s >= 0)
    H5Sclose(s);
  if (d >= 0)
    H5Dclose(d);
  return r;
}

static ember_status read_vec(ember_ltc *c, hid_t g, const char *name, double *out, size_t n)
{
  hsize_t d[2];
  if (dims_of(g, name, d) != 1 || d[0] != n)
    return ltc_fail(c, EMBER_ERR_INVALID, "params/%s: expected a vector of %zu values", name, n);
  hid_t ds = H5Dopen2(g, name, H5P_DEFAULT);
  int bad = ds < 0 || (n && H5Dread(ds, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, out) < 0);
  if (ds >= 0)
    H5Dclose(ds);
  return bad ? ltc_fail(c, EMBER_ERR_IO, "cannot read params/%s", name) : EMBER_OK;
}

/* Reads rows [r0, r0 + b) of a rows x cols dataset into buf (as doubles). */
static int read_block(hid_t g, const char *name, size_t r0, size_t b, size_t cols, double *buf)
{
  hid_t ds = H5Dopen2(g, name, H5P_DEFAULT), sp = ds < 0 ? -1 : H5Dget_space(ds);
  hsize_t off[2] = {r0, 0}, cnt[2] = {b, cols};
  hid_t ms = H5Screate_simple(2, cnt, NULL);
  int rc = sp < 0 || ms < 0 || H5Sselect_hyperslab(sp, H5S_SELECT_SET, off, NULL, cnt, NULL) < 0 ||
           H5Dread(ds, H5T_NATIVE_DOUBLE, ms, sp, H5P_DEFAULT, buf) < 0;
  if (ms >= 0)
    H5Sclose(ms);
  if (sp >= 0)
    H5Sclose(sp);
  if (ds >= 0)
    H5Dclose(ds);
  return rc ? -1 : 0;
}

/* One synaptic matrix family (neuron or sensory) of the file. */
typedef struct mfam {
  const char *w, *sigma, *mu, *erev, *adj;   /* dataset names; adj may be absent */
  hid_t gadj;                                /* group holding adj, or -1 */
  size_t rows;
} mfam;

/* Pass 1: the structure. A synapse is where w != 0, or where the stored
 * adjacency says so (a trained weight may be exactly 0). Polarity: the
 * adjacency's sign, else erev's. */
static int scan_edges(hid_t gp, const mfam *m, size_t n, double *bw, double *be, double *ba,
                      ltc_edges *e)
{
  size_t br = block_rows(m->rows, n);
  for (size_t r0 = 0; r0 < m->rows; r0 += br) {
    size_t b = r0 + br > m->rows ? m->rows - r0 : br;
    if (read_block(gp, m->w, r0, b, n, bw) || read_block(gp, m->erev, r0, b, n, be) ||
        (m->gadj >= 0 && read_block(m->gadj, m->adj, r0, b, n, ba)))
      return -1;
    for (size_t q = 0; q < b * n; q++) {
      int on = bw[q] != 0 || (m->gadj >= 0 && ba[q] != 0);
      int8_t pol = m->gadj >= 0 && ba[q] != 0 ? (ba[q] < 0 ? -1 : 1) : (be[q] < 0 ? -1 : 1);
      if (on && ltc_edges_push(e, (uint32_t)(r0 + q / n), (uint32_t)(q % n), pol))
        return -1;
    }
  }
  return 0;
}

/* Pass 2: the values of each existing synapse. */
static int fill_values(hid_t gp, const mfam *m, ltc_syn *s, size_t n, double *buf)
{
  const char *names[4] = {m->w, m->sigma, m->mu, m->erev};
  double *dst[4] = {s->w, s->sigma, s->mu, s->erev};
  size_t br = block_rows(m->rows, n);
  for (int f = 0; f < 4; f++)
    for (size_t r0 = 0; r0 < m->rows; r0 += br) {
      size_t b = r0 + br > m->rows ? m->rows - r0 : br;
      if (read_block(gp, names[f], r0, b, n, buf))
        return -1;
      for (size_t j = 0; j < n; j++)
        for (size_t p = s->row[j]; p < s->row[j + 1]; p++)
          if (s->src[p] >= r0 && s->src[p] < r0 + b)
            dst[f][p] = buf[(s->src[p] - r0) * n + j];
    }
  return 0;
}

static ember_status check_matrix_dims(ember_ltc *c, hid_t gp, const mfam *m, size_t n)
{
  const char *names[4] = {m->w, m->sigma, m->mu, m->erev};
  hsize_t d[2];
  for (int f = 0; f < 4; f++)
    if (dims_of(gp, names[f], d) != 2 || d[0] != m->rows || d[1] != n)
      return ltc_fail(c, EMBER_ERR_INVALID, "params/%s: expected a %zu x %zu matrix", names[f],
                      m->rows, n);
  if (m->gadj >= 0 && (dims_of(m->gadj, m->adj, d) != 2 || d[0] != m->rows || d[1] != n))
    return ltc_fail(c, EMBER_ERR_INVALID, "wiring/%s: expected a %zu x %zu matrix", m->adj, m->rows, n);
  return EMBER_OK;
}

static ember_status load_family(ember_ltc *c, hid_t gp, const mfam *m, ltc_syn *s, double *buf)
{
  size_t n = c->n, be = block_rows(m->rows, n) * n;
  ember_status st = check_matrix_dims(c, gp, m, n);
  if (st)
    return st;
  ltc_edges e = {0};
  int rc = scan_edges(gp, m, n, buf, buf + be, buf + 2 * be, &e);
  if (!rc)
    rc = ltc_syn_from_edges(s, n, &e) ? -1 : 0;
  if (!rc)
    rc = fill_values(gp, m, s, n, buf);
  ltc_edges_free(&e);
  return rc ? ltc_fail(c, EMBER_ERR_IO, "cannot read the synapses of params/%s", m->w) : EMBER_OK;
}

/* The constraints ncps enforces (ReLU or softplus), checked on effective values. */
static ember_status validate(ember_ltc *c)
{
  const struct { const char *name; const double *v; size_t n; int strict; } t[] = {
    {"gleak", c->gleak, c->n, 0}, {"cm", c->cm, c->n, 1},
    {"w", c->syn.w, c->syn.nnz, 0}, {"sensory_w", c->sens.w, c->sens.nnz, 0},
  };
  for (size_t i = 0; i < sizeof t / sizeof *t; i++)
    for (size_t q = 0; q < t[i].n; q++)
      if (!(t[i].strict ? t[i].v[q] > 0 : t[i].v[q] >= 0))
        return ltc_fail(c, EMBER_ERR_INVALID, "params/%s holds %g: must be %s", t[i].name, t[i].v[q],
                        t[i].strict ? "> 0" : ">= 0");
  const double *all[] = {c->vleak, c->syn.sigma, c->syn.mu, c->syn.erev, c->sens.sigma, c->sens.mu,
                         c->sens.erev, c->input_w, c->input_b, c->output_w, c->output_b};
  size_t len[] = {c->n, c->syn.nnz, c->syn.nnz, c->syn.nnz, c->sens.nnz, c->sens.nnz, c->sens.nnz,
                  c->k, c->k, c->m, c->m};
  for (size_t i = 0; i < sizeof all / sizeof *all; i++)
    for (size_t q = 0; q < len[i]; q++)
      if (!isfinite(all[i][q]))
        return ltc_fail(c, EMBER_ERR_INVALID, "a parameter holds a non-finite value (%g)", all[i][q]);
  return EMBER_OK;
}

static ember_status load_sizes(ember_ltc *c, hid_t gp, size_t *n, size_t *k, size_t *m)
{
  hsize_t d[2];
  if (dims_of(gp, "gleak", d) != 1 || d[0] == 0 || d[0] > UINT32_MAX)
    return ltc_fail(c, EMBER_ERR_INVALID, "params/gleak: expected a vector of N >= 1 values");
  *n = d[0];
  if (dims_of(gp, "sensory_w", d) != 2 || d[1] != *n || d[0] == 0)
    return ltc_fail(c, EMBER_ERR_INVALID, "params/sensory_w: expected a K x %zu matrix", *n);
  *k = d[0];
  if (dims_of(gp, "output_w", d) != 1 || d[0] > *n)
    return ltc_fail(c, EMBER_ERR_INVALID, "params/output_w: expected a vector of M <= %zu values", *n);
  *m = d[0];
  return EMBER_OK;
}

static ember_status load_all(ember_ltc *c, hid_t gp, hid_t gw)
{
  size_t n = 0, k = 0, m = 0;
  ember_status st = load_sizes(c, gp, &n, &k, &m);
  if (!st)
    st = ltc_alloc(c, n, k, m);
  const char *vn[] = {"gleak", "vleak", "cm", "input_w", "input_b", "output_w", "output_b"};
  double *vv[] = {c->gleak, c->vleak, c->cm, c->input_w, c->input_b, c->output_w, c->output_b};
  size_t vs[] = {n, n, n, k, k, m, m};
  for (int i = 0; !st && i < 7; i++)
    st = read_vec(c, gp, vn[i], vv[i], vs[i]);
  if (st)
    return st;
  int has_adj = gw >= 0 && H5Lexists(gw, "adjacency_matrix", H5P_DEFAULT) > 0;
  int has_sadj = gw >= 0 && H5Lexists(gw, "sensory_adjacency_matrix", H5P_DEFAULT) > 0;
  mfam syn = {"w", "sigma", "mu", "erev", "adjacency_matrix", has_adj ? gw : -1, n};
  mfam sens = {"sensory_w", "sensory_sigma", "sensory_mu", "sensory_erev",
               "sensory_adjacency_matrix", has_sadj ? gw : -1, k};
  size_t big = block_rows(n > k ? n : k, n) * n * 3;
  double *buf = malloc(big * sizeof *buf);
  if (!buf)
    return ltc_fail(c, EMBER_ERR_NOMEM, "out of memory");
  st = load_family(c, gp, &syn, &c->syn, buf);
  if (!st)
    st = load_family(c, gp, &sens, &c->sens, buf);
  free(buf);
  for (size_t j = 0; j < n; j++)
    c->role[j] = j < m ? EMBER_LTC_MOTOR : EMBER_LTC_INTER;
  return st ? st : validate(c);
}

ember_status ember_ltc_load(ember_ltc *c, const char *path)
{
  ltc_clear(c);
  H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
  hid_t f = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
  if (f < 0)
    return ltc_fail(c, EMBER_ERR_IO, "cannot open '%s' as HDF5", path);
  hid_t gp = H5Lexists(f, "params", H5P_DEFAULT) > 0 ? H5Gopen2(f, "params", H5P_DEFAULT) : -1;
  hid_t gw = H5Lexists(f, "wiring", H5P_DEFAULT) > 0 ? H5Gopen2(f, "wiring", H5P_DEFAULT) : -1;
  ember_status st = gp < 0 ? ltc_fail(c, EMBER_ERR_INVALID, "'%s' has no params group", path)
                           : load_all(c, gp, gw);
  if (gw >= 0)
    H5Gclose(gw);
  if (gp >= 0)
    H5Gclose(gp);
  H5Fclose(f);
  if (!st)
    st = ltc_solver_setup(c);
  if (st) {
    char msg[sizeof c->err];
    snprintf(msg, sizeof msg, "%s", c->err);
    ltc_clear(c);
    ltc_fail(c, st, "%.250s: %.250s", path, msg);
  }
  return st;
}
