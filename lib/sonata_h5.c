/* Low-level HDF5 writing helpers of the SONATA writer (sonata_write.c): attributes
 * (strings, uint32, the SONATA sorting enum) and datasets (appendable chunked ones,
 * fixed ones, ranges, index sequences, ordered groups). They take HDF5 handles only,
 * never a sonata_file, so the file-level code and its error messages stay in
 * sonata_write.c. */
#include <stdint.h>
#include <string.h>
#include <hdf5.h>
#include "sonata_h5.h"

#define DEFLATE_LEVEL 1           /* zlib's fast matcher: every flush recompresses the last,
                                   * partly filled chunk of each dataset, and level 4 cost 2.4x
                                   * the instructions for files of the same size (COBA spikes) */
#define IOTA_BLOCK 4096           /* index_pointers are written in blocks of this many */
#define ZERO_BLOCK (1 << 19)      /* bytes of zeros per write of a zero column */

/* ------------------------------------------------------------ error stack --- */

/* HDF5 clears its error stack at the start of every API call, so a helper that
 * closes objects after a failure saves the stack first (when r < 0) and puts it
 * back last: h5fail then still finds the reason. */
hid_t h5w_stack_save(herr_t r)
{
  return r < 0 ? H5Eget_current_stack() : H5I_INVALID_HID;
}

void h5w_stack_restore(hid_t es)
{
  if (es >= 0)
    H5Eset_current_stack(es);   /* also releases es */
}

/* ------------------------------------------------------------- attributes --- */

/* Creates attribute `name` on obj with file type ft over space sp, writes buf
 * (memory type mt), then closes the attribute and sp, and ft too when close_ft
 * (a type the caller built, not a predefined one), whatever happens. ft or sp may
 * be invalid: then nothing is created and -1 is returned. */
herr_t h5w_attr_write(hid_t obj, const char *name, hid_t ft, hid_t mt, hid_t sp,
                      const void *buf, int close_ft)
{
  hid_t a = (ft < 0 || sp < 0) ? H5I_INVALID_HID
                               : H5Acreate2(obj, name, ft, sp, H5P_DEFAULT, H5P_DEFAULT);
  herr_t r = a < 0 ? -1 : H5Awrite(a, mt, buf);
  hid_t es = h5w_stack_save(r);
  if (a >= 0)
    H5Aclose(a);
  if (sp >= 0)
    H5Sclose(sp);
  if (close_ft && ft >= 0)
    H5Tclose(ft);
  h5w_stack_restore(es);
  return r;
}

/* Writes a scalar variable-length UTF-8 string attribute (h5py reads a str). */
herr_t h5w_attr_str(hid_t obj, const char *name, const char *value)
{
  hid_t t = H5Tcopy(H5T_C_S1);
  if (t >= 0 && (H5Tset_size(t, H5T_VARIABLE) < 0 || H5Tset_cset(t, H5T_CSET_UTF8) < 0)) {
    H5Tclose(t);
    t = H5I_INVALID_HID;
  }
  return h5w_attr_write(obj, name, t, t, H5Screate(H5S_SCALAR), &value, 1);
}

/* Writes a uint32 attribute: scalar when n == 0, else an array of n values. */
herr_t h5w_attr_u32(hid_t obj, const char *name, const uint32_t *v, hsize_t n)
{
  hid_t s = n ? H5Screate_simple(1, &n, NULL) : H5Screate(H5S_SCALAR);
  return h5w_attr_write(obj, name, H5T_STD_U32LE, H5T_NATIVE_UINT32, s, v, 0);
}

/* Writes `sorting` = by_time as the SONATA enum over uint8 (libsonata rejects a
 * string here). */
herr_t h5w_attr_sorting(hid_t group)
{
  uint8_t v[3] = {SORTING_NONE, SORTING_BY_ID, SORTING_BY_TIME};
  hid_t t = H5Tenum_create(H5T_STD_U8LE);
  if (t >= 0 && (H5Tenum_insert(t, "none", &v[0]) < 0 || H5Tenum_insert(t, "by_id", &v[1]) < 0 ||
                 H5Tenum_insert(t, "by_time", &v[2]) < 0)) {
    H5Tclose(t);
    t = H5I_INVALID_HID;
  }
  return h5w_attr_write(group, "sorting", t, t, H5Screate(H5S_SCALAR), &v[2], 1);
}

/* --------------------------------------------------------------- datasets --- */

/* Creation properties of an appendable dataset: chunked, and shuffle + deflate
 * when this HDF5 has a deflate encoder (it is optional at HDF5 build time). */
hid_t h5w_chunked_dcpl(int rank, const hsize_t *chunk)
{
  hid_t p = H5Pcreate(H5P_DATASET_CREATE);
  if (p < 0 || H5Pset_chunk(p, rank, chunk) < 0) {
    H5Pclose(p);
    return H5I_INVALID_HID;
  }
  unsigned cfg = 0;
  if (H5Zfilter_avail(H5Z_FILTER_DEFLATE) > 0
      && H5Zget_filter_info(H5Z_FILTER_DEFLATE, &cfg) >= 0 && (cfg & H5Z_FILTER_CONFIG_ENCODE_ENABLED)) {
    if (H5Zfilter_avail(H5Z_FILTER_SHUFFLE) > 0)
      H5Pset_shuffle(p);   /* groups the bytes of each float: deflate then finds runs */
    H5Pset_deflate(p, DEFLATE_LEVEL);
  }
  return p;
}

/* Creates an empty appendable dataset (first dimension 0 and unlimited) and closes
 * it: it is reopened after H5Fstart_swmr_write. `units` may be NULL. */
herr_t h5w_create_appendable(hid_t loc, const char *name, hid_t type, int rank,
                             const hsize_t *dims, const hsize_t *maxdims,
                             const hsize_t *chunk, const char *units)
{
  hid_t s = H5Screate_simple(rank, dims, maxdims), p = h5w_chunked_dcpl(rank, chunk);
  hid_t d = H5I_INVALID_HID;
  herr_t r = -1;
  if (s >= 0 && p >= 0 && (d = H5Dcreate2(loc, name, type, s, H5P_DEFAULT, p, H5P_DEFAULT)) >= 0)
    r = units ? h5w_attr_str(d, "units", units) : 0;
  hid_t es = h5w_stack_save(r);
  if (d >= 0)
    H5Dclose(d);
  H5Pclose(p);
  H5Sclose(s);
  h5w_stack_restore(es);
  return r;
}

/* Creates a contiguous 1-D dataset of n elements, its storage allocated now and
 * never filled by HDF5 (the caller writes every element: HDF5's fill of zeros
 * followed by the data wrote the bytes twice). Returns it open, or -1. */
static hid_t create_contiguous(hid_t loc, const char *name, hid_t ftype, hsize_t n)
{
  hid_t s = H5Screate_simple(1, &n, NULL), p = H5Pcreate(H5P_DATASET_CREATE);
  hid_t d = H5I_INVALID_HID;
  if (s >= 0 && p >= 0 && H5Pset_alloc_time(p, H5D_ALLOC_TIME_EARLY) >= 0
      && H5Pset_fill_time(p, H5D_FILL_TIME_NEVER) >= 0)
    d = H5Dcreate2(loc, name, ftype, s, H5P_DEFAULT, p, H5P_DEFAULT);
  hid_t es = h5w_stack_save(d < 0 ? -1 : 0);
  H5Pclose(p);
  H5Sclose(s);
  h5w_stack_restore(es);
  return d;
}

/* Zeros to write from: never written to, so its pages stay the kernel's shared
 * zero page (a calloc'd buffer was memset: 2 M instructions for COBA's edges.h5). */
static char zero_block[ZERO_BLOCK];

/* Writes zeros over the n elements of 1-D dataset d, ZERO_BLOCK bytes at a time. */
static herr_t write_zeros(hid_t d, hid_t mtype, hsize_t n)
{
  size_t size = H5Tget_size(mtype);
  hsize_t per = size && size <= ZERO_BLOCK ? ZERO_BLOCK / size : 0;
  herr_t r = (n && !per) ? -1 : 0;
  for (hsize_t first = 0; r >= 0 && first < n; first += per)
    r = h5w_write_range(d, mtype, first, n - first < per ? n - first : per, zero_block);
  return r;
}

/* Creates a fixed 1-D dataset of n elements and writes buf into it, or zeros
 * when buf is NULL (real bytes in the file, written in blocks). */
herr_t h5w_create_fixed(hid_t loc, const char *name, hid_t ftype, hid_t mtype, hsize_t n,
                        const void *buf, const char *units)
{
  hid_t d = create_contiguous(loc, name, ftype, n);
  herr_t r = d < 0 ? -1 : 0;
  if (r >= 0 && n)
    r = buf ? H5Dwrite(d, mtype, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf) : write_zeros(d, mtype, n);
  if (r >= 0 && units)
    r = h5w_attr_str(d, "units", units);
  hid_t es = h5w_stack_save(r);
  if (d >= 0)
    H5Dclose(d);
  h5w_stack_restore(es);
  return r;
}

/* Writes elements [first, first + n) of 1-D dataset d from buf. */
herr_t h5w_write_range(hid_t d, hid_t mtype, hsize_t first, hsize_t n, const void *buf)
{
  hid_t fs = H5Dget_space(d), ms = H5Screate_simple(1, &n, NULL);
  herr_t r = -1;
  if (fs >= 0 && ms >= 0 && H5Sselect_hyperslab(fs, H5S_SELECT_SET, &first, NULL, &n, NULL) >= 0)
    r = H5Dwrite(d, mtype, ms, fs, H5P_DEFAULT, buf);
  hid_t es = h5w_stack_save(r);
  H5Sclose(ms);
  H5Sclose(fs);
  h5w_stack_restore(es);
  return r;
}

/* Creates uint64 `name` = 0, 1, ..., n (n + 1 values) in blocks, so that memory
 * does not grow with the number of neurons. */
herr_t h5w_create_iota(hid_t loc, const char *name, hsize_t n)
{
  hid_t d = create_contiguous(loc, name, H5T_STD_U64LE, n + 1);
  herr_t r = d < 0 ? -1 : 0;
  uint64_t block[IOTA_BLOCK];
  for (hsize_t first = 0; r >= 0 && first <= n; first += IOTA_BLOCK) {
    hsize_t k = n + 1 - first < IOTA_BLOCK ? n + 1 - first : IOTA_BLOCK;
    for (hsize_t j = 0; j < k; j++)
      block[j] = first + j;
    r = h5w_write_range(d, H5T_NATIVE_UINT64, first, k, block);
  }
  hid_t es = h5w_stack_save(r);
  if (d >= 0)
    H5Dclose(d);
  h5w_stack_restore(es);
  return r;
}

/* Creates a group whose links keep their creation order, so that readers list
 * the populations in the order the network defined them. */
hid_t h5w_group_create(hid_t loc, const char *name)
{
  hid_t p = H5Pcreate(H5P_GROUP_CREATE);
  hid_t g = H5I_INVALID_HID;
  if (p >= 0 && H5Pset_link_creation_order(p, H5P_CRT_ORDER_TRACKED | H5P_CRT_ORDER_INDEXED) >= 0)
    g = H5Gcreate2(loc, name, H5P_DEFAULT, p, H5P_DEFAULT);
  hid_t es = h5w_stack_save(g < 0 ? -1 : 0);
  H5Pclose(p);
  h5w_stack_restore(es);
  return g;
}
