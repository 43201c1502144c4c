/* SONATA output: round trips through the writer and ember_output_*, the HDF5
 * layout checked with raw HDF5 calls, error paths, and a writer killed mid-run. */
#define _GNU_SOURCE
#include <ftw.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <hdf5.h>
#include "helpers.h"
#include "sonata.h"

static char g_tmp[256];   /* this run's temporary directory */

/* Makes g_tmp/<name> and writes its path into dir (512 bytes). */
static void subdir(const char *name, char *dir)
{
  snprintf(dir, 512, "%s/%s", g_tmp, name);
  assert_int_equal(mkdir(dir, 0777), 0);
}

static int setup_tmp(void **state)
{
  const char *base = getenv("TMPDIR");
  snprintf(g_tmp, sizeof g_tmp, "%s/ember_sonata_XXXXXX", base && *base ? base : "/tmp");
  return mkdtemp(g_tmp) ? 0 : -1;
}

static int rm_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
  return remove(path);
}

/* After each test: every HDF5 object the writer and reader opened is closed. */
static int no_open_hdf5(void **state)
{
  ssize_t n = H5Fget_obj_count(H5F_OBJ_ALL, H5F_OBJ_ALL);
  if (n != 0)
    fail_msg("%zd HDF5 objects left open", n);
  return 0;
}

static int teardown_tmp(void **state)
{
  return nftw(g_tmp, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

/* Spike times of population p that are irregular in every bit (not a grid), sorted. */
static void make_spikes(int p, size_t n, double *t, uint64_t *ids)
{
  for (size_t k = 0; k < n; k++) {
    t[k] = 0.1 * (double)k + 0.01 * p + 1e-9 * (double)(k % 7);
    ids[k] = ((uint64_t)k * 7919u) % 1000u + ((uint64_t)p << 40);   /* > 32 bits */
  }
}

/* A report value that differs for every frame k and node j of population p. */
static float report_value(int p, size_t k, size_t j)
{
  return (float)(sin(0.1 * (double)k + (double)j) * 70.0 - 65.0 + p);
}

static void fill_frames(int p, size_t first, size_t count, size_t n_nodes, float *buf)
{
  for (size_t k = 0; k < count; k++)
    for (size_t j = 0; j < n_nodes; j++)
      buf[k * n_nodes + j] = report_value(p, first + k, j);
}

/* ---------------------------------------------------------- round trips --- */

#define RT_SPIKES 70100   /* crosses 8 Ki chunk boundaries */

/* Spikes of 2 populations, appended in uneven batches, read back bit for bit. */
static void test_spikes_round_trip(void **state)
{
  char dir[512], path[600], msg[512];
  subdir("spikes_rt", dir);
  snprintf(path, sizeof path, "%s/spikes.h5", dir);
  const char *names[2] = {"exc", "inh"};
  sonata_file *f = NULL;
  assert_int_equal(sonata_spikes_create(path, 2, names, NULL, 0, &f, msg, sizeof msg), EMBER_OK);
  double *t = malloc(RT_SPIKES * sizeof *t);
  uint64_t *ids = malloc(RT_SPIKES * sizeof *ids);
  const size_t batches[] = {1, 0, 100, 65536, 4000, 463};   /* sums to RT_SPIKES */
  for (int p = 0; p < 2; p++) {
    size_t n = p ? 1000 : RT_SPIKES;
    make_spikes(p, n, t, ids);
    for (size_t b = 0, at = 0; b < 6 && at < n; at += batches[b++]) {
      size_t k = batches[b] < n - at ? batches[b] : n - at;
      assert_int_equal(sonata_spikes_append(f, (size_t)p, t + at, ids + at, k), EMBER_OK);
      if (b % 2)
        assert_int_equal(sonata_flush(f), EMBER_OK);
    }
  }
  assert_int_equal(sonata_close(f), EMBER_OK);

  ember_output *o = NULL;
  assert_int_equal(ember_output_open(dir, &o, msg, sizeof msg), EMBER_OK);
  assert_int_equal(ember_output_spike_pop_count(o), 2);
  assert_int_equal(ember_output_report_count(o), 0);
  for (int p = 0; p < 2; p++) {
    size_t n = p ? 1000 : RT_SPIKES, got = 0;
    assert_string_equal(ember_output_spike_pop_name(o, (size_t)p), names[p]);
    assert_int_equal(ember_output_spike_count(o, (size_t)p), n);
    double *rt;
    uint64_t *rid;
    assert_int_equal(ember_output_read_spikes(o, (size_t)p, &rt, &rid, &got), EMBER_OK);
    assert_int_equal(got, n);
    make_spikes(p, n, t, ids);
    assert_memory_equal(rt, t, n * sizeof *t);
    assert_memory_equal(rid, ids, n * sizeof *ids);
    free(rt);
    free(rid);
  }
  assert_null(ember_output_spike_pop_name(o, 2));
  ember_output_free(o);
  free(t);
  free(ids);
}

static const uint64_t exc_ids[5] = {0, 2, 4, 6, 8};
static const uint64_t inh_ids[3] = {100, 101, (uint64_t)1 << 50};

/* Creates dir/<var>.h5 with populations exc (5 nodes, from 10 ms every 0.25 ms)
 * and inh (3 nodes, from 0.5 ms every 1 ms), units mV. No cmocka calls: the
 * crash test's child uses it too. */
static ember_status create_two_pop(const char *dir, const char *var, const sonata_attr *prov,
                                   size_t n_prov, sonata_file **f, char *msg)
{
  char path[600];
  snprintf(path, sizeof path, "%s/%s.h5", dir, var);
  sonata_report_pop pops[2] = {{"exc", 5, exc_ids, 10.0, 0.25, 0, NULL, NULL, NULL}, {"inh", 3, inh_ids, 0.5, 1.0, 0, NULL, NULL, NULL}};
  return sonata_report_create(path, "mV", 2, pops, prov, n_prov, f, msg, 512);
}

/* create_two_pop, failing the test on error. */
static sonata_file *two_pop_report(const char *dir, const char *var, const sonata_attr *prov,
                                   size_t n_prov)
{
  char msg[512];
  sonata_file *f = NULL;
  if (create_two_pop(dir, var, prov, n_prov, &f, msg))
    fail_msg("sonata_report_create: %s", msg);
  return f;
}

/* Appends `total` frames to population p in batches of 1, 7, 40, ... */
static void append_frames(sonata_file *f, int p, size_t n_nodes, size_t total)
{
  float buf[64 * 8];
  const size_t batches[] = {1, 7, 40, 64};
  for (size_t b = 0, at = 0; at < total; b = (b + 1) % 4) {
    size_t k = batches[b] < total - at ? batches[b] : total - at;
    fill_frames(p, at, k, n_nodes, buf);
    assert_int_equal(sonata_report_append(f, (size_t)p, buf, k), EMBER_OK);
    at += k;
  }
}

/* Checks report i of o against what append_frames wrote. */
static void check_report(const ember_output *o, size_t i, const char *pop, size_t n_nodes,
                         const uint64_t *ids, double t0, double dt, size_t frames)
{
  ember_report_info info;
  assert_int_equal(ember_output_report_info(o, i, &info), EMBER_OK);
  assert_string_equal(info.variable, "v");
  assert_string_equal(info.population, pop);
  assert_string_equal(info.units, "mV");
  assert_int_equal(info.n_nodes, n_nodes);
  assert_int_equal(info.n_frames, frames);
  assert_true(info.t_start == t0 && info.dt == dt);
  assert_true(info.t_stop == t0 + (double)frames * dt);
  float *data = malloc(frames * n_nodes * sizeof *data), *want = malloc(frames * n_nodes * sizeof *want);
  uint64_t got_ids[8];
  assert_int_equal(ember_output_read_report(o, i, 0, frames, data, got_ids), EMBER_OK);
  fill_frames(pop[0] == 'i', 0, frames, n_nodes, want);
  assert_memory_equal(data, want, frames * n_nodes * sizeof *data);
  assert_memory_equal(got_ids, ids, n_nodes * sizeof *ids);
  /* A window in the middle, and one past the end. */
  assert_int_equal(ember_output_read_report(o, i, 3, 10, data, NULL), EMBER_OK);
  assert_memory_equal(data, want + 3 * n_nodes, 10 * n_nodes * sizeof *data);
  assert_int_equal(ember_output_read_report(o, i, frames - 1, 2, data, NULL), EMBER_ERR_INVALID);
  free(data);
  free(want);
}

/* A report of two populations: values, node ids, time mapping and units. */
static void test_report_round_trip(void **state)
{
  char dir[512], msg[512];
  subdir("report_rt", dir);
  sonata_file *f = two_pop_report(dir, "v", NULL, 0);
  append_frames(f, 0, 5, 100);
  assert_int_equal(sonata_flush(f), EMBER_OK);
  append_frames(f, 1, 3, 48);
  assert_int_equal(sonata_close(f), EMBER_OK);

  ember_output *o = NULL;
  assert_int_equal(ember_output_open(dir, &o, msg, sizeof msg), EMBER_OK);
  assert_int_equal(ember_output_spike_pop_count(o), 0);
  assert_int_equal(ember_output_report_count(o), 2);
  check_report(o, 0, "exc", 5, exc_ids, 10.0, 0.25, 100);
  check_report(o, 1, "inh", 3, inh_ids, 0.5, 1.0, 48);
  ember_report_info info;
  assert_int_equal(ember_output_report_info(o, 2, &info), EMBER_ERR_INVALID);
  ember_output_free(o);
}

/* -------------------------------------------------------------- layout --- */

/* Checks that string attribute `name` of obj is a scalar variable-length UTF-8 `want`. */
static void assert_vlen_attr(hid_t obj, const char *name, const char *want)
{
  hid_t a = H5Aopen(obj, name, H5P_DEFAULT);
  assert_true(a >= 0);
  hid_t t = H5Aget_type(a), s = H5Aget_space(a);
  assert_int_equal(H5Tget_class(t), H5T_STRING);
  assert_true(H5Tis_variable_str(t) > 0);
  assert_int_equal(H5Tget_cset(t), H5T_CSET_UTF8);
  assert_int_equal(H5Sget_simple_extent_type(s), H5S_SCALAR);
  char *v = NULL;
  assert_true(H5Aread(a, t, &v) >= 0);
  assert_string_equal(v, want);
  H5free_memory(v);
  H5Sclose(s);
  H5Tclose(t);
  H5Aclose(a);
}

/* Checks dataset `name` of loc: its file type equals `type` and it is 1-D of length n
 * (any length when n is (hsize_t)-1). */
static void assert_dataset(hid_t loc, const char *name, hid_t type, hsize_t n)
{
  hid_t d = H5Dopen2(loc, name, H5P_DEFAULT);
  if (d < 0)
    fail_msg("no dataset %s", name);
  hid_t t = H5Dget_type(d), s = H5Dget_space(d);
  if (H5Tequal(t, type) <= 0)
    fail_msg("dataset %s has the wrong type", name);
  hsize_t dims[2] = {0, 0};
  assert_int_equal(H5Sget_simple_extent_ndims(s), 1);
  H5Sget_simple_extent_dims(s, dims, NULL);
  if (n != (hsize_t)-1)
    assert_int_equal(dims[0], n);
  H5Sclose(s);
  H5Tclose(t);
  H5Dclose(d);
}

/* Root magic 0x0A7A (uint32) and version {0, 1} (uint32[2]). */
static void assert_magic_version(hid_t file)
{
  uint32_t magic = 0, version[2] = {9, 9};
  hid_t a = H5Aopen(file, "magic", H5P_DEFAULT), t = H5Aget_type(a);
  assert_true(H5Tequal(t, H5T_STD_U32LE) > 0);
  assert_true(H5Aread(a, H5T_NATIVE_UINT32, &magic) >= 0);
  assert_int_equal(magic, 0x0A7A);
  H5Tclose(t);
  H5Aclose(a);
  a = H5Aopen(file, "version", H5P_DEFAULT);
  t = H5Aget_type(a);
  hid_t s = H5Aget_space(a);
  assert_true(H5Tequal(t, H5T_STD_U32LE) > 0);
  assert_int_equal(H5Sget_simple_extent_npoints(s), 2);
  assert_true(H5Aread(a, H5T_NATIVE_UINT32, version) >= 0);
  assert_true(version[0] == 0 && version[1] == 1);
  H5Sclose(s);
  H5Tclose(t);
  H5Aclose(a);
}

/* `sorting` is an enum over uint8 {none=0, by_id=1, by_time=2} with value by_time. */
static void assert_sorting(hid_t group)
{
  hid_t a = H5Aopen(group, "sorting", H5P_DEFAULT), t = H5Aget_type(a);
  assert_int_equal(H5Tget_class(t), H5T_ENUM);
  hid_t base = H5Tget_super(t);
  assert_true(H5Tequal(base, H5T_STD_U8LE) > 0);
  assert_int_equal(H5Tget_nmembers(t), 3);
  const char *names[3] = {"none", "by_id", "by_time"};
  for (uint8_t v = 0; v < 3; v++) {
    char name[16];
    assert_true(H5Tenum_nameof(t, &v, name, sizeof name) >= 0);
    assert_string_equal(name, names[v]);
  }
  uint8_t value = 0;
  assert_true(H5Aread(a, H5T_NATIVE_UINT8, &value) >= 0);
  assert_int_equal(value, 2);
  H5Tclose(base);
  H5Tclose(t);
  H5Aclose(a);
}

/* Chunked with an unlimited first dimension; chunk dims into chunk. */
static void assert_appendable(hid_t loc, const char *name, int rank, hsize_t *chunk)
{
  hid_t d = H5Dopen2(loc, name, H5P_DEFAULT), p = H5Dget_create_plist(d), s = H5Dget_space(d);
  hsize_t maxdims[2];
  assert_int_equal(H5Pget_layout(p), H5D_CHUNKED);
  assert_int_equal(H5Pget_chunk(p, rank, chunk), rank);
  H5Sget_simple_extent_dims(s, NULL, maxdims);
  assert_true(maxdims[0] == H5S_UNLIMITED);
  if (H5Zfilter_avail(H5Z_FILTER_DEFLATE) > 0)
    assert_true(H5Pget_nfilters(p) >= 1);
  H5Sclose(s);
  H5Pclose(p);
  H5Dclose(d);
}

/* spikes.h5 checked with raw HDF5: root attributes, sorting enum, dtypes, units,
 * chunking, and the populations listed in creation order. */
static void test_spikes_layout(void **state)
{
  char dir[512], path[600], msg[512];
  subdir("spikes_layout", dir);
  snprintf(path, sizeof path, "%s/spikes.h5", dir);
  const char *names[2] = {"zeta", "alpha"};   /* not alphabetical */
  sonata_file *f = NULL;
  assert_int_equal(sonata_spikes_create(path, 2, names, NULL, 0, &f, msg, sizeof msg), EMBER_OK);
  assert_int_equal(sonata_close(f), EMBER_OK);

  hid_t file = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
  assert_true(file >= 0);
  assert_magic_version(file);
  for (int p = 0; p < 2; p++) {
    char gpath[64];
    hsize_t chunk;
    snprintf(gpath, sizeof gpath, "/spikes/%s", names[p]);
    hid_t g = H5Gopen2(file, gpath, H5P_DEFAULT);
    assert_sorting(g);
    assert_dataset(g, "timestamps", H5T_IEEE_F64LE, 0);
    assert_dataset(g, "node_ids", H5T_STD_U64LE, 0);
    hid_t d = H5Dopen2(g, "timestamps", H5P_DEFAULT);
    assert_vlen_attr(d, "units", "ms");
    H5Dclose(d);
    assert_appendable(g, "timestamps", 1, &chunk);
    assert_int_equal(chunk, 8192);
    H5Gclose(g);
  }
  H5Fclose(file);
  ember_output *o = NULL;
  assert_int_equal(ember_output_open(dir, &o, msg, sizeof msg), EMBER_OK);
  assert_string_equal(ember_output_spike_pop_name(o, 0), "zeta");
  assert_string_equal(ember_output_spike_pop_name(o, 1), "alpha");
  ember_output_free(o);
}

/* True if two links in loc are hard links to the same object. */
static int same_object(hid_t loc, const char *a, const char *b)
{
  H5L_info_t ia, ib;
  if (H5Lget_info(loc, a, &ia, H5P_DEFAULT) < 0 || H5Lget_info(loc, b, &ib, H5P_DEFAULT) < 0)
    return 0;
  if (ia.type != H5L_TYPE_HARD || ib.type != H5L_TYPE_HARD)
    return 0;
#if H5_VERSION_GE(1, 12, 0)
  int cmp = 1;
  return H5Otoken_cmp(loc, &ia.u.token, &ib.u.token, &cmp) >= 0 && cmp == 0;
#else
  return ia.u.address == ib.u.address;
#endif
}

/* Reads all of 1-D dataset `name` of loc as mtype. */
static void read_all(hid_t loc, const char *name, hid_t mtype, void *buf)
{
  hid_t d = H5Dopen2(loc, name, H5P_DEFAULT);
  assert_true(d >= 0);
  assert_true(H5Dread(d, mtype, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf) >= 0);
  H5Dclose(d);
}

/* mapping/ of /report/exc after 100 frames: node ids, index pointers 0..N (N + 1
 * values), the BMTK hard link, zero element ids, time [start, stop, dt] in ms. */
static void check_mapping(hid_t m)
{
  uint64_t u64[6];
  uint32_t u32[5] = {9, 9, 9, 9, 9};
  double time[3];
  assert_dataset(m, "node_ids", H5T_STD_U64LE, 5);
  read_all(m, "node_ids", H5T_NATIVE_UINT64, u64);
  assert_memory_equal(u64, exc_ids, sizeof exc_ids);
  assert_dataset(m, "index_pointers", H5T_STD_U64LE, 6);
  read_all(m, "index_pointers", H5T_NATIVE_UINT64, u64);
  for (uint64_t k = 0; k < 6; k++)
    assert_int_equal(u64[k], k);
  assert_true(same_object(m, "index_pointers", "index_pointer"));
  assert_dataset(m, "element_ids", H5T_STD_U32LE, 5);
  read_all(m, "element_ids", H5T_NATIVE_UINT32, u32);
  for (int k = 0; k < 5; k++)
    assert_int_equal(u32[k], 0);
  assert_dataset(m, "time", H5T_IEEE_F64LE, 3);
  read_all(m, "time", H5T_NATIVE_DOUBLE, time);
  assert_true(time[0] == 10.0 && time[1] == 10.0 + 100 * 0.25 && time[2] == 0.25);
  hid_t d = H5Dopen2(m, "time", H5P_DEFAULT);
  assert_vlen_attr(d, "units", "ms");
  H5Dclose(d);
}

/* A report file checked with raw HDF5: data dtype, shape, chunks, units, mapping. */
static void test_report_layout(void **state)
{
  char dir[512], path[600];
  subdir("report_layout", dir);
  sonata_file *f = two_pop_report(dir, "v", NULL, 0);
  append_frames(f, 0, 5, 100);
  assert_int_equal(sonata_close(f), EMBER_OK);

  snprintf(path, sizeof path, "%s/v.h5", dir);
  hid_t file = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
  assert_true(file >= 0);
  assert_magic_version(file);
  hid_t g = H5Gopen2(file, "/report/exc", H5P_DEFAULT);
  hid_t d = H5Dopen2(g, "data", H5P_DEFAULT), t = H5Dget_type(d), s = H5Dget_space(d);
  hsize_t dims[2], chunk[2];
  assert_true(H5Tequal(t, H5T_IEEE_F32LE) > 0);
  assert_int_equal(H5Sget_simple_extent_ndims(s), 2);
  H5Sget_simple_extent_dims(s, dims, NULL);
  assert_true(dims[0] == 100 && dims[1] == 5);
  assert_vlen_attr(d, "units", "mV");
  H5Sclose(s);
  H5Tclose(t);
  H5Dclose(d);
  assert_appendable(g, "data", 2, chunk);
  assert_true(chunk[0] == 65536 / 5 && chunk[1] == 5);
  hid_t m = H5Gopen2(g, "mapping", H5P_DEFAULT);
  check_mapping(m);
  H5Gclose(m);
  H5Gclose(g);
  H5Fclose(file);
}

#define BIG_N 100000   /* more neurons than one chunk row holds */

/* A report of many neurons: chunks cut in columns (<= 1 MiB), index pointers
 * written in several blocks, frames read back. */
static void test_report_many_nodes(void **state)
{
  char dir[512], path[600], msg[512];
  subdir("report_big", dir);
  snprintf(path, sizeof path, "%s/v.h5", dir);
  uint64_t *ids = malloc(BIG_N * sizeof *ids);
  float *frames = malloc(2 * BIG_N * sizeof *frames), *back = malloc(2 * BIG_N * sizeof *back);
  for (size_t j = 0; j < BIG_N; j++)
    ids[j] = BIG_N - j;
  fill_frames(0, 0, 2, BIG_N, frames);
  sonata_report_pop pop = {"big", BIG_N, ids, 0.0, 0.1, 0, NULL, NULL, NULL};
  sonata_file *f = NULL;
  assert_int_equal(sonata_report_create(path, "mV", 1, &pop, NULL, 0, &f, msg, sizeof msg), EMBER_OK);
  assert_int_equal(sonata_report_append(f, 0, frames, 2), EMBER_OK);
  assert_int_equal(sonata_close(f), EMBER_OK);

  hid_t file = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
  hid_t g = H5Gopen2(file, "/report/big", H5P_DEFAULT);
  hsize_t chunk[2];
  assert_appendable(g, "data", 2, chunk);
  assert_true(chunk[0] * chunk[1] * sizeof(float) <= 1024 * 1024 && chunk[1] < BIG_N);
  uint64_t *ip = malloc((BIG_N + 1) * sizeof *ip);
  assert_dataset(g, "mapping/index_pointers", H5T_STD_U64LE, BIG_N + 1);
  read_all(g, "mapping/index_pointers", H5T_NATIVE_UINT64, ip);
  for (uint64_t k = 0; k <= BIG_N; k++)
    if (ip[k] != k)
      fail_msg("index_pointers[%llu] = %llu", (unsigned long long)k, (unsigned long long)ip[k]);
  H5Gclose(g);
  H5Fclose(file);

  ember_output *o = NULL;
  assert_int_equal(ember_output_open(dir, &o, msg, sizeof msg), EMBER_OK);
  assert_int_equal(ember_output_read_report(o, 0, 0, 2, back, ip), EMBER_OK);
  assert_memory_equal(back, frames, 2 * BIG_N * sizeof *back);
  assert_memory_equal(ip, ids, BIG_N * sizeof *ids);
  ember_output_free(o);
  free(ip);
  free(ids);
  free(frames);
  free(back);
}

/* ---------------------------------------------------------- provenance --- */

/* Root string attributes come back through ember_output_attr: spikes.h5 first,
 * then the first report file; non-strings (magic) and absent keys give NULL. */
static void test_provenance(void **state)
{
  char dir[512], path[600], msg[512];
  subdir("provenance", dir);
  snprintf(path, sizeof path, "%s/spikes.h5", dir);
  const sonata_attr sp[2] = {{"ember_version", "0.1.0"}, {"note", "µS, ünïcode; \"quoted\""}};
  const sonata_attr rp[2] = {{"ember_version", "not this one"}, {"only_in_report", "yes"}};
  const char *names[1] = {"p"};
  sonata_file *f = NULL;
  assert_int_equal(sonata_spikes_create(path, 1, names, sp, 2, &f, msg, sizeof msg), EMBER_OK);
  assert_int_equal(sonata_close(f), EMBER_OK);
  assert_int_equal(sonata_close(two_pop_report(dir, "v", rp, 2)), EMBER_OK);

  hid_t file = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
  assert_vlen_attr(file, "ember_version", "0.1.0");
  H5Fclose(file);
  ember_output *o = NULL;
  assert_int_equal(ember_output_open(dir, &o, msg, sizeof msg), EMBER_OK);
  assert_string_equal(ember_output_attr(o, "ember_version"), "0.1.0");
  assert_string_equal(ember_output_attr(o, "note"), sp[1].value);
  assert_string_equal(ember_output_attr(o, "only_in_report"), "yes");
  assert_null(ember_output_attr(o, "magic"));
  assert_null(ember_output_attr(o, "absent"));
  ember_output_free(o);
}

/* ---------------------------------------------------------- error paths --- */

/* Creating in a missing directory fails with EMBER_ERR_IO and names the path. */
static void test_create_missing_dir(void **state)
{
  char path[600], msg[512] = "";
  snprintf(path, sizeof path, "%s/no/such/dir/spikes.h5", g_tmp);
  const char *names[1] = {"p"};
  sonata_file *f = (sonata_file *)&f;
  assert_int_equal(sonata_spikes_create(path, 1, names, NULL, 0, &f, msg, sizeof msg), EMBER_ERR_IO);
  assert_null(f);
  if (!strstr(msg, path))
    fail_msg("message does not name the path: %s", msg);
  sonata_report_pop pop = {"p", 5, exc_ids, 0, 1, 0, NULL, NULL, NULL};
  msg[0] = '\0';
  assert_int_equal(sonata_report_create(path, "mV", 1, &pop, NULL, 0, &f, msg, sizeof msg), EMBER_ERR_IO);
  assert_non_null(strstr(msg, path));
  assert_null(f);
}

/* Bad arguments are EMBER_ERR_INVALID with a message, and leave the file usable;
 * a duplicate provenance key is an HDF5 failure whose message says why. */
static void test_invalid_arguments(void **state)
{
  char dir[512], path[600], msg[512];
  subdir("invalid", dir);
  snprintf(path, sizeof path, "%s/spikes.h5", dir);
  const char *bad[1] = {"a/b"};
  sonata_file *f = NULL;
  assert_int_equal(sonata_spikes_create(path, 1, bad, NULL, 0, &f, msg, sizeof msg), EMBER_ERR_INVALID);
  assert_non_null(strstr(msg, "a/b"));
  sonata_report_pop pop = {"p", 5, exc_ids, 0, 0.0, 0, NULL, NULL, NULL};   /* dt = 0 */
  assert_int_equal(sonata_report_create(path, "mV", 1, &pop, NULL, 0, &f, msg, sizeof msg), EMBER_ERR_INVALID);
  assert_non_null(strstr(msg, "dt"));

  /* An HDF5 failure inside a helper still reports HDF5's reason. */
  const char *names[1] = {"p"};
  const sonata_attr twice[2] = {{"key", "1"}, {"key", "2"}};
  assert_int_equal(sonata_spikes_create(path, 1, names, twice, 2, &f, msg, sizeof msg), EMBER_ERR_IO);
  if (!strstr(msg, "'key'") || !strstr(msg, "already exists"))
    fail_msg("unexpected message: %s", msg);

  double t[3] = {1.0, 2.0, 1.5};
  uint64_t ids[3] = {0, 1, 2};
  float frame[5] = {0};
  assert_int_equal(sonata_spikes_create(path, 1, names, NULL, 0, &f, msg, sizeof msg), EMBER_OK);
  assert_int_equal(sonata_spikes_append(f, 1, t, ids, 1), EMBER_ERR_INVALID);
  assert_non_null(strstr(sonata_error(f), "out of range"));
  assert_int_equal(sonata_spikes_append(f, 0, t, ids, 3), EMBER_ERR_INVALID);   /* 1.5 after 2 */
  assert_non_null(strstr(sonata_error(f), "order"));
  assert_int_equal(sonata_report_append(f, 0, frame, 1), EMBER_ERR_INVALID);
  assert_int_equal(sonata_spikes_append(f, 0, t, ids, 2), EMBER_OK);
  assert_int_equal(sonata_spikes_append(f, 0, t, ids, 1), EMBER_ERR_INVALID);   /* 1 after 2 */
  assert_int_equal(sonata_close(f), EMBER_OK);
  assert_int_equal(sonata_close(NULL), EMBER_OK);
}

/* Opening a missing directory fails, names it, and leaves *out NULL. */
static void test_open_missing_dir(void **state)
{
  char dir[600], msg[512] = "";
  snprintf(dir, sizeof dir, "%s/absent", g_tmp);
  ember_output *o = (ember_output *)&o;
  assert_int_not_equal(ember_output_open(dir, &o, msg, sizeof msg), EMBER_OK);
  assert_null(o);
  assert_non_null(strstr(msg, dir));
  ember_output_free(NULL);
}

/* A directory without SONATA output opens empty (other files, and HDF5 files
 * without /report such as a network export, are ignored); a .h5 that is not HDF5
 * is an error naming the file. */
static void test_open_other_files(void **state)
{
  char dir[512], path[600], msg[512];
  subdir("others", dir);
  snprintf(path, sizeof path, "%s/notes.txt", dir);
  FILE *fp = fopen(path, "w");
  fputs("not data\n", fp);
  fclose(fp);
  snprintf(path, sizeof path, "%s/network.h5", dir);
  hid_t file = H5Fcreate(path, H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
  H5Gclose(H5Gcreate2(file, "nodes", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT));
  H5Fclose(file);
  ember_output *o = NULL;
  assert_int_equal(ember_output_open(dir, &o, msg, sizeof msg), EMBER_OK);
  assert_int_equal(ember_output_spike_pop_count(o) + ember_output_report_count(o), 0);
  assert_null(ember_output_attr(o, "magic"));
  ember_output_free(o);
  snprintf(path, sizeof path, "%s/fake.h5", dir);
  fp = fopen(path, "w");
  fputs("not HDF5\n", fp);
  fclose(fp);
  assert_int_equal(ember_output_open(dir, &o, msg, sizeof msg), EMBER_ERR_IO);
  assert_non_null(strstr(msg, path));
}

/* A spikes file written by another tool: the default (old) file format, which
 * SWMR reading refuses, contiguous datasets and fixed-length strings. */
static void test_foreign_file(void **state)
{
  char dir[512], path[600], msg[512];
  subdir("foreign", dir);
  snprintf(path, sizeof path, "%s/spikes.h5", dir);
  hid_t file = H5Fcreate(path, H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
  hid_t lcpl = H5Pcreate(H5P_LINK_CREATE);
  H5Pset_create_intermediate_group(lcpl, 1);
  double t[2] = {0.5, 1.25};
  uint64_t ids[2] = {3, 4};
  hsize_t n = 2;
  hid_t s = H5Screate_simple(1, &n, NULL);
  hid_t d = H5Dcreate2(file, "/spikes/old/timestamps", H5T_IEEE_F64LE, s, lcpl, H5P_DEFAULT, H5P_DEFAULT);
  H5Dwrite(d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, t);
  H5Dclose(d);
  d = H5Dcreate2(file, "/spikes/old/node_ids", H5T_STD_U64LE, s, lcpl, H5P_DEFAULT, H5P_DEFAULT);
  H5Dwrite(d, H5T_NATIVE_UINT64, H5S_ALL, H5S_ALL, H5P_DEFAULT, ids);
  H5Dclose(d);
  H5Sclose(s);
  hid_t st = H5Tcopy(H5T_C_S1), sc = H5Screate(H5S_SCALAR);
  H5Tset_size(st, 5);   /* "1.2.3" without a terminator */
  hid_t a = H5Acreate2(file, "version_of_tool", st, sc, H5P_DEFAULT, H5P_DEFAULT);
  H5Awrite(a, st, "1.2.3");
  H5Aclose(a);
  H5Sclose(sc);
  H5Tclose(st);
  H5Pclose(lcpl);
  H5Fclose(file);

  ember_output *o = NULL;
  double *rt;
  uint64_t *rid;
  size_t got;
  assert_int_equal(ember_output_open(dir, &o, msg, sizeof msg), EMBER_OK);
  assert_string_equal(ember_output_attr(o, "version_of_tool"), "1.2.3");
  assert_int_equal(ember_output_read_spikes(o, 0, &rt, &rid, &got), EMBER_OK);
  assert_int_equal(got, 2);
  assert_memory_equal(rt, t, sizeof t);
  assert_memory_equal(rid, ids, sizeof ids);
  free(rt);
  free(rid);
  ember_output_free(o);
}

/* ---------------------------------------------------------------- crash --- */

#define CRASH_FLUSHED 1000        /* spikes written and flushed */
#define CRASH_MORE 200000         /* spikes written after the last flush */
#define CRASH_FRAMES 10           /* report frames flushed */

/* The child's part: writes, flushes, lets the parent read while the files are
 * open, writes more without flushing, and dies by SIGKILL. Plain checks only (no
 * cmocka in the child): an exit code says which step failed. */
static void crash_child(const char *dir, int ready_fd, int go_fd)
{
  char path[600], msg[512];
  const char *names[1] = {"p"};
  double *t = malloc((CRASH_FLUSHED + CRASH_MORE) * sizeof *t);
  uint64_t *ids = malloc((CRASH_FLUSHED + CRASH_MORE) * sizeof *ids);
  float frames[2 * CRASH_FRAMES * 5];
  sonata_file *sf = NULL;
  make_spikes(0, CRASH_FLUSHED + CRASH_MORE, t, ids);
  fill_frames(0, 0, 2 * CRASH_FRAMES, 5, frames);
  snprintf(path, sizeof path, "%s/spikes.h5", dir);
  sonata_file *rf = NULL;
  if (sonata_spikes_create(path, 1, names, NULL, 0, &sf, msg, sizeof msg)
      || create_two_pop(dir, "v", NULL, 0, &rf, msg))
    _exit(10);
  if (sonata_spikes_append(sf, 0, t, ids, CRASH_FLUSHED) || sonata_flush(sf))
    _exit(11);
  if (sonata_report_append(rf, 0, frames, CRASH_FRAMES) || sonata_flush(rf))
    _exit(12);
  char c = 'r';
  if (write(ready_fd, &c, 1) != 1 || read(go_fd, &c, 1) != 1)
    _exit(13);
  if (sonata_spikes_append(sf, 0, t + CRASH_FLUSHED, ids + CRASH_FLUSHED, CRASH_MORE)
      || sonata_report_append(rf, 0, frames + CRASH_FRAMES * 5, CRASH_FRAMES))
    _exit(14);
  kill(getpid(), SIGKILL);
  _exit(15);
}

/* What a reader sees of the crash test's files: at least everything flushed,
 * identical to what was written. */
static void check_crash_files(const char *dir)
{
  char msg[512];
  ember_output *o = NULL;
  if (ember_output_open(dir, &o, msg, sizeof msg))
    fail_msg("ember_output_open: %s", msg);
  double *t = malloc((CRASH_FLUSHED + CRASH_MORE) * sizeof *t), *rt;
  uint64_t *ids = malloc((CRASH_FLUSHED + CRASH_MORE) * sizeof *ids), *rid;
  size_t got;
  make_spikes(0, CRASH_FLUSHED + CRASH_MORE, t, ids);
  assert_int_equal(ember_output_read_spikes(o, 0, &rt, &rid, &got), EMBER_OK);
  assert_true(got >= CRASH_FLUSHED && got <= CRASH_FLUSHED + CRASH_MORE);
  assert_memory_equal(rt, t, CRASH_FLUSHED * sizeof *t);
  assert_memory_equal(rid, ids, CRASH_FLUSHED * sizeof *ids);
  ember_report_info info;
  float data[2 * CRASH_FRAMES * 5], want[CRASH_FRAMES * 5];
  assert_int_equal(ember_output_report_info(o, 0, &info), EMBER_OK);
  assert_true(info.n_frames >= CRASH_FRAMES && info.n_frames <= 2 * CRASH_FRAMES);
  assert_true(info.t_stop == info.t_start + (double)info.n_frames * info.dt);
  assert_int_equal(ember_output_read_report(o, 0, 0, CRASH_FRAMES, data, NULL), EMBER_OK);
  fill_frames(0, 0, CRASH_FRAMES, 5, want);
  assert_memory_equal(data, want, sizeof want);
  free(rt);
  free(rid);
  free(t);
  free(ids);
  ember_output_free(o);
}

/* A writer killed by SIGKILL: while it runs, and after, a reader opens its files
 * and sees at least everything flushed. */
static void test_killed_writer(void **state)
{
  char dir[512];
  int ready[2], go[2], status = 0;
  subdir("crash", dir);
  assert_int_equal(pipe(ready), 0);
  assert_int_equal(pipe(go), 0);
  fflush(NULL);   /* the child must not write the parent's buffered output again */
  pid_t pid = fork();
  assert_true(pid >= 0);
  if (pid == 0)
    crash_child(dir, ready[1], go[0]);
  char c;
  if (read(ready[0], &c, 1) != 1) {
    waitpid(pid, &status, 0);
    fail_msg("the writer died before its first flush (exit %d)", WEXITSTATUS(status));
  }
  check_crash_files(dir);   /* the writer is alive, in SWMR mode */
  assert_int_equal(write(go[1], &c, 1), 1);
  assert_int_equal(waitpid(pid, &status, 0), pid);
  if (!WIFSIGNALED(status) || WTERMSIG(status) != SIGKILL)
    fail_msg("the writer was not killed as planned (status %d)", status);
  check_crash_files(dir);   /* the writer is dead; its SWMR flag is still set */
  close(ready[0]);
  close(ready[1]);
  close(go[0]);
  close(go[1]);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_teardown(test_spikes_round_trip, no_open_hdf5),
      cmocka_unit_test_teardown(test_report_round_trip, no_open_hdf5),
      cmocka_unit_test_teardown(test_spikes_layout, no_open_hdf5),
      cmocka_unit_test_teardown(test_report_layout, no_open_hdf5),
      cmocka_unit_test_teardown(test_report_many_nodes, no_open_hdf5),
      cmocka_unit_test_teardown(test_provenance, no_open_hdf5),
      cmocka_unit_test_teardown(test_create_missing_dir, no_open_hdf5),
      cmocka_unit_test_teardown(test_invalid_arguments, no_open_hdf5),
      cmocka_unit_test_teardown(test_open_missing_dir, no_open_hdf5),
      cmocka_unit_test_teardown(test_open_other_files, no_open_hdf5),
      cmocka_unit_test_teardown(test_foreign_file, no_open_hdf5),
      cmocka_unit_test_teardown(test_killed_writer, no_open_hdf5),
  };
  return cmocka_run_group_tests(tests, setup_tmp, teardown_tmp);
}
