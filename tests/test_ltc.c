/* Tests of LTC circuits: ncps agreement (reference data made by
 * tools/make_ltc_reference.py), closed-form relaxation, solver convergence,
 * boundedness, wirings, HDF5 round trip, thread independence. */
#include <hdf5.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "helpers.h"
#include "ltc_helpers.h"


/* ---------------------------------------------------------------- helpers --- */




static double max_abs_diff(const double *a, const double *b, size_t n)
{
  double m = 0;
  for (size_t i = 0; i < n; i++)
    m = fmax(m, fabs(a[i] - b[i]));
  return m;
}

static ember_ltc *build(const ember_ltc_wiring_spec *spec, uint64_t seed)
{
  ember_ltc *c = ember_ltc_new();
  assert_non_null(c);
  assert_ltc(c, ember_ltc_build(c, spec, seed, 0));
  return c;
}

static void set_method(ember_ltc *c, const char *method, int unfolds, double tol)
{
  ember_ltc_solver_opts o = ember_ltc_solver_defaults();
  o.method = method;
  o.ode_unfolds = unfolds;
  o.abstol = o.reltol = tol;
  o.epsilon = 0;   /* the continuous ODE has none; comparisons between solvers leave it out */
  assert_ltc(c, ember_ltc_set_solver(c, &o));
}

static ember_ltc_wiring_spec auto_ncp(size_t units, size_t outputs, size_t inputs)
{
  ember_ltc_wiring_spec s = {.kind = EMBER_LTC_AUTO_NCP, .units = units, .outputs = outputs,
                             .inputs = inputs, .sparsity = 0.5};
  return s;
}

/* A deterministic input series: T x K values in [-1, 1]. */
static double *series(size_t T, size_t K, unsigned seed)
{
  double *x = malloc(T * K * sizeof *x);
  for (size_t i = 0; i < T * K; i++)
    x[i] = sin(0.7 * (double)i + seed) * cos(0.13 * (double)i);
  return x;
}

/* Runs circuit c over series x (T steps of 1.0) from v = 0 and returns the final state. */
static void final_state(ember_ltc *c, const double *x, size_t T, double *v)
{
  assert_ltc(c, ember_ltc_reset(c, NULL));
  assert_ltc(c, ember_ltc_run(c, x, NULL, T, NULL, NULL));
  ember_ltc_get_v(c, v);
}

/* ----------------------------------------------------------------- ncps --- */

/* Runs a reference file's series through the fused solver and compares the
 * outputs and states with ncps' (float64). */
static void check_ncps(const char *file)
{
  char path[1024];
  snprintf(path, sizeof path, "%s/%s", LTC_DATA_DIR, file);
  ember_ltc *c = ember_ltc_new();
  assert_ltc(c, ember_ltc_load(c, path));
  size_t N = ember_ltc_units(c), K = ember_ltc_inputs(c), M = ember_ltc_outputs(c), nx, nt, nh, no, ns;
  double *x = h5_read(path, "ref/inputs", &nx), *ts = h5_read(path, "ref/timespans", &nt);
  double *h0 = h5_read(path, "ref/h0", &nh), *yo = h5_read(path, "ref/outputs", &no);
  double *vs = h5_read(path, "ref/states", &ns);
  size_t T = nt;
  assert_int_equal(nx, T * K);
  assert_int_equal(no, T * M);
  assert_int_equal(ns, T * N);
  ember_ltc_solver_opts o = ember_ltc_solver_defaults();
  o.ode_unfolds = (int)h5_attr(path, "ref", "ode_unfolds");
  o.epsilon = h5_attr(path, "ref", "epsilon");
  assert_ltc(c, ember_ltc_set_solver(c, &o));
  assert_ltc(c, ember_ltc_reset(c, h0));
  double *out = malloc(T * M * sizeof *out), *st = malloc(T * N * sizeof *st);
  assert_ltc(c, ember_ltc_run(c, x, ts, T, out, st));
  double eo = max_abs_diff(out, yo, T * M), ev = max_abs_diff(st, vs, T * N);
  print_message("%s: N=%zu K=%zu T=%zu, max |output - ncps| = %.3g, max |v - ncps| = %.3g\n", file,
                N, K, T, eo, ev);
  assert_true(eo <= 1e-10);
  assert_true(ev <= 1e-10);
  free(x), free(ts), free(h0), free(yo), free(vs), free(out), free(st);
  ember_ltc_free(c);
}

/* ... with every synapse kernel this CPU can run (the default one last). */
static void check_ncps_kernels(const char *file)
{
  const char *kernels[] = {"generic", "avx2", "avx512"};
  char def[32];
  snprintf(def, sizeof def, "%s", ember_ltc_kernel());
  for (int i = 0; i < 3; i++) {
    ember_status st = ember_ltc_set_kernel(kernels[i]);
    if (st == EMBER_ERR_INVALID) {
      print_message("kernel %s: not supported by this CPU\n", kernels[i]);
      continue;
    }
    assert_int_equal(st, EMBER_OK);
    print_message("kernel %s: ", ember_ltc_kernel());
    check_ncps(file);
  }
  assert_int_equal(ember_ltc_set_kernel("auto"), EMBER_OK);
  assert_string_equal(ember_ltc_kernel(), def);
  assert_int_equal(ember_ltc_set_kernel("sse9"), EMBER_ERR_UNKNOWN);
}

static void t_ncps_fully_connected(void **s) { (void)s; check_ncps_kernels("fc8.h5"); }
static void t_ncps_fully_connected_irregular(void **s) { (void)s; check_ncps_kernels("fc8_irregular.h5"); }
static void t_ncps_ncp_irregular(void **s) { (void)s; check_ncps_kernels("ncp12.h5"); }
static void t_ncps_auto_ncp(void **s) { (void)s; check_ncps_kernels("autoncp19.h5"); }

/* The kernels on a 128-unit dense circuit (rows of 128: full vectors) and a random
 * sparse one (gathers, partial vectors): avx2 and avx512 do the same lane
 * arithmetic (the same bits); generic rounds differently, within 1e-12. */
static void t_kernels_agree(void **s)
{
  (void)s;
  ember_ltc_wiring_spec specs[2] = {
    {.kind = EMBER_LTC_FULLY_CONNECTED, .units = 128, .outputs = 1, .inputs = 16},
    {.kind = EMBER_LTC_RANDOM, .units = 60, .outputs = 2, .inputs = 5, .sparsity = 0.9}};
  const char *kernels[] = {"generic", "avx2", "avx512"};
  for (int w = 0; w < 2; w++) {
    ember_ltc *c = build(&specs[w], 3);
    size_t N = ember_ltc_units(c), K = ember_ltc_inputs(c), T = 50;
    double *x = series(T, K, 2), *v[3];
    int ok[3] = {0};
    for (int i = 0; i < 3; i++) {
      v[i] = malloc(N * sizeof *v[i]);
      if (ember_ltc_set_kernel(kernels[i]) != EMBER_OK)
        continue;
      ok[i] = 1;
      set_method(c, "fused", 6, 1e-6);
      final_state(c, x, T, v[i]);
    }
    assert_int_equal(ember_ltc_set_kernel("auto"), EMBER_OK);
    for (int i = 1; i < 3; i++)
      if (ok[i]) {
        print_message("N=%zu %s vs generic: max |dv| = %.3g\n", N, kernels[i], max_abs_diff(v[i], v[0], N));
        assert_true(max_abs_diff(v[i], v[0], N) <= 1e-12);
      }
    if (ok[1] && ok[2])
      assert_memory_equal(v[1], v[2], N * sizeof *v[1]);
    double spread = 0;
    for (size_t j = 0; j < N; j++)
      spread = fmax(spread, fabs(v[0][j]));
    assert_true(spread > 0.01);
    for (int i = 0; i < 3; i++)
      free(v[i]);
    free(x);
    ember_ltc_free(c);
  }
}

/* ---------------------------------------------------------- continuous --- */

/* Without synapses each neuron relaxes as vleak + (v0 - vleak) exp(-t gleak / cm),
 * with tau = cm / gleak. */
static void t_relaxation_closed_form(void **s)
{
  (void)s;
  ember_ltc_wiring_spec spec = {.kind = EMBER_LTC_FULLY_CONNECTED, .units = 6, .outputs = 2, .inputs = 2};
  ember_ltc *c = build(&spec, 7);
  size_t N = 6;
  double zeros[36] = {0}, v0[6], v[6], tau[6], gl[6], vl[6], cm[6];
  assert_ltc(c, ember_ltc_set_param(c, "w", zeros));
  assert_ltc(c, ember_ltc_set_param(c, "sensory_w", zeros));
  for (size_t j = 0; j < N; j++)
    v0[j] = -0.9 + 0.3 * (double)j;
  assert_ltc(c, ember_ltc_reset(c, v0));
  ember_ltc_get_param(c, "gleak", gl);
  ember_ltc_get_param(c, "vleak", vl);
  ember_ltc_get_param(c, "cm", cm);
  ember_ltc_get_tau(c, tau);
  for (size_t j = 0; j < N; j++)
    assert_close(tau[j], cm[j] / gl[j], 1e-15 * tau[j]);
  set_method(c, "rk8pd", 1, 1e-12);
  double x[2] = {0.3, -0.5};
  assert_ltc(c, ember_ltc_set_input(c, x));
  double err = 0;
  for (int step = 1; step <= 20; step++) {
    assert_ltc(c, ember_ltc_step(c, 0.37));
    ember_ltc_get_v(c, v);
    double t = 0.37 * step;
    for (size_t j = 0; j < N; j++)
      err = fmax(err, fabs(v[j] - (vl[j] + (v0[j] - vl[j]) * exp(-t * gl[j] / cm[j]))));
  }
  print_message("relaxation: max |v - closed form| = %.3g (rk8pd, tol 1e-12)\n", err);
  assert_true(err <= 1e-10);
  ember_ltc_free(c);
}

/* More inputs than neurons (K > N: the input map x~ needs K entries of scratch):
 * one fused sub-step from v0 against ncps' update written out with libm,
 * v' = (cm/dt v0 + gleak vleak + sum g erev) / (cm/dt + gleak + sum g), internal
 * weights 0, g = w / (1 + exp(-sigma (x~ - mu))), with every kernel. */
static void t_more_inputs_than_units(void **s)
{
  (void)s;
  enum { N = 2, K = 9 };
  const char *kernels[] = {"generic", "avx2", "avx512"};
  ember_ltc_wiring_spec spec = {.kind = EMBER_LTC_FULLY_CONNECTED, .units = N, .outputs = 1, .inputs = K};
  ember_ltc *c = build(&spec, 5);
  double zeros[N * N] = {0}, sw[K * N], ss[K * N], sm[K * N], se[K * N], iw[K], ib[K];
  double gl[N], vl[N], cm[N], v0[N] = {0.4, -0.7}, x[K], v[N];
  assert_ltc(c, ember_ltc_set_param(c, "w", zeros));
  for (int k = 0; k < K; k++) {
    x[k] = sin(1.7 * k + 0.2);
    iw[k] = 0.5 + 0.1 * k;   /* not ncps' initial 1 and 0: the map is exercised */
    ib[k] = 0.3 - 0.07 * k;
  }
  assert_ltc(c, ember_ltc_set_param(c, "input_w", iw));
  assert_ltc(c, ember_ltc_set_param(c, "input_b", ib));
  const char *names[] = {"sensory_w", "sensory_sigma", "sensory_mu", "sensory_erev", "input_w", "input_b",
                         "gleak", "vleak", "cm"};
  double *dst[] = {sw, ss, sm, se, iw, ib, gl, vl, cm};
  for (int i = 0; i < 9; i++)
    assert_ltc(c, ember_ltc_get_param(c, names[i], dst[i]));
  double want[N];
  for (int j = 0; j < N; j++) {
    double a = 0, b = 0;
    for (int k = 0; k < K; k++) {
      double g = sw[k * N + j] / (1 + exp(-ss[k * N + j] * (iw[k] * x[k] + ib[k] - sm[k * N + j])));
      a += g * se[k * N + j];
      b += g;
    }
    want[j] = (cm[j] / 0.5 * v0[j] + gl[j] * vl[j] + a) / (cm[j] / 0.5 + gl[j] + b);
  }
  set_method(c, "fused", 1, 1e-8);
  for (int i = 0; i < 3; i++) {
    if (ember_ltc_set_kernel(kernels[i]) != EMBER_OK)
      continue;
    assert_ltc(c, ember_ltc_reset(c, v0));
    assert_ltc(c, ember_ltc_set_input(c, x));
    assert_ltc(c, ember_ltc_step(c, 0.5));
    ember_ltc_get_v(c, v);
    for (int j = 0; j < N; j++)
      assert_close(v[j], want[j], 1e-14);
  }
  assert_int_equal(ember_ltc_set_kernel("auto"), EMBER_OK);
  ember_ltc_free(c);
}

/* Adaptive steppers converge to a tight rk8pd solution as the tolerance
 * tightens, within a small multiple of the tolerance; the fused solver
 * converges to it at first order in the number of unfolds. */
static void t_convergence(void **s)
{
  (void)s;
  ember_ltc_wiring_spec spec = auto_ncp(19, 1, 16);
  ember_ltc *c = build(&spec, 11);
  size_t T = 20, N = 19;
  double *x = series(T, 16, 3), ref[19], v[19];
  set_method(c, "rk8pd", 1, 1e-14);
  final_state(c, x, T, ref);
  double prev = INFINITY;
  const double tols[] = {1e-4, 1e-6, 1e-8, 1e-10};
  for (int i = 0; i < 4; i++) {
    set_method(c, "rkf45", 1, tols[i]);
    final_state(c, x, T, v);
    double e = max_abs_diff(v, ref, N);
    print_message("rkf45 tol %.0e: max error %.3g, %llu rhs evaluations\n", tols[i], e,
                  (unsigned long long)ember_ltc_rhs_count(c));
    assert_true(e < prev);
    assert_true(e <= 20 * tols[i]);
    prev = e;
  }
  prev = INFINITY;
  for (int u = 6; u <= 96; u *= 2) {
    set_method(c, "fused", u, 1e-8);
    final_state(c, x, T, v);
    double e = max_abs_diff(v, ref, N);
    print_message("fused %2d unfolds: max error %.3g (ratio %.2f)\n", u, e, prev / e);
    if (u > 6)
      assert_true(prev / e > 1.6 && prev / e < 2.5);   /* first order: halves per doubling */
    prev = e;
  }
  free(x);
  ember_ltc_free(c);
}

/* Hasani et al.'s bound: with v(0) in [min(vleak, erev), max(vleak, erev)] the
 * state never leaves it (erev = +-1 here, |vleak| <= 0.2). */
static void t_bounded(void **s)
{
  (void)s;
  ember_ltc_wiring_spec spec = auto_ncp(24, 3, 5);
  ember_ltc *c = build(&spec, 5);
  size_t T = 200, N = 24;
  double *x = series(T, 5, 9), v0[24], *st = malloc(T * N * sizeof *st);
  for (size_t i = 0; i < T * 5; i++)
    x[i] *= 20;   /* strong drive pushes towards the reversal potentials */
  for (size_t j = 0; j < N; j++)
    v0[j] = (j % 2 ? 1.0 : -1.0) * (0.5 + 0.02 * (double)j);
  const char *methods[] = {"fused", "rkf45"};
  for (int m = 0; m < 2; m++) {
    set_method(c, methods[m], 6, 1e-8);
    assert_ltc(c, ember_ltc_reset(c, v0));
    assert_ltc(c, ember_ltc_run(c, x, NULL, T, NULL, st));
    for (size_t i = 0; i < T * N; i++)
      assert_true(st[i] >= -1.0 && st[i] <= 1.0);
  }
  free(x);
  free(st);
  ember_ltc_free(c);
}

/* --------------------------------------------------------------- wiring --- */

/* Counts synapses by (role of source, role of dest) and checks fan-outs. */
static void t_wiring_ncp_layers(void **s)
{
  (void)s;
  ember_ltc_wiring_spec spec = auto_ncp(19, 1, 16);   /* ncps: 11 inter, 7 command, 1 motor */
  ember_ltc *c = build(&spec, 3);
  size_t N = 19, K = 16, count[3] = {0}, conn[3][3] = {{0}};
  for (size_t j = 0; j < N; j++)
    count[ember_ltc_role_of(c, j)]++;
  assert_int_equal(count[EMBER_LTC_MOTOR], 1);
  assert_int_equal(count[EMBER_LTC_COMMAND], 7);
  assert_int_equal(count[EMBER_LTC_INTER], 11);
  size_t out_deg[19] = {0}, in_deg[19] = {0}, sens_out[16] = {0}, sens_in[19] = {0};
  for (size_t k = 0; k < ember_ltc_synapse_count(c); k++) {
    uint32_t a, b;
    int pol;
    ember_ltc_synapse(c, k, &a, &b, &pol);
    assert_true(pol == 1 || pol == -1);
    conn[ember_ltc_role_of(c, a)][ember_ltc_role_of(c, b)]++;
    out_deg[a]++;
    in_deg[b]++;
  }
  for (size_t k = 0; k < ember_ltc_sensory_synapse_count(c); k++) {
    uint32_t a, b;
    ember_ltc_sensory_synapse(c, k, &a, &b, NULL);
    assert_int_equal(ember_ltc_role_of(c, b), EMBER_LTC_INTER);
    sens_out[a]++;
    sens_in[b]++;
  }
  /* Only inter -> command, command -> command (<= 7 recurrent) and command -> motor. */
  assert_int_equal(conn[EMBER_LTC_INTER][EMBER_LTC_INTER], 0);
  assert_int_equal(conn[EMBER_LTC_INTER][EMBER_LTC_MOTOR], 0);
  assert_int_equal(conn[EMBER_LTC_MOTOR][EMBER_LTC_MOTOR] + conn[EMBER_LTC_MOTOR][EMBER_LTC_COMMAND] +
                   conn[EMBER_LTC_MOTOR][EMBER_LTC_INTER] + conn[EMBER_LTC_COMMAND][EMBER_LTC_INTER], 0);
  assert_true(conn[EMBER_LTC_COMMAND][EMBER_LTC_COMMAND] >= 1 && conn[EMBER_LTC_COMMAND][EMBER_LTC_COMMAND] <= 7);
  for (size_t k = 0; k < K; k++)
    assert_true(sens_out[k] >= 5);          /* sensory_fanout = int(11 * 0.5) */
  for (size_t j = 0; j < N; j++) {
    ember_ltc_role r = ember_ltc_role_of(c, j);
    if (r == EMBER_LTC_INTER) {
      assert_true(sens_in[j] >= 1);         /* no unreachable inter neuron */
      assert_true(out_deg[j] >= 3);         /* inter_fanout = int(7 * 0.5) */
    } else if (r == EMBER_LTC_MOTOR) {
      assert_true(in_deg[j] >= 3);          /* motor_fanin = 3 */
    } else {
      assert_true(in_deg[j] >= 1);
    }
  }
  ember_ltc_free(c);
}

/* Explicit NCP sizes; an impossible fan-in is refused with a message. */
static void t_wiring_ncp_explicit(void **s)
{
  (void)s;
  ember_ltc_wiring_spec spec = {.kind = EMBER_LTC_NCP, .inputs = 4, .outputs = 2, .inter = 6,
                                .command = 4, .sensory_fanout = 3, .inter_fanout = 2,
                                .recurrent_command = 3, .motor_fanin = 2};
  ember_ltc *c = build(&spec, 1);
  assert_int_equal(ember_ltc_units(c), 12);
  assert_int_equal(ember_ltc_outputs(c), 2);
  assert_true(ember_ltc_sensory_synapse_count(c) >= 12);
  spec.motor_fanin = 5;
  assert_int_equal(ember_ltc_build(c, &spec, 1, 0), EMBER_ERR_INVALID);
  assert_non_null(strstr(ember_ltc_error(c), "motor_fanin"));
  assert_int_equal(ember_ltc_units(c), 0);
  assert_int_equal(ember_ltc_step(c, 1.0), EMBER_ERR_STATE);
  ember_ltc_free(c);
}

/* Polarity: -1 with probability 1/3 in dense and random wirings (ncps' [-1, 1, 1]);
 * the random wiring has exactly round(N^2 (1 - sparsity)) distinct synapses. */
static void t_wiring_polarity_and_counts(void **s)
{
  (void)s;
  ember_ltc_wiring_spec fc = {.kind = EMBER_LTC_FULLY_CONNECTED, .units = 100, .outputs = 5, .inputs = 3};
  ember_ltc *c = build(&fc, 2);
  size_t neg = 0, n = ember_ltc_synapse_count(c);
  assert_int_equal(n, 10000);
  int8_t *adj = malloc(10000);
  ember_ltc_adjacency(c, adj, NULL);
  for (size_t i = 0; i < 10000; i++)
    neg += adj[i] < 0;
  print_message("fully connected 100: %zu of 10000 inhibitory (expected 3333 +- 47)\n", neg);
  assert_true(neg > 3333 - 200 && neg < 3333 + 200);
  ember_ltc_wiring_spec rnd = {.kind = EMBER_LTC_RANDOM, .units = 300, .inputs = 7, .sparsity = 0.9};
  assert_ltc(c, ember_ltc_build(c, &rnd, 2, 0));
  assert_int_equal(ember_ltc_synapse_count(c), 9000);
  assert_int_equal(ember_ltc_sensory_synapse_count(c), 210);
  assert_int_equal(ember_ltc_outputs(c), 300);
  fc.no_self_connections = 1;
  assert_ltc(c, ember_ltc_build(c, &fc, 2, 0));
  assert_int_equal(ember_ltc_synapse_count(c), 9900);
  free(adj);
  ember_ltc_free(c);
}

/* Same seed, same circuit; another seed, another. */
static void t_wiring_deterministic(void **s)
{
  (void)s;
  ember_ltc_wiring_spec spec = auto_ncp(40, 4, 8);
  ember_ltc *a = build(&spec, 99), *b = build(&spec, 99), *d = build(&spec, 100);
  int8_t adj_a[1600], adj_b[1600], adj_d[1600];
  ember_ltc_adjacency(a, adj_a, NULL);
  ember_ltc_adjacency(b, adj_b, NULL);
  ember_ltc_adjacency(d, adj_d, NULL);
  assert_memory_equal(adj_a, adj_b, sizeof adj_a);
  assert_memory_not_equal(adj_a, adj_d, sizeof adj_a);
  double pa[1600], pb[1600];
  ember_ltc_get_param(a, "sigma", pa);
  ember_ltc_get_param(b, "sigma", pb);
  assert_memory_equal(pa, pb, sizeof pa);
  ember_ltc_free(a);
  ember_ltc_free(b);
  ember_ltc_free(d);
}

/* ----------------------------------------------------------------- HDF5 --- */

static void t_h5_round_trip(void **s)
{
  (void)s;
  ember_ltc_wiring_spec spec = auto_ncp(30, 2, 6);
  ember_ltc *a = build(&spec, 4), *b = ember_ltc_new();
  char path[] = "/tmp/ember_ltc_XXXXXX";
  int fd = mkstemp(path);
  assert_true(fd >= 0);
  close(fd);
  assert_ltc(a, ember_ltc_save(a, path));
  assert_ltc(b, ember_ltc_load(b, path));
  unlink(path);
  const char *names[] = {"gleak", "vleak", "cm", "w", "sigma", "mu", "erev", "sensory_w",
                         "sensory_sigma", "sensory_mu", "sensory_erev", "input_w", "input_b",
                         "output_w", "output_b"};
  for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
    size_t n = ember_ltc_param_size(a, names[i]);
    assert_int_equal(n, ember_ltc_param_size(b, names[i]));
    double *pa = malloc(n * sizeof *pa), *pb = malloc(n * sizeof *pb);
    ember_ltc_get_param(a, names[i], pa);
    ember_ltc_get_param(b, names[i], pb);
    assert_memory_equal(pa, pb, n * sizeof *pa);
    free(pa);
    free(pb);
  }
  int8_t adj_a[900], adj_b[900], s_a[180], s_b[180];
  ember_ltc_adjacency(a, adj_a, s_a);
  ember_ltc_adjacency(b, adj_b, s_b);
  assert_memory_equal(adj_a, adj_b, sizeof adj_a);
  assert_memory_equal(s_a, s_b, sizeof s_a);
  assert_int_equal(ember_ltc_load(b, "/nonexistent/ltc.h5"), EMBER_ERR_IO);
  ember_ltc_free(a);
  ember_ltc_free(b);
}

/* Parameter checks: unknown names, negative weights, synapses off the wiring. */
static void t_set_param_errors(void **s)
{
  (void)s;
  ember_ltc_wiring_spec spec = auto_ncp(10, 1, 2);
  ember_ltc *c = build(&spec, 4);
  double w[100];
  ember_ltc_get_param(c, "w", w);
  assert_int_equal(ember_ltc_set_param(c, "nope", w), EMBER_ERR_UNKNOWN);
  size_t off = 0;
  while (w[off] != 0)
    off++;
  w[off] = 0.5;
  assert_int_equal(ember_ltc_set_param(c, "w", w), EMBER_ERR_INVALID);
  assert_non_null(strstr(ember_ltc_error(c), "no such synapse"));
  double cm[10] = {0};
  assert_int_equal(ember_ltc_set_param(c, "cm", cm), EMBER_ERR_INVALID);
  ember_ltc_solver_opts o = ember_ltc_solver_defaults();
  o.method = "euler";
  assert_int_equal(ember_ltc_set_solver(c, &o), EMBER_ERR_UNKNOWN);
  ember_ltc_free(c);
}

/* -------------------------------------------------------------- threads --- */

/* A 10 000-neuron random sparse circuit (10 synapses per neuron on average) gives
 * the same bits with 1 and 2 threads, for the fused and an adaptive solver. */
static void t_threads_identical(void **s)
{
  (void)s;
  size_t N = 10000, T = 3;
  ember_ltc_wiring_spec spec = {.kind = EMBER_LTC_RANDOM, .units = N, .outputs = 10, .inputs = 4,
                                .sparsity = 0.999};
  ember_ltc *c = build(&spec, 8);
  double *x = series(T, 4, 1), *v1 = malloc(N * sizeof *v1), *v2 = malloc(N * sizeof *v2);
  const char *methods[] = {"fused", "rkf45"};
  for (int m = 0; m < 2; m++) {
    set_method(c, methods[m], 6, 1e-6);
    assert_ltc(c, ember_ltc_set_threads(c, 1));
    final_state(c, x, T, v1);
    assert_ltc(c, ember_ltc_set_threads(c, 2));   /* final_state resets: same start */
    final_state(c, x, T, v2);
    print_message("%s: max |v1 - v2| = %g\n", methods[m], max_abs_diff(v1, v2, N));
    assert_memory_equal(v1, v2, N * sizeof *v1);
    double spread = 0;
    for (size_t j = 0; j < N; j++)
      spread = fmax(spread, fabs(v1[j]));
    assert_true(spread > 0.01);   /* the circuit did move */
  }
  free(x);
  free(v1);
  free(v2);
  ember_ltc_free(c);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(t_ncps_fully_connected),
    cmocka_unit_test(t_ncps_fully_connected_irregular),
    cmocka_unit_test(t_ncps_ncp_irregular),
    cmocka_unit_test(t_ncps_auto_ncp),
    cmocka_unit_test(t_kernels_agree),
    cmocka_unit_test(t_more_inputs_than_units),
    cmocka_unit_test(t_relaxation_closed_form),
    cmocka_unit_test(t_convergence),
    cmocka_unit_test(t_bounded),
    cmocka_unit_test(t_wiring_ncp_layers),
    cmocka_unit_test(t_wiring_ncp_explicit),
    cmocka_unit_test(t_wiring_polarity_and_counts),
    cmocka_unit_test(t_wiring_deterministic),
    cmocka_unit_test(t_h5_round_trip),
    cmocka_unit_test(t_set_param_errors),
    cmocka_unit_test(t_threads_identical),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
