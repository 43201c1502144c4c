/* Low-level HDF5 writing helpers shared by the SONATA writer (lib/sonata_h5.c).
 * Internal to libember. */
#ifndef EMBER_SONATA_H5_H
#define EMBER_SONATA_H5_H
#include <stdint.h>
#include <hdf5.h>

enum { SORTING_NONE = 0, SORTING_BY_ID = 1, SORTING_BY_TIME = 2 };

hid_t h5w_stack_save(herr_t r);
void h5w_stack_restore(hid_t es);
herr_t h5w_attr_write(hid_t obj, const char *name, hid_t ft, hid_t mt, hid_t sp,
                      const void *buf, int close_ft);
herr_t h5w_attr_str(hid_t obj, const char *name, const char *value);
herr_t h5w_attr_u32(hid_t obj, const char *name, const uint32_t *v, hsize_t n);
herr_t h5w_attr_sorting(hid_t group);
hid_t h5w_chunked_dcpl(int rank, const hsize_t *chunk);
herr_t h5w_create_appendable(hid_t loc, const char *name, hid_t type, int rank,
                             const hsize_t *dims, const hsize_t *maxdims,
                             const hsize_t *chunk, const char *units);
herr_t h5w_create_fixed(hid_t loc, const char *name, hid_t ftype, hid_t mtype, hsize_t n,
                        const void *buf, const char *units);
herr_t h5w_write_range(hid_t d, hid_t mtype, hsize_t first, hsize_t n, const void *buf);
herr_t h5w_create_iota(hid_t loc, const char *name, hsize_t n);
hid_t h5w_group_create(hid_t loc, const char *name);

#endif
