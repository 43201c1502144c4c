/* lib/rng.c's geometric gaps (fixed_probability's skips): the table-driven path
 * must give floor(log1p(-u) / log1p(-p)), libm's formula that decides which
 * synapses exist, for every u, bit for bit, including u next to the points where
 * the gap steps from k to k + 1. lib/rng.c is compiled into this test (its
 * functions are internal to libember). */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include "rng.h"

static const double PS[] = {0.02, 0.1, 0.5, 0.9, 1e-3, 1e-6, 0.999999, 0.3};
#define N_PS (sizeof PS / sizeof PS[0])

static double formula(double u, double p)
{
  return floor(log1p(-u) / log1p(-p));
}

/* Uniform draws from streams, as the connector makes them. */
static void test_random_draws(void **state)
{
  (void)state;
  for (size_t i = 0; i < N_PS; i++) {
    rng_geom g;
    rng_geom_init(&g, PS[i]);
    rng_stream r = rng_stream_for(12345, i, RNG_CONNECT, 7);
    for (int n = 0; n < 400000; n++) {
      double u = rng_uniform(&r);
      double got = rng_geom_gap_of(&g, u), want = formula(u, PS[i]);
      if (got != want)
        fail_msg("p = %g, u = %.17g: gap %.17g, formula %.17g", PS[i], u, got, want);
    }
  }
}

/* The 2^-53 grid around u_k = 1 - q^k, where the gap steps from k - 1 to k: the
 * draws whose log is within the fast path's error of an integer. The test counts
 * the steps it crosses, so that it is known to look where the gaps change. */
static void test_step_points(void **state)
{
  (void)state;
  for (size_t i = 0; i < N_PS; i++) {
    double p = PS[i], log_q = log1p(-p);   /* q^k as exp(k log q): 1 - p would round */
    rng_geom g;
    rng_geom_init(&g, p);
    int steps = 0, tried = 0;
    for (int k = 1; k < 4000; k++) {
      double qk = exp(k * log_q);
      if (qk < 0x1p-50)
        break;
      double base = floor((1.0 - qk) * 0x1p53);
      double prev = NAN;
      for (int j = -6; j <= 6; j++) {
        double u = (base + j) * 0x1p-53;
        if (u < 0 || u >= 1)
          continue;
        double got = rng_geom_gap_of(&g, u), want = formula(u, p);
        if (got != want)
          fail_msg("p = %g, u = %.17g (k = %d): gap %.17g, formula %.17g", p, u, k, got, want);
        steps += !isnan(prev) && want != prev;
        prev = want;
      }
      tried++;
    }
    /* Each k's window holds its step (1 - q^k rounds onto the grid within it) but
     * for a few k where q^k's rounding moves the step outside the window. */
    assert_true(tried > 0);
    if (steps < tried * 9 / 10)
      fail_msg("p = %g: %d steps in %d windows", p, steps, tried);
  }
}

/* The ends of [0, 1): u = 0 (gap 0), the smallest and the largest draws. */
static void test_ends(void **state)
{
  (void)state;
  const double us[] = {0.0, 0x1p-53, 0x1p-52, 0.5, 0.5 - 0x1p-53, 1.0 - 0x1p-53, 1.0 - 0x1p-52};
  for (size_t i = 0; i < N_PS; i++) {
    rng_geom g;
    rng_geom_init(&g, PS[i]);
    for (size_t k = 0; k < sizeof us / sizeof us[0]; k++) {
      double got = rng_geom_gap_of(&g, us[k]), want = formula(us[k], PS[i]);
      if (got != want)
        fail_msg("p = %g, u = %.17g: gap %.17g, formula %.17g", PS[i], us[k], got, want);
    }
  }
  rng_geom g;
  rng_geom_init(&g, 0.02);
  assert_true(rng_geom_gap_of(&g, 0.0) == 0.0);
  /* 1 - u = 2^-53: log = -53 ln 2, over log(0.98): 1818.4... */
  assert_true(rng_geom_gap_of(&g, 1.0 - 0x1p-53) == 1818.0);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_random_draws),
    cmocka_unit_test(test_step_points),
    cmocka_unit_test(test_ends),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
