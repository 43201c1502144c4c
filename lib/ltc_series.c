/* Time series feeding the inputs of LTC populations: piecewise-constant samples
 * at increasing time stamps, given as arrays or read from CSV or HDF5 files.
 * The LTC population reads its series directly while it integrates
 * (lib/ltc_pop.c): a sample's start is a stop of the integration. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <hdf5.h>
#include "ltc_pop.h"

static void series_free(ember_series *s)
{
  if (!s)
    return;
  free(s->x);
  free(s->t);
  free(s);
}

void ltc_net_free(ember_network *net)
{
  ltc_net *l = net->ltc;
  if (!l)
    return;
  for (size_t i = 0; i < l->n_series; i++)
    series_free(l->series[i]);
  free(l->series);
  free(l);
  net->ltc = NULL;
}

static ember_status check_series(ember_network *net, size_t k, size_t n, const double *x,
                                 const double *t, double t_end)
{
  if (k == 0 || n == 0)
    return net_fail(net, EMBER_ERR_INVALID, "series: needs at least one channel and one sample "
                    "(got %zu channels, %zu samples)", k, n);
  for (size_t i = 0; i < n; i++) {
    if (!isfinite(t[i]) || t[i] < 0)
      return net_fail(net, EMBER_ERR_INVALID, "series: time %zu = %g ms must be finite and >= 0",
                      i + 1, t[i]);
    if (i > 0 && !(t[i] > t[i - 1]))
      return net_fail(net, EMBER_ERR_INVALID, "series: times must increase strictly (sample %zu "
                      "at %g ms after %g ms)", i + 1, t[i], t[i - 1]);
    for (size_t c = 0; c < k; c++)
      if (!isfinite(x[i * k + c]))
        return net_fail(net, EMBER_ERR_INVALID, "series: sample %zu, channel %zu is %g (not finite)",
                        i + 1, c + 1, x[i * k + c]);
  }
  if (isnan(t_end) || !(t_end > t[n - 1]))
    return net_fail(net, EMBER_ERR_INVALID, "series: the end %g ms must come after the last "
                    "sample (%g ms)", t_end, t[n - 1]);
  return EMBER_OK;
}

ember_status ember_series_new(ember_network *net, size_t channels, size_t n, const double *values,
                              const double *times, double t_end, ember_series **out)
{
  ember_status st = net_check_mutable(net, "adding a series");
  if (st || (st = check_series(net, channels, n, values, times, t_end)))
    return st;
  if (!net->ltc && !(net->ltc = calloc(1, sizeof *net->ltc)))
    return net_fail(net, EMBER_ERR_NOMEM, "out of memory");
  ltc_net *l = net->ltc;
  ember_series **arr = net_grow(l->series, &l->cap_series, l->n_series + 1, sizeof *arr);
  if (!arr)
    return net_fail(net, EMBER_ERR_NOMEM, "out of memory");
  l->series = arr;
  ember_series *s = calloc(1, sizeof *s);
  if (!s || !(s->x = malloc(n * channels * sizeof *s->x)) || !(s->t = malloc(n * sizeof *s->t))) {
    series_free(s);
    return net_fail(net, EMBER_ERR_NOMEM, "out of memory for a series of %zu x %zu", n, channels);
  }
  memcpy(s->x, values, n * channels * sizeof *s->x);
  memcpy(s->t, times, n * sizeof *s->t);
  *s = (ember_series){net, channels, n, s->x, s->t, t_end};
  l->series[l->n_series++] = s;
  *out = s;
  return EMBER_OK;
}

ember_status ember_series_feed(ember_series *s, ember_population *pop)
{
  ember_network *net = s->net;
  ember_status st = net_check_mutable(net, "feeding a series");
  if (st)
    return st;
  if (!pop || pop->net != net || !pop->ltc)
    return net_fail(net, EMBER_ERR_INVALID, "feed: '%s' is not an LTC population of this network "
                    "(a series drives the inputs of an LTC circuit)", pop ? pop->label : "(null)");
  return ltc_series_attach(pop, s);
}

size_t ember_series_channels(const ember_series *s) { return s->k; }
size_t ember_series_length(const ember_series *s) { return s->n; }

/* ------------------------------------------------------------------ files --- */

static ember_status read_h5(const char *path, const char *dataset, double **values, size_t *n,
                            size_t *k, char *msg, size_t len)
{
  H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
  hid_t f = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
  if (f < 0)
    return sonata_msg(msg, len, EMBER_ERR_IO, "cannot open HDF5 file '%s'", path);
  ember_status st = EMBER_OK;
  hid_t d = H5Lexists(f, dataset, H5P_DEFAULT) > 0 ? H5Dopen2(f, dataset, H5P_DEFAULT) : -1;
  hid_t sp = d >= 0 ? H5Dget_space(d) : -1;
  int rank = sp >= 0 ? H5Sget_simple_extent_ndims(sp) : -1;
  hsize_t dims[2] = {0, 1};
  if (d < 0)
    st = sonata_msg(msg, len, EMBER_ERR_IO, "'%s' has no dataset '%s'", path, dataset);
  else if (rank != 1 && rank != 2)
    st = sonata_msg(msg, len, EMBER_ERR_INVALID, "dataset '%s' of '%s' must be 1-D or 2-D "
                    "[samples x channels], it has %d dimensions", dataset, path, rank);
  if (!st) {
    H5Sget_simple_extent_dims(sp, dims, NULL);
    *n = dims[0];
    *k = rank == 2 ? dims[1] : 1;
    *values = malloc((*n * *k > 0 ? *n * *k : 1) * sizeof **values);
    if (!*values)
      st = sonata_msg(msg, len, EMBER_ERR_NOMEM, "out of memory");
    else if (*n * *k > 0 && H5Dread(d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, *values) < 0)
      st = sonata_msg(msg, len, EMBER_ERR_IO, "cannot read dataset '%s' of '%s' as numbers", dataset, path);
    if (st) {
      free(*values);
      *values = NULL;
    }
  }
  if (sp >= 0)
    H5Sclose(sp);
  if (d >= 0)
    H5Dclose(d);
  H5Fclose(f);
  return st;
}

/* Parses one CSV line into row (growing it); returns the number of fields, or
 * -1 if a field is not a number. */
static long parse_line(char *line, double **row, size_t *cap)
{
  size_t n = 0;
  for (char *p = line;;) {
    char *end;
    errno = 0;
    double v = strtod(p, &end);
    if (end == p || errno == ERANGE)
      return -1;
    while (*end == ' ' || *end == '\t' || *end == '\r' || *end == '\n')
      end++;
    if (n == *cap) {
      size_t c = *cap ? 2 * *cap : 16;
      double *r = realloc(*row, c * sizeof *r);
      if (!r)
        return -1;
      *row = r;
      *cap = c;
    }
    (*row)[n++] = v;
    if (*end == 0)
      return (long)n;
    if (*end != ',')
      return -1;
    p = end + 1;
  }
}

static ember_status read_csv(const char *path, double **values, size_t *n, size_t *k, char *msg,
                             size_t len)
{
  FILE *f = fopen(path, "r");
  if (!f)
    return sonata_msg(msg, len, EMBER_ERR_IO, "cannot open '%s': %s", path, strerror(errno));
  char line[65536];
  double *row = NULL, *all = NULL;
  size_t rcap = 0, acap = 0, used = 0, rows = 0, lineno = 0;
  int header_ok = 1;   /* the first line that is not a comment may be a header */
  ember_status st = EMBER_OK;
  *k = 0;
  while (!st && fgets(line, sizeof line, f)) {
    lineno++;
    char *s = line;
    while (*s == ' ' || *s == '\t')
      s++;
    if (*s == '#' || *s == '\n' || *s == '\r' || *s == 0)
      continue;
    long m = parse_line(s, &row, &rcap);
    int was_first = header_ok;
    header_ok = 0;
    if (m < 0 && was_first)
      continue;   /* a header */
    if (m < 0)
      st = sonata_msg(msg, len, EMBER_ERR_INVALID, "%s:%zu: not a line of comma-separated numbers",
                      path, lineno);
    else if (rows > 0 && (size_t)m != *k)
      st = sonata_msg(msg, len, EMBER_ERR_INVALID, "%s:%zu: %ld values, but the lines before have %zu",
                      path, lineno, m, *k);
    if (st)
      break;
    *k = (size_t)m;
    double *a = net_grow(all, &acap, used + *k, sizeof *a);
    if (!a) {
      st = sonata_msg(msg, len, EMBER_ERR_NOMEM, "out of memory");
      break;
    }
    all = a;
    memcpy(all + used, row, *k * sizeof *row);
    used += *k;
    rows++;
  }
  fclose(f);
  free(row);
  if (!st && rows == 0)
    st = sonata_msg(msg, len, EMBER_ERR_INVALID, "'%s' holds no samples", path);
  if (st) {
    free(all);
    return st;
  }
  *values = all;
  *n = rows;
  return EMBER_OK;
}

ember_status ember_series_read_file(const char *path, const char *dataset, double **values,
                                    size_t *n, size_t *channels, char *msg, size_t msglen)
{
  *values = NULL;
  *n = *channels = 0;
  return dataset ? read_h5(path, dataset, values, n, channels, msg, msglen)
                 : read_csv(path, values, n, channels, msg, msglen);
}
