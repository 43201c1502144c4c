/* The izhikevich, adex and lif_ltc models against closed forms and against an
 * independent integration written here (the reference integrator of
 * model_helpers.h), their Jacobians, and parameter checks. hh_cond_exp: test_hh.c. */
#include "model_helpers.h"

/* --------------------------------------------------------------- izhikevich --- */

/* Time for dv/dt = 0.04 v^2 + 5 v + q to go from v0 to 30 when it has no real
 * root: 0.04 ((v + 62.5)^2 + w^2) with w^2 = q / 0.04 - 62.5^2 > 0, whose
 * integral is an arctangent. */
static double izh_passage(double v0, double q)
{
  double w = sqrt(q / 0.04 - 62.5 * 62.5);
  return (atan((30.0 + 62.5) / w) - atan((v0 + 62.5) / w)) / (0.04 * w);
}

/* With a = 0, u only changes at spikes (by d), so v obeys a Riccati equation with
 * constant coefficients between spikes and every spike time has a closed form:
 * from (v0, u0) the k-th interval is izh_passage with q = 140 - u_k + I. With
 * I = 10 and d = 0.3, u0 = -14, the neuron fires until q drops below 62.5^2 *
 * 0.04 = 156.25: 26 spikes, then rests. */
static void test_izhikevich_closed_form(void **state)
{
  const double I = 10.0, d = 0.3, c = -65.0, v0 = -70.0, u0 = -14.0;
  double expect[64];
  size_t ne = 0;
  double t = 0, v = v0, u = u0;
  while (140.0 - u + I > 156.25) {
    t += izh_passage(v, 140.0 - u + I);
    expect[ne++] = t;
    v = c;
    u += d;
  }
  assert_int_equal(ne, 26);
  const named params[] = {{"a", 0.0}, {"b", 0.2}, {"c", c}, {"d", d}, {"i_offset", I / 1000.0},
                          {NULL, 0}};
  const named init[] = {{"v", v0}, {"u", u0}, {NULL, 0}};
  struct { const char *method; double tol, bound; } runs[] = {
    {"rk8pd", 1e-12, 1e-7}, {"dopri5", 1e-10, 1e-6}, {"taylor", 1e-10, 1e-6}, {"bsimp", 1e-10, 1e-5},
    {NULL, 0, 1e-3},   /* the defaults keep the documented 1e-3 ms */
  };
  for (size_t r = 0; r < sizeof runs / sizeof runs[0]; r++) {
    setup s = {"izhikevich", params, init, runs[r].method, runs[r].tol, 1e-12};
    double got[64];
    size_t n = run_neuron(&s, t + 200.0, got, 64);
    assert_int_equal(n, ne);
    double err = max_diff(got, expect, n);
    print_message("  %-8s tol %-6g: max |t - closed form| = %.3g ms (bound %g)\n",
                  runs[r].method ? runs[r].method : "default", runs[r].tol, err, runs[r].bound);
    assert_true(err < runs[r].bound);
  }
}

/* Below rheobase v and u settle at the stable root of 0.04 v^2 + (5 - b) v + 140
 * + I = 0, u = b v. I = 2, b = 0.2: v* = (-4.8 - sqrt(0.32)) / 0.08 = -67.07 mV.
 * Starting 5 mV above, the slowest eigenvalue is about -0.032/ms: 2 s is 64 time
 * constants. */
static void test_izhikevich_fixed_point(void **state)
{
  const double I = 2.0, b = 0.2;
  double v_star = (-(5.0 - b) - sqrt((5.0 - b) * (5.0 - b) - 0.16 * (140.0 + I))) / 0.08;
  const named params[] = {{"b", b}, {"i_offset", I / 1000.0}, {NULL, 0}};
  const named init[] = {{"v", v_star + 5.0}, {"u", b * v_star}, {NULL, 0}};
  const char *methods[] = {NULL, "bsimp", "msbdf"};
  for (size_t m = 0; m < 3; m++) {
    setup s = {"izhikevich", params, init, methods[m], 1e-9, 0};
    ember_population *pop;
    ember_network *net = build(&s, &pop);
    assert_ok(net, ember_network_run(net, 2000.0));
    assert_int_equal(ember_population_spike_count(pop), 0);
    assert_close(get1(pop, "v", 0), v_star, 1e-6);
    assert_close(get1(pop, "u", 0), b * v_star, 1e-6);
    ember_network_free(net);
  }
}

static void izh_f(const ref *r, const double *y, double *dy)
{
  const double *p = r->p;   /* a, b, I */
  dy[0] = 0.04 * y[0] * y[0] + 5.0 * y[0] + 140.0 - y[1] + p[2];
  dy[1] = p[0] * (p[1] * y[0] - y[1]);
}

static void izh_reset(const ref *r, double *y)
{
  y[0] = r->p[3];
  y[1] += r->p[4];
}

/* A regular-spiking cell (a 0.02, b 0.2, c -65, d 8) at I = 10, where u evolves
 * between spikes: against the reference integration, 300 ms. */
static void test_izhikevich_regular_spiking(void **state)
{
  ref r = {.n = 2, .f = izh_f, .reset = izh_reset, .th = 30.0, .p = {0.02, 0.2, 10.0, -65.0, 8.0}};
  double y0[2] = {-65.0, -13.0}, expect[64];
  size_t ne = ref_checked(&r, y0, 300.0, 1e-3, 1e-8, expect, 64);
  assert_true(ne >= 5);
  const named params[] = {{"a", 0.02}, {"b", 0.2}, {"c", -65.0}, {"d", 8.0},
                          {"i_offset", 0.01}, {NULL, 0}};
  const named init[] = {{"v", -65.0}, {"u", -13.0}, {NULL, 0}};
  const char *methods[] = {"rk8pd", "dopri5", "taylor", "rk4imp"};
  for (size_t m = 0; m < 4; m++) {
    setup s = {"izhikevich", params, init, methods[m], 1e-11, 1e-12};
    double got[64];
    size_t n = run_neuron(&s, 300.0, got, 64);
    assert_int_equal(n, ne);
    double err = max_diff(got, expect, n);
    print_message("  %-8s: %zu spikes, max |t - reference| = %.3g ms\n", methods[m], n, err);
    assert_true(err < 1e-6);
  }
}

/* v at time t along dv/dt = 0.04 v^2 + 5 v + q with two real roots r1 < r2:
 * 0.04 (v - r1)(v - r2), so (v - r1) / (v - r2) decays as exp(0.04 (r1 - r2) t). */
static double izh_riccati(double v0, double q, double t)
{
  double disc = sqrt(25.0 - 0.16 * q);
  double r1 = (-5.0 - disc) / 0.08, r2 = (-5.0 + disc) / 0.08;
  double z = (v0 - r1) / (v0 - r2) * exp(0.04 * (r1 - r2) * t);
  return (r1 - r2 * z) / (1.0 - z);
}

/* Delta synapses: a jump of w mV at the arrival time. With a = 0 and I = 0, u
 * stays at -14 and v follows izh_riccati (roots -70 and -55). An inhibitory -5 mV
 * jump at t = 10 is checked at t = 30; then a +200 mV jump at t = 40 fires at once
 * (v >= 30 after an event) and resets v = c = -65, u = -14 + d = -12, checked
 * 0.5 ms later along the new Riccati flow. */
static void test_izhikevich_delta_synapses(void **state)
{
  const named params[] = {{"a", 0.0}, {"c", -65.0}, {"d", 2.0}, {NULL, 0}};
  const named init[] = {{"v", -70.0}, {"u", -14.0}, {NULL, 0}};
  setup s = {"izhikevich", params, init, "rk8pd", 1e-12, 1e-12};
  ember_population *pop, *src;
  ember_projection *proj;
  ember_network *net = build(&s, &pop);
  assert_ok(net, ember_source_population_new(net, "src", 2, "spike_array", &src));
  double t_inh = 9.0, t_exc = 39.0;   /* + 1 ms delay */
  assert_ok(net, ember_population_set_spike_times(src, 0, &t_inh, 1));
  assert_ok(net, ember_population_set_spike_times(src, 1, &t_exc, 1));
  ember_connection rows[] = {{0, 0, -5.0, 1.0}, {1, 0, 200.0, 1.0}};
  ember_connector inh = {EMBER_CONN_FROM_LIST, 0, 1, 1, rows};
  ember_connector exc = {EMBER_CONN_FROM_LIST, 0, 1, 1, rows + 1};
  ember_dist w = dist_const(0), dl = dist_const(1.0);
  assert_ok(net, ember_projection_new(net, src, pop, &inh, &w, &dl, "inhibitory", &proj));
  assert_ok(net, ember_projection_new(net, src, pop, &exc, &w, &dl, "excitatory", &proj));
  assert_ok(net, ember_network_run(net, 30.0));
  assert_close(get1(pop, "v", 0), izh_riccati(-75.0, 154.0, 20.0), 1e-9);
  assert_int_equal(ember_population_spike_count(pop), 0);
  assert_ok(net, ember_network_run(net, 10.5));
  double t[4];
  assert_int_equal(spikes_of(pop, t, 4), 1);
  assert_close(t[0], 40.0, 1e-12);
  assert_close(get1(pop, "u", 0), -12.0, 1e-12);
  assert_close(get1(pop, "v", 0), izh_riccati(-65.0, 152.0, 0.5), 1e-9);
  ember_network_free(net);
}

/* --------------------------------------------------------------------- adex --- */

/* Independent AdEx equations (Brette & Gerstner 2005) in PyNN units. p: cm,
 * g_L, E_L, V_T, delta_T, V_spike, V_reset, t_ref, a (nS), b, tau_w, I. */
static void adex_f(const ref *r, const double *y, double *dy)
{
  const double *p = r->p;
  double v = y[0], w = y[1];
  dy[0] = r->refractory ? 0.0
          : (-p[1] * (v - p[2]) + p[1] * p[4] * exp((v - p[3]) / p[4]) - w + p[11]) / p[0];
  dy[1] = (p[8] * 1e-3 * (v - p[2]) - w) / p[10];
}

static void adex_reset(const ref *r, double *y)
{
  y[0] = r->p[6];
  y[1] += r->p[9];
}

#define ADEX_I 0.8   /* nA: tonic spiking with adaptation at PyNN's defaults */

/* Spike times converge as the tolerance tightens: 1e-4, 1e-7, 1e-10 give errors
 * that shrink at every step, and the tightest is within 1e-6 ms of the reference. */
static void test_adex_convergence(void **state)
{
  ref r = {.n = 2, .f = adex_f, .reset = adex_reset, .th = -40.0, .t_ref = 0.1, .clamp = 1,
           .p = {0.281, 0.281 / 9.3667, -70.6, -50.4, 2.0, -40.0, -70.6, 0.1, 4.0, 0.0805,
                 144.0, ADEX_I}};
  double y0[2] = {-70.6, 0.0}, expect[64];
  size_t ne = ref_checked(&r, y0, 400.0, 1e-3, 1e-8, expect, 64);
  assert_true(ne >= 5);
  const named params[] = {{"i_offset", ADEX_I}, {NULL, 0}};
  double tols[] = {1e-4, 1e-7, 1e-10}, last = INFINITY;
  for (size_t k = 0; k < 3; k++) {
    setup s = {"adex", params, NULL, "dopri5", tols[k], 1e-12};
    double got[64];
    size_t n = run_neuron(&s, 400.0, got, 64);
    assert_int_equal(n, ne);
    double err = max_diff(got, expect, n);
    print_message("  dopri5 tol %-6g: max |t - reference| = %.3g ms\n", tols[k], err);
    assert_true(err < last);
    last = err;
  }
  assert_true(last < 1e-6);
  setup s = {"adex", params, NULL, "rk8pd", 1e-12, 1e-12};
  double got[64];
  assert_int_equal(run_neuron(&s, 400.0, got, 64), ne);
  print_message("  rk8pd 1e-12: max |t - reference| = %.3g ms\n", max_diff(got, expect, ne));
  assert_true(max_diff(got, expect, ne) < 1e-7);
}

/* w jumps by b at each spike: with a = 0, w obeys tau_w dw/dt = -w between spikes,
 * so at T w(T) = b sum_k exp(-(T - t_k) / tau_w) over the spike times t_k. */
static void test_adex_w_jumps(void **state)
{
  const double b = 0.0805, tau_w = 144.0, T = 300.0;
  const named params[] = {{"a", 0.0}, {"b", b}, {"tau_w", tau_w}, {"i_offset", ADEX_I},
                          {NULL, 0}};
  setup s = {"adex", params, NULL, "dopri5", 1e-10, 1e-12};
  ember_population *pop;
  ember_network *net = build(&s, &pop);
  assert_ok(net, ember_network_run(net, T));
  double t[64], expect = 0;
  size_t n = spikes_of(pop, t, 64);
  assert_true(n >= 5);
  for (size_t k = 0; k < n; k++)
    expect += b * exp(-(T - t[k]) / tau_w);
  assert_close(get1(pop, "w", 0), expect, 1e-9);
  ember_network_free(net);
}

/* A stiff upstroke: NEST's default V_peak = 0 mV (exp(25.2) at the peak, an
 * upstroke of ~1e-10 ms). Explicit, implicit and multistep solvers at tight
 * tolerances all get through (a clamp at v_spike itself made every one of them
 * fail) and agree with each other. */
static void test_adex_stiff_upstroke(void **state)
{
  const named params[] = {{"v_spike", 0.0}, {"i_offset", 1.0}, {NULL, 0}};
  double ref_t[64];
  setup s = {"adex", params, NULL, "rk8pd", 1e-11, 1e-12};
  size_t n = run_neuron(&s, 200.0, ref_t, 64);
  assert_true(n >= 5);
  /* msbdf's states inside a step are Hermite interpolants: a looser bound. */
  const char *methods[] = {"dopri5", "bsimp", "msbdf", "rkf45"};
  const double bound[] = {1e-6, 1e-6, 1e-5, 1e-6};
  for (size_t m = 0; m < 4; m++) {
    setup sm = {"adex", params, NULL, methods[m], 1e-11, 1e-12};
    double got[64];
    assert_int_equal(run_neuron(&sm, 200.0, got, 64), n);
    print_message("  %-7s: max |t - rk8pd| = %.3g ms\n", methods[m], max_diff(got, ref_t, n));
    assert_true(max_diff(got, ref_t, n) < bound[m]);
  }
}

/* ---------------------------------------------------------------- jacobians --- */

/* The analytic Jacobian against central differences of the rhs at state y. */
static void check_jacobian(const char *model, const double *y, int refractory)
{
  const ember_model *m = ember_model_find(model);
  size_t n = m->n_state;
  double p[64], J[64], dfdt[8], fp[8], fm[8], yy[8];
  char msg[256];
  default_row(m, p);
  if (m->prepare)
    assert_int_equal(m->prepare(p, msg, sizeof msg), EMBER_OK);
  ember_neuron_ctx c = {p, 0.1, refractory};
  assert_int_equal(m->jacobian(0, y, J, dfdt, &c), 0);
  for (size_t j = 0; j < n; j++) {
    double h = 1e-6 * fmax(1.0, fabs(y[j]));
    memcpy(yy, y, n * sizeof *y);
    yy[j] = y[j] + h;
    m->rhs(0, yy, fp, &c);
    yy[j] = y[j] - h;
    m->rhs(0, yy, fm, &c);
    for (size_t i = 0; i < n; i++) {
      double fd = (fp[i] - fm[i]) / (2 * h);
      if (fabs(fd - J[i * n + j]) > 1e-6 * fmax(1.0, fabs(fd)))
        fail_msg("%s: J[%zu][%zu] = %.12g, finite difference %.12g", model, i, j,
                 J[i * n + j], fd);
    }
  }
}

static void test_jacobians(void **state)
{
  double iz[][2] = {{-70, -14}, {25, 3}, {-40, -5}};
  for (size_t k = 0; k < 3; k++)
    check_jacobian("izhikevich", iz[k], 0);
  double ad[][4] = {{-70, 0.1, 0.01, 0.02}, {-45, 0.3, 0.05, 0.0}, {-41, 0, 0, 0.1}};
  for (size_t k = 0; k < 3; k++) {
    check_jacobian("adex", ad[k], 0);
    check_jacobian("adex", ad[k], 1);
  }
  /* HH at rest, on the upstroke, just beside the three singular points (inside
   * the series branch), far out. */
  double hh[][6] = {{-64.76, 0.01, 0.99, 0.03, 0.01, 0.02}, {-30, 0.6, 0.4, 0.3, 0, 0},
                    {-50.001, 0.2, 0.5, 0.4, 0, 0},         {-23.001, 0.9, 0.1, 0.6, 0, 0},
                    {-48.001, 0.3, 0.6, 0.2, 0, 0},         {-150, 0, 1, 0, 0, 0}};
  for (size_t k = 0; k < 6; k++)
    check_jacobian("hh_cond_exp", hh[k], 0);
  double ll[][3] = {{-65, 0, 0}, {-50, 0.6, 0.3}, {-20, 2.0, 0.45}};
  for (size_t k = 0; k < 3; k++) {
    check_jacobian("lif_ltc", ll[k], 0);
    check_jacobian("lif_ltc", ll[k], 1);
  }
}


/* ------------------------------------------------------------------ lif_ltc --- */

/* The same neuron as an LTC circuit: one neuron, inputs 0 (exc) and 1 (inh) as
 * sensory channels with the lif_ltc receptor parameters. */
static ember_ltc *ltc_twin(double cm, double gl, double vl, double gmax, double sigma, double mu,
                           double e_e, double e_i)
{
  ember_ltc_wiring_spec spec = {.kind = EMBER_LTC_FULLY_CONNECTED, .units = 1, .inputs = 2,
                                .outputs = 1, .no_self_connections = 1};
  ember_ltc *c = ember_ltc_new();
  assert_int_equal(ember_ltc_build(c, &spec, 1, 0), EMBER_OK);
  const struct { const char *name; double v[2]; } p[] = {
    {"cm", {cm}}, {"gleak", {gl}}, {"vleak", {vl}}, {"sensory_w", {gmax, gmax}},
    {"sensory_sigma", {sigma, sigma}}, {"sensory_mu", {mu, mu}}, {"sensory_erev", {e_e, e_i}},
    {"input_w", {1, 1}}, {"input_b", {0, 0}}};
  for (size_t i = 0; i < sizeof p / sizeof *p; i++)
    if (ember_ltc_set_param(c, p[i].name, p[i].v))
      fail_msg("%s: %s", p[i].name, ember_ltc_error(c));
  ember_ltc_solver_opts o = ember_ltc_solver_defaults();
  o.method = "rk8pd";
  o.abstol = o.reltol = 1e-13;
  assert_int_equal(ember_ltc_set_solver(c, &o), EMBER_OK);
  double v0 = vl;
  assert_int_equal(ember_ltc_reset(c, &v0), EMBER_OK);
  return c;
}

/* With v_thresh = inf and tau_syn = inf the activations are piecewise constant
 * (they jump by the weight at each arrival) and lif_ltc is the plain LTC neuron
 * with s_exc, s_inh as its two inputs: compared with ember_ltc (rk8pd, 1e-13)
 * every 1 ms over 40 ms, excitatory staircase 0.25 per arrival at 5, 10, 20, 30
 * ms, inhibitory 0.375 at 15, 25 ms. (Synaptic weights are stored in single
 * precision: the test uses weights that are exact in binary, else the
 * difference would be that rounding, ~1e-7 mV, not the integration.) */
static void test_lif_ltc_is_ltc(void **state)
{
  const double cm = 0.2, gl = 0.01, vl = -65, gmax = 0.05, sigma = 6, mu = 0.5;
  const named params[] = {{"v_thresh", INFINITY}, {"tau_syn_E", INFINITY}, {"tau_syn_I", INFINITY},
                          {"cm", cm}, {"g_leak", gl}, {"v_rest", vl}, {"g_max_E", gmax},
                          {"g_max_I", gmax}, {"sigma_E", sigma}, {"sigma_I", sigma}, {"mu_E", mu},
                          {"mu_I", mu}, {"e_rev_E", 0}, {"e_rev_I", -80}, {NULL, 0}};
  const named init[] = {{"v", vl}, {NULL, 0}};
  const char *methods[] = {"taylor", "rk8pd", "bsimp"};
  for (size_t m = 0; m < 3; m++) {
    setup s = {"lif_ltc", params, init, methods[m], 1e-12, 0};
    ember_population *pop, *src;
    ember_projection *proj;
    ember_network *net = build(&s, &pop);
    assert_ok(net, ember_source_population_new(net, "src", 2, "spike_array", &src));
    double te[] = {4, 9, 19, 29}, ti[] = {14, 24};   /* + 1 ms delay */
    assert_ok(net, ember_population_set_spike_times(src, 0, te, 4));
    assert_ok(net, ember_population_set_spike_times(src, 1, ti, 2));
    ember_connection rows[] = {{0, 0, 0.25, 1.0}, {1, 0, 0.375, 1.0}};
    ember_connector ce = {EMBER_CONN_FROM_LIST, 0, 1, 1, rows};
    ember_connector ci = {EMBER_CONN_FROM_LIST, 0, 1, 1, rows + 1};
    ember_dist w = dist_const(0), dl = dist_const(1.0);
    assert_ok(net, ember_projection_new(net, src, pop, &ce, &w, &dl, "excitatory", &proj));
    assert_ok(net, ember_projection_new(net, src, pop, &ci, &w, &dl, "inhibitory", &proj));
    ember_ltc *c = ltc_twin(cm, gl, vl, gmax, sigma, mu, 0, -80);
    double err = 0, v;
    for (int t = 0; t < 40; t++) {
      double x[2] = {0.25 * ((t >= 5) + (t >= 10) + (t >= 20) + (t >= 30)),
                     0.375 * ((t >= 15) + (t >= 25))};
      assert_int_equal(ember_ltc_set_input(c, x), EMBER_OK);
      assert_int_equal(ember_ltc_step(c, 1.0), EMBER_OK);
      assert_ok(net, ember_network_run(net, 1.0));
      ember_ltc_get_v(c, &v);
      err = fmax(err, fabs(get1(pop, "v", 0) - v));
    }
    assert_close(get1(pop, "s_exc", 0), 1.0, 1e-15);
    assert_int_equal(ember_population_spike_count(pop), 0);
    print_message("  lif_ltc (%s, tol 1e-12) vs ember_ltc: max |dv| = %.3g mV over 40 ms "
                  "(v at 40 ms = %.6f mV)\n", methods[m], err, v);
    assert_true(err < 1e-9);
    ember_ltc_free(c);
    ember_network_free(net);
  }
}

static void lif_ltc_f(const ref *r, const double *y, double *dy)
{
  /* p: cm, g_leak, v_rest, i, gmaxE, gmaxI, sigma, mu, eE, eI, tauE, tauI */
  const double *p = r->p;
  double ge = p[4] / (1 + exp(-p[6] * (y[1] - p[7]))), gi = p[5] / (1 + exp(-p[6] * (y[2] - p[7])));
  dy[0] = (p[1] * (p[2] - y[0]) + ge * (p[8] - y[0]) + gi * (p[9] - y[0]) + p[3]) / p[0];
  dy[1] = -y[1] / p[10];
  dy[2] = -y[2] / p[11];
}

static void lif_ltc_reset(const ref *r, double *y) { y[0] = -65.0; }

/* Spike times with decaying activations and a constant current against the
 * reference RK4: v_thresh -50, reset -65, refractory 2 ms, i_offset 0.2 nA
 * (v_inf = -45 mV), s_exc(0) = 3 and s_inh(0) = 2 decaying with 5 and 10 ms, so
 * the conductances (and the liquid time constant) change under the spikes;
 * 150 ms. */
static void test_lif_ltc_spike_times(void **state)
{
  ref r = {.n = 3, .f = lif_ltc_f, .reset = lif_ltc_reset, .th = -50.0, .t_ref = 2.0, .clamp = 1,
           .p = {0.2, 0.01, -65, 0.2, 0.05, 0.05, 6, 0.5, 0, -80, 5, 10}};
  double y0[3] = {-65.0, 3.0, 2.0}, expect[64];
  size_t ne = ref_checked(&r, y0, 150.0, 1e-3, 1e-8, expect, 64);
  assert_true(ne >= 5);
  const named params[] = {{"i_offset", 0.2}, {"g_max_E", 0.05}, {"g_max_I", 0.05}, {NULL, 0}};
  const named init[] = {{"v", -65.0}, {"s_exc", 3.0}, {"s_inh", 2.0}, {NULL, 0}};
  const char *methods[] = {"taylor", "rk8pd", "dopri5", "bsimp"};
  for (size_t m = 0; m < 4; m++) {
    setup s = {"lif_ltc", params, init, methods[m], 1e-11, 1e-12};
    double got[64];
    size_t n = run_neuron(&s, 150.0, got, 64);
    assert_int_equal(n, ne);
    double err = max_diff(got, expect, n);
    print_message("  lif_ltc %-7s: %zu spikes (first %.4f ms), max |t - reference| = %.3g ms\n",
                  methods[m], n, got[0], err);
    assert_true(err < 1e-6);
  }
}

/* ------------------------------------------------------- parameter checking --- */

static ember_status try_param(const char *model, const char *name, double v)
{
  ember_network *net = ember_network_new(1);
  ember_population *pop;
  assert_ok(net, ember_population_new(net, "n", 1, model, &pop));
  ember_dist d = dist_const(v);
  ember_status st = ember_population_set_param(pop, name, &d, NULL, 0);
  ember_network_free(net);
  return st;
}

/* A run whose prepare() must fail; the message must name `word`. */
static void expect_prepare_fails(const char *model, const named *params, const char *word)
{
  setup s = {model, params, NULL, NULL, 0, 0};
  ember_population *pop;
  ember_network *net = build(&s, &pop);
  assert_int_equal(ember_network_run(net, 1.0), EMBER_ERR_INVALID);
  if (!strstr(ember_network_error(net), word))
    fail_msg("message '%s' does not name %s", ember_network_error(net), word);
  ember_network_free(net);
}

static void test_bad_parameters(void **state)
{
  assert_int_not_equal(try_param("izhikevich", "tau_m", 10.0), EMBER_OK);   /* unknown */
  assert_int_not_equal(try_param("adex", "v_thres", -50.0), EMBER_OK);
  assert_int_not_equal(try_param("hh_cond_exp", "g_Na", 20.0), EMBER_OK);
  assert_int_equal(try_param("izhikevich", "c", 30.0), EMBER_ERR_INVALID);  /* range */
  assert_int_equal(try_param("adex", "delta_T", 0.0), EMBER_ERR_INVALID);
  assert_int_equal(try_param("adex", "tau_w", -1.0), EMBER_ERR_INVALID);
  assert_int_equal(try_param("hh_cond_exp", "cm", 0.0), EMBER_ERR_INVALID);
  assert_int_equal(try_param("hh_cond_exp", "gbar_Na", -1.0), EMBER_ERR_INVALID);
  assert_int_equal(try_param("hh_cond_exp", "tau_refrac", -1.0), EMBER_ERR_INVALID);
  assert_int_equal(try_param("izhikevich", "a", NAN), EMBER_ERR_INVALID);
  const named reset_high[] = {{"v_reset", -40.0}, {NULL, 0}};   /* cross-checks */
  expect_prepare_fails("adex", reset_high, "v_reset");
  const named thresh_high[] = {{"v_thresh", -30.0}, {NULL, 0}};
  expect_prepare_fails("adex", thresh_high, "v_thresh");
  assert_int_equal(try_param("lif_ltc", "g_max_E", -0.1), EMBER_ERR_INVALID);
  assert_int_equal(try_param("lif_ltc", "tau_syn_E", 0.0), EMBER_ERR_INVALID);
  assert_int_equal(try_param("lif_ltc", "tau_syn_I", INFINITY), EMBER_OK);
  expect_prepare_fails("lif_ltc", reset_high, "v_reset");
  const named steep[] = {{"delta_T", 0.01}, {"v_spike", 0.0}, {NULL, 0}};   /* 5040 > 500 */
  expect_prepare_fails("adex", steep, "delta_T");
  ember_network *net = ember_network_new(1);   /* weights: conductances are >= 0 */
  ember_population *pop, *src;
  ember_projection *proj;
  assert_ok(net, ember_population_new(net, "n", 1, "hh_cond_exp", &pop));
  assert_ok(net, ember_source_population_new(net, "s", 1, "poisson", &src));
  ember_connector all = {EMBER_CONN_ALL_TO_ALL, 0, 0, 1, NULL};
  ember_dist w = dist_const(-0.01), dl = dist_const(1.0);
  assert_int_equal(ember_projection_new(net, src, pop, &all, &w, &dl, "inhibitory", &proj),
                   EMBER_ERR_INVALID);
  ember_network_free(net);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_izhikevich_closed_form),
    cmocka_unit_test(test_izhikevich_fixed_point),
    cmocka_unit_test(test_izhikevich_regular_spiking),
    cmocka_unit_test(test_izhikevich_delta_synapses),
    cmocka_unit_test(test_adex_convergence),
    cmocka_unit_test(test_adex_w_jumps),
    cmocka_unit_test(test_adex_stiff_upstroke),
    cmocka_unit_test(test_lif_ltc_is_ltc),
    cmocka_unit_test(test_lif_ltc_spike_times),
    cmocka_unit_test(test_jacobians),
    cmocka_unit_test(test_bad_parameters),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
