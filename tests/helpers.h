/* Small helpers shared by the cmocka test programs. */
#ifndef EMBER_TEST_HELPERS_H
#define EMBER_TEST_HELPERS_H

#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <cmocka.h>
#include "ember/ember.h"

/* Fails the test with both values and the tolerance when |a - b| > tol. */
#define assert_close(a, b, tol)                                                        \
  do {                                                                                 \
    double a_ = (a), b_ = (b), t_ = (tol);                                             \
    if (!(fabs(a_ - b_) <= t_))                                                        \
      fail_msg("%s = %.17g, expected %s = %.17g (tolerance %g, off by %g)", #a, a_, #b, \
               b_, t_, fabs(a_ - b_));                                                 \
  } while (0)

/* Fails with the network's message when st is not EMBER_OK. */
#define assert_ok(net, st)                                                             \
  do {                                                                                 \
    ember_status s_ = (st);                                                            \
    if (s_ != EMBER_OK)                                                                \
      fail_msg("%s failed: %s: %s", #st, ember_strerror(s_), ember_network_error(net)); \
  } while (0)

static inline ember_dist dist_const(double v)
{
  ember_dist d = {EMBER_DIST_CONST, v, 0};
  return d;
}

/* Sets one parameter of every neuron of pop to v. */
static inline void set_p(ember_population *pop, const char *name, double v)
{
  ember_dist d = dist_const(v);
  ember_status st = ember_population_set_param(pop, name, &d, NULL, 0);
  if (st)
    fail_msg("set %s = %g failed: %s", name, v, ember_strerror(st));
}

/* Value of parameter or state `name` of neuron i. */
static inline double get1(ember_population *pop, const char *name, size_t i)
{
  double buf[4096];
  assert_true(ember_population_size(pop) <= 4096);
  assert_int_equal(ember_population_get(pop, name, buf), EMBER_OK);
  return buf[i];
}

#endif
