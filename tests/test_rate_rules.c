/* Rate-based plasticity on LTC weights (hebb, oja, bcm; docs/plasticity_rate.md)
 * against closed forms and textbook results, through the public ember_ltc API:
 * the rule code under test is the code that runs inside the circuit's
 * integration.
 *
 * The regime of the Oja and BCM tests: one LTC neuron with vleak = 0, a large
 * leak gleak = G and sensory reversal potentials E = G. At steady state
 *   v = sum_k g_k E / (G + sum_k g_k),  g_k = w_k x_k,
 * so y = v - vleak = (sum_k w_k x_k) / (1 + sum_k g_k / G): the linear neuron
 * y = w.x of the textbooks up to a relative error sum g / G (<= 2% here), and
 * the input is held for 1 time unit, 20 membrane time constants. */
#include <stdlib.h>
#include <string.h>
#include "helpers.h"

#define assert_ltc(c, st)                                                               \
  do {                                                                                  \
    ember_status s_ = (st);                                                             \
    if (s_ != EMBER_OK)                                                                 \
      fail_msg("%s failed: %s: %s", #st, ember_strerror(s_), ember_ltc_error(c));       \
  } while (0)

/* A deterministic uniform / normal generator for the inputs (xorshift64*). */
static uint64_t rng_state = 88172645463325252ULL;
static double uniform(void)
{
  rng_state ^= rng_state >> 12;
  rng_state ^= rng_state << 25;
  rng_state ^= rng_state >> 27;
  return (double)((rng_state * 2685821657736338717ULL) >> 11) * 0x1.0p-53;
}
static double normal(void)
{
  double u1 = 1.0 - uniform(), u2 = uniform();
  return sqrt(-2.0 * log(u1)) * cos(2.0 * M_PI * u2);
}

static double sigmoid(double x) { return 1.0 / (1.0 + exp(-x)); }

static void set_solver(ember_ltc *c, const char *method, double tol)
{
  ember_ltc_solver_opts o = ember_ltc_solver_defaults();
  o.method = method;
  o.abstol = o.reltol = tol;
  assert_ltc(c, ember_ltc_set_solver(c, &o));
}

/* n neurons, k inputs, no synapse between neurons unless `internal` (then fully
 * connected without self-connections). Every neuron: cm, gleak = G, vleak = 0;
 * every sensory synapse: sigma 1, mu 0, erev E, weight w0; input map identity. */
static ember_ltc *circuit(size_t n, size_t k, int internal, double cm, double G, double E, double w0)
{
  ember_ltc_wiring_spec spec = {.kind = EMBER_LTC_FULLY_CONNECTED, .units = n, .inputs = k,
                                .outputs = 1, .no_self_connections = 1};
  ember_ltc *c = ember_ltc_new();
  assert_ltc(c, ember_ltc_build(c, &spec, 1, 0));
  double vn[8], vk[8], sk[64];
  assert_true(n <= 8 && k <= 8);
  for (size_t j = 0; j < n; j++)
    vn[j] = cm;
  assert_ltc(c, ember_ltc_set_param(c, "cm", vn));
  for (size_t j = 0; j < n; j++)
    vn[j] = G;
  assert_ltc(c, ember_ltc_set_param(c, "gleak", vn));
  for (size_t j = 0; j < n; j++)
    vn[j] = 0;
  assert_ltc(c, ember_ltc_set_param(c, "vleak", vn));
  const struct { const char *name; double v; } sens[] = {
    {"sensory_sigma", 1}, {"sensory_mu", 0}, {"sensory_erev", E}, {"sensory_w", w0}};
  for (size_t q = 0; q < 4; q++) {
    for (size_t i = 0; i < k * n; i++)
      sk[i] = sens[q].v;
    assert_ltc(c, ember_ltc_set_param(c, sens[q].name, sk));
  }
  for (size_t i = 0; i < k; i++)
    vk[i] = 1;
  assert_ltc(c, ember_ltc_set_param(c, "input_w", vk));
  for (size_t i = 0; i < k; i++)
    vk[i] = 0;
  assert_ltc(c, ember_ltc_set_param(c, "input_b", vk));
  if (!internal) {
    double zero[64] = {0};
    assert_ltc(c, ember_ltc_set_param(c, "w", zero));
  }
  assert_ltc(c, ember_ltc_reset(c, NULL));
  return c;
}

static void plastic(ember_ltc *c, const char *rule, const char *const *names, const double *values,
                    size_t n)
{
  assert_ltc(c, ember_ltc_set_plasticity(c, rule, names, values, n));
  assert_string_equal(ember_ltc_plasticity(c), rule);
}

/* ------------------------------------------------------------------ hebb --- */

/* One neuron, one plastic sensory synapse with held activity x. With y at its
 * steady state y(w) = w x E / (G + w x), the Hebbian fixed point w = eta tau x y
 * has the closed form w* = (eta tau x^2 E - G) / x when eta tau x^2 E > G (else
 * w* = 0). Both the adaptive and the fused solver must reach it: it is a fixed
 * point of the fused scheme too (up to its epsilon = 1e-8). */
static void hebb_case(const char *method, double eta, double tol)
{
  const double G = 1, E = 1, tau = 10, xin = 2.0;
  ember_ltc *c = circuit(1, 1, 0, 1.0, G, E, 0.5);
  const char *names[] = {"eta", "tau_decay", "synapses"};
  double values[] = {eta, tau, EMBER_RATE_SYN_SENSORY};
  plastic(c, "hebb", names, values, 3);
  set_solver(c, method, 1e-12);
  assert_ltc(c, ember_ltc_set_input(c, &xin));
  for (int t = 0; t < 600; t++)
    assert_ltc(c, ember_ltc_step(c, 1.0));
  double x = sigmoid(xin), w, v;
  double wstar = fmax((eta * tau * x * x * E - G) / x, 0.0);
  ember_ltc_get_param(c, "sensory_w", &w);
  ember_ltc_get_v(c, &v);
  print_message("hebb %s eta %g: w = %.12f, closed form w* = %.12f (y = %.6f)\n", method, eta, w,
                wstar, v);
  assert_close(w, wstar, tol * fmax(wstar, 1.0));
  if (wstar > 0)   /* and w* = eta tau x y at the fixed point */
    assert_close(w, eta * tau * x * v, tol * wstar);
  ember_ltc_free(c);
}

static void t_hebb_fixed_point(void **s)
{
  (void)s;
  hebb_case("rk8pd", 0.5, 1e-9);
  hebb_case("fused", 0.5, 1e-6);
  hebb_case("rk8pd", 0.05, 1e-9);   /* eta tau x^2 E < G: the weight decays to 0 */
}

/* The same fixed point on an internal synapse 0 -> 1: neuron 0 is driven by an
 * inhibitory input (its v stays below vleak = 0.5, so with the rectified
 * postsynaptic activity the synapse 1 -> 0 never grows); neuron 1 only has the
 * plastic synapse. x = sigmoid(sigma (v0* - mu)) with v0* = (G vleak0 + g E0) / (G + g). */
static void t_hebb_internal_synapse(void **s)
{
  (void)s;
  ember_ltc *c = circuit(2, 1, 1, 1.0, 1.0, 1.0, 0.0);
  double vl[2] = {0.5, 0.0}, sw[2] = {0.8, 0.0}, se[2] = {-1.0, 1.0};
  double w[4] = {0, 0.3, 0, 0}, sg[4] = {0, 4, 4, 0}, mu[4] = {0, 0.1, 0.1, 0}, er[4] = {0, 1, 1, 0};
  assert_ltc(c, ember_ltc_set_param(c, "vleak", vl));
  assert_ltc(c, ember_ltc_set_param(c, "sensory_w", sw));
  assert_ltc(c, ember_ltc_set_param(c, "sensory_erev", se));
  assert_ltc(c, ember_ltc_set_param(c, "w", w));
  assert_ltc(c, ember_ltc_set_param(c, "sigma", sg));
  assert_ltc(c, ember_ltc_set_param(c, "mu", mu));
  assert_ltc(c, ember_ltc_set_param(c, "erev", er));
  const double eta = 2.0, tau = 10, xin = 1.0;
  const char *names[] = {"eta", "tau_decay", "post"};
  double values[] = {eta, tau, EMBER_RATE_POST_RECTIFIED};
  plastic(c, "hebb", names, values, 3);
  set_solver(c, "rk8pd", 1e-12);
  assert_ltc(c, ember_ltc_set_input(c, &xin));
  for (int t = 0; t < 600; t++)
    assert_ltc(c, ember_ltc_step(c, 1.0));
  double g0 = 0.8 * sigmoid(xin), v0 = (0.5 - g0) / (1.0 + g0), x = sigmoid(4 * (v0 - 0.1));
  double wstar = (eta * tau * x * x - 1.0) / x;
  ember_ltc_get_param(c, "w", w);
  print_message("hebb internal: w01 = %.12f, closed form %.12f; w10 = %g\n", w[1], wstar, w[2]);
  assert_true(wstar > 0.1);
  assert_close(w[1], wstar, 1e-9 * wstar);
  assert_true(w[2] == 0.0);
  ember_ltc_free(c);
}

/* With eta = 0 the weight only decays: w(t) = w0 exp(-t / tau_decay). The
 * learning-rate hook switches it off between steps, and a rate function that
 * returns a constant is the same as that constant. */
static double eta_const(double t, void *data)
{
  (void)t;
  return *(const double *)data;
}

static void t_learning_rate_hook(void **s)
{
  (void)s;
  const double tau = 25, xin = 1.0, w0 = 0.5;
  ember_ltc *c = circuit(1, 1, 0, 1.0, 1.0, 1.0, w0);
  const char *names[] = {"eta", "tau_decay", "synapses"};
  double values[] = {0.3, tau, EMBER_RATE_SYN_SENSORY};
  plastic(c, "hebb", names, values, 3);
  assert_true(ember_ltc_learning_rate(c) == 0.3);
  assert_ltc(c, ember_ltc_set_learning_rate(c, 0.0));
  set_solver(c, "rk8pd", 1e-12);
  assert_ltc(c, ember_ltc_set_input(c, &xin));
  for (int t = 0; t < 40; t++)
    assert_ltc(c, ember_ltc_step(c, 1.0));
  double w;
  ember_ltc_get_param(c, "sensory_w", &w);
  assert_close(w, w0 * exp(-40 / tau), 1e-10);

  /* constant function == constant rate, bit for bit */
  double eta = 0.3, wa, wb;
  for (int pass = 0; pass < 2; pass++) {
    assert_ltc(c, ember_ltc_set_param(c, "sensory_w", &w0));
    assert_ltc(c, ember_ltc_reset(c, NULL));
    if (pass == 0)
      assert_ltc(c, ember_ltc_set_learning_rate(c, eta));
    else
      assert_ltc(c, ember_ltc_set_learning_rate_fn(c, eta_const, &eta));
    for (int t = 0; t < 20; t++)
      assert_ltc(c, ember_ltc_step(c, 1.0));
    ember_ltc_get_param(c, "sensory_w", pass == 0 ? &wa : &wb);
  }
  assert_true(wa == wb && wa != w0);
  double bad = -1;
  assert_ltc(c, ember_ltc_set_learning_rate_fn(c, eta_const, &bad));
  assert_int_equal(ember_ltc_step(c, 1.0), EMBER_ERR_SOLVER);
  ember_ltc_free(c);
}


/* The schedule eta(t) = eta / (1 + t / eta_decay) inside the integration, in
 * closed form: synapse 0 -> 1 with both neurons held at their steady states
 * (neuron 1's plastic synapse reverses at neuron 1's own steady potential, so
 * its weight does not move v1; neuron 0 is below vleak with the rectified post
 * activity, so 1 -> 0 never grows). x and y are then constant and plain Hebb
 * (tau_decay = inf) gives w(t) = w0 + x y eta eta_decay ln(1 + t / eta_decay). */
static void t_learning_rate_schedule(void **s)
{
  (void)s;
  ember_ltc *c = circuit(2, 1, 1, 1.0, 1.0, 1.0, 0.0);
  const double xin = 0.7, sg = sigmoid(xin);
  double v0 = (0.5 - 0.8 * sg) / (1 + 0.8 * sg), v1 = 0.6 * sg / (1 + 0.6 * sg);
  double vl[2] = {0.5, 0.0}, sw[2] = {0.8, 0.6}, se[2] = {-1.0, 1.0};
  double w[4] = {0, 0.2, 0, 0}, sig[4] = {0, 4, 4, 0}, mu[4] = {0, 0.1, 0.1, 0}, er[4] = {0, v1, 1, 0};
  const char *pn[] = {"vleak", "sensory_w", "sensory_erev", "w", "sigma", "mu", "erev"};
  const double *pv[] = {vl, sw, se, w, sig, mu, er};
  for (int i = 0; i < 7; i++)
    assert_ltc(c, ember_ltc_set_param(c, pn[i], pv[i]));
  const double eta = 0.5, tau_eta = 20, T = 100;
  const char *names[] = {"eta", "eta_decay", "tau_decay", "post"};
  double values[] = {eta, tau_eta, INFINITY, EMBER_RATE_POST_RECTIFIED};
  plastic(c, "hebb", names, values, 4);
  set_solver(c, "rk8pd", 1e-12);
  double v[2] = {v0, v1};
  assert_ltc(c, ember_ltc_reset(c, v));
  assert_ltc(c, ember_ltc_set_input(c, &xin));
  for (int t = 0; t < (int)T; t++)
    assert_ltc(c, ember_ltc_step(c, 1.0));
  double x = sigmoid(4 * (v0 - 0.1)), want = 0.2 + x * v1 * eta * tau_eta * log(1 + T / tau_eta);
  ember_ltc_get_param(c, "w", w);
  ember_ltc_get_v(c, v);
  print_message("schedule: w01 = %.12f, closed form %.12f; v drift %.2g %.2g\n", w[1], want,
                v[0] - v0, v[1] - v1);
  assert_close(w[1], want, 1e-9 * want);
  assert_true(w[2] == 0.0);
  assert_close(ember_ltc_learning_rate(c), eta / (1 + T / tau_eta), 1e-15);
  ember_ltc_free(c);
}

/* ------------------------------------------------------------------- oja --- */

/* Oja's rule on a 2-D correlated input: x_raw ~ N(0, S) with standard
 * deviations 4 and 0.5 and correlation 0.8, presynaptic activities
 * x = sigmoid(x_raw) (correlation 0.74), one sample per time unit. The weight
 * vector must converge to the unit principal eigenvector of C = <x x^T>
 * (computed here from the same samples) within 0.01 rad. Inputs x >= 0 make
 * every candidate direction lie in the first quadrant, so the test also checks
 * that the eigenvector is far (> 0.1 rad) from the obvious wrong answer, the
 * direction of the mean <x>. The weights are averaged over the second half of
 * the run (the rule's own fluctuation is ~ sqrt(eta)). */
static void t_oja_principal_eigenvector(void **s)
{
  (void)s;
  const size_t T = 20000;
  const double G = 100, E = 100, eta = 0.004;
  ember_ltc *c = circuit(1, 2, 0, 5.0, G, E, 0.3);
  const char *names[] = {"eta", "synapses"};
  double values[] = {eta, EMBER_RATE_SYN_SENSORY};
  plastic(c, "oja", names, values, 2);
  set_solver(c, "rkf45", 1e-7);
  double C[3] = {0}, m[2] = {0}, wsum[2] = {0}, w[2];
  rng_state = 12345;
  for (size_t t = 0; t < T; t++) {
    double z1 = normal(), z2 = normal();
    double in[2] = {4 * z1, 0.5 * (0.8 * z1 + 0.6 * z2)};
    double x0 = sigmoid(in[0]), x1 = sigmoid(in[1]);
    m[0] += x0;
    m[1] += x1;
    C[0] += x0 * x0 / T;
    C[1] += x0 * x1 / T;
    C[2] += x1 * x1 / T;
    assert_ltc(c, ember_ltc_set_input(c, in));
    assert_ltc(c, ember_ltc_step(c, 1.0));
    if (t >= T / 2) {
      ember_ltc_get_param(c, "sensory_w", w);
      wsum[0] += w[0];
      wsum[1] += w[1];
    }
  }
  /* principal eigenvector of [[a, b], [b, d]]: (b, lambda1 - a) */
  double a = C[0], b = C[1], d = C[2];
  double l1 = 0.5 * (a + d) + sqrt(0.25 * (a - d) * (a - d) + b * b);
  double l2 = a + d - l1;
  double e0 = b, e1 = l1 - a, en = hypot(e0, e1);
  double norm = hypot(wsum[0], wsum[1]);
  double cosang = (wsum[0] * e0 + wsum[1] * e1) / (norm * en);
  double angle = acos(fmin(cosang, 1.0));
  double mean_angle = acos(fmin((m[0] * e0 + m[1] * e1) / (hypot(m[0], m[1]) * en), 1.0));
  ember_ltc_get_param(c, "sensory_w", w);
  print_message("oja: eigenvalues %.4f %.4f, eigenvector (%.5f, %.5f); mean w (%.5f, %.5f), "
                "|w| = %.4f; angle %.3g rad (%.3g deg); the mean is %.3g rad off; rhs evaluations %llu\n",
                l1, l2, e0 / en, e1 / en, wsum[0] / (T / 2), wsum[1] / (T / 2), norm / (T / 2),
                angle, angle * 180 / M_PI, mean_angle, (unsigned long long)ember_ltc_rhs_count(c));
  assert_true(mean_angle > 0.1);
  assert_true(angle < 0.01);                            /* stated tolerance: 0.01 rad */
  assert_close(norm / (T / 2), 1.0, 0.05);              /* |w| -> 1 for y ~ w.x */
  ember_ltc_free(c);
}

/* ------------------------------------------------------------------- bcm --- */

/* The steady-state response y = v - vleak of the neuron to input in, with the
 * weights frozen (learning rate 0 through the hook). */
static double response(ember_ltc *c, const double *in)
{
  double eta = ember_ltc_learning_rate(c), v;
  assert_ltc(c, ember_ltc_set_learning_rate(c, 0.0));
  assert_ltc(c, ember_ltc_set_input(c, in));
  for (int t = 0; t < 5; t++)
    assert_ltc(c, ember_ltc_step(c, 1.0));
  ember_ltc_get_v(c, &v);
  assert_ltc(c, ember_ltc_set_learning_rate(c, eta));
  return v;
}

/* BCM on two input patterns presented in random order, one per time unit:
 * A = (5, -5), B = (-5, 5) (activities 0.993 / 0.0067). From equal weights the
 * neuron must become selective: the response to one pattern ~ 2 (the selective
 * fixed point y = theta = <y^2> = y^2 / 2 of the linear neuron), to the other
 * ~ 0. Selectivity index SI = (y_max - y_min) / (y_max + y_min) > 0.9. Both
 * solvers. */
static void bcm_case(const char *method, uint64_t seed)
{
  const double G = 100, E = 100;
  ember_ltc *c = circuit(1, 2, 0, 5.0, G, E, 0.5);
  const char *names[] = {"eta", "tau_theta", "synapses"};
  double values[] = {0.02, 5.0, EMBER_RATE_SYN_SENSORY};
  plastic(c, "bcm", names, values, 3);
  set_solver(c, method, 1e-7);
  const double A[2] = {5, -5}, B[2] = {-5, 5};
  double yA0 = response(c, A), yB0 = response(c, B);
  rng_state = seed;
  for (int t = 0; t < 6000; t++) {
    assert_ltc(c, ember_ltc_set_input(c, uniform() < 0.5 ? A : B));
    assert_ltc(c, ember_ltc_step(c, 1.0));
  }
  double theta, w[2];
  ember_ltc_get_rule_state(c, "theta", &theta);
  ember_ltc_get_param(c, "sensory_w", w);
  double yA = response(c, A), yB = response(c, B);
  double hi = fmax(yA, yB), lo = fmin(yA, yB), si = (hi - lo) / (hi + lo);
  print_message("bcm %s seed %llu: before yA %.3f yB %.3f; after yA %.4f yB %.4f, SI %.4f, "
                "theta %.3f, w (%.4f, %.4f)\n", method, (unsigned long long)seed, yA0, yB0, yA, yB,
                si, theta, w[0], w[1]);
  assert_true(fabs(yA0 - yB0) < 1e-6);   /* no selectivity at the start */
  assert_true(si > 0.9);
  assert_true(hi > 1.5 && hi < 2.5);
  ember_ltc_free(c);
}

static void t_bcm_selectivity(void **s)
{
  (void)s;
  bcm_case("rkf45", 1);
  bcm_case("fused", 2);
}


/* The fused solver with plasticity is first order, like ncps' own: against rk8pd
 * at 1e-12 the error of the weights (and v) halves per doubling of the unfolds.
 * AutoNCP(19, 1) with 4 inputs, Oja on all synapses, 30 steps of a varying input. */
static void t_fused_first_order(void **s)
{
  (void)s;
  ember_ltc_wiring_spec spec = {.kind = EMBER_LTC_AUTO_NCP, .units = 19, .outputs = 1, .inputs = 4};
  ember_ltc *c = ember_ltc_new();
  assert_ltc(c, ember_ltc_build(c, &spec, 5, 0));
  size_t ns = ember_ltc_synapse_count(c), m = ns + ember_ltc_sensory_synapse_count(c);
  double *w0 = malloc(m * sizeof *w0), *ref = malloc(m * sizeof *w0), *w = malloc(m * sizeof *w0);
  ember_ltc_get_weights(c, w0, w0 + ns);
  const char *names[] = {"eta", "synapses"};
  double values[] = {0.2, EMBER_RATE_SYN_ALL}, prev = INFINITY;
  plastic(c, "oja", names, values, 2);
  for (int u = 0; u <= 96; u = u ? 2 * u : 6) {
    ember_ltc_solver_opts o = ember_ltc_solver_defaults();
    o.method = u ? "fused" : "rk8pd";
    o.ode_unfolds = u ? u : 1;
    o.epsilon = 0;
    o.abstol = o.reltol = 1e-12;
    assert_ltc(c, ember_ltc_set_solver(c, &o));
    assert_ltc(c, ember_ltc_set_weights(c, w0, w0 + ns));
    assert_ltc(c, ember_ltc_reset(c, NULL));
    for (int t = 0; t < 30; t++) {
      double x[4] = {sin(0.4 * t), cos(0.3 * t), 0.5 * sin(t), -0.5};
      assert_ltc(c, ember_ltc_set_input(c, x));
      assert_ltc(c, ember_ltc_step(c, 1.0));
    }
    ember_ltc_get_weights(c, u ? w : ref, (u ? w : ref) + ns);
    if (!u)
      continue;
    double e = 0, moved = 0;
    for (size_t i = 0; i < m; i++) {
      e = fmax(e, fabs(w[i] - ref[i]));
      moved = fmax(moved, fabs(ref[i] - w0[i]));
    }
    print_message("fused %2d unfolds: max |w - w_rk8pd| = %.3g (ratio %.2f; weights moved %.3g)\n", u,
                  e, prev / e, moved);
    if (u > 6)
      assert_true(prev / e > 1.6 && prev / e < 2.5);
    prev = e;
  }
  free(w0);
  free(ref);
  free(w);
  ember_ltc_free(c);
}

/* ------------------------------------------------------- plumbing, errors --- */

/* With eta = 0 the fused plastic circuit is the plain circuit, bit for bit
 * (AutoNCP(19, 1), every synapse plastic), with every synapse kernel this CPU
 * runs: the plastic path sums cached sensory sigmoids, the plain one computes
 * them in the kernel. */
static void eta_zero_is_plain(void)
{
  ember_ltc_wiring_spec spec = {.kind = EMBER_LTC_AUTO_NCP, .units = 19, .outputs = 1, .inputs = 4};
  ember_ltc *a = ember_ltc_new(), *b = ember_ltc_new();
  assert_ltc(a, ember_ltc_build(a, &spec, 3, 0));
  assert_ltc(b, ember_ltc_build(b, &spec, 3, 0));
  const char *names[] = {"eta", "synapses"};
  double values[] = {0.0, EMBER_RATE_SYN_ALL};
  plastic(b, "oja", names, values, 2);
  double x[4], va[19], vb[19];
  for (int t = 0; t < 50; t++) {
    for (int k = 0; k < 4; k++)
      x[k] = sin(0.3 * t + k);
    assert_ltc(a, ember_ltc_set_input(a, x));
    assert_ltc(b, ember_ltc_set_input(b, x));
    assert_ltc(a, ember_ltc_step(a, 1.0));
    assert_ltc(b, ember_ltc_step(b, 1.0));
  }
  ember_ltc_get_v(a, va);
  ember_ltc_get_v(b, vb);
  assert_memory_equal(va, vb, sizeof va);
  /* removing plasticity keeps the weights and gives the plain solver back */
  assert_ltc(b, ember_ltc_set_plasticity(b, NULL, NULL, NULL, 0));
  assert_string_equal(ember_ltc_plasticity(b), "");
  ember_ltc_free(a);
  ember_ltc_free(b);
}

static void t_eta_zero_is_plain(void **s)
{
  (void)s;
  const char *kernels[] = {"generic", "avx2", "avx512"};
  for (int i = 0; i < 3; i++)
    if (ember_ltc_set_kernel(kernels[i]) == EMBER_OK)
      eta_zero_is_plain();
  assert_int_equal(ember_ltc_set_kernel("auto"), EMBER_OK);
}


/* 1 and 2 threads give the same bits with plasticity too (a 10 000-neuron random
 * circuit, where the right-hand side is split over threads; BCM on all synapses,
 * fused and rkf45): weights, thresholds and v. Also checks the sparse weight
 * getter against the dense one on a few synapses. */
static void t_threads_identical(void **s)
{
  (void)s;
  const size_t N = 10000, K = 4;
  ember_ltc_wiring_spec spec = {.kind = EMBER_LTC_RANDOM, .units = N, .outputs = 10, .inputs = K,
                                .sparsity = 0.999};
  ember_ltc *c = ember_ltc_new();
  assert_ltc(c, ember_ltc_build(c, &spec, 8, 0));
  size_t ns = ember_ltc_synapse_count(c), nk = ember_ltc_sensory_synapse_count(c), m = ns + nk;
  assert_true(ns > 50000 && nk > 10);
  double *w0 = malloc(m * sizeof *w0), *w[2], *v[2], *th[2];
  ember_ltc_get_weights(c, w0, w0 + ns);
  for (int r = 0; r < 2; r++) {
    w[r] = malloc(m * sizeof *w0);
    v[r] = malloc(N * sizeof *w0);
    th[r] = malloc(N * sizeof *w0);
  }
  const char *names[] = {"eta", "synapses"};
  double values[] = {0.05, EMBER_RATE_SYN_ALL};
  plastic(c, "bcm", names, values, 2);
  const char *methods[] = {"fused", "rkf45"};
  double *sw = malloc(K * N * sizeof *sw);
  for (int mth = 0; mth < 2; mth++) {
    set_solver(c, methods[mth], 1e-6);
    for (int r = 0; r < 2; r++) {
      assert_ltc(c, ember_ltc_set_threads(c, r + 1));
      for (int t = 0; t < 3; t++) {
        double x[4] = {sin(t), cos(t), 0.5, -0.5};
        assert_ltc(c, ember_ltc_set_input(c, x));
        assert_ltc(c, ember_ltc_step(c, 1.0));
      }
      ember_ltc_get_weights(c, w[r], w[r] + ns);
      ember_ltc_get_v(c, v[r]);
      ember_ltc_get_rule_state(c, "theta", th[r]);
      /* the sparse getter agrees with the dense one (sensory: K x N) */
      ember_ltc_get_param(c, "sensory_w", sw);
      for (size_t k = 0; k < nk; k++) {
        uint32_t src, dest;
        ember_ltc_sensory_synapse(c, k, &src, &dest, NULL);
        assert_true(sw[(size_t)src * N + dest] == w[r][ns + k]);
      }
      assert_ltc(c, ember_ltc_set_weights(c, w0, w0 + ns));   /* back to the start */
      assert_ltc(c, ember_ltc_reset(c, NULL));
    }
    double moved = 0;
    for (size_t i = 0; i < m; i++)
      moved = fmax(moved, fabs(w[0][i] - w0[i]));
    print_message("%s: weights moved by up to %.3g; 1 vs 2 threads identical\n", methods[mth], moved);
    assert_true(moved > 1e-4);
    assert_memory_equal(w[0], w[1], m * sizeof *w0);
    assert_memory_equal(v[0], v[1], N * sizeof *w0);
    assert_memory_equal(th[0], th[1], N * sizeof *w0);
  }
  for (int r = 0; r < 2; r++) {
    free(w[r]);
    free(v[r]);
    free(th[r]);
  }
  free(w0);
  free(sw);
  ember_ltc_free(c);
}

static void t_errors(void **s)
{
  (void)s;
  ember_ltc *c = circuit(1, 2, 0, 1.0, 1.0, 1.0, 0.5);
  const char *bad[] = {"etta"};
  double one[] = {1.0};
  assert_int_equal(ember_ltc_set_learning_rate(c, 1.0), EMBER_ERR_STATE);
  assert_int_equal(ember_ltc_set_plasticity(c, "hebbian", NULL, NULL, 0), EMBER_ERR_UNKNOWN);
  assert_non_null(strstr(ember_ltc_error(c), "hebb, oja, bcm"));
  assert_int_equal(ember_ltc_set_plasticity(c, "oja", bad, one, 1), EMBER_ERR_UNKNOWN);
  assert_non_null(strstr(ember_ltc_error(c), "no parameter 'etta' (parameters: eta, eta_decay, w_max"));
  const char *eta[] = {"eta"}, *syn[] = {"synapses"}, *tt[] = {"tau_theta"};
  double neg[] = {-1.0}, half[] = {1.5}, zero[] = {0.0};
  assert_int_equal(ember_ltc_set_plasticity(c, "oja", eta, neg, 1), EMBER_ERR_INVALID);
  assert_non_null(strstr(ember_ltc_error(c), "'eta' = -1"));
  assert_int_equal(ember_ltc_set_plasticity(c, "hebb", syn, half, 1), EMBER_ERR_INVALID);
  assert_int_equal(ember_ltc_set_plasticity(c, "bcm", tt, zero, 1), EMBER_ERR_INVALID);
  assert_string_equal(ember_ltc_plasticity(c), "");   /* nothing changed */
  plastic(c, "bcm", NULL, NULL, 0);
  double th[1];
  assert_ltc(c, ember_ltc_get_rule_state(c, "theta", th));
  assert_true(th[0] == 0.0);
  assert_int_equal(ember_ltc_get_rule_state(c, "phi", th), EMBER_ERR_UNKNOWN);
  assert_int_equal(ember_ltc_set_learning_rate(c, NAN), EMBER_ERR_INVALID);
  double sw[2] = {0.5, -0.1}, sw_now[2];
  assert_int_equal(ember_ltc_set_weights(c, NULL, sw), EMBER_ERR_INVALID);
  ember_ltc_get_weights(c, NULL, sw_now);
  assert_true(sw_now[0] == 0.5 && sw_now[1] == 0.5);   /* unchanged */
  /* registry and choices */
  assert_non_null(ember_rate_rule_find("hebb"));
  assert_null(ember_rate_rule_find("stdp"));
  assert_int_equal(ember_rate_choice("synapses", "all"), EMBER_RATE_SYN_ALL);
  assert_int_equal(ember_rate_choice("post", "sigmoid"), EMBER_RATE_POST_SIGMOID);
  assert_int_equal(ember_rate_choice("post", "tanh"), -1);
  ember_ltc_free(c);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(t_hebb_fixed_point),
    cmocka_unit_test(t_hebb_internal_synapse),
    cmocka_unit_test(t_learning_rate_hook),
    cmocka_unit_test(t_learning_rate_schedule),
    cmocka_unit_test(t_oja_principal_eigenvector),
    cmocka_unit_test(t_bcm_selectivity),
    cmocka_unit_test(t_fused_first_order),
    cmocka_unit_test(t_eta_zero_is_plain),
    cmocka_unit_test(t_threads_identical),
    cmocka_unit_test(t_errors),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
