/* LIF neurons under constant input against the closed form, for every solver.
 *
 * With constant current I and no synaptic input, v relaxes to v_inf = v_rest +
 * tau_m I / cm:  v(t) = v_inf + (v0 - v_inf) e^{-t/tau_m}. From v_rest the first
 * spike is at T1 = tau_m ln((v_inf - v_rest) / (v_inf - v_thresh)); after each
 * spike v is held at v_reset for tau_refrac, so the period is
 * tau_refrac + tau_m ln((v_inf - v_reset) / (v_inf - v_thresh)). */
#include <stdlib.h>
#include <string.h>
#include "helpers.h"

#define TAU_M 20.0
#define CM 0.25
#define I_OFF 1.0        /* nA: v_inf = -65 + 20 * 1 / 0.25 = 15 mV */
#define V_REST -65.0
#define V_RESET -70.0
#define V_TH -50.0
#define T_REF 2.0

static double v_inf(void) { return V_REST + TAU_M * I_OFF / CM; }
static double first_spike(void) { return TAU_M * log((v_inf() - V_REST) / (v_inf() - V_TH)); }
static double period(void) { return T_REF + TAU_M * log((v_inf() - V_RESET) / (v_inf() - V_TH)); }

/* One neuron of `model` driven by i_offset, simulated for `t` ms with `method`;
 * returns the number of spikes, their times in out[]. */
static size_t run_neuron(const char *model, const char *method, double tol, double root_tol,
                         double t, double *out, size_t max)
{
  ember_network *net = ember_network_new(1);
  ember_population *pop;
  assert_ok(net, ember_population_new(net, "n", 1, model, &pop));
  set_p(pop, "tau_m", TAU_M);
  set_p(pop, "cm", CM);
  set_p(pop, "i_offset", I_OFF);
  set_p(pop, "v_rest", V_REST);
  set_p(pop, "v_reset", V_RESET);
  set_p(pop, "v_thresh", V_TH);
  set_p(pop, "tau_refrac", T_REF);
  ember_dist v0 = dist_const(V_REST);
  assert_ok(net, ember_population_set_state(pop, "v", &v0, NULL, 0));
  ember_solver_opts o = ember_solver_defaults(ember_population_model(pop));
  if (method)
    o.method = method;
  if (tol > 0)
    o.abstol = o.reltol = tol;
  if (root_tol > 0)
    o.root_tol = root_tol;
  assert_ok(net, ember_population_set_solver(pop, &o));
  assert_ok(net, ember_population_record(pop, "spikes", 0, NULL, 0));
  assert_ok(net, ember_network_run(net, t));
  const double *times;
  const uint32_t *ids;
  size_t n = ember_population_recorded_spikes(pop, &times, &ids);
  assert_true(n <= max);
  memcpy(out, times, n * sizeof *out);
  assert_int_equal(ember_population_spike_count(pop), n);
  ember_network_free(net);
  return n;
}

/* Spike k must be within tol of T1 + k * period. */
static void check_train(const double *t, size_t n, double t_end, double tol)
{
  size_t expect = (size_t)floor((t_end - first_spike()) / period()) + 1;
  assert_int_equal(n, expect);
  for (size_t k = 0; k < n; k++)
    assert_close(t[k], first_spike() + (double)k * period(), tol);
}

/* The exact solver locates each crossing to root_tol; errors add up along the
 * train (each spike starts the next period), so spike k is within (k+1) root_tol. */
static void test_exact_closed_form(void **state)
{
  double t[64];
  size_t n = run_neuron("lif_curr_exp", "exact", 0, 0, 200.0, t, 64);
  check_train(t, n, 200.0, 1e-9 * 64);
  n = run_neuron("lif_curr_exp", "exact", 0, 1e-13, 200.0, t, 64);
  check_train(t, n, 200.0, 1e-9);
  for (size_t k = 0; k < n; k++)   /* a stricter root tolerance is honoured */
    assert_close(t[k], first_spike() + (double)k * period(), 1e-12 * (double)(k + 2) + 1e-12);
}

/* Default settings: spike times within 1e-3 ms (the accuracy the docs promise). */
static void test_defaults_accuracy(void **state)
{
  double t[64];
  size_t n = run_neuron("lif_cond_exp", NULL, 0, 0, 200.0, t, 64);
  check_train(t, n, 200.0, 1e-3);
  n = run_neuron("lif_curr_exp", "rkf45", 0, 0, 200.0, t, 64);
  check_train(t, n, 200.0, 1e-3);
}

/* rkf45 with tight tolerances agrees with the exact solver far below 1e-6 ms. */
static void test_rkf45_vs_exact(void **state)
{
  double te[64], tr[64];
  size_t ne = run_neuron("lif_curr_exp", "exact", 0, 1e-12, 200.0, te, 64);
  size_t nr = run_neuron("lif_curr_exp", "rkf45", 1e-10, 1e-12, 200.0, tr, 64);
  assert_int_equal(ne, nr);
  for (size_t k = 0; k < ne; k++)
    assert_close(tr[k], te[k], 1e-7);
}

/* Every GSL stepper, explicit, implicit and multistep, reaches the closed form. */
static void test_all_steppers(void **state)
{
  const char *methods[] = {"taylor", "dopri5", "rk2", "rk4", "rkf45", "rkck", "rk8pd", "rk1imp", "rk2imp",
                           "rk4imp", "bsimp", "msadams", "msbdf"};
  for (size_t m = 0; m < sizeof methods / sizeof methods[0]; m++) {
    double t[64];
    /* rk1imp is first order: its local error control still leaves ~1e-5 ms. */
    double tol = strcmp(methods[m], "rk1imp") == 0 ? 1e-10 : 1e-9;
    size_t n = run_neuron("lif_cond_exp", methods[m], tol, 1e-12, 60.0, t, 64);
    print_message("  %-8s %zu spikes, first at %.12f (exact %.12f)\n", methods[m], n, t[0],
                  first_spike());
    check_train(t, n, 60.0, 1e-4);
  }
}

/* A COBA neuron in the high-conductance state (64 excitatory and 16 inhibitory
 * Poisson inputs, as in the network): "taylor" at its default tolerance and
 * dopri5 at 1e-9 give the spike times of rk8pd at 1e-12 within 1e-5 ms. Runs
 * 5 neurons for 400 ms (about 40 spikes). */
static size_t run_driven(const char *method, double tol, double *out, size_t max)
{
  ember_network *net = ember_network_new(7);
  ember_population *pe, *pi, *pop;
  assert_ok(net, ember_source_population_new(net, "pe", 320, "poisson", &pe));
  assert_ok(net, ember_source_population_new(net, "pi", 80, "poisson", &pi));
  set_p(pe, "rate", 30.0);
  set_p(pi, "rate", 20.0);
  assert_ok(net, ember_population_new(net, "n", 5, "lif_cond_exp", &pop));
  set_p(pop, "cm", 0.2);
  set_p(pop, "v_rest", -60.0);
  set_p(pop, "v_reset", -60.0);
  set_p(pop, "tau_refrac", 5.0);
  set_p(pop, "e_rev_I", -80.0);
  set_p(pop, "tau_syn_I", 10.0);
  ember_solver_opts o = ember_solver_defaults(ember_population_model(pop));
  o.method = method;
  if (tol > 0)
    o.abstol = o.reltol = tol;
  assert_ok(net, ember_population_set_solver(pop, &o));
  ember_connector c = {.kind = EMBER_CONN_FIXED_NUMBER_PRE, .n = 64};
  ember_dist we = dist_const(0.006), wi = dist_const(0.067), d = dist_const(0.1);
  ember_projection *p;
  assert_ok(net, ember_projection_new(net, pe, pop, &c, &we, &d, "excitatory", &p));
  c.n = 16;
  assert_ok(net, ember_projection_new(net, pi, pop, &c, &wi, &d, "inhibitory", &p));
  assert_ok(net, ember_population_record(pop, "spikes", 0, NULL, 0));
  assert_ok(net, ember_network_run(net, 400.0));
  const double *times;
  const uint32_t *ids;
  size_t n = ember_population_recorded_spikes(pop, &times, &ids);
  assert_true(n <= max);
  for (size_t k = 0; k < n; k++)   /* neuron-major: id * 400 + t is sorted per neuron */
    out[k] = ids[k] * 1000.0 + times[k];
  ember_network_free(net);
  return n;
}

static int cmp_double(const void *a, const void *b)
{
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

static void test_conductance_input(void **state)
{
  static double ref[512], t[512];
  size_t nr = run_driven("rk8pd", 1e-12, ref, 512);
  qsort(ref, nr, sizeof *ref, cmp_double);
  assert_true(nr >= 20);
  const char *methods[] = {"taylor", "dopri5"};
  double tols[] = {0, 1e-9};
  for (size_t m = 0; m < 2; m++) {
    size_t n = run_driven(methods[m], tols[m], t, 512);
    qsort(t, n, sizeof *t, cmp_double);
    assert_int_equal(n, nr);
    double worst = 0;
    for (size_t k = 0; k < n; k++)
      worst = fmax(worst, fabs(t[k] - ref[k]));
    print_message("  %-7s %zu spikes, max |dt| = %.3g ms\n", methods[m], n, worst);
    assert_true(worst < 1e-5);
  }
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_exact_closed_form),
    cmocka_unit_test(test_defaults_accuracy),
    cmocka_unit_test(test_rkf45_vs_exact),
    cmocka_unit_test(test_all_steppers),
    cmocka_unit_test(test_conductance_input),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
