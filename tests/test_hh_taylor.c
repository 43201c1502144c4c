/* hh_cond_exp's Taylor coefficients (ember_model.taylor) and the `taylor` solver on
 * it.
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
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_odeiv2.h>
#include "helpers.h"

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

/* Spike times of a driven neuron (i_offset 0.5 nA, about 80 Hz, 200 ms)
 * by the default solver at its default tolerance, and by taylor
 * at 1e-10, against rk8pd at 1e-12. */
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
    {NULL, 0, 1e-3}, {"taylor", 1e-8, 1e-5}, {"taylor", 1e-10, 1e-7},
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
    cmocka_unit_test(test_low_orders),
    cmocka_unit_test(test_polynomial_vs_flow),
    cmocka_unit_test(test_branch_continuity),
    cmocka_unit_test(test_spike_times),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
