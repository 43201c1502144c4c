/* End to end: a run with an output directory writes SONATA files that read back
 * (through the public reader) as exactly the spikes the run recorded, and traces
 * that follow the closed form at the recorded times. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "helpers.h"

static char dir[256];

static int setup(void **state)
{
  snprintf(dir, sizeof dir, "%s/ember-test-XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
  return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
  char cmd[512];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
  return system(cmd) == 0 ? 0 : -1;
}

/* Neuron 0 of "drive" charges towards v_inf = -57 mV (no spike); neuron 1 fires
 * regularly. 40 Poisson sources are recorded too. */
static ember_network *build(const char *out)
{
  ember_network *net = ember_network_new(3);
  ember_population *pop, *src;
  assert_ok(net, ember_population_new(net, "drive", 2, "lif_curr_exp", &pop));
  double i_off[] = {0.4, 1.0};
  assert_ok(net, ember_population_set_param_array(pop, "i_offset", i_off, NULL, 2));
  assert_ok(net, ember_source_population_new(net, "noise", 40, "poisson", &src));
  set_p(src, "rate", 100.0);
  assert_ok(net, ember_population_record(pop, "spikes", 0, NULL, 0));
  assert_ok(net, ember_population_record(src, "spikes", 0, NULL, 0));
  assert_ok(net, ember_population_record(pop, "v", 0.25, NULL, 0));
  assert_ok(net, ember_network_set_provenance(net, "script", "-- a test"));
  if (out)
    assert_ok(net, ember_network_set_output(net, out));
  return net;
}

static size_t find_spike_pop(ember_output *o, const char *name)
{
  for (size_t i = 0; i < ember_output_spike_pop_count(o); i++)
    if (strcmp(ember_output_spike_pop_name(o, i), name) == 0)
      return i;
  fail_msg("no spike population '%s' in the output", name);
  return 0;
}

static void test_spikes_round_trip(void **state)
{
  ember_network *net = build(dir);
  assert_ok(net, ember_network_run(net, 120.0));
  assert_ok(net, ember_network_run(net, 80.3));   /* several runs append */
  assert_ok(net, ember_network_close_output(net));
  ember_output *o;
  char msg[256];
  assert_int_equal(ember_output_open(dir, &o, msg, sizeof msg), EMBER_OK);
  for (size_t p = 0; p < 2; p++) {
    ember_population *pop = ember_network_population_at(net, p == 0 ? 0 : 1);
    const double *t;
    const uint32_t *id;
    size_t n = ember_population_recorded_spikes(pop, &t, &id);
    assert_true(n > 0);
    double *ft;
    uint64_t *fid;
    size_t fn;
    size_t fi = find_spike_pop(o, ember_population_label(pop));
    assert_int_equal(ember_output_read_spikes(o, fi, &ft, &fid, &fn), EMBER_OK);
    assert_int_equal(fn, n);
    assert_int_equal(ember_output_spike_count(o, fi), n);
    assert_memory_equal(ft, t, n * sizeof *t);
    for (size_t k = 0; k < n; k++)
      assert_int_equal(fid[k], id[k]);
    free(ft);
    free(fid);
  }
  const char *script = ember_output_attr(o, "script");
  assert_non_null(script);
  assert_string_equal(script, "-- a test");
  assert_non_null(ember_output_attr(o, "seed"));
  /* The simulated time reached, from spikes.h5's /t_stop: 120 + 80.3 ms. */
  const char *ts = ember_output_attr(o, "t_stop");
  assert_non_null(ts);
  assert_true(fabs(strtod(ts, NULL) - 200.3) < 1e-9);
  ember_output_free(o);
  ember_network_free(net);
}

/* v of neuron 0 at t = k * 0.25: v_inf + (v_rest - v_inf) e^{-t/tau_m}, to float
 * precision; mapping/time says [0, 200.3) in steps of 0.25. */
static void test_trace_closed_form(void **state)
{
  ember_network *net = build(dir);
  assert_ok(net, ember_network_run(net, 200.3));
  ember_network_free(net);   /* freeing closes the files too */
  ember_output *o;
  char msg[256];
  assert_int_equal(ember_output_open(dir, &o, msg, sizeof msg), EMBER_OK);
  assert_int_equal(ember_output_report_count(o), 1);
  ember_report_info info;
  assert_int_equal(ember_output_report_info(o, 0, &info), EMBER_OK);
  assert_string_equal(info.variable, "v");
  assert_string_equal(info.population, "drive");
  assert_string_equal(info.units, "mV");
  assert_int_equal(info.n_nodes, 2);
  size_t frames = (size_t)ceil(200.3 / 0.25);
  assert_int_equal(info.n_frames, frames);
  assert_close(info.t_start, 0.0, 0);
  assert_close(info.dt, 0.25, 0);
  assert_close(info.t_stop, frames * 0.25, 1e-12);
  float *data = malloc(frames * 2 * sizeof *data);
  uint64_t ids[2];
  assert_int_equal(ember_output_read_report(o, 0, 0, frames, data, ids), EMBER_OK);
  assert_true(ids[0] == 0 && ids[1] == 1);
  double v_inf = -65.0 + 20.0 * 0.4;
  for (size_t k = 0; k < frames; k++)
    assert_close(data[2 * k], v_inf + (-65.0 - v_inf) * exp(-0.25 * (double)k / 20.0), 1e-5);
  free(data);
  ember_output_free(o);
}

/* Without an output directory nothing is written, yet spikes are kept in memory. */
static void test_no_output_dir(void **state)
{
  ember_network *net = build(NULL);
  assert_ok(net, ember_network_run(net, 50.0));
  assert_true(ember_population_spike_count(ember_network_population(net, "noise")) > 0);
  ember_network_free(net);
  ember_output *o = NULL;
  char msg[256];
  char sub[300];
  snprintf(sub, sizeof sub, "%s/none", dir);
  assert_int_not_equal(ember_output_open(sub, &o, msg, sizeof msg), EMBER_OK);
  assert_null(o);
}

/* Regression: when the output directory cannot be created, the first run fails
 * and later runs are refused instead of running silently without output. */
static void test_unwritable_output(void **state)
{
  char bad[300];
  snprintf(bad, sizeof bad, "%s/file", dir);
  FILE *f = fopen(bad, "w");   /* a file where a directory is needed */
  assert_non_null(f);
  fclose(f);
  snprintf(bad + strlen(bad), sizeof bad - strlen(bad), "/out");
  ember_network *net = build(bad);
  assert_int_equal(ember_network_run(net, 10.0), EMBER_ERR_IO);
  assert_non_null(strstr(ember_network_error(net), "file/out"));
  assert_int_equal(ember_network_run(net, 10.0), EMBER_ERR_STATE);
  ember_network_free(net);
}

/* Reads the weights of edge population 0 of dir/edges.h5 (n of them). */
static void read_edge_weights(const char *out, double *w, size_t n)
{
  ember_output *o = NULL;
  char msg[256];
  assert_int_equal(ember_output_open(out, &o, msg, sizeof msg), EMBER_OK);
  assert_int_equal(ember_output_edge_pop_count(o), 1);
  assert_int_equal(ember_output_read_edges(o, 0, 0, n, NULL, NULL, w, NULL), EMBER_OK);
  ember_output_free(o);
}

/* edges.h5 holds the initial weights while running; it is rewritten at close only
 * when a weight can have changed, and then holds the final ones: weights set
 * between two runs must reach it. */
static void test_edges_final_weights(void **state)
{
  ember_network *net = build(dir);
  ember_population *pop = ember_network_population(net, "drive");
  ember_population *src = ember_network_population(net, "noise");
  ember_connector all = {.kind = EMBER_CONN_ALL_TO_ALL};
  ember_dist w0 = dist_const(0.25), d0 = dist_const(1.0);
  ember_projection *pj = NULL;
  assert_ok(net, ember_projection_new(net, src, pop, &all, &w0, &d0, "excitatory", &pj));
  size_t n = ember_projection_size(pj);
  assert_int_equal(n, 80);
  assert_ok(net, ember_network_run(net, 5.0));
  double w[80], w1[80];
  read_edge_weights(dir, w, n);
  for (size_t k = 0; k < n; k++)
    assert_true(w[k] == 0.25);
  for (size_t k = 0; k < n; k++)
    w1[k] = 0.125 * (double)(k % 7);
  assert_ok(net, ember_projection_set_weight_array(pj, w1, n));
  assert_ok(net, ember_network_run(net, 5.0));
  assert_ok(net, ember_network_close_output(net));
  read_edge_weights(dir, w, n);
  for (size_t k = 0; k < n; k++)
    assert_true(w[k] == w1[k]);   /* exact: multiples of 1/8 are floats */
  ember_network_free(net);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test_setup_teardown(test_spikes_round_trip, setup, teardown),
    cmocka_unit_test_setup_teardown(test_trace_closed_form, setup, teardown),
    cmocka_unit_test_setup_teardown(test_no_output_dir, setup, teardown),
    cmocka_unit_test_setup_teardown(test_unwritable_output, setup, teardown),
    cmocka_unit_test_setup_teardown(test_edges_final_weights, setup, teardown),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
