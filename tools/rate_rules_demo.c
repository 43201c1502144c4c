/* The Oja and BCM scenarios of tests/test_rate_rules.c as traces (CSV on
 * stdout), for the figure in docs/plasticity_rate.md (`make
 * tools/rate_rules_demo`; tools/plot_rate_rules.py draws it).
 *
 *   rate_rules_demo oja    t,x0,x1,w0,w1            every step (x: activities)
 *   rate_rules_demo bcm    t,w0,w1,theta,yA,yB      every 10 steps
 *
 * One LTC neuron, gleak = E = 100, vleak = 0, cm = 5, two sensory inputs (see
 * the test for the regime). yA, yB: the neuron's steady-state response
 * sum w x E / (G + sum w x) to each pattern with the current weights. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "ember/ember.h"

static uint64_t rs = 12345;
static double uniform(void)
{
  rs ^= rs >> 12;
  rs ^= rs << 25;
  rs ^= rs >> 27;
  return (double)((rs * 2685821657736338717ULL) >> 11) * 0x1.0p-53;
}
static double normal(void)
{
  double u1 = 1.0 - uniform(), u2 = uniform();
  return sqrt(-2.0 * log(u1)) * cos(2.0 * M_PI * u2);
}
static double sigmoid(double x) { return 1.0 / (1.0 + exp(-x)); }

static void check(ember_ltc *c, ember_status st)
{
  if (st) {
    fprintf(stderr, "rate_rules_demo: %s: %s\n", ember_strerror(st), ember_ltc_error(c));
    exit(1);
  }
}

static ember_ltc *neuron(const char *rule, const char *const *names, const double *values, size_t n,
                         const char *method)
{
  ember_ltc_wiring_spec spec = {.kind = EMBER_LTC_FULLY_CONNECTED, .units = 1, .inputs = 2,
                                .outputs = 1, .no_self_connections = 1};
  ember_ltc *c = ember_ltc_new();
  check(c, ember_ltc_build(c, &spec, 1, 0));
  const struct { const char *name; double v[2]; } p[] = {
    {"cm", {5}}, {"gleak", {100}}, {"vleak", {0}}, {"sensory_w", {0.3, 0.3}},
    {"sensory_sigma", {1, 1}}, {"sensory_mu", {0, 0}}, {"sensory_erev", {100, 100}},
    {"input_w", {1, 1}}, {"input_b", {0, 0}}};
  for (size_t i = 0; i < sizeof p / sizeof *p; i++)
    check(c, ember_ltc_set_param(c, p[i].name, p[i].v));
  check(c, ember_ltc_set_plasticity(c, rule, names, values, n));
  ember_ltc_solver_opts o = ember_ltc_solver_defaults();
  o.method = method;
  o.abstol = o.reltol = 1e-7;
  check(c, ember_ltc_set_solver(c, &o));
  check(c, ember_ltc_reset(c, NULL));
  return c;
}

static void oja(void)
{
  const char *names[] = {"eta", "synapses"};
  double values[] = {0.004, 1}, w[2];
  ember_ltc *c = neuron("oja", names, values, 2, "rkf45");
  printf("t,x0,x1,w0,w1\n");
  for (int t = 0; t < 20000; t++) {
    double z1 = normal(), z2 = normal(), in[2] = {4 * z1, 0.5 * (0.8 * z1 + 0.6 * z2)};
    check(c, ember_ltc_set_input(c, in));
    check(c, ember_ltc_step(c, 1.0));
    ember_ltc_get_weights(c, NULL, w);
    printf("%d,%.6g,%.6g,%.8g,%.8g\n", t + 1, sigmoid(in[0]), sigmoid(in[1]), w[0], w[1]);
  }
  ember_ltc_free(c);
}

static void bcm(void)
{
  const char *names[] = {"eta", "tau_theta", "synapses"};
  double values[] = {0.02, 5.0, 1}, w[2], th;
  ember_ltc *c = neuron("bcm", names, values, 3, "rkf45");
  double sw[2] = {0.5, 0.5};
  check(c, ember_ltc_set_weights(c, NULL, sw));
  const double A[2] = {5, -5}, B[2] = {-5, 5};
  double xa[2] = {sigmoid(5), sigmoid(-5)};
  rs = 1;
  printf("t,w0,w1,theta,yA,yB\n");
  for (int t = 0; t <= 6000; t++) {
    if (t % 10 == 0) {
      ember_ltc_get_weights(c, NULL, w);
      ember_ltc_get_rule_state(c, "theta", &th);
      double ua = w[0] * xa[0] + w[1] * xa[1], ub = w[0] * xa[1] + w[1] * xa[0];
      printf("%d,%.8g,%.8g,%.8g,%.8g,%.8g\n", t, w[0], w[1], th, 100 * ua / (100 + ua),
             100 * ub / (100 + ub));
    }
    check(c, ember_ltc_set_input(c, uniform() < 0.5 ? A : B));
    check(c, ember_ltc_step(c, 1.0));
  }
  ember_ltc_free(c);
}

int main(int argc, char **argv)
{
  if (argc == 2 && !strcmp(argv[1], "oja"))
    oja();
  else if (argc == 2 && !strcmp(argv[1], "bcm"))
    bcm();
  else {
    fprintf(stderr, "usage: rate_rules_demo oja|bcm\n");
    return 2;
  }
  return 0;
}
