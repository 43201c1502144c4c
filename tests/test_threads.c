/* Determinism: a 1000-neuron random network with Poisson input gives the same
 * spike trains, bit for bit, with 1 and 2 threads; so does a network with one
 * constant delay whose runs stop inside intervals, with some neurons recorded. */
#include <stdlib.h>
#include <string.h>
#include "helpers.h"

typedef struct train {
  double *t;
  uint32_t *id;
  size_t n;
  double v[800];   /* every excitatory neuron's v at the end */
} train;

static void set_dist(ember_population *pop, const char *name, ember_dist_kind k, double a, double b)
{
  ember_dist d = {k, a, b};
  assert_int_equal(ember_population_set_state(pop, name, &d, NULL, 0), EMBER_OK);
}

/* 800 excitatory + 200 inhibitory neurons of `model`, 10% connectivity, random
 * initial v, driven by 200 Poisson sources; returns the excitatory spikes. */
static train simulate(const char *model, int threads, int odd)
{
  ember_network *net = ember_network_new(2024);
  assert_ok(net, ember_network_set_threads(net, threads));
  int cond = strcmp(model, "lif_cond_exp") == 0;
  ember_population *exc, *inh, *noise;
  assert_ok(net, ember_population_new(net, "exc", 800, model, &exc));
  assert_ok(net, ember_population_new(net, "inh", 200, model, &inh));
  assert_ok(net, ember_source_population_new(net, "noise", 200, "poisson", &noise));
  set_p(noise, "rate", 20.0);
  set_dist(exc, "v", EMBER_DIST_UNIFORM, -65.0, -50.0);
  set_dist(inh, "v", EMBER_DIST_NORMAL, -60.0, 3.0);
  ember_connector c = {.kind = EMBER_CONN_FIXED_PROBABILITY, .p = 0.1, .allow_autapses = 0};
  ember_dist we = {EMBER_DIST_UNIFORM, cond ? 0.0005 : 0.02, cond ? 0.0015 : 0.06};
  ember_dist wi = {EMBER_DIST_CONST, cond ? 0.006 : -0.3, 0};
  ember_dist wn = {EMBER_DIST_CONST, cond ? 0.006 : 0.35, 0};
  ember_dist d = {EMBER_DIST_UNIFORM, 0.5, 3.0};
  if (odd)   /* one delay for all (every event of a spike in one slot), h = 0.1 ms */
    d = (ember_dist){EMBER_DIST_CONST, 0.1, 0};
  ember_population *posts[] = {exc, inh};
  ember_projection *p;
  for (int k = 0; k < 2; k++) {
    assert_ok(net, ember_projection_new(net, exc, posts[k], &c, &we, &d, "excitatory", &p));
    assert_ok(net, ember_projection_new(net, inh, posts[k], &c, &wi, &d, "inhibitory", &p));
    assert_ok(net, ember_projection_new(net, noise, posts[k], &c, &wn, &d, "excitatory", &p));
  }
  assert_ok(net, ember_population_record(exc, "spikes", 0, NULL, 0));
  if (odd) {   /* runs that end inside an interval, and neurons recorded every 0.25 ms */
    uint32_t ids[] = {0, 7, 100, 799};
    assert_ok(net, ember_population_record(exc, "v", 0.25, ids, 4));
    assert_ok(net, ember_network_run(net, 100.03));
    assert_ok(net, ember_network_run(net, 49.97));
  } else {
    assert_ok(net, ember_network_run(net, 150.0));
  }
  assert_ok(net, ember_network_run(net, 50.0));    /* continuing a run changes nothing */
  double v[800];
  assert_int_equal(ember_population_get(exc, "v", v), EMBER_OK);
  const double *t;
  const uint32_t *id;
  train tr;
  tr.n = ember_population_recorded_spikes(exc, &t, &id);
  tr.t = malloc(tr.n * sizeof *tr.t + 1);
  tr.id = malloc(tr.n * sizeof *tr.id + 1);
  memcpy(tr.t, t, tr.n * sizeof *t);
  memcpy(tr.id, id, tr.n * sizeof *id);
  memcpy(tr.v, v, sizeof v);
  ember_network_free(net);
  return tr;
}

static void compare(const char *model, int odd)
{
  train a = simulate(model, 1, odd), b = simulate(model, 2, odd);
  print_message("  %s: %zu spikes with 1 thread, %zu with 2\n", model, a.n, b.n);
  assert_true(a.n > 500);   /* the network is active, so the comparison means something */
  assert_int_equal(a.n, b.n);
  assert_memory_equal(a.t, b.t, a.n * sizeof *a.t);
  assert_memory_equal(a.id, b.id, a.n * sizeof *a.id);
  assert_memory_equal(a.v, b.v, sizeof a.v);
  free(a.t); free(a.id); free(b.t); free(b.id);
}

static void test_threads_cond(void **state) { compare("lif_cond_exp", 0); }
static void test_threads_curr(void **state) { compare("lif_curr_exp", 0); }
static void test_threads_odd_stops(void **state) { compare("lif_cond_exp", 1); }

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_threads_cond),
    cmocka_unit_test(test_threads_curr),
    cmocka_unit_test(test_threads_odd_stops),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
