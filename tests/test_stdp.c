/* Spike-timing plasticity: the pair STDP window against its closed form for every
 * weight dependence, bounds, the triplet rule against its direct (all-pairs and
 * all-triplets) sum, parameter checks, 1 vs 2 threads, and the weight.h5 /
 * edges.h5 files. Expected values are computed here from the spike times the
 * network produced, by formulas written independently of the traces the library
 * keeps. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <hdf5.h>
#include "helpers.h"

#define NP 41            /* pairs in the window test: nominal dt = -100, -95, ..., 100 ms */
#define DELAY 3.0        /* ms, axonal */
#define T_PRE 150.0      /* ms */

/* A network of NP independent pairs: pre i fires at T_PRE; post neuron i is
 * driven to fire near T_PRE + DELAY + dt_i (once: a long refractory period) by a
 * strong static input; pre -> post one_to_one is plastic. */
typedef struct pairs_net {
  ember_network *net;
  ember_population *pre, *drv, *post;
  ember_projection *proj;
} pairs_net;

static const ember_connector one_to_one = {EMBER_CONN_ONE_TO_ONE, 0, 0, 1, NULL};

static double nominal_dt(size_t i) { return -100.0 + 5.0 * (double)i; }

static void pairs_build(pairs_net *p, double w0, double refrac)
{
  p->net = ember_network_new(7);
  ember_network *net = p->net;
  assert_ok(net, ember_source_population_new(net, "pre", NP, "spike_array", &p->pre));
  assert_ok(net, ember_source_population_new(net, "drv", NP, "spike_array", &p->drv));
  assert_ok(net, ember_population_new(net, "post", NP, "lif_curr_exp", &p->post));
  set_p(p->post, "tau_refrac", refrac);
  for (uint32_t i = 0; i < NP; i++) {
    double tp = T_PRE, td = T_PRE + DELAY + nominal_dt(i) - 1.5;
    if (i == NP / 2)
      td += 0.37;   /* keep the nominal 0 off an exact tie */
    assert_ok(net, ember_population_set_spike_times(p->pre, i, &tp, 1));
    assert_ok(net, ember_population_set_spike_times(p->drv, i, &td, 1));
  }
  ember_dist wd = dist_const(20.0), d1 = dist_const(1.0), dd = dist_const(DELAY), w = dist_const(w0);
  ember_projection *drive;
  assert_ok(net, ember_projection_new(net, p->drv, p->post, &one_to_one, &wd, &d1, "excitatory", &drive));
  assert_ok(net, ember_projection_new(net, p->pre, p->post, &one_to_one, &w, &dd, "excitatory", &p->proj));
  assert_ok(net, ember_population_record(p->post, "spikes", 0, NULL, 0));
}

/* Post spike times of each neuron (count and times, at most 8 each). */
static void post_spikes(pairs_net *p, size_t *n, double t[][8])
{
  const double *times;
  const uint32_t *ids;
  size_t m = ember_population_recorded_spikes(p->post, &times, &ids);
  memset(n, 0, NP * sizeof *n);
  for (size_t k = 0; k < m; k++)
    if (n[ids[k]] < 8)
      t[ids[k]][n[ids[k]]++] = times[k];
}

static void set_rule(ember_projection *proj, const char *rule, const char *const *names,
                     const double *values, size_t n)
{
  ember_status st = ember_projection_set_plasticity(proj, rule, names, values, n);
  if (st)
    fail_msg("set_plasticity failed: %s", ember_strerror(st));
}

/* The pair window for one weight dependence: w0, the rule's parameters and the
 * expected change for one pair at dt = t_post - t_arrival. */
static double expected_pair(int wd, double mu, double w0, double lo, double hi, double ap, double am,
                            double tp, double tm, double dt)
{
  double span = hi - lo, u = (w0 - lo) / span;
  if (dt >= 0) {
    double f = wd == 0 ? 1.0 : wd == 1 ? 1.0 - u : pow(1.0 - u, mu);
    return ap * exp(-dt / tp) * f * span;
  }
  double f = wd == 0 ? 1.0 : wd == 1 ? u : pow(u, mu);
  return -am * exp(dt / tm) * f * span;
}

static double window_max_error_dd(int wd, const char *pairing, double dd);

static double window_max_error(int wd, const char *pairing)
{
  return window_max_error_dd(wd, pairing, 0.0);
}

/* With a dendritic part dd of the delay, the pre spike reaches the synapse at
 * t_pre + delay - dd and the post spike at t_post + dd. */
static double window_max_error_dd(int wd, const char *pairing, double dd)
{
  const double w0 = 0.4375, lo = 0.1,   /* w0 exact in float, the storage of initial weights */ hi = 1.2, ap = 0.05, am = 0.06, tp = 16.0, tm = 27.0, mu = 0.37;
  pairs_net p;
  pairs_build(&p, w0, 1000.0);
  double w_init;
  assert_ok(p.net, ember_projection_get(p.proj, 0, NULL, NULL, &w_init, NULL));
  assert_true(w_init == w0);
  const char *names[] = {"tau_plus", "tau_minus", "A_plus", "A_minus", "w_min", "w_max", "mu",
                         "weight_dependence", "pairing", "dendritic_delay"};
  double values[] = {tp, tm, ap, am, lo, hi, mu, wd, strcmp(pairing, "nearest") == 0, dd};
  set_rule(p.proj, "stdp", names, values, 10);
  assert_ok(p.net, ember_network_run(p.net, 400.0));
  size_t n[NP];
  double t[NP][8];
  post_spikes(&p, n, t);
  double worst = 0, dmin = INFINITY, dmax = -INFINITY;
  for (size_t i = 0; i < NP; i++) {
    assert_int_equal(n[i], 1);
    double dt = (t[i][0] + dd) - (T_PRE + DELAY - dd), w;
    dmin = fmin(dmin, dt);
    dmax = fmax(dmax, dt);
    assert_ok(p.net, ember_projection_get(p.proj, i, NULL, NULL, &w, NULL));
    double want = expected_pair(wd, mu, w0, lo, hi, ap, am, tp, tm, dt);
    assert_close(w - w0, want, 1e-12);
    worst = fmax(worst, fabs(w - w0 - want));
  }
  assert_true(dmin < -95 && dmax > 99);   /* the window was covered */
  ember_network_free(p.net);
  return worst;
}

static void test_window_additive(void **state)
{
  (void)state;
  double e1 = window_max_error(0, "all"), e2 = window_max_error(0, "nearest");
  print_message("STDP window (additive, 41 pairs): max |error| %.3g (all), %.3g (nearest)\n", e1, e2);
}

static void test_window_multiplicative(void **state)
{
  (void)state;
  print_message("STDP window (multiplicative): max |error| %.3g\n", window_max_error(1, "all"));
}

static void test_window_dendritic(void **state)
{
  (void)state;
  double e1 = window_max_error_dd(0, "all", 1.0), e2 = window_max_error_dd(1, "nearest", 1.4);
  print_message("STDP window, dendritic delay 1 / 1.4 of 3 ms: max |error| %.3g, %.3g\n", e1, e2);
  pairs_net p;   /* the dendritic part may not exceed the delay */
  pairs_build(&p, 0.5, 1000.0);
  const char *dn[] = {"dendritic_delay"};
  double dv = DELAY + 0.5;
  set_rule(p.proj, "stdp", dn, &dv, 1);
  assert_int_equal(ember_network_run(p.net, 1.0), EMBER_ERR_INVALID);
  ember_network_free(p.net);
}

/* A postsynaptic spike still on its way to the synapses (dendritic delay) when a run
 * ends is applied in the next run: the weights are a snapshot at the end of the run,
 * and splitting a run where a spike is in flight changes nothing. */
static void test_dendritic_split_run(void **state)
{
  (void)state;
  const double w0 = 0.4375, dd = 1.4;
  const char *dn[] = {"dendritic_delay", "w_max"};
  const double dv[] = {dd, 1.2};
  pairs_net one, two;
  pairs_build(&one, w0, 1000.0);
  set_rule(one.proj, "stdp", dn, dv, 2);
  assert_ok(one.net, ember_network_run(one.net, 400.0));
  size_t n[NP];
  double t[NP][8];
  post_spikes(&one, n, t);
  const size_t k = NP / 2 + 4;   /* post 20 ms after the arrival: potentiation at the post spike */
  assert_int_equal(n[k], 1);

  pairs_build(&two, w0, 1000.0);
  set_rule(two.proj, "stdp", dn, dv, 2);
  double t1 = t[k][0] + dd;      /* the spike reaches its synapse at t + 2 dd in the soma's frame */
  assert_ok(two.net, ember_network_run(two.net, t1));
  double wk, w1, w2;
  assert_ok(two.net, ember_projection_get(two.proj, k, NULL, NULL, &wk, NULL));
  assert_true(wk == w0);         /* not yet potentiated: the spike is in flight */
  assert_ok(two.net, ember_network_run(two.net, 400.0 - t1));
  double worst = 0;
  for (size_t i = 0; i < NP; i++) {
    assert_ok(one.net, ember_projection_get(one.proj, i, NULL, NULL, &w1, NULL));
    assert_ok(two.net, ember_projection_get(two.proj, i, NULL, NULL, &w2, NULL));
    worst = fmax(worst, fabs(w1 - w2));
  }
  assert_ok(two.net, ember_projection_get(two.proj, k, NULL, NULL, &w2, NULL));
  assert_true(w2 > w0);          /* applied in the second run */
  assert_true(worst <= 1e-12);
  print_message("dendritic delay, run split with a spike in flight: max |w(split) - w(one run)| %.3g\n",
                worst);
  ember_network_free(one.net);
  ember_network_free(two.net);
}

static void test_window_gutig(void **state)
{
  (void)state;
  print_message("STDP window (gutig, mu 0.37): max |error| %.3g\n", window_max_error(2, "all"));
}

/* Amplitudes far beyond the span: every weight ends exactly on a bound. */
static void test_bounds(void **state)
{
  (void)state;
  pairs_net p;
  pairs_build(&p, 0.5, 1000.0);
  const char *names[] = {"A_plus", "A_minus", "w_min", "w_max", "tau_plus", "tau_minus"};
  double values[] = {50.0, 50.0, 0.2, 0.9, 1000.0, 1000.0};
  set_rule(p.proj, "stdp", names, values, 6);
  assert_ok(p.net, ember_network_run(p.net, 400.0));
  size_t n[NP];
  double t[NP][8];
  post_spikes(&p, n, t);
  for (size_t i = 0; i < NP; i++) {
    double w, dt = t[i][0] - (T_PRE + DELAY);
    assert_ok(p.net, ember_projection_get(p.proj, i, NULL, NULL, &w, NULL));
    assert_true(w == (dt >= 0 ? 0.9 : 0.2));
  }
  ember_network_free(p.net);
}

/* Triplet rule, all-to-all, by its direct definition: every post spike adds
 * A2+ + A3+ sum_{earlier post} e^{-(t - t')/tau_y} times sum_{pre <= t} e^{-(t -
 * t_pre)/tau_+}; every pre arrival takes away sum_{post < t} e^{-(t - t_post)/tau_-}
 * times A2- + A3- sum_{earlier pre} e^{-(t - t')/tau_x}. */
static double latest_sum(const double *x, size_t n, double t, int strict, double tau, int nearest)
{
  double s = 0;
  for (size_t m = n; m-- > 0;)
    if (strict ? x[m] < t : x[m] <= t) {
      s += exp(-(t - x[m]) / tau);
      if (nearest)
        break;
    }
  return s;
}

/* The nearest-spike version: every sum keeps only its latest term. */
static double triplet_direct_nearest(const double *pre, size_t np, const double *post, size_t nq,
                                     const double *p)
{
  double dw = 0;
  for (size_t k = 0; k < nq; k++)
    dw += latest_sum(pre, np, post[k], 0, p[0], 1) * (p[4] + p[5] * latest_sum(post, k, post[k], 1, p[3], 1));
  for (size_t k = 0; k < np; k++)
    dw -= latest_sum(post, nq, pre[k], 1, p[1], 1) * (p[6] + p[7] * latest_sum(pre, k, pre[k], 1, p[2], 1));
  return dw;
}

static double triplet_direct(const double *pre, size_t np, const double *post, size_t nq, const double *p)
{
  double tp = p[0], tm = p[1], tx = p[2], ty = p[3], a2p = p[4], a3p = p[5], a2m = p[6], a3m = p[7];
  double dw = 0;
  for (size_t k = 0; k < nq; k++) {
    double r1 = 0, o2 = 0;
    for (size_t m = 0; m < np; m++)
      if (pre[m] <= post[k])
        r1 += exp(-(post[k] - pre[m]) / tp);
    for (size_t m = 0; m < k; m++)
      o2 += exp(-(post[k] - post[m]) / ty);
    dw += r1 * (a2p + a3p * o2);
  }
  for (size_t k = 0; k < np; k++) {
    double o1 = 0, r2 = 0;
    for (size_t m = 0; m < nq; m++)
      if (post[m] < pre[k])
        o1 += exp(-(pre[k] - post[m]) / tm);
    for (size_t m = 0; m < k; m++)
      r2 += exp(-(pre[k] - pre[m]) / tx);
    dw -= o1 * (a2m + a3m * r2);
  }
  return dw;
}

/* A pairing protocol: 6 pre-post pairs at `rate` Hz with post delta ms after the
 * arrival, on one synapse; the weight change against the direct sum. */
static void triplet_protocol(const char *set, double rate, double delta)
{
  ember_network *net = ember_network_new(3);
  ember_population *pre, *drv, *post;
  assert_ok(net, ember_source_population_new(net, "pre", 1, "spike_array", &pre));
  assert_ok(net, ember_source_population_new(net, "drv", 1, "spike_array", &drv));
  assert_ok(net, ember_population_new(net, "post", 1, "lif_curr_exp", &post));
  set_p(post, "tau_refrac", 2.0);
  double tp[6], td[6], period = 1000.0 / rate;
  for (int k = 0; k < 6; k++) {
    tp[k] = 20.0 + k * period;
    td[k] = tp[k] + DELAY + delta - 1.5;
  }
  assert_ok(net, ember_population_set_spike_times(pre, 0, tp, 6));
  assert_ok(net, ember_population_set_spike_times(drv, 0, td, 6));
  ember_dist wd = dist_const(20.0), d1 = dist_const(1.0), dd = dist_const(DELAY), w = dist_const(0.5);
  ember_projection *drive, *proj;
  assert_ok(net, ember_projection_new(net, drv, post, &one_to_one, &wd, &d1, "excitatory", &drive));
  assert_ok(net, ember_projection_new(net, pre, post, &one_to_one, &w, &dd, "excitatory", &proj));
  assert_ok(net, ember_population_record(post, "spikes", 0, NULL, 0));
  const ember_stdp_rule *r = ember_stdp_rule_find("triplet");
  double v[16];
  assert_int_equal(ember_stdp_rule_set_values(r, set, v), EMBER_OK);
  const char *names[16];
  for (size_t i = 0; i < ember_stdp_rule_param_count(r); i++)
    names[i] = ember_stdp_rule_param(r, i)->name;
  set_rule(proj, "triplet", names, v, ember_stdp_rule_param_count(r));
  assert_ok(net, ember_network_run(net, 20.0 + 6 * period + 100.0));
  const double *times;
  const uint32_t *ids;
  size_t nq = ember_population_recorded_spikes(post, &times, &ids);
  assert_true(nq >= 6);
  double arr[6];
  for (int k = 0; k < 6; k++)
    arr[k] = tp[k] + DELAY;
  double got;
  assert_ok(net, ember_projection_get(proj, 0, NULL, NULL, &got, NULL));
  double want = v[ember_stdp_rule_param_index(r, "pairing")] ? triplet_direct_nearest(arr, 6, times, nq, v)
                                                             : triplet_direct(arr, 6, times, nq, v);
  print_message("triplet %s, %g Hz, dt %+g ms: dw %.6g (direct sum %.6g)\n", set, rate, delta,
                got - 0.5, want);
  assert_close(got - 0.5, want, 1e-12);
  ember_network_free(net);
}

static void test_triplet_pairing(void **state)
{
  (void)state;
  triplet_protocol("visual_all", 20.0, 10.0);
  triplet_protocol("visual_all", 20.0, -10.0);
  triplet_protocol("visual_all", 40.0, 10.0);
  triplet_protocol("visual_all_minimal", 10.0, 5.0);
  triplet_protocol("visual_nearest", 20.0, 10.0);
  triplet_protocol("visual_nearest", 40.0, -10.0);
}

/* Pair STDP with several spikes on each side: all-to-all sums every pair, nearest
 * spike pairs each spike with only the latest spike of the other side. Both
 * against direct sums over the actual spike times (additive, no bound reached). */
static double pair_direct(const double *pre, size_t np, const double *post, size_t nq, double ap,
                          double am, double tp, double tm, int nearest)
{
  double dw = 0;
  for (size_t k = 0; k < nq; k++)
    for (size_t m = np; m-- > 0;)
      if (pre[m] <= post[k]) {
        dw += ap * exp(-(post[k] - pre[m]) / tp);
        if (nearest)
          break;
      }
  for (size_t m = 0; m < np; m++)
    for (size_t k = nq; k-- > 0;)
      if (post[k] < pre[m]) {
        dw -= am * exp(-(pre[m] - post[k]) / tm);
        if (nearest)
          break;
      }
  return dw;
}

static void test_pairing_schemes(void **state)
{
  (void)state;
  for (int nearest = 0; nearest <= 1; nearest++) {
    ember_network *net = ember_network_new(5);
    ember_population *pre, *drv, *post;
    assert_ok(net, ember_source_population_new(net, "pre", 1, "spike_array", &pre));
    assert_ok(net, ember_source_population_new(net, "drv", 1, "spike_array", &drv));
    assert_ok(net, ember_population_new(net, "post", 1, "lif_curr_exp", &post));
    set_p(post, "tau_refrac", 2.0);
    const double tpre[] = {100, 108, 117, 160, 171, 240}, tdrv[] = {125, 131, 150, 200, 207};
    assert_ok(net, ember_population_set_spike_times(pre, 0, tpre, 6));
    assert_ok(net, ember_population_set_spike_times(drv, 0, tdrv, 5));
    ember_dist wd = dist_const(20.0), d1 = dist_const(1.0), dd = dist_const(DELAY), w = dist_const(0.5);
    ember_projection *drive, *proj;
    assert_ok(net, ember_projection_new(net, drv, post, &one_to_one, &wd, &d1, "excitatory", &drive));
    assert_ok(net, ember_projection_new(net, pre, post, &one_to_one, &w, &dd, "excitatory", &proj));
    assert_ok(net, ember_population_record(post, "spikes", 0, NULL, 0));
    const char *names[] = {"A_plus", "A_minus", "tau_plus", "tau_minus", "pairing"};
    double values[] = {0.01, 0.012, 17.0, 23.0, nearest};
    set_rule(proj, "stdp", names, values, 5);
    assert_ok(net, ember_network_run(net, 300.0));
    const double *times;
    const uint32_t *ids;
    size_t nq = ember_population_recorded_spikes(post, &times, &ids);
    assert_true(nq >= 5);
    double arr[6], got;
    for (int k = 0; k < 6; k++)
      arr[k] = tpre[k] + DELAY;
    assert_ok(net, ember_projection_get(proj, 0, NULL, NULL, &got, NULL));
    double want = pair_direct(arr, 6, times, nq, 0.01, 0.012, 17.0, 23.0, nearest);
    print_message("pairing %s: %zu post spikes, dw %.9g (direct %.9g)\n", nearest ? "nearest" : "all",
                  nq, got - 0.5, want);
    assert_close(got - 0.5, want, 1e-12);
    ember_network_free(net);
  }
}

/* The published sets (Pfister & Gerstner 2006, Table 3, visual cortex): the values
 * the independent sources listed in docs/plasticity.md give. */
static void test_triplet_sets(void **state)
{
  (void)state;
  const ember_stdp_rule *r = ember_stdp_rule_find("triplet");
  assert_non_null(r);
  double v[16];
  assert_int_equal(ember_stdp_rule_set_values(r, "visual_all", v), EMBER_OK);
  int a3p = ember_stdp_rule_param_index(r, "A3_plus"), tx = ember_stdp_rule_param_index(r, "tau_x");
  int a2m = ember_stdp_rule_param_index(r, "A2_minus"), ty = ember_stdp_rule_param_index(r, "tau_y");
  assert_true(v[a3p] == 6.2e-3 && v[tx] == 101 && v[a2m] == 7e-3 && v[ty] == 125);
  assert_int_equal(ember_stdp_rule_set_values(r, "visual_all_minimal", v), EMBER_OK);
  assert_true(v[a3p] == 6.5e-3 && v[a2m] == 7.1e-3 && v[ty] == 114);
  assert_true(v[ember_stdp_rule_param_index(r, "A2_plus")] == 0 && v[ember_stdp_rule_param_index(r, "A3_minus")] == 0);
  assert_int_equal(ember_stdp_rule_set_values(r, "visual_nearest", v), EMBER_OK);
  assert_true(v[tx] == 714 && v[ty] == 40 && v[a3p] == 5.3e-2 && v[a2m] == 6.6e-3);
  assert_true(v[ember_stdp_rule_param_index(r, "A2_plus")] == 8.8e-11 &&
              v[ember_stdp_rule_param_index(r, "A3_minus")] == 3.1e-3);
  assert_true(v[ember_stdp_rule_param_index(r, "pairing")] == 1);
  assert_int_equal(ember_stdp_rule_set_values(r, "no_such_set", v), EMBER_ERR_UNKNOWN);
  size_t n = 0;
  while (ember_stdp_rule_set_name(r, n))
    n++;
  assert_int_equal(n, 3);
}

static void test_param_errors(void **state)
{
  (void)state;
  pairs_net p;
  pairs_build(&p, 0.5, 1000.0);
  const char *bad[] = {"A_plsu"};
  double one = 1.0;
  assert_int_equal(ember_projection_set_plasticity(p.proj, "stdp", bad, &one, 1), EMBER_ERR_UNKNOWN);
  assert_non_null(strstr(ember_network_error(p.net), "A_plus"));   /* lists the allowed names */
  const char *wb[] = {"w_min", "w_max"};
  double wv[] = {1.0, 0.5};
  assert_int_equal(ember_projection_set_plasticity(p.proj, "stdp", wb, wv, 2), EMBER_ERR_INVALID);
  const char *neg[] = {"w_min"};
  double nv = -1.0;   /* excitatory current receptor: weights >= 0 */
  assert_int_equal(ember_projection_set_plasticity(p.proj, "stdp", neg, &nv, 1), EMBER_ERR_INVALID);
  assert_int_equal(ember_projection_set_plasticity(p.proj, "nope", NULL, NULL, 0), EMBER_ERR_UNKNOWN);
  const char *hi[] = {"w_max"};
  double hv = 0.3;    /* the initial weight 0.5 lies outside: refused at the first run */
  assert_int_equal(ember_projection_set_plasticity(p.proj, "stdp", hi, &hv, 1), EMBER_OK);
  assert_int_equal(ember_network_run(p.net, 1.0), EMBER_ERR_INVALID);
  ember_network_free(p.net);
}

/* Changing a rate between runs takes effect from then on: no potentiation while
 * eta = 0, then the full window. */
static void test_rate_between_runs(void **state)
{
  (void)state;
  pairs_net p;
  pairs_build(&p, 0.5, 1000.0);
  const char *eta[] = {"eta"};
  double zero = 0.0, one = 1.0;
  set_rule(p.proj, "stdp", eta, &zero, 1);
  assert_ok(p.net, ember_network_run(p.net, 400.0));
  for (size_t i = 0; i < NP; i++) {
    double w;
    assert_ok(p.net, ember_projection_get(p.proj, i, NULL, NULL, &w, NULL));
    assert_true(w == 0.5);
  }
  set_rule(p.proj, "stdp", eta, &one, 1);
  double got;
  assert_ok(p.net, ember_projection_get_plasticity(p.proj, "eta", &got));
  assert_true(got == 1.0);
  assert_int_equal(ember_projection_set_plasticity(p.proj, "triplet", NULL, NULL, 0), EMBER_ERR_STATE);
  ember_network_free(p.net);
}

/* ------------------------------------------------------------- threads --- */

typedef struct run_result {
  double *w;
  size_t n;
  uint64_t spikes;
} run_result;

/* A random recurrent network with plastic excitatory synapses, Poisson-driven. */
static run_result random_run(int threads, const char *rule, double dd)
{
  ember_network *net = ember_network_new(11);
  assert_ok(net, ember_network_set_threads(net, threads));
  ember_population *in, *exc;
  assert_ok(net, ember_source_population_new(net, "in", 100, "poisson", &in));
  set_p(in, "rate", 20.0);
  assert_ok(net, ember_population_new(net, "exc", 300, "lif_cond_exp", &exc));
  ember_connector c1 = {EMBER_CONN_FIXED_PROBABILITY, 0.2, 0, 1, NULL};
  ember_connector c2 = {EMBER_CONN_FIXED_PROBABILITY, 0.05, 0, 0, NULL};
  ember_dist w1 = {EMBER_DIST_UNIFORM, 0.0, 0.02}, w2 = {EMBER_DIST_UNIFORM, 0.0, 0.002};
  ember_dist d1 = {EMBER_DIST_UNIFORM, 0.5, 3.0}, d2 = dist_const(1.0);
  ember_projection *pin, *prec;
  assert_ok(net, ember_projection_new(net, in, exc, &c1, &w1, &d1, "excitatory", &pin));
  assert_ok(net, ember_projection_new(net, exc, exc, &c2, &w2, &d2, "excitatory", &prec));
  int pair = strcmp(rule, "stdp") == 0;
  const char *pn[] = {"w_max", "A_plus", "A_minus"}, *tn[] = {"w_max", "A2_minus"};
  double pv[] = {0.03, 0.02, 0.021}, tv[] = {0.03, 0.05};   /* depression keeps the rate sane */
  set_rule(pin, rule, pair ? pn : tn, pair ? pv : tv, pair ? 3 : 2);
  set_rule(prec, rule, pair ? pn : tn, pair ? pv : tv, pair ? 3 : 2);
  const char *dn[] = {"dendritic_delay"};
  set_rule(pin, rule, dn, &dd, 1);
  set_rule(prec, rule, dn, &dd, 1);
  assert_ok(net, ember_network_run(net, 300.0));
  assert_ok(net, ember_network_run(net, 200.0));
  run_result r = {NULL, ember_projection_size(pin) + ember_projection_size(prec), 0};
  r.w = malloc(r.n * sizeof *r.w);
  for (size_t k = 0; k < ember_projection_size(pin); k++)
    ember_projection_get(pin, k, NULL, NULL, &r.w[k], NULL);
  for (size_t k = 0; k < ember_projection_size(prec); k++)
    ember_projection_get(prec, k, NULL, NULL, &r.w[ember_projection_size(pin) + k], NULL);
  r.spikes = ember_population_spike_count(exc);
  ember_network_free(net);
  return r;
}

static void threads_case(const char *rule, double dd)
{
  run_result a = random_run(1, rule, dd), b = random_run(2, rule, dd);
  assert_int_equal(a.n, b.n);
  assert_true(a.spikes > 100);
  assert_int_equal(a.spikes, b.spikes);
  size_t changed = 0;
  for (size_t k = 0; k < a.n; k++) {
    if (memcmp(&a.w[k], &b.w[k], sizeof(double)) != 0)
      fail_msg("%s: synapse %zu: %.17g (1 thread) != %.17g (2 threads)", rule, k, a.w[k], b.w[k]);
    changed += a.w[k] != (double)(float)a.w[k];
  }
  assert_true(changed > a.n / 2);   /* plasticity did act */
  print_message("%s (dendritic delay %g ms): %zu plastic synapses, %llu spikes: 1 and 2 threads "
                "bit-identical\n", rule, dd, a.n, (unsigned long long)a.spikes);
  free(a.w);
  free(b.w);
}

static void test_threads(void **state)
{
  (void)state;
  threads_case("stdp", 0.0);
  threads_case("triplet", 0.0);
  threads_case("stdp", 0.4);
}

/* ---------------------------------------------------------------- files --- */

static hid_t open_ds(hid_t f, const char *path)
{
  hid_t d = H5Dopen2(f, path, H5P_DEFAULT);
  if (d < 0)
    fail_msg("missing dataset %s", path);
  return d;
}

static size_t ds_len(hid_t f, const char *path, int dim)
{
  hid_t d = open_ds(f, path), s = H5Dget_space(d);
  hsize_t dims[2] = {0, 0};
  H5Sget_simple_extent_dims(s, dims, NULL);
  H5Sclose(s);
  H5Dclose(d);
  return (size_t)dims[dim];
}

static void ds_read(hid_t f, const char *path, hid_t type, void *buf)
{
  hid_t d = open_ds(f, path);
  assert_true(H5Dread(d, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf) >= 0);
  H5Dclose(d);
}

static char *attr_string(hid_t f, const char *obj, const char *name)
{
  hid_t a = H5Aopen_by_name(f, obj, name, H5P_DEFAULT, H5P_DEFAULT);
  assert_true(a >= 0);
  hid_t t = H5Aget_type(a), mt = H5Tcopy(H5T_C_S1);
  H5Tset_size(mt, H5T_VARIABLE);
  H5Tset_cset(mt, H5T_CSET_UTF8);
  char *s = NULL;
  assert_true(H5Aread(a, mt, &s) >= 0);
  char *copy = strdup(s);
  H5free_memory(s);
  H5Tclose(mt);
  H5Tclose(t);
  H5Aclose(a);
  return copy;
}

/* Records a chosen set of synapses (out of order, with a duplicate), then checks
 * the layout of weight.h5 and edges.h5 and that the frames hold the weight at
 * their times: the initial weight before the synapse's arrival or its post spike,
 * the final weight after both. */
static void test_files(void **state)
{
  (void)state;
  char dir[] = "/tmp/ember_stdp_XXXXXX";
  assert_non_null(mkdtemp(dir));
  pairs_net p;
  pairs_build(&p, 0.5, 1000.0);
  set_rule(p.proj, "stdp", NULL, NULL, 0);
  size_t pick[] = {30, 3, 17, 3, 40};
  assert_ok(p.net, ember_projection_record_weights(p.proj, 0.5, pick, 5));
  assert_ok(p.net, ember_network_set_output(p.net, dir));
  assert_ok(p.net, ember_network_run(p.net, 300.0));
  assert_ok(p.net, ember_network_close_output(p.net));
  size_t n[NP];
  double t[NP][8];
  post_spikes(&p, n, t);

  char path[256];
  snprintf(path, sizeof path, "%s/weight.h5", dir);
  hid_t f = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
  assert_true(f >= 0);
  const char *g = "/report/pre_to_post";
  char q[128];
  snprintf(q, sizeof q, "%s/mapping/node_ids", g);
  assert_int_equal(ds_len(f, q, 0), 4);
  uint64_t nodes[4], ptr[5];
  uint32_t elems[4];
  ds_read(f, q, H5T_NATIVE_UINT64, nodes);
  snprintf(q, sizeof q, "%s/mapping/index_pointers", g);
  assert_int_equal(ds_len(f, q, 0), 5);
  ds_read(f, q, H5T_NATIVE_UINT64, ptr);
  snprintf(q, sizeof q, "%s/mapping/element_ids", g);
  ds_read(f, q, H5T_NATIVE_UINT32, elems);
  const uint64_t want_nodes[] = {3, 17, 30, 40}, want_ptr[] = {0, 1, 2, 3, 4};
  const uint32_t want_elems[] = {3, 17, 30, 40};   /* one_to_one: synapse i -> post i */
  assert_memory_equal(nodes, want_nodes, sizeof nodes);
  assert_memory_equal(ptr, want_ptr, sizeof ptr);
  assert_memory_equal(elems, want_elems, sizeof elems);
  snprintf(q, sizeof q, "%s/data", g);
  size_t frames = ds_len(f, q, 0);
  assert_int_equal(frames, 600);
  assert_int_equal(ds_len(f, q, 1), 4);
  float *data = malloc(frames * 4 * sizeof *data);
  ds_read(f, q, H5T_NATIVE_FLOAT, data);
  char *units = attr_string(f, q, "units");
  assert_string_equal(units, "nA");
  free(units);
  double time[3];
  snprintf(q, sizeof q, "%s/mapping/time", g);
  ds_read(f, q, H5T_NATIVE_DOUBLE, time);
  assert_true(time[0] == 0 && time[1] == 300.0 && time[2] == 0.5);
  for (size_t c = 0; c < 4; c++) {
    size_t i = want_elems[c];
    double w_end, first = fmin(T_PRE + DELAY, t[i][0]), last = fmax(T_PRE + DELAY, t[i][0]);
    assert_ok(p.net, ember_projection_get(p.proj, i, NULL, NULL, &w_end, NULL));
    for (size_t k = 0; k < frames; k++) {
      double tk = 0.5 * (double)k;
      float v = data[k * 4 + c];
      if (tk < first)
        assert_true(v == 0.5f);
      else if (tk >= last)
        assert_true(v == (float)w_end);
    }
  }
  free(data);
  H5Fclose(f);

  snprintf(path, sizeof path, "%s/edges.h5", dir);
  f = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
  assert_true(f >= 0);
  const char *e = "/edges/pre_to_post";
  snprintf(q, sizeof q, "%s/source_node_id", e);
  assert_int_equal(ds_len(f, q, 0), NP);
  uint64_t src[NP], tgt[NP], gi[NP];
  double w[NP], d[NP];
  ds_read(f, q, H5T_NATIVE_UINT64, src);
  char *pop = attr_string(f, q, "node_population");
  assert_string_equal(pop, "pre");
  free(pop);
  snprintf(q, sizeof q, "%s/target_node_id", e);
  ds_read(f, q, H5T_NATIVE_UINT64, tgt);
  pop = attr_string(f, q, "node_population");
  assert_string_equal(pop, "post");
  free(pop);
  snprintf(q, sizeof q, "%s/edge_group_index", e);
  ds_read(f, q, H5T_NATIVE_UINT64, gi);
  snprintf(q, sizeof q, "%s/0/syn_weight", e);
  ds_read(f, q, H5T_NATIVE_DOUBLE, w);
  snprintf(q, sizeof q, "%s/0/delay", e);
  ds_read(f, q, H5T_NATIVE_DOUBLE, d);
  snprintf(q, sizeof q, "%s/edge_type_id", e);
  assert_int_equal(ds_len(f, q, 0), NP);
  for (size_t k = 0; k < NP; k++) {
    uint32_t i, j;
    double wk, dk;
    assert_ok(p.net, ember_projection_get(p.proj, k, &i, &j, &wk, &dk));
    assert_true(src[k] == i && tgt[k] == j && gi[k] == k && w[k] == wk && d[k] == dk);
  }
  assert_true(w[0] != 0.5);   /* final weights, not the initial ones */
  H5Fclose(f);

  /* The same through the output API (what the visualizer and `ember info` use). */
  ember_output *o;
  char msg[256];
  assert_int_equal(ember_output_open(dir, &o, msg, sizeof msg), EMBER_OK);
  size_t re = SIZE_MAX;
  for (size_t i = 0; i < ember_output_report_count(o); i++) {
    ember_report_info ri;
    assert_int_equal(ember_output_report_info(o, i, &ri), EMBER_OK);
    if (strcmp(ri.variable, "weight") == 0 && strcmp(ri.population, "pre_to_post") == 0)
      re = i;
  }
  assert_true(re != SIZE_MAX);
  size_t nn, nv;
  assert_int_equal(ember_output_report_mapping(o, re, &nn, &nv), EMBER_OK);
  assert_true(nn == 4 && nv == 4);
  uint64_t n2[4], p2[5];
  uint32_t e2[4];
  assert_int_equal(ember_output_read_report_mapping(o, re, n2, p2, e2), EMBER_OK);
  assert_memory_equal(n2, want_nodes, sizeof n2);
  assert_memory_equal(p2, want_ptr, sizeof p2);
  assert_memory_equal(e2, want_elems, sizeof e2);
  assert_int_equal(ember_output_edge_pop_count(o), 2);
  ember_edge_info ei;
  assert_int_equal(ember_output_edge_info(o, 1, &ei), EMBER_OK);
  assert_string_equal(ei.name, "pre_to_post");
  assert_true(ei.n == NP && strcmp(ei.source, "pre") == 0 && strcmp(ei.target, "post") == 0);
  assert_string_equal(ei.receptor, "excitatory");   /* the target receptor and its unit */
  assert_string_equal(ei.units, "nA");
  double w3[NP];
  uint64_t s3[NP];
  assert_int_equal(ember_output_read_edges(o, 1, 0, NP, s3, NULL, w3, NULL), EMBER_OK);
  assert_memory_equal(w3, w, sizeof w);
  assert_memory_equal(s3, src, sizeof s3);
  ember_output_free(o);
  ember_network_free(p.net);
  char cmd[300];
  snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
  assert_int_equal(system(cmd), 0);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_window_additive),    cmocka_unit_test(test_window_multiplicative),
    cmocka_unit_test(test_window_gutig),       cmocka_unit_test(test_bounds),
    cmocka_unit_test(test_pairing_schemes),    cmocka_unit_test(test_window_dendritic),
    cmocka_unit_test(test_dendritic_split_run),
    cmocka_unit_test(test_triplet_pairing),    cmocka_unit_test(test_triplet_sets),
    cmocka_unit_test(test_param_errors),       cmocka_unit_test(test_rate_between_runs),
    cmocka_unit_test(test_threads),            cmocka_unit_test(test_files),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
