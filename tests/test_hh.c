/* hh_cond_exp: its rest state, its rates' removable singularities, solvers against
 * an independent RK4 integration (model_helpers.h), and its Taylor coefficients
 * (ember_model.taylor) with the `taylor` solver, its default.
 *
 * The coefficients are checked against computations that share no code with
 * them: the first against the rhs (closed-form rates), the second against the
 * analytic Jacobian times the rhs, and the whole order-20 polynomial against the
 * flow computed by GSL's rk8pd at 1e-14 on the model's rhs, at states in the
 * subthreshold range, on the upstroke, with synaptic conductances and exactly at
 * the removable singularities of the rates (u = 13, 40, 15 mV). The near-0 and
 * far-from-0 formulas of psi (lib/taylor_ad.h) must join continuously. Spike
 * times of a driven neuron with the default solver (taylor at the default
 * tolerance) must be within 1e-3 ms of rk8pd at 1e-12. */
#include <gsl/gsl_errno.h>
#include <gsl/gsl_odeiv2.h>
#include "model_helpers.h"

/* The Traub-Miles rates as printed in Brette et al. (2007), plainly (the test only
 * evaluates them away from their removable singularities). u = v - V_T. */
static void hh_rates(double u, double *am, double *bm, double *ah, double *bh, double *an,
                     double *bn)
{
  *am = 0.32 * (13.0 - u) / (exp((13.0 - u) / 4.0) - 1.0);
  *bm = 0.28 * (u - 40.0) / (exp((u - 40.0) / 5.0) - 1.0);
  *ah = 0.128 * exp((17.0 - u) / 18.0);
  *bh = 4.0 / (1.0 + exp((40.0 - u) / 5.0));
  *an = 0.032 * (15.0 - u) / (exp((15.0 - u) / 5.0) - 1.0);
  *bn = 0.5 * exp((10.0 - u) / 40.0);
}

/* p: gNa, gK, gL, C, V_T, ENa, EK, EL, I. No synaptic input in these tests. */
static void hh_f(const ref *r, const double *y, double *dy)
{
  const double *p = r->p;
  double v = y[0], m = y[1], h = y[2], n = y[3], am, bm, ah, bh, an, bn;
  hh_rates(v - p[4], &am, &bm, &ah, &bh, &an, &bn);
  dy[0] = (p[2] * (p[7] - v) + p[0] * pow(m, 3) * h * (p[5] - v) + p[1] * pow(n, 4) * (p[6] - v)
           + p[8]) / p[3];
  dy[1] = am * (1 - m) - bm * m;
  dy[2] = ah * (1 - h) - bh * h;
  dy[3] = an * (1 - n) - bn * n;
}

static const double hh_defaults[9] = {20.0, 6.0, 0.01, 0.2, -63.0, 50.0, -90.0, -65.0, 0.0};

/* Steady-state membrane current at v with every gate at its steady state. */
static double hh_steady_current(double v, double *gates)
{
  const double *p = hh_defaults;
  double am, bm, ah, bh, an, bn;
  hh_rates(v - p[4], &am, &bm, &ah, &bh, &an, &bn);
  double m = am / (am + bm), h = ah / (ah + bh), n = an / (an + bn);
  if (gates)
    gates[0] = m, gates[1] = h, gates[2] = n;
  return p[2] * (p[7] - v) + p[0] * m * m * m * h * (p[5] - v) + p[1] * n * n * n * n * (p[6] - v);
}

/* The rest: the stable zero of the steady-state current between -80 and -62 mV
 * (bisection; a second, unstable zero near -59 mV is the threshold). There the
 * model's rhs vanishes, its documented initial state is that point, and a default
 * neuron stays there for a second. */
static void test_hh_rest(void **state)
{
  double lo = -80.0, hi = -62.0, gates[3];
  assert_true(hh_steady_current(lo, NULL) > 0 && hh_steady_current(hi, NULL) < 0);
  while (hi - lo > 1e-13) {
    double mid = 0.5 * (lo + hi);
    if (hh_steady_current(mid, NULL) > 0) lo = mid; else hi = mid;
  }
  double rest[6] = {lo, 0, 0, 0, 0, 0}, p[64], f[6];
  hh_steady_current(lo, gates);
  memcpy(rest + 1, gates, sizeof gates);
  print_message("  rest v = %.9f mV, m = %.9f, h = %.9f, n = %.9f\n", lo, gates[0], gates[1],
                gates[2]);
  const ember_model *m = ember_model_find("hh_cond_exp");
  assert_non_null(m);
  default_row(m, p);
  model_rhs(m, p, rest, f);
  for (size_t i = 0; i < 6; i++)
    assert_close(f[i], 0.0, 1e-12);
  for (size_t i = 0; i < 4; i++)   /* the documented initial state, to its digits */
    assert_close(m->state[i].def, rest[i], 1e-8);
  setup s = {"hh_cond_exp", NULL, NULL, NULL, 0, 0};
  ember_population *pop;
  ember_network *net = build(&s, &pop);
  assert_ok(net, ember_network_run(net, 1000.0));
  assert_int_equal(ember_population_spike_count(pop), 0);
  assert_close(get1(pop, "v", 0), lo, 1e-6);
  ember_network_free(net);
}

/* At u = 13, 40 and 15 mV the rates alpha_m, beta_m and alpha_n are 0/0 as
 * printed; their limits are 0.32 x 4, 0.28 x 5 and 0.032 x 5. With m = n = 0 the
 * gates' rhs is alpha, with m = 1 it is -beta. */
static void test_hh_singularities(void **state)
{
  const ember_model *m = ember_model_find("hh_cond_exp");
  double p[64], f[6];
  default_row(m, p);
  double vt = p[4];   /* v_offset is the fifth parameter in PyNN's order */
  assert_string_equal(m->params[4].name, "v_offset");
  double y[6] = {vt + 13.0, 0.0, 0.5, 0.0, 0, 0};
  model_rhs(m, p, y, f);
  assert_close(f[1], 1.28, 1e-15);
  y[0] = vt + 40.0, y[1] = 1.0;
  model_rhs(m, p, y, f);
  assert_close(f[1], -1.4, 1e-15);
  y[0] = vt + 15.0, y[3] = 0.0;
  model_rhs(m, p, y, f);
  assert_close(f[3], 0.16, 1e-15);
  /* Continuous through the singular point: 1e-7 mV away the plain formula agrees. */
  double am, bm, ah, bh, an, bn;
  hh_rates(13.0 + 1e-7, &am, &bm, &ah, &bh, &an, &bn);
  y[0] = vt + 13.0 + 1e-7, y[1] = 0.0;
  model_rhs(m, p, y, f);
  assert_close(f[1], am, 1e-7);
  /* The guard: a wild trial state (gates far outside [0, 1], v at -1e5 mV) still
   * gives a finite rhs, so a step-size controller can reject the step. */
  double wild[6] = {-1e5, 1e60, -1e40, 1e80, 1.0, 1.0};
  model_rhs(m, p, wild, f);
  for (size_t i = 0; i < 6; i++)
    assert_true(isfinite(f[i]));
}

/* A driven neuron (i_offset 0.5 nA, about 80 Hz): explicit, implicit and
 * multistep solvers against the reference, 150 ms. */
static void test_hh_solvers_agree(void **state)
{
  ref r = {.n = 4, .f = hh_f, .th = -20.0, .t_ref = 3.0};
  memcpy(r.p, hh_defaults, sizeof hh_defaults);
  r.p[8] = 0.5;
  const ember_model *mod = ember_model_find("hh_cond_exp");
  double y0[4], expect[64];
  for (size_t i = 0; i < 4; i++)
    y0[i] = mod->state[i].def;
  size_t ne = ref_checked(&r, y0, 150.0, 5e-4, 1e-8, expect, 64);
  assert_true(ne >= 10);
  const named params[] = {{"i_offset", 0.5}, {NULL, 0}};
  struct { const char *method; double tol, bound; } runs[] = {
    {"rk8pd", 1e-11, 1e-7}, {"dopri5", 1e-10, 1e-6}, {"bsimp", 1e-10, 1e-6},
    {"msbdf", 1e-10, 1e-5}, {"rk4imp", 1e-10, 1e-6}, {NULL, 0, 1e-3},
  };
  for (size_t k = 0; k < sizeof runs / sizeof runs[0]; k++) {
    setup s = {"hh_cond_exp", params, NULL, runs[k].method, runs[k].tol, 1e-12};
    double got[64];
    size_t n = run_neuron(&s, 150.0, got, 64);
    assert_int_equal(n, ne);
    double err = max_diff(got, expect, n);
    print_message("  %-7s tol %-6g: max |t - reference| = %.3g ms (bound %g)\n",
                  runs[k].method ? runs[k].method : "default", runs[k].tol, err, runs[k].bound);
    assert_true(err < runs[k].bound);
  }
}

/* ------------------------------------------------------ Taylor coefficients --- */

enum { NS = 6, KMAX = EMBER_TAYLOR_MAX_ORDER };

typedef struct fixture {
  const ember_model *m;
  double p[64];
  ember_neuron_ctx ctx;
} fixture;

static void fixture_init(fixture *f, double i_ext)
{
  char msg[256];
  f->m = ember_model_find("hh_cond_exp");
  assert_non_null(f->m);
  assert_non_null(f->m->taylor);
  assert_int_equal(f->m->n_state, NS);
  for (size_t i = 0; i < f->m->n_params; i++)
    f->p[i] = f->m->params[i].def;
  assert_int_equal(f->m->prepare(f->p, msg, sizeof msg), EMBER_OK);
  f->ctx = (ember_neuron_ctx){f->p, i_ext, 0};
}

/* v_offset = -63 mV by default: u = v + 63. */
#define U(u) ((u) - 63.0)

/* States: rest-like, threshold region, upstroke, peak, with conductances, and v
 * exactly at the rates' singular points. */
static const double states[][NS] = {
  {-64.7646, 0.0102, 0.9974, 0.0282, 0.0, 0.0},
  {-55.0, 0.05, 0.9, 0.06, 0.02, 0.1},
  {-35.0, 0.4, 0.6, 0.2, 0.05, 0.2},
  {20.0, 0.95, 0.3, 0.5, 0.0, 0.3},
  {U(13.0), 0.2, 0.7, 0.1, 0.03, 0.05},
  {U(40.0), 0.9, 0.4, 0.4, 0.0, 0.0},
  {U(15.0), 0.3, 0.6, 0.1, 0.01, 0.02},
  {U(13.0 - 6.0), 0.1, 0.8, 0.1, 0.0, 0.0},   /* alpha_m's z = 1.5: the switch */
};

static int flow_rhs(double t, const double y[], double f[], void *params)
{
  const fixture *fx = params;
  return fx->m->rhs(t, y, f, (void *)&fx->ctx);
}

/* y(h) from y0 by rk8pd at 1e-14. */
static void flow(fixture *fx, const double *y0, double h, double *out)
{
  gsl_odeiv2_system sys = {flow_rhs, NULL, NS, fx};
  gsl_odeiv2_driver *d = gsl_odeiv2_driver_alloc_y_new(&sys, gsl_odeiv2_step_rk8pd, 1e-4, 1e-14, 1e-14);
  double t = 0.0;
  memcpy(out, y0, NS * sizeof *out);
  assert_int_equal(gsl_odeiv2_driver_apply(d, &t, h, out), GSL_SUCCESS);
  gsl_odeiv2_driver_free(d);
}

static double poly(const double *c, size_t K, size_t i, double h)
{
  double s = c[K * NS + i];
  for (size_t k = K; k-- > 0;)
    s = s * h + c[k * NS + i];
  return s;
}

/* Coefficients 1 and 2: the rhs and (J f) / 2. */
static void test_low_orders(void **state)
{
  (void)state;
  fixture fx;
  fixture_init(&fx, 0.3);
  for (size_t s = 0; s < sizeof states / sizeof states[0]; s++) {
    double c[(KMAX + 1) * NS], f[NS], J[NS * NS], dfdt[NS];
    assert_int_equal(fx.m->taylor(states[s], 8, c, &fx.ctx), 0);
    fx.m->rhs(0, states[s], f, &fx.ctx);
    fx.m->jacobian(0, states[s], J, dfdt, &fx.ctx);
    for (size_t i = 0; i < NS; i++) {
      assert_true(c[i] == states[s][i]);
      assert_close(c[NS + i], f[i], 1e-12 * fmax(1.0, fabs(f[i])));
      double jf = 0.0;
      for (size_t j = 0; j < NS; j++)
        jf += J[i * NS + j] * f[j];
      assert_close(c[2 * NS + i], 0.5 * jf, 1e-10 * fmax(1.0, fabs(jf)));
    }
  }
}

/* The order-20 polynomial against the flow at h = 1/20 .. 1/4 of the series'
 * radius (estimated from the last coefficient: 0.07 ms on the upstroke, 0.6 ms at
 * rest): a wrong coefficient k of relative size d shows as d |c_k| h^k, and the
 * truncation error at order 20, about 4^-21 of the scale, is far below the bound. */
static void test_polynomial_vs_flow(void **state)
{
  (void)state;
  fixture fx;
  fixture_init(&fx, 0.3);
  const double hs[] = {0.05, 0.1, 0.2, 0.25};
  double worst = 0.0;
  for (size_t s = 0; s < sizeof states / sizeof states[0]; s++) {
    double c[(KMAX + 1) * NS], y[NS], radius = INFINITY;
    assert_int_equal(fx.m->taylor(states[s], KMAX, c, &fx.ctx), 0);
    for (size_t i = 0; i < NS; i++)
      if (c[KMAX * NS + i] != 0.0)
        radius = fmin(radius, pow(fabs(c[KMAX * NS + i]) / fmax(1.0, fabs(c[i])), -1.0 / KMAX));
    assert_true(radius > 1e-3 && radius < 10.0);
    for (size_t q = 0; q < sizeof hs / sizeof hs[0]; q++) {
      double h = hs[q] * radius;
      flow(&fx, states[s], h, y);
      for (size_t i = 0; i < NS; i++) {
        double e = fabs(poly(c, KMAX, i, h) - y[i]) / fmax(1.0, fabs(y[i]));
        worst = fmax(worst, e);
        if (e > 1e-11)
          fail_msg("state %zu, h %g, variable %zu: polynomial %.15g, rk8pd %.15g", s, h, i,
                   poly(c, KMAX, i, h), y[i]);
      }
    }
  }
  print_message("  max |p(h) - y(h)| (relative) = %.2g\n", worst);
}

/* psi's two formulas meet at |z| = 1.5: coefficients just inside and just
 * outside agree (relative to the coefficients' scale) up to order 20. */
static void test_branch_continuity(void **state)
{
  (void)state;
  fixture fx;
  fixture_init(&fx, 0.0);
  const double us[] = {13.0 - 6.0, 13.0 + 6.0, 40.0 - 7.5, 40.0 + 7.5, 15.0 - 7.5, 15.0 + 7.5};
  for (size_t q = 0; q < sizeof us / sizeof us[0]; q++) {
    double a[NS] = {U(us[q]) - 1e-9, 0.3, 0.6, 0.2, 0.01, 0.02}, b[NS];
    memcpy(b, a, sizeof a);
    b[0] = U(us[q]) + 1e-9;
    double ca[(KMAX + 1) * NS], cb[(KMAX + 1) * NS];
    fx.m->taylor(a, KMAX, ca, &fx.ctx);
    fx.m->taylor(b, KMAX, cb, &fx.ctx);
    for (size_t k = 1; k <= KMAX; k++)
      for (size_t i = 0; i < NS; i++) {
        double scale = 0.0;   /* the size of coefficient k across the state */
        for (size_t j = 0; j < NS; j++)
          scale = fmax(scale, fabs(ca[k * NS + j]));
        if (fabs(ca[k * NS + i] - cb[k * NS + i]) > 1e-7 * scale + 1e-300)
          fail_msg("u = %g, order %zu, variable %zu: %.15g vs %.15g", us[q], k, i,
                   ca[k * NS + i], cb[k * NS + i]);
      }
  }
}

/* Spike times of a driven neuron (i_offset 0.5 nA, about 80 Hz, 200 ms) by the
 * default solver (taylor) and by dopri5 at the default tolerance, and by taylor
 * at 1e-8 and 1e-10, against rk8pd at 1e-12. */
static size_t spike_run(const char *method, double tol, double *out, size_t max)
{
  ember_network *net = ember_network_new(1);
  ember_population *pop;
  assert_ok(net, ember_population_new(net, "n", 1, "hh_cond_exp", &pop));
  set_p(pop, "i_offset", 0.5);
  ember_solver_opts o = ember_solver_defaults(ember_population_model(pop));
  if (method)
    o.method = method;
  if (tol > 0)
    o.abstol = o.reltol = tol, o.root_tol = 1e-12;
  assert_ok(net, ember_population_set_solver(pop, &o));
  assert_ok(net, ember_population_record(pop, "spikes", 0, NULL, 0));
  assert_ok(net, ember_network_run(net, 200.0));
  const double *t;
  const uint32_t *ids;
  size_t n = ember_population_recorded_spikes(pop, &t, &ids);
  assert_true(n <= max);
  memcpy(out, t, n * sizeof *t);
  ember_network_free(net);
  return n;
}

static void test_spike_times(void **state)
{
  (void)state;
  fixture fx;
  fixture_init(&fx, 0.0);
  assert_string_equal(ember_solver_defaults(fx.m).method, "taylor");
  double ref[64], got[64];
  size_t n = spike_run("rk8pd", 1e-12, ref, 64);
  assert_true(n >= 10);
  struct { const char *method; double tol, bound; } runs[] = {
    {NULL, 0, 1e-3}, {"dopri5", 0, 1e-3}, {"taylor", 1e-8, 1e-5}, {"taylor", 1e-10, 1e-7},
  };
  for (size_t r = 0; r < sizeof runs / sizeof runs[0]; r++) {
    size_t m = spike_run(runs[r].method, runs[r].tol, got, 64);
    assert_int_equal(m, n);
    double d = 0.0;
    for (size_t k = 0; k < n; k++)
      d = fmax(d, fabs(got[k] - ref[k]));
    print_message("  %-7s tol %-6g: %zu spikes, max |t - rk8pd| = %.3g ms (bound %g)\n",
                  runs[r].method ? runs[r].method : "default", runs[r].tol, n, d, runs[r].bound);
    assert_true(d < runs[r].bound);
  }
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_hh_rest),
    cmocka_unit_test(test_hh_singularities),
    cmocka_unit_test(test_hh_solvers_agree),
    cmocka_unit_test(test_low_orders),
    cmocka_unit_test(test_polynomial_vs_flow),
    cmocka_unit_test(test_branch_continuity),
    cmocka_unit_test(test_spike_times),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
