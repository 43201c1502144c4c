/* The network object: ownership of populations, projections and sources, error
 * messages, settings and provenance. The run loop is in engine.c. */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_errno.h>
#include "config.h"
#include "internal.h"
#include "ltc_pop.h"

ember_status net_fail(ember_network *net, ember_status st, const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(net->err, sizeof net->err, fmt, ap);
  va_end(ap);
  return st;
}

ember_status net_check_mutable(ember_network *net, const char *what)
{
  if (net->frozen)
    return net_fail(net, EMBER_ERR_STATE,
                    "%s: the network's structure is fixed after the first run", what);
  return EMBER_OK;
}

/* Grows arr (of elements of size elem) so that it holds `need`; NULL if out of
 * memory (arr is then untouched). */
void *net_grow(void *arr, size_t *cap, size_t need, size_t elem)
{
  if (need <= *cap)
    return arr;
  size_t nc = *cap ? 2 * *cap : 8;
  while (nc < need)
    nc *= 2;
  void *p = realloc(arr, nc * elem);
  if (p)
    *cap = nc;
  return p;
}

double dist_draw(const ember_dist *d, rng_stream *r)
{
  switch (d->kind) {
  case EMBER_DIST_UNIFORM: return d->a + (d->b - d->a) * rng_uniform(r);
  case EMBER_DIST_NORMAL: return d->a + d->b * rng_normal(r);
  default: return d->a;
  }
}

ember_network *ember_network_new(uint64_t seed)
{
  /* The library must never abort the host program: GSL errors become codes. */
  gsl_set_error_handler_off();
  ember_network *net = calloc(1, sizeof *net);
  if (!net)
    return NULL;
  net->seed = seed;
  net->threads = 1;
  net->flush_every = 1.0;
  net->progress_every = 0.5;
  return net;
}

void ember_network_free(ember_network *net)
{
  if (!net)
    return;
  ember_network_close_output(net);
  engine_free(net);
  stdp_free(net);
  for (size_t i = 0; i < net->n_pops; i++)
    pop_free(net->pops[i]);
  for (size_t i = 0; i < net->n_projs; i++)
    proj_free(net->projs[i]);
  for (size_t i = 0; i < net->n_currents; i++)
    current_free(net->currents[i]);
  ltc_net_free(net);
  for (size_t i = 0; i < net->n_prov; i++) {
    free(net->prov[i].key);
    free(net->prov[i].value);
  }
  free(net->prov);
  free(net->pops);
  free(net->projs);
  free(net->currents);
  free(net->outdir);
  free(net);
}

const char *ember_network_error(const ember_network *net) { return net->err; }
uint64_t ember_network_seed(const ember_network *net) { return net->seed; }
double ember_network_time(const ember_network *net) { return net->t; }
int ember_network_threads(const ember_network *net) { return net->threads; }
const char *ember_version(void) { return PACKAGE_VERSION; }

ember_status ember_network_set_seed(ember_network *net, uint64_t seed)
{
  if (net->n_pops || net->n_currents)
    return net_fail(net, EMBER_ERR_STATE,
                    "the seed can only be set before anything is created in the network");
  net->seed = seed;
  return EMBER_OK;
}

ember_status ember_network_set_min_delay(ember_network *net, double ms)
{
  ember_status st = net_check_mutable(net, "min_delay");
  if (st)
    return st;
  if (!(ms > 0) || !isfinite(ms))
    return net_fail(net, EMBER_ERR_INVALID, "min_delay must be a positive number of ms, got %g", ms);
  net->min_delay_user = ms;
  return EMBER_OK;
}

ember_status ember_network_set_threads(ember_network *net, int threads)
{
  if (threads < 1 || threads > 1024)
    return net_fail(net, EMBER_ERR_INVALID, "threads must be between 1 and 1024, got %d", threads);
  if (net->frozen && threads != net->threads)
    return net_fail(net, EMBER_ERR_STATE, "threads can only be changed before the first run");
  net->threads = threads;
  return EMBER_OK;
}

double ember_network_min_delay(const ember_network *net)
{
  if (net->frozen)
    return net->h;
  if (net->min_delay_user > 0)
    return net->min_delay_user;
  double h = INFINITY;
  for (size_t i = 0; i < net->n_projs; i++)
    if (net->projs[i]->n_syn && !net->projs[i]->graded)   /* empty or graded: no delay */
      h = fmin(h, net->projs[i]->min_delay);
  return isfinite(h) ? h : 1.0;   /* no projections: any interval works; 1 ms */
}

ember_status ember_network_set_provenance(ember_network *net, const char *key, const char *value)
{
  for (size_t i = 0; i < net->n_prov; i++)
    if (strcmp(net->prov[i].key, key) == 0) {
      char *v = strdup(value);
      if (!v)
        return net_fail(net, EMBER_ERR_NOMEM, "out of memory");
      free(net->prov[i].value);
      net->prov[i].value = v;
      return EMBER_OK;
    }
  prov_kv *p = realloc(net->prov, (net->n_prov + 1) * sizeof *p);
  if (!p)
    return net_fail(net, EMBER_ERR_NOMEM, "out of memory");
  net->prov = p;
  p[net->n_prov].key = strdup(key);
  p[net->n_prov].value = strdup(value);
  if (!p[net->n_prov].key || !p[net->n_prov].value) {
    free(p[net->n_prov].key);
    free(p[net->n_prov].value);
    return net_fail(net, EMBER_ERR_NOMEM, "out of memory");
  }
  net->n_prov++;
  return EMBER_OK;
}

ember_status ember_network_set_output(ember_network *net, const char *dir)
{
  ember_status st = net_check_mutable(net, "output directory");
  if (st)
    return st;
  char *d = strdup(dir);
  if (!d)
    return net_fail(net, EMBER_ERR_NOMEM, "out of memory");
  free(net->outdir);
  net->outdir = d;
  return EMBER_OK;
}

ember_status ember_network_set_flush_interval(ember_network *net, double seconds)
{
  if (!(seconds >= 0) || !isfinite(seconds))
    return net_fail(net, EMBER_ERR_INVALID, "flush interval must be >= 0 s, got %g", seconds);
  net->flush_every = seconds;
  return EMBER_OK;
}

void ember_network_set_progress(ember_network *net, ember_progress_fn fn, void *user,
                                double every_wall)
{
  net->progress = fn;
  net->progress_user = user;
  net->progress_every = every_wall > 0 ? every_wall : 0.5;
}

void ember_network_request_stop(ember_network *net) { net->stop_requested = 1; }

size_t ember_network_population_count(const ember_network *net) { return net->n_pops; }
size_t ember_network_projection_count(const ember_network *net) { return net->n_projs; }

ember_population *ember_network_population_at(const ember_network *net, size_t i)
{
  return i < net->n_pops ? net->pops[i] : NULL;
}

ember_projection *ember_network_projection_at(const ember_network *net, size_t i)
{
  return i < net->n_projs ? net->projs[i] : NULL;
}

ember_population *ember_network_population(const ember_network *net, const char *label)
{
  for (size_t i = 0; i < net->n_pops; i++)
    if (strcmp(net->pops[i]->label, label) == 0)
      return net->pops[i];
  return NULL;
}
