/* The C API's contracts: connectors build what they say, values are checked with
 * messages naming the culprit, misuse is refused, a non-finite state stops the
 * run naming the neuron and the time. */
#include <string.h>
#include "helpers.h"

static ember_network *net_with(size_t n_a, size_t n_b, ember_population **a, ember_population **b)
{
  ember_network *net = ember_network_new(99);
  assert_ok(net, ember_population_new(net, "a", n_a, "lif_cond_exp", a));
  assert_ok(net, ember_population_new(net, "b", n_b, "lif_curr_exp", b));
  return net;
}

static size_t connect_count(ember_connector c)
{
  ember_population *a, *b;
  ember_network *net = net_with(40, 30, &a, &b);
  ember_dist w = dist_const(0.5), d = dist_const(1.0);
  ember_projection *p;
  assert_ok(net, ember_projection_new(net, a, b, &c, &w, &d, "excitatory", &p));
  size_t n = ember_projection_size(p);
  ember_network_free(net);
  return n;
}

static void test_connectors(void **state)
{
  assert_int_equal(connect_count((ember_connector){.kind = EMBER_CONN_ALL_TO_ALL}), 40 * 30);
  assert_int_equal(connect_count((ember_connector){.kind = EMBER_CONN_FIXED_NUMBER_PRE, .n = 7}), 7 * 30);
  size_t n = connect_count((ember_connector){.kind = EMBER_CONN_FIXED_PROBABILITY, .p = 0.25});
  /* binomial(1200, 0.25): mean 300, sd 15 */
  assert_close((double)n, 300.0, 5 * 15.0);
  assert_int_equal(connect_count((ember_connector){.kind = EMBER_CONN_FIXED_PROBABILITY, .p = 0}), 0);
}

/* from_list keeps its rows (sorted by pre) and per-row weights and delays. */
static void test_from_list_round_trip(void **state)
{
  ember_population *a, *b;
  ember_network *net = net_with(5, 5, &a, &b);
  ember_connection rows[] = {{3, 1, 0.25, 2.5}, {0, 4, NAN, NAN}, {3, 0, 1.5, 0.5}};
  ember_connector c = {.kind = EMBER_CONN_FROM_LIST, .n = 3, .list = rows};
  ember_dist w = dist_const(0.125), d = dist_const(1.0);
  ember_projection *p;
  assert_ok(net, ember_projection_new(net, a, b, &c, &w, &d, "excitatory", &p));
  assert_int_equal(ember_projection_size(p), 3);
  uint32_t pre, post;
  double ww, dd;
  double expect[3][4] = {{0, 4, 0.125, 1.0}, {3, 1, 0.25, 2.5}, {3, 0, 1.5, 0.5}};
  for (size_t k = 0; k < 3; k++) {
    assert_ok(net, ember_projection_get(p, k, &pre, &post, &ww, &dd));
    assert_int_equal(pre, (uint32_t)expect[k][0]);
    assert_int_equal(post, (uint32_t)expect[k][1]);
    assert_true(ww == expect[k][2] && dd == expect[k][3]);
  }
  assert_int_equal(ember_projection_get(p, 3, &pre, &post, &ww, &dd), EMBER_ERR_INVALID);
  ember_network_free(net);
}

/* Distributions: values inside their bounds, reproducible for a seed. */
static void test_distributions(void **state)
{
  double v1[100], v2[100];
  for (int r = 0; r < 2; r++) {
    ember_network *net = ember_network_new(5);
    ember_population *p;
    assert_ok(net, ember_population_new(net, "p", 100, "lif_curr_exp", &p));
    ember_dist u = {EMBER_DIST_UNIFORM, -60.0, -55.0};
    assert_ok(net, ember_population_set_state(p, "v", &u, NULL, 0));
    assert_ok(net, ember_population_get(p, "v", r ? v2 : v1));
    ember_network_free(net);
  }
  double mean = 0;
  for (int i = 0; i < 100; i++) {
    assert_true(v1[i] >= -60.0 && v1[i] < -55.0);
    mean += v1[i] / 100;
  }
  assert_close(mean, -57.5, 5 * 5.0 / sqrt(12.0 * 100));
  assert_memory_equal(v1, v2, sizeof v1);
}

/* Each misuse returns its code and a message naming the offending thing. */
static void expect_error(ember_network *net, ember_status got, ember_status want, const char *needle)
{
  assert_int_equal(got, want);
  if (!strstr(ember_network_error(net), needle))
    fail_msg("message '%s' does not mention '%s'", ember_network_error(net), needle);
}

static void test_bad_input(void **state)
{
  ember_population *a, *b, *x;
  ember_network *net = net_with(4, 4, &a, &b);
  ember_projection *p;
  ember_dist w = dist_const(0.5), d = dist_const(1.0), neg = dist_const(-1.0);
  ember_connector all = {.kind = EMBER_CONN_ALL_TO_ALL};
  expect_error(net, ember_population_new(net, "c", 3, "lif_cnd_exp", &x), EMBER_ERR_UNKNOWN, "lif_cond_exp");
  expect_error(net, ember_population_new(net, "a", 3, "lif_cond_exp", &x), EMBER_ERR_INVALID, "already exists");
  expect_error(net, ember_population_new(net, "z", 0, "lif_cond_exp", &x), EMBER_ERR_INVALID, "at least one");
  expect_error(net, ember_population_set_param(a, "tau_mm", &w, NULL, 0), EMBER_ERR_UNKNOWN, "tau_m");
  expect_error(net, ember_population_set_param(a, "tau_m", &neg, NULL, 0), EMBER_ERR_INVALID, "tau_m");
  expect_error(net, ember_population_set_state(a, "u", &w, NULL, 0), EMBER_ERR_UNKNOWN, "gsyn_exc");
  expect_error(net, ember_projection_new(net, a, b, &all, &w, &neg, "excitatory", &p), EMBER_ERR_INVALID, "delay");
  expect_error(net, ember_projection_new(net, a, b, &all, &w, &d, "gaba", &p), EMBER_ERR_UNKNOWN, "inhibitory");
  expect_error(net, ember_projection_new(net, a, b, &all, &w, &d, "inhibitory", &p), EMBER_ERR_INVALID, "<= 0");
  expect_error(net, ember_projection_new(net, a, a, &all, &neg, &d, "excitatory", &p), EMBER_ERR_INVALID, ">= 0");
  expect_error(net, ember_population_record(a, "w", 0, NULL, 0), EMBER_ERR_UNKNOWN, "recordable");
  /* Regression: an empty projection's delay went unchecked and set the interval
   * (0 gave a bogus out-of-memory, 1e-300 a run that never ended). */
  ember_connector none = {.kind = EMBER_CONN_FIXED_PROBABILITY, .p = 0};
  ember_dist zero = dist_const(0.0), tiny = dist_const(1e-300);
  expect_error(net, ember_projection_new(net, a, b, &none, &w, &zero, "excitatory", &p), EMBER_ERR_INVALID, "delay");
  expect_error(net, ember_projection_new(net, a, b, &all, &w, &tiny, "excitatory", &p), EMBER_ERR_INVALID, "delay");
  ember_solver_opts o = ember_solver_defaults(ember_population_model(a));
  o.method = "exact";
  expect_error(net, ember_population_set_solver(a, &o), EMBER_ERR_INVALID, "no exact");
  o.method = "rk45";
  expect_error(net, ember_population_set_solver(a, &o), EMBER_ERR_UNKNOWN, "rkf45");
  /* A cross-parameter constraint is checked when the run starts. */
  set_p(b, "v_reset", -40.0);
  expect_error(net, ember_network_run(net, 1.0), EMBER_ERR_INVALID, "v_reset");
  set_p(b, "v_reset", -70.0);
  assert_ok(net, ember_network_run(net, 1.0));
  expect_error(net, ember_population_new(net, "late", 3, "lif_cond_exp", &x), EMBER_ERR_STATE, "first run");
  assert_true(strlen(ember_strerror(EMBER_ERR_NONFINITE)) > 0);
  ember_network_free(net);
}

/* A current so large that v overflows, injected at t = 5.5 into neuron 7 only:
 * the run stops with EMBER_ERR_NONFINITE naming population, neuron and time.
 * Regression: dopri5 once looped forever on a NaN error estimate. */
static void check_nonfinite(const char *model, const char *method)
{
  ember_network *net = ember_network_new(1);
  ember_population *pop;
  assert_ok(net, ember_population_new(net, "layer", 10, model, &pop));
  ember_solver_opts o = ember_solver_defaults(ember_population_model(pop));
  o.method = method;
  assert_ok(net, ember_population_set_solver(pop, &o));
  double t[] = {5.5}, amp[] = {1e308};
  ember_current_source *src;
  assert_ok(net, ember_current_source_new(net, t, amp, 1, &src));
  uint32_t id = 7;
  assert_ok(net, ember_current_source_inject(src, pop, &id, 1));
  assert_int_equal(ember_network_run(net, 10.0), EMBER_ERR_NONFINITE);
  const char *msg = ember_network_error(net);
  print_message("  %s\n", msg);
  assert_non_null(strstr(msg, "'layer' neuron 7"));
  assert_non_null(strstr(msg, "t = 5.5"));
  assert_int_equal(ember_network_run(net, 1.0), EMBER_ERR_STATE);   /* no silent continuation */
  ember_network_free(net);
}

static void test_nonfinite_state(void **state)
{
  check_nonfinite("lif_curr_exp", "exact");
  check_nonfinite("lif_cond_exp", "dopri5");
  check_nonfinite("lif_cond_exp", "rkf45");
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_connectors),
    cmocka_unit_test(test_from_list_round_trip),
    cmocka_unit_test(test_distributions),
    cmocka_unit_test(test_bad_input),
    cmocka_unit_test(test_nonfinite_state),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
