/* Tests of an LTC population's synapse-level recording (syn_current.h5,
 * sensory_current.h5: values against the model's formula from the recorded v,
 * and Kirchhoff's law cm dv/dt = leak + every synaptic current at a frame) and
 * of its parameters in the synapse-list layout (get/set, range checks). */
#include <hdf5.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "helpers.h"
#include "ltc_helpers.h"



static double sig(double x) { return 1.0 / (1.0 + exp(-x)); }

/* Dataset `name` of report file DIR/var.h5, /report/<pop>/..., as doubles. */
static double *report_read(const char *dir, const char *var, const char *name, size_t *n)
{
  char path[1024];
  snprintf(path, sizeof path, "%s/%s.h5", dir, var);
  return h5_read(path, name, n);
}

/* The 8-neuron, 3-input fully connected reference circuit, solver rk8pd. */
static ember_ltc *load_fc8(const char *method, double tol)
{
  ember_ltc *c = ember_ltc_new();
  assert_ltc(c, ember_ltc_load(c, LTC_DATA_DIR "/fc8.h5"));
  ember_ltc_solver_opts o = ember_ltc_solver_defaults();
  o.method = method;
  o.abstol = o.reltol = tol;
  assert_ltc(c, ember_ltc_set_solver(c, &o));
  double v0[8] = {0.3, -0.2, 0.1, 0.5, -0.4, 0.0, 0.2, -0.1};
  assert_ltc(c, ember_ltc_set_v(c, v0));
  return c;
}

/* A snapshot of the circuit's parameters in the synapse-list layout. */
typedef struct params {
  size_t n, k, ns, nss;
  double *gleak, *vleak, *cm, *w, *sigma, *mu, *erev, *sw, *ssigma, *smu, *serev, *iw, *ib;
  uint32_t *src, *dest, *ssrc, *sdest;
} params;

static double *plist(const ember_ltc *c, const char *name)
{
  double *v = malloc(ember_ltc_param_list_size(c, name) * sizeof *v + 1);
  assert_int_equal(ember_ltc_get_param_list(c, name, v), EMBER_OK);
  return v;
}

static void params_get(const ember_ltc *c, params *p)
{
  p->n = ember_ltc_units(c), p->k = ember_ltc_inputs(c);
  p->ns = ember_ltc_synapse_count(c), p->nss = ember_ltc_sensory_synapse_count(c);
  p->gleak = plist(c, "gleak"), p->vleak = plist(c, "vleak"), p->cm = plist(c, "cm");
  p->w = plist(c, "w"), p->sigma = plist(c, "sigma"), p->mu = plist(c, "mu"), p->erev = plist(c, "erev");
  p->sw = plist(c, "sensory_w"), p->ssigma = plist(c, "sensory_sigma");
  p->smu = plist(c, "sensory_mu"), p->serev = plist(c, "sensory_erev");
  p->iw = plist(c, "input_w"), p->ib = plist(c, "input_b");
  p->src = malloc(p->ns * sizeof *p->src), p->dest = malloc(p->ns * sizeof *p->dest);
  p->ssrc = malloc(p->nss * sizeof *p->ssrc), p->sdest = malloc(p->nss * sizeof *p->sdest);
  for (size_t k = 0; k < p->ns; k++)
    assert_int_equal(ember_ltc_synapse(c, k, &p->src[k], &p->dest[k], NULL), EMBER_OK);
  for (size_t k = 0; k < p->nss; k++)
    assert_int_equal(ember_ltc_sensory_synapse(c, k, &p->ssrc[k], &p->sdest[k], NULL), EMBER_OK);
}

static void params_free(params *p)
{
  double *a[] = {p->gleak, p->vleak, p->cm, p->w, p->sigma, p->mu, p->erev, p->sw, p->ssigma,
                 p->smu, p->serev, p->iw, p->ib};
  for (size_t i = 0; i < sizeof a / sizeof *a; i++)
    free(a[i]);
  free(p->src), free(p->dest), free(p->ssrc), free(p->sdest);
}

/* Recorded currents = the formula from the recorded v, and at a frame
 * cm dv/dt (central difference of the double-precision state, rk8pd at 1e-12)
 * = gleak (vleak - v) + the recorded synaptic and sensory currents. */
static void t_currents_recorded(void **s)
{
  (void)s;
  ember_ltc *c = load_fc8("rk8pd", 1e-12);
  params p;
  params_get(c, &p);
  ember_network *net = ember_network_new(3);
  ember_population *pop;
  assert_ok(net, ember_ltc_population_new(net, "ltc", c, &pop));
  double x[3] = {0.7, -0.4, 0.2}, t0 = 0;
  ember_series *ser;
  assert_ok(net, ember_series_new(net, 3, 1, x, &t0, INFINITY, &ser));
  assert_ok(net, ember_series_feed(ser, pop));
  const double dt = 0.25, h = 1e-3, tf = 2.0;   /* the frame checked: t = 2 ms, index 8 */
  assert_ok(net, ember_population_record(pop, "v", dt, NULL, 0));
  assert_ok(net, ember_population_record(pop, "syn_current", dt, NULL, 0));
  assert_ok(net, ember_population_record(pop, "sensory_current", dt, NULL, 0));
  double *dummy = malloc(8 * sizeof *dummy);
  assert_int_equal(ember_population_get(pop, "syn_current", dummy), EMBER_ERR_INVALID);
  free(dummy);
  char *dir = ltc_tmpdir("ltcsyn");
  assert_ok(net, ember_network_set_output(net, dir));
  double vm[8], v0[8], vp[8];
  assert_ok(net, ember_network_run(net, tf - h));
  assert_ok(net, ember_population_get(pop, "v", vm));
  assert_ok(net, ember_network_run(net, h));
  assert_ok(net, ember_population_get(pop, "v", v0));
  assert_ok(net, ember_network_run(net, h));
  assert_ok(net, ember_population_get(pop, "v", vp));
  assert_ok(net, ember_network_run(net, 1.0 - h));
  assert_ok(net, ember_network_close_output(net));

  size_t nv, ni, nsi, ne, nse, np;
  double *v = report_read(dir, "v", "/report/ltc/data", &nv);
  double *cur = report_read(dir, "syn_current", "/report/ltc/data", &ni);
  double *scur = report_read(dir, "sensory_current", "/report/ltc/data", &nsi);
  double *el = report_read(dir, "syn_current", "/report/ltc/mapping/element_ids", &ne);
  double *sel = report_read(dir, "sensory_current", "/report/ltc/mapping/element_ids", &nse);
  double *ptr = report_read(dir, "syn_current", "/report/ltc/mapping/index_pointers", &np);
  size_t frames = nv / 8;
  assert_int_equal(frames, 12);
  assert_int_equal(ne, p.ns);
  assert_int_equal(nse, p.nss);
  assert_int_equal(ni, frames * p.ns);
  assert_int_equal(nsi, frames * p.nss);
  assert_int_equal(np, 9);
  /* columns are grouped by postsynaptic neuron, element id = synapse index */
  for (size_t j = 0; j < 8; j++)
    for (size_t col = (size_t)ptr[j]; col < (size_t)ptr[j + 1]; col++)
      assert_int_equal(p.dest[(size_t)el[col]], j);
  double e_formula = 0, e_kirchhoff = 0, scale = 0;
  for (size_t f = 0; f < frames; f++) {
    const double *vf = v + f * 8;
    for (size_t col = 0; col < p.ns; col++) {
      size_t k = (size_t)el[col], i = p.src[k], j = p.dest[k];
      double want = p.w[k] * sig(p.sigma[k] * (vf[i] - p.mu[k])) * (p.erev[k] - vf[j]);
      e_formula = fmax(e_formula, fabs(cur[f * p.ns + col] - want));
    }
    for (size_t col = 0; col < p.nss; col++) {
      size_t k = (size_t)sel[col], i = p.ssrc[k], j = p.sdest[k];
      double xt = p.iw[i] * x[i] + p.ib[i];
      double want = p.sw[k] * sig(p.ssigma[k] * (xt - p.smu[k])) * (p.serev[k] - vf[j]);
      e_formula = fmax(e_formula, fabs(scur[f * p.nss + col] - want));
    }
  }
  size_t f = 8;   /* t = 2 ms */
  for (size_t j = 0; j < 8; j++) {
    double sum = p.gleak[j] * (p.vleak[j] - v0[j]);
    for (size_t col = 0; col < p.ns; col++)
      if (p.dest[(size_t)el[col]] == j)
        sum += cur[f * p.ns + col];
    for (size_t col = 0; col < p.nss; col++)
      if (p.sdest[(size_t)sel[col]] == j)
        sum += scur[f * p.nss + col];
    double cdv = p.cm[j] * (vp[j] - vm[j]) / (2 * h);
    e_kirchhoff = fmax(e_kirchhoff, fabs(sum - cdv));
    scale = fmax(scale, fabs(cdv));
    assert_close(v[f * 8 + j], v0[j], 1e-7);   /* the frame is the state at 2 ms */
  }
  print_message("currents vs formula from recorded v: max error %.3g; at t = 2 ms "
                "|sum of currents + leak - cm dv/dt| = %.3g (max |cm dv/dt| %.3g)\n",
                e_formula, e_kirchhoff, scale);
  assert_true(e_formula <= 1e-6);      /* float32 files */
  assert_true(e_kirchhoff <= 1e-6);    /* float32 currents, O(h^2) of the difference */
  assert_true(scale > 1e-2);           /* the check is not trivially 0 = 0 */
  free(v), free(cur), free(scur), free(el), free(sel), free(ptr);
  params_free(&p);
  ember_network_free(net);
  ltc_rmdir(dir);
}

/* A list of synapses: only those columns, grouped by postsynaptic neuron, the
 * same values as the full report; the fused solver's frames (v interpolated
 * within a sub-step) obey the formula too. Bad lists are refused. */
static void t_currents_some_synapses(void **s)
{
  (void)s;
  ember_ltc *c = load_fc8("fused", 1e-8);
  params p;
  params_get(c, &p);
  ember_network *net = ember_network_new(3);
  ember_population *pop, *pop2;
  assert_ok(net, ember_ltc_population_new(net, "a", c, &pop));
  assert_ok(net, ember_ltc_population_new(net, "b", load_fc8("fused", 1e-8), &pop2));
  size_t want[] = {40, 3, 17, 3, 63};   /* unsorted, a duplicate: synapses 3, 17, 40, 63 */
  assert_int_equal(ember_ltc_population_record_synapses(pop, "syn_current", 0.3, want, 5), EMBER_OK);
  assert_int_equal(ember_ltc_population_record_synapses(pop, "v", 0.3, want, 5), EMBER_ERR_INVALID);
  size_t bad = 64;
  assert_int_equal(ember_ltc_population_record_synapses(pop2, "syn_current", 0.3, &bad, 1),
                   EMBER_ERR_INVALID);
  assert_non_null(strstr(ember_network_error(net), "synapse 64 is out of range"));
  assert_ok(net, ember_population_record(pop2, "syn_current", 0.3, NULL, 0));
  assert_ok(net, ember_population_record(pop, "v", 0.3, NULL, 0));
  char *dir = ltc_tmpdir("ltcsyn");
  assert_ok(net, ember_network_set_output(net, dir));
  assert_ok(net, ember_network_run(net, 3.0));
  assert_ok(net, ember_network_close_output(net));
  size_t ne, nn, ni, nall, nv;
  double *el = report_read(dir, "syn_current", "/report/a/mapping/element_ids", &ne);
  double *node = report_read(dir, "syn_current", "/report/a/mapping/node_ids", &nn);
  double *cur = report_read(dir, "syn_current", "/report/a/data", &ni);
  double *all = report_read(dir, "syn_current", "/report/b/data", &nall);
  double *v = report_read(dir, "v", "/report/a/data", &nv);
  assert_int_equal(ne, 4);
  assert_int_equal(nn, 4);   /* dense 8 x 8, by destination: 3 -> 0, 17 -> 2, 40 -> 5, 63 -> 7 */
  assert_true(node[0] == 0 && node[1] == 2 && node[2] == 5 && node[3] == 7);
  size_t frames = ni / 4;
  assert_int_equal(frames, 10);
  double e_same = 0, e_formula = 0;
  for (size_t f = 0; f < frames; f++)
    for (size_t col = 0; col < 4; col++) {
      size_t k = (size_t)el[col], i = p.src[k], j = p.dest[k];
      e_same = fmax(e_same, fabs(cur[f * 4 + col] - all[f * p.ns + k]));
      double w = p.w[k] * sig(p.sigma[k] * (v[f * 8 + i] - p.mu[k])) * (p.erev[k] - v[f * 8 + j]);
      e_formula = fmax(e_formula, fabs(cur[f * 4 + col] - w));
    }
  print_message("fused, 4 of 64 synapses: |subset - full| = %.3g, |current - formula| = %.3g\n",
                e_same, e_formula);
  assert_true(e_same == 0);
  assert_true(e_formula <= 1e-6);
  free(el), free(node), free(cur), free(all), free(v);
  params_free(&p);
  ember_network_free(net);
  ltc_rmdir(dir);
}

/* The synapse-list layout equals the dense one; set checks ranges and changes
 * nothing on error; a changed parameter changes the dynamics. */
static void t_param_list(void **s)
{
  (void)s;
  ember_ltc *c = load_fc8("fused", 1e-8);
  size_t n = ember_ltc_units(c), ns = ember_ltc_synapse_count(c);
  assert_int_equal(ember_ltc_param_list_size(c, "w"), ns);
  assert_int_equal(ember_ltc_param_list_size(c, "cm"), n);
  assert_int_equal(ember_ltc_param_list_size(c, "sensory_mu"), ember_ltc_sensory_synapse_count(c));
  assert_int_equal(ember_ltc_param_list_size(c, "nothing"), 0);
  double *dense = malloc(n * n * sizeof *dense), *list = malloc(ns * sizeof *list);
  assert_ltc(c, ember_ltc_get_param(c, "sigma", dense));
  assert_ltc(c, ember_ltc_get_param_list(c, "sigma", list));
  for (size_t k = 0; k < ns; k++) {
    uint32_t i, j;
    ember_ltc_synapse(c, k, &i, &j, NULL);
    assert_true(list[k] == dense[i * n + j]);
  }
  assert_ltc(c, ember_ltc_get_param_list(c, "w", list));
  double w5 = list[5];
  list[5] = -0.1;
  assert_int_equal(ember_ltc_set_param_list(c, "w", list), EMBER_ERR_INVALID);
  assert_non_null(strstr(ember_ltc_error(c), "w[5] = -0.1 must be >= 0"));
  assert_ltc(c, ember_ltc_get_param_list(c, "w", list));
  assert_true(list[5] == w5);   /* unchanged */
  double cm[8];
  assert_ltc(c, ember_ltc_get_param_list(c, "cm", cm));
  cm[2] = 0;
  assert_int_equal(ember_ltc_set_param_list(c, "cm", cm), EMBER_ERR_INVALID);
  cm[2] = NAN;
  assert_int_equal(ember_ltc_set_param_list(c, "cm", cm), EMBER_ERR_INVALID);
  assert_int_equal(ember_ltc_set_param_list(c, "tau", cm), EMBER_ERR_UNKNOWN);
  /* gleak and w to 0: exact relaxation is gone, v holds (sensory synapses too) */
  double zero[64] = {0};
  assert_ltc(c, ember_ltc_set_param_list(c, "w", zero));
  assert_ltc(c, ember_ltc_set_param_list(c, "gleak", zero));
  assert_ltc(c, ember_ltc_set_param_list(c, "sensory_w", zero));
  double v0[8], v1[8];
  ember_ltc_get_v(c, v0);
  assert_ltc(c, ember_ltc_step(c, 1.0));
  ember_ltc_get_v(c, v1);
  for (size_t j = 0; j < n; j++)   /* only ncps' epsilon = 1e-8 in the denominator remains */
    assert_close(v1[j], v0[j], 1e-7 * fabs(v0[j]));
  assert_true(v1[0] != v0[0]);
  free(dense), free(list);
  ember_ltc_free(c);
}

/* ----------------------------------------------------------- LTC -> LTC --- */

/* One neuron without synapses (its input synapse has w = 0): exact relaxation. */
static ember_ltc *lone(double gleak, double vleak, double cm, double v0, const char *method,
                       int unfolds)
{
  ember_ltc_wiring_spec spec = {.kind = EMBER_LTC_FULLY_CONNECTED, .units = 1, .outputs = 1,
                                .inputs = 1, .no_self_connections = 1};
  ember_ltc *c = ember_ltc_new();
  assert_ltc(c, ember_ltc_build(c, &spec, 1, 0));
  assert_int_equal(ember_ltc_synapse_count(c), 0);
  double zero = 0;
  assert_ltc(c, ember_ltc_set_param_list(c, "gleak", &gleak));
  assert_ltc(c, ember_ltc_set_param_list(c, "vleak", &vleak));
  assert_ltc(c, ember_ltc_set_param_list(c, "cm", &cm));
  assert_ltc(c, ember_ltc_set_param_list(c, "sensory_w", &zero));
  ember_ltc_solver_opts o = ember_ltc_solver_defaults();
  o.method = method;
  o.abstol = o.reltol = 1e-12;
  o.ode_unfolds = unfolds;
  o.epsilon = 0;
  assert_ltc(c, ember_ltc_set_solver(c, &o));
  assert_ltc(c, ember_ltc_set_v(c, &v0));
  return c;
}

/* A -> B through an excitatory and an inhibitory sigmoid synapse of A's v,
 * sampled every h = 0.5 ms and held: B relaxes exactly, interval by interval,
 * towards (gleak vleak + ge e_rev_E + gi e_rev_I) / (gleak + ge + gi). Returns
 * max |v - closed form| over 10 ms for A and B (*eb: B alone). */
static double ltc_to_ltc(const char *method, int unfolds, double *eb)
{
  const double ga = 0.3, la = -0.1, ca = 0.5, va = 0.8;   /* A relaxes from 0.8 to -0.1 */
  const double gb = 0.2, lb = 0.05, cb = 0.6, vb = -0.3;
  const double we = 0.75, wi = 0.375,   /* weights are stored as float32: exact ones */
               se = 6.0, me = 0.3, si = -4.0, mi = 0.1, h = 0.5;
  ember_network *net = ember_network_new(1);
  assert_ok(net, ember_network_set_min_delay(net, h));
  ember_population *a, *b;
  assert_ok(net, ember_ltc_population_new(net, "a", lone(ga, la, ca, va, method, unfolds), &a));
  assert_ok(net, ember_ltc_population_new(net, "b", lone(gb, lb, cb, vb, method, unfolds), &b));
  ember_connector one = {.kind = EMBER_CONN_ALL_TO_ALL, .allow_autapses = 1};
  ember_dist de = dist_const(we), di = dist_const(wi), d = dist_const(1.0), neg = dist_const(-0.1);
  ember_projection *pe, *pi, *bad;
  assert_int_equal(ember_projection_new(net, a, b, &one, &neg, &d, "excitatory", &bad), EMBER_ERR_INVALID);
  assert_ok(net, ember_projection_new(net, a, b, &one, &de, &d, "excitatory", &pe));
  assert_ok(net, ember_projection_new(net, a, b, &one, &di, &d, "inhibitory", &pi));
  assert_ok(net, ember_projection_set_sigmoid(pe, se, me));
  assert_ok(net, ember_projection_set_sigmoid(pi, si, mi));
  assert_int_equal(ember_projection_set_sigmoid(pe, NAN, 0), EMBER_ERR_INVALID);
  double e = 0, xa = va, xb = vb, t = 0;
  *eb = 0;
  for (int k = 0; k < 10; k++) {   /* runs of 1 ms = two intervals each */
    assert_ok(net, ember_network_run(net, 1.0));
    for (int i = 0; i < 2; i++, t += h) {   /* the closed form, interval by interval */
      double g1 = we / (1 + exp(-se * (xa - me))), g2 = wi / (1 + exp(-si * (xa - mi)));
      double vinf = (gb * lb + g1 * 1.0 + g2 * -1.0) / (gb + g1 + g2);
      xb = vinf + (xb - vinf) * exp(-(gb + g1 + g2) * h / cb);
      xa = la + (va - la) * exp(-ga * (t + h) / ca);
    }
    double v[1], w[1];
    assert_ok(net, ember_population_get(a, "v", v));
    assert_ok(net, ember_population_get(b, "v", w));
    e = fmax(e, fmax(fabs(v[0] - xa), fabs(w[0] - xb)));
    *eb = fmax(*eb, fabs(w[0] - xb));
  }
  assert_true(fabs(xb - (lb + (vb - lb) * exp(-gb * t / cb))) > 0.1);   /* the coupling matters */
  ember_network_free(net);
  return e;
}

static void t_ltc_to_ltc(void **s)
{
  (void)s;
  double eb, e = ltc_to_ltc("rk8pd", 6, &eb);
  print_message("LTC -> LTC, v_pre held per 0.5 ms interval, rk8pd 1e-12: max |v - closed form| "
                "= %.3g\n", e);
  assert_true(e <= 1e-10);
  /* fused (semi-implicit Euler, epsilon 0): first order in the sub-step, the
   * held conductance entering like a sensory one */
  double e1, e2, f1 = ltc_to_ltc("fused", 6, &e1), f2 = ltc_to_ltc("fused", 96, &e2);
  print_message("fused: 6 unfolds %.3g, 96 unfolds %.3g (B: %.3g, %.3g; ratio %.1f)\n", f1, f2, e1,
                e2, e1 / e2);
  assert_true(e1 / e2 > 12 && e1 / e2 < 20);   /* 16x the sub-steps: ~16x smaller */
}

int main(void)
{
  H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(t_currents_recorded),
    cmocka_unit_test(t_currents_some_synapses),
    cmocka_unit_test(t_param_list),
    cmocka_unit_test(t_ltc_to_ltc),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
