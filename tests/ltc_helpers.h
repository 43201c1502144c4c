/* Helpers shared by the LTC tests (test_ltc, test_ltc_pop, test_ltc_syn): the
 * reference data directory, a status assertion that prints the circuit's message,
 * and HDF5 readers for the reference files. Include after helpers.h. */
#ifndef EMBER_TEST_LTC_HELPERS_H
#define EMBER_TEST_LTC_HELPERS_H

#include <hdf5.h>
#include <stdlib.h>
#include "ember/ltc.h"

#ifndef LTC_DATA_DIR
#define LTC_DATA_DIR "tests/data/ltc"
#endif

#define assert_ltc(c, st)                                                              \
  do {                                                                                 \
    ember_status s_ = (st);                                                            \
    if (s_ != EMBER_OK)                                                                \
      fail_msg("%s failed: %s: %s", #st, ember_strerror(s_), ember_ltc_error(c));      \
  } while (0)

/* A fresh temporary directory named after the test file (a static buffer: one at a
 * time), and its removal with everything in it. */
static __attribute__((unused)) char *ltc_tmpdir(const char *tag)
{
  static char dir[64];
  snprintf(dir, sizeof dir, "/tmp/ember-%s-XXXXXX", tag);
  assert_non_null(mkdtemp(dir));
  return dir;
}

static __attribute__((unused)) void ltc_rmdir(const char *dir)
{
  char cmd[256];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
  assert_int_equal(system(cmd), 0);
}

/* Reads dataset `name` of an HDF5 file (doubles); sets *n to its element count. */
static __attribute__((unused)) double *h5_read(const char *path, const char *name, size_t *n)
{
  H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
  hid_t f = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
  assert_true(f >= 0);
  hid_t d = H5Dopen2(f, name, H5P_DEFAULT);
  assert_true(d >= 0);
  hid_t s = H5Dget_space(d);
  *n = (size_t)H5Sget_simple_extent_npoints(s);
  double *v = malloc((*n ? *n : 1) * sizeof *v);
  assert_true(H5Dread(d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, v) >= 0);
  H5Sclose(s);
  H5Dclose(d);
  H5Fclose(f);
  return v;
}

/* Attribute `name` of object `obj` in an HDF5 file, as a double (it must exist). */
static __attribute__((unused)) double h5_attr(const char *path, const char *obj, const char *name)
{
  hid_t f = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
  double v = 0;
  assert_true(H5Aexists_by_name(f, obj, name, H5P_DEFAULT) > 0);
  hid_t a = H5Aopen_by_name(f, obj, name, H5P_DEFAULT, H5P_DEFAULT);
  assert_true(H5Aread(a, H5T_NATIVE_DOUBLE, &v) >= 0);
  H5Aclose(a);
  H5Fclose(f);
  return v;
}

#endif
