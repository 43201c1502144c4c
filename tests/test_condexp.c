/* Solver "expint" (lib/expint_kernel.c), the exponential integrator of
 * lif_cond_exp, against GSL's rk8pd at abstol = reltol = 1e-12 as the reference:
 * spike times and traces of driven neurons, convergence as the tolerance
 * tightens, the threshold bound on random states, refractoriness, negative
 * conductances, threads, the generic and AVX2 builds of the fit, and a small
 * COBA-like network against "taylor". */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "helpers.h"
#include "ember/output.h"

static char dir[256];

static int setup(void **state)
{
  snprintf(dir, sizeof dir, "%s/ember-condexp-XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
  return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
  char cmd[512];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
  return system(cmd) == 0 ? 0 : -1;
}

static void set_solver(ember_network *net, ember_population *pop, const char *method, double tol,
                       double max_step)
{
  ember_solver_opts o = ember_solver_defaults(ember_population_model(pop));
  o.method = method;
  if (tol > 0)
    o.abstol = o.reltol = tol;
  if (max_step > 0)
    o.max_step = max_step;
  assert_ok(net, ember_population_set_solver(pop, &o));
}

/* COBA's cell (Brette et al. 2007) on top of PyNN's defaults. */
static void coba_cell(ember_population *pop)
{
  set_p(pop, "cm", 0.2);
  set_p(pop, "v_rest", -60.0);
  set_p(pop, "v_reset", -60.0);
  set_p(pop, "tau_refrac", 5.0);
  set_p(pop, "e_rev_I", -80.0);
  set_p(pop, "tau_syn_I", 10.0);
}

/* n COBA cells, each driven by 64 excitatory (30 Hz, 6 nS) and 16 inhibitory
 * (20 Hz, 67 nS) Poisson inputs: the high-conductance state of the network. */
static ember_network *driven(size_t n, const char *method, double tol, const char *out,
                             ember_population **pop)
{
  ember_network *net = ember_network_new(7);
  ember_population *pe, *pi;
  assert_ok(net, ember_source_population_new(net, "pe", 320, "poisson", &pe));
  assert_ok(net, ember_source_population_new(net, "pi", 80, "poisson", &pi));
  set_p(pe, "rate", 30.0);
  set_p(pi, "rate", 20.0);
  assert_ok(net, ember_population_new(net, "n", n, "lif_cond_exp", pop));
  coba_cell(*pop);
  set_solver(net, *pop, method, tol, 0);
  ember_connector c = {.kind = EMBER_CONN_FIXED_NUMBER_PRE, .n = 64};
  ember_dist we = dist_const(0.006), wi = dist_const(0.067), d = dist_const(0.1);
  ember_projection *p;
  assert_ok(net, ember_projection_new(net, pe, *pop, &c, &we, &d, "excitatory", &p));
  c.n = 16;
  assert_ok(net, ember_projection_new(net, pi, *pop, &c, &wi, &d, "inhibitory", &p));
  assert_ok(net, ember_population_record(*pop, "spikes", 0, NULL, 0));
  if (out) {
    assert_ok(net, ember_network_set_output(net, out));
    assert_ok(net, ember_population_record(*pop, "v", 0.1, NULL, 0));
  }
  return net;
}

/* The recorded spikes as id * 1e4 + t, sorted: neuron by neuron, in time. */
static int cmp_double(const void *a, const void *b)
{
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

static size_t spikes_of(ember_population *pop, double *out, size_t max)
{
  const double *times;
  const uint32_t *ids;
  size_t n = ember_population_recorded_spikes(pop, &times, &ids);
  assert_true(n <= max);
  for (size_t k = 0; k < n; k++)
    out[k] = ids[k] * 1e4 + times[k];
  qsort(out, n, sizeof *out, cmp_double);
  return n;
}

/* Same spikes (neuron by neuron) within tol ms; returns the largest difference. */
static double same_spikes(const double *a, size_t na, const double *b, size_t nb, double tol)
{
  assert_int_equal(na, nb);
  double worst = 0;
  for (size_t k = 0; k < na; k++) {
    assert_int_equal((long)(a[k] / 1e4), (long)(b[k] / 1e4));
    worst = fmax(worst, fabs(a[k] - b[k]));
  }
  if (!(worst <= tol))
    fail_msg("spike times differ by %g ms (tolerance %g)", worst, tol);
  return worst;
}

static float *read_v(const char *out, size_t *frames, size_t *nodes)
{
  ember_output *o;
  char msg[256];
  assert_int_equal(ember_output_open(out, &o, msg, sizeof msg), EMBER_OK);
  ember_report_info info;
  assert_int_equal(ember_output_report_info(o, 0, &info), EMBER_OK);
  *frames = info.n_frames;
  *nodes = info.n_nodes;
  float *data = malloc(info.n_frames * info.n_nodes * sizeof *data);
  uint64_t ids[64];
  assert_true(info.n_nodes <= 64);
  assert_int_equal(ember_output_read_report(o, 0, 0, info.n_frames, data, ids), EMBER_OK);
  ember_output_free(o);
  return data;
}

/* 5 driven neurons for 400 ms (about 40 spikes), v recorded every 0.1 ms: at
 * the defaults the spike times are those of the reference within 1e-5 ms (the
 * requirement of the defaults; measured: 4e-8 ms), and every recorded frame,
 * which comes from a cut into a step (often a lazy one), within 1e-4 mV (the
 * tolerance allows ~3e-5 mV per step; float storage 4e-6 mV). */
static void test_driven_vs_rk8pd(void **state)
{
  char d_ref[300], d_ei[300];
  snprintf(d_ref, sizeof d_ref, "%s/ref", dir);
  snprintf(d_ei, sizeof d_ei, "%s/ei", dir);
  static double ref[512], ei[512];
  ember_population *pop;
  ember_network *net = driven(5, "rk8pd", 1e-12, d_ref, &pop);
  assert_ok(net, ember_network_run(net, 400.0));
  size_t nr = spikes_of(pop, ref, 512);
  ember_network_free(net);
  net = driven(5, "expint", 0, d_ei, &pop);
  assert_ok(net, ember_network_run(net, 400.0));
  size_t ne = spikes_of(pop, ei, 512);
  ember_network_free(net);
  assert_true(nr >= 20);
  double w = same_spikes(ei, ne, ref, nr, 1e-5);
  size_t fr, fe, nn, ne2;
  float *vr = read_v(d_ref, &fr, &nn), *ve = read_v(d_ei, &fe, &ne2);
  assert_int_equal(fr, fe);
  assert_int_equal(nn, ne2);
  assert_int_equal(fr, 4000);
  double dv = 0;
  for (size_t k = 0; k < fr * nn; k++)
    dv = fmax(dv, fabs((double)vr[k] - (double)ve[k]));
  print_message("  %zu spikes, max |dt| = %.3g ms; %zu frames, max |dv| = %.3g mV\n", ne, w,
                fr * nn, dv);
  assert_true(dv <= 1e-4);
  free(vr);
  free(ve);
}

/* One neuron relaxing from a high-conductance state without input or spikes,
 * with max_step 20 ms so that the tolerance alone sets the steps; v read every
 * 2.5 ms (each read ends a step inside a lazy or computed one). The error
 * against the reference shrinks as the tolerance tightens and stays within the
 * tolerance times |v|. */
static double relax_error(const char *method, double tol, double *vout, const double *vref)
{
  ember_network *net = ember_network_new(1);
  ember_population *pop;
  assert_ok(net, ember_population_new(net, "n", 1, "lif_cond_exp", &pop));
  coba_cell(pop);
  set_p(pop, "v_thresh", 0.0);
  set_solver(net, pop, method, tol, 20.0);
  ember_dist v0 = dist_const(-75.0), ge0 = dist_const(0.08), gi0 = dist_const(0.4);
  assert_ok(net, ember_population_set_state(pop, "v", &v0, NULL, 0));
  assert_ok(net, ember_population_set_state(pop, "gsyn_exc", &ge0, NULL, 0));
  assert_ok(net, ember_population_set_state(pop, "gsyn_inh", &gi0, NULL, 0));
  double worst = 0;
  for (int k = 0; k < 40; k++) {
    assert_ok(net, ember_network_run(net, 2.5));
    vout[k] = get1(pop, "v", 0);
    if (vref)
      worst = fmax(worst, fabs(vout[k] - vref[k]));
  }
  ember_network_free(net);
  return worst;
}

static void test_convergence(void **state)
{
  double ref[40], v[40];
  relax_error("rk8pd", 1e-12, ref, NULL);
  double tols[] = {1e-3, 1e-5, 1e-7, 1e-9}, err[4];
  for (int i = 0; i < 4; i++) {
    err[i] = relax_error("expint", tols[i], v, ref);
    print_message("  tol %g: max |v - v_ref| = %.3g mV\n", tols[i], err[i]);
    assert_true(err[i] <= tols[i] * 80.0);   /* rtol |v| with |v| <= 80 mV */
    if (i > 0)
      assert_true(err[i] <= err[i - 1]);
  }
  assert_true(err[3] < 1e-8);
}

/* Random states near threshold, with the Poisson drive: no crossing is missed
 * or invented by the bound that lets steps go unchecked. 300 neurons, 60 ms. */
static void random_states(ember_network *net, ember_population *pop)
{
  ember_dist v = {EMBER_DIST_UNIFORM, -62.0, -50.2};
  ember_dist ge = {EMBER_DIST_UNIFORM, 0.0, 0.12}, gi = {EMBER_DIST_UNIFORM, 0.0, 0.4};
  assert_ok(net, ember_population_set_state(pop, "v", &v, NULL, 0));
  assert_ok(net, ember_population_set_state(pop, "gsyn_exc", &ge, NULL, 0));
  assert_ok(net, ember_population_set_state(pop, "gsyn_inh", &gi, NULL, 0));
}

static void test_bound_randomized(void **state)
{
  static double ref[4096], ei[4096];
  size_t n[2];
  const char *m[] = {"rk8pd", "expint"};
  for (int i = 0; i < 2; i++) {
    ember_population *pop;
    ember_network *net = driven(300, m[i], i ? 0 : 1e-12, NULL, &pop);
    random_states(net, pop);
    assert_ok(net, ember_network_run(net, 60.0));
    n[i] = spikes_of(pop, i ? ei : ref, 4096);
    ember_network_free(net);
  }
  assert_true(n[0] > 150);
  double w = same_spikes(ei, n[1], ref, n[0], 1e-5);
  print_message("  %zu spikes, max |dt| = %.3g ms\n", n[1], w);
}

/* A neuron driven hard (i_offset 2 nA) fires as soon as its 2 ms refractory
 * period allows: v reads exactly v_reset while refractory, and the spikes are
 * the reference's. */
static void test_refractory(void **state)
{
  double t[2][256];
  size_t n[2];
  const char *m[] = {"rk8pd", "expint"};
  for (int i = 0; i < 2; i++) {
    ember_network *net = ember_network_new(3);
    ember_population *pop;
    assert_ok(net, ember_population_new(net, "n", 1, "lif_cond_exp", &pop));
    coba_cell(pop);
    set_p(pop, "tau_refrac", 2.0);
    set_p(pop, "i_offset", 2.0);
    ember_dist gi0 = dist_const(0.3);
    assert_ok(net, ember_population_set_state(pop, "gsyn_inh", &gi0, NULL, 0));
    set_solver(net, pop, m[i], i ? 0 : 1e-12, 0);
    assert_ok(net, ember_population_record(pop, "spikes", 0, NULL, 0));
    for (int k = 0; k < 400; k++) {
      assert_ok(net, ember_network_run(net, 0.25));
      const double *times;
      const uint32_t *ids;
      size_t ns = ember_population_recorded_spikes(pop, &times, &ids);
      double now = 0.25 * (k + 1);
      if (ns && now - times[ns - 1] < 2.0 - 1e-9)
        assert_true(get1(pop, "v", 0) == -60.0);
    }
    n[i] = spikes_of(pop, t[i], 256);
    ember_network_free(net);
  }
  assert_true(n[0] > 20);
  for (size_t k = 1; k < n[1]; k++)
    assert_true(t[1][k] - t[1][k - 1] >= 2.0);
  double w = same_spikes(t[1], n[1], t[0], n[0], 1e-6);
  print_message("  %zu spikes, max |dt| = %.3g ms\n", n[1], w);
}

/* Negative initial conductances (COBA draws some) take the Taylor fallback
 * until they have decayed; the trajectory is still the reference's. */
static void test_negative_conductance(void **state)
{
  double v[2][20];
  const char *m[] = {"rk8pd", "expint"};
  for (int i = 0; i < 2; i++) {
    ember_network *net = ember_network_new(1);
    ember_population *pop;
    assert_ok(net, ember_population_new(net, "n", 1, "lif_cond_exp", &pop));
    coba_cell(pop);
    set_p(pop, "v_thresh", 0.0);
    ember_dist ge0 = dist_const(0.02), gi0 = dist_const(-0.03);
    assert_ok(net, ember_population_set_state(pop, "gsyn_exc", &ge0, NULL, 0));
    assert_ok(net, ember_population_set_state(pop, "gsyn_inh", &gi0, NULL, 0));
    set_solver(net, pop, m[i], i ? 0 : 1e-12, 0);
    for (int k = 0; k < 20; k++) {
      assert_ok(net, ember_network_run(net, 1.5));
      v[i][k] = get1(pop, "v", 0);
    }
    ember_network_free(net);
  }
  for (int k = 0; k < 20; k++)
    assert_close(v[1][k], v[0][k], 1e-4);
}

/* A COBA-like network of 400 cells (p = 0.05, COBA's weights) with Poisson
 * drive and random initial states. */
static ember_network *coba_like(const char *method, int threads, ember_population **pop)
{
  ember_network *net = ember_network_new(11);
  assert_ok(net, ember_network_set_threads(net, threads));
  ember_population *pe, *ex, *in;
  assert_ok(net, ember_source_population_new(net, "pe", 200, "poisson", &pe));
  set_p(pe, "rate", 20.0);
  assert_ok(net, ember_population_new(net, "exc", 320, "lif_cond_exp", &ex));
  assert_ok(net, ember_population_new(net, "inh", 80, "lif_cond_exp", &in));
  ember_population *pops[] = {ex, in};
  for (int i = 0; i < 2; i++) {
    coba_cell(pops[i]);
    set_solver(net, pops[i], method, 0, 0);
    random_states(net, pops[i]);
    assert_ok(net, ember_population_record(pops[i], "spikes", 0, NULL, 0));
  }
  ember_connector c = {.kind = EMBER_CONN_FIXED_PROBABILITY, .p = 0.05};
  ember_dist we = dist_const(0.006), wi = dist_const(0.067), d = dist_const(0.1);
  ember_projection *p;
  for (int i = 0; i < 2; i++) {
    assert_ok(net, ember_projection_new(net, ex, pops[i], &c, &we, &d, "excitatory", &p));
    assert_ok(net, ember_projection_new(net, in, pops[i], &c, &wi, &d, "inhibitory", &p));
    ember_connector cp = {.kind = EMBER_CONN_FIXED_NUMBER_PRE, .n = 20};
    assert_ok(net, ember_projection_new(net, pe, pops[i], &cp, &we, &d, "excitatory", &p));
  }
  *pop = ex;
  return net;
}

static void test_threads_bitwise(void **state)
{
  static double t[2][8192];
  size_t n[2];
  for (int i = 0; i < 2; i++) {
    ember_population *pop;
    ember_network *net = coba_like("expint", i + 1, &pop);
    assert_ok(net, ember_network_run(net, 100.0));
    n[i] = spikes_of(pop, t[i], 8192);
    ember_network_free(net);
  }
  assert_true(n[0] > 100);
  assert_int_equal(n[0], n[1]);
  assert_memory_equal(t[0], t[1], n[0] * sizeof t[0][0]);
}

/* Report `var` of the output in `out`, all frames (n_frames x n_nodes floats). */
static float *read_report(const char *out, const char *var, size_t *frames, size_t *nodes)
{
  ember_output *o;
  char msg[256];
  assert_int_equal(ember_output_open(out, &o, msg, sizeof msg), EMBER_OK);
  size_t r = 0;
  ember_report_info info;
  for (; r < ember_output_report_count(o); r++) {
    assert_int_equal(ember_output_report_info(o, r, &info), EMBER_OK);
    if (!strcmp(info.variable, var))
      break;
  }
  assert_true(r < ember_output_report_count(o));
  *frames = info.n_frames;
  *nodes = info.n_nodes;
  float *data = malloc(info.n_frames * info.n_nodes * sizeof *data);
  uint64_t ids[64];
  assert_true(info.n_nodes <= 64);
  assert_int_equal(ember_output_read_report(o, r, 0, info.n_frames, data, ids), EMBER_OK);
  ember_output_free(o);
  return data;
}

/* Recording does not change the dynamics, and a neuron recorded by two
 * recorders is advanced once per interval (the engine lists it once; twice
 * would apply its events twice): the spikes are the same bits without
 * recorders, with v of neurons 0-9, and with v of 0-9 plus gsyn_exc of 5-14,
 * over runs that end inside intervals; v is the same bits in the last two, and
 * every frame was written (also those of intervals in which a recorded neuron has
 * neither an event nor the end of a step). */
static void test_recording_does_not_perturb(void **state)
{
  static double t[3][8192];
  size_t n[3], frames[2], nodes[2];
  float *v[2] = {NULL, NULL};
  uint32_t ids[15];
  for (uint32_t k = 0; k < 15; k++)
    ids[k] = k;
  for (int i = 0; i < 3; i++) {
    char out[320];
    snprintf(out, sizeof out, "%s/rec%d", dir, i);
    ember_population *pop;
    ember_network *net = coba_like("expint", 1, &pop);
    if (i > 0) {
      assert_ok(net, ember_network_set_output(net, out));
      assert_ok(net, ember_population_record(pop, "v", 0.1, ids, 10));
    }
    if (i > 1)
      assert_ok(net, ember_population_record(pop, "gsyn_exc", 0.3, ids + 5, 10));
    assert_ok(net, ember_network_run(net, 20.03));
    assert_ok(net, ember_network_run(net, 7.25));
    assert_ok(net, ember_network_run(net, 12.72));
    n[i] = spikes_of(pop, t[i], 8192);
    ember_network_free(net);
    if (i > 0)
      v[i - 1] = read_report(out, "v", &frames[i - 1], &nodes[i - 1]);
    if (i > 1) {   /* every frame written (the buffers start at 0): g_e > 0 throughout */
      size_t fg, ng;
      float *g = read_report(out, "gsyn_exc", &fg, &ng);
      assert_int_equal(fg, 134);
      assert_int_equal(ng, 10);
      for (size_t k = 0; k < fg * ng; k++)
        assert_true(g[k] > 0);
      free(g);
    }
  }
  assert_true(n[0] > 50);
  for (int i = 1; i < 3; i++) {
    assert_int_equal(n[i], n[0]);
    assert_memory_equal(t[i], t[0], n[0] * sizeof t[0][0]);
  }
  assert_int_equal(frames[0], 400);
  assert_int_equal(nodes[0], 10);
  assert_int_equal(frames[1], frames[0]);
  assert_int_equal(nodes[1], nodes[0]);
  assert_memory_equal(v[0], v[1], frames[0] * nodes[0] * sizeof *v[0]);
  for (size_t k = 0; k < frames[0] * nodes[0]; k++)   /* written: between e_rev_I and threshold */
    assert_true(v[0][k] >= -80.0f && v[0][k] <= -50.0f);
  free(v[0]);
  free(v[1]);
}

/* The network against "taylor" at the same (default) tolerances: both are
 * within ~1e-5 ms of exact, and over 25 ms the network's chaos has not yet
 * amplified that beyond 1e-3 ms (the accuracy requirement of the issue). */
static void test_network_vs_taylor(void **state)
{
  static double t[2][8192];
  size_t n[2];
  const char *m[] = {"taylor", "expint"};
  for (int i = 0; i < 2; i++) {
    ember_population *pop;
    ember_network *net = coba_like(m[i], 1, &pop);
    assert_ok(net, ember_network_run(net, 25.0));
    n[i] = spikes_of(pop, t[i], 8192);
    ember_network_free(net);
  }
  assert_true(n[0] > 50);
  double w = same_spikes(t[1], n[1], t[0], n[0], 1e-3);
  print_message("  %zu spikes, max |dt| = %.3g ms\n", n[1], w);
}

/* The network's spike times over 100 ms with expint at one thread into buf. */
static size_t kernel_run(double *buf, size_t cap)
{
  ember_population *pop;
  ember_network *net = coba_like("expint", 1, &pop);
  assert_ok(net, ember_network_run(net, 100.0));
  size_t n = spikes_of(pop, buf, cap);
  ember_network_free(net);
  return n;
}

/* The fit's lanes are written twice, in vectors for AVX2 and lane by lane for
 * other CPUs, picked at load time (lib/expint_fit.h); both must give the same
 * bits. This process runs the
 * network with the pick (AVX2 on a CPU that has it), then runs itself again
 * with EMBER_EXPINT_KERNEL=generic, which writes its spike times to a file. (On
 * a CPU without AVX2 both runs are generic.) */
static void test_kernels_bitwise(void **state)
{
  static double t[2][8192];
  size_t n[2];
  n[0] = kernel_run(t[0], 8192);
  char path[512], cmd[2048], self[1024];
  ssize_t len = readlink("/proc/self/exe", self, sizeof self - 1);
  if (len <= 0)
    skip();
  self[len] = 0;
  snprintf(path, sizeof path, "%s/generic.bin", dir);
  snprintf(cmd, sizeof cmd, "EMBER_EXPINT_KERNEL=generic '%s' --spikes-to '%s'", self, path);
  assert_int_equal(system(cmd), 0);
  FILE *f = fopen(path, "rb");
  assert_non_null(f);
  n[1] = fread(t[1], sizeof t[1][0], 8192, f);
  fclose(f);
  assert_true(n[0] > 100);
  assert_int_equal(n[0], n[1]);
  assert_memory_equal(t[0], t[1], n[0] * sizeof t[0][0]);
}

/* expint is lif_cond_exp's: other models refuse it with a message. */
static void test_expint_only_for_cond_exp(void **state)
{
  ember_network *net = ember_network_new(1);
  ember_population *a, *b;
  assert_ok(net, ember_population_new(net, "a", 1, "lif_curr_exp", &a));
  assert_ok(net, ember_population_new(net, "b", 1, "lif_cond_exp", &b));
  ember_solver_opts o = ember_solver_defaults(ember_population_model(a));
  o.method = "expint";
  assert_int_equal(ember_population_set_solver(a, &o), EMBER_ERR_INVALID);
  assert_non_null(strstr(ember_network_error(net), "expint"));
  assert_ok(net, ember_population_set_solver(b, &o));
  ember_network_free(net);
}

int main(int argc, char **argv)
{
  if (argc == 3 && !strcmp(argv[1], "--spikes-to")) {   /* test_kernels_bitwise's child */
    static double t[8192];
    size_t n = kernel_run(t, 8192);
    FILE *f = fopen(argv[2], "wb");
    return !(f && fwrite(t, sizeof t[0], n, f) == n && fclose(f) == 0);
  }
  const struct CMUnitTest tests[] = {
    cmocka_unit_test_setup_teardown(test_driven_vs_rk8pd, setup, teardown),
    cmocka_unit_test(test_convergence),
    cmocka_unit_test(test_bound_randomized),
    cmocka_unit_test(test_refractory),
    cmocka_unit_test(test_negative_conductance),
    cmocka_unit_test(test_threads_bitwise),
    cmocka_unit_test_setup_teardown(test_kernels_bitwise, setup, teardown),
    cmocka_unit_test(test_network_vs_taylor),
    cmocka_unit_test_setup_teardown(test_recording_does_not_perturb, setup, teardown),
    cmocka_unit_test(test_expint_only_for_cond_exp),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
