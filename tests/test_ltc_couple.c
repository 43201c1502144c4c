/* Tests of LTC circuits coupled to the rest of a network while they learn
 * (docs/ltc.md, docs/plasticity_rate.md): a plastic circuit (rate rules) that
 * receives spikes and LTC -> LTC sigmoid synapses, against the plain circuit
 * (learning rate 0) and against an independent rk8pd integration of the whole
 * ODE (v, weights, spike-driven conductances); thread independence. */
#include <gsl/gsl_errno.h>
#include <gsl/gsl_odeiv2.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "helpers.h"
#include "ltc_helpers.h"
#include "ember/plasticity.h"

static double sig(double x) { return 1.0 / (1.0 + exp(-x)); }

static void solver(ember_ltc *c, const char *method, double tol, int unfolds)
{
  ember_ltc_solver_opts o = ember_ltc_solver_defaults();
  o.method = method;
  o.abstol = o.reltol = tol;
  o.ode_unfolds = unfolds;
  assert_ltc(c, ember_ltc_set_solver(c, &o));
}

static void plastic(ember_ltc *c, const char *rule, double eta, int synapses)
{
  const char *names[] = {"eta", "synapses"};
  double vals[] = {eta, synapses};
  assert_ltc(c, ember_ltc_set_plasticity(c, rule, names, vals, 2));
}

/* --------------------------------------------------- eta = 0: same bits --- */

/* AutoNCP(12, 2) fed by a series, receiving Poisson spikes on both receptors
 * and sigmoid synapses from a second circuit (AutoNCP(8, 1), same series);
 * plasticity: -1 none, else Oja with eta on `syn` (0 internal, 2 all). The
 * final v and the spike-driven conductances of the receiving circuit. */
static void coupled(const char *method, int syn, double eta, int threads, double *v, double *ge)
{
  enum { T = 30, K = 3 };
  double x[T * K], tt[T];
  for (int i = 0; i < T * K; i++)
    x[i] = sin(0.37 * i) + 0.5;
  for (int i = 0; i < T; i++)
    tt[i] = i;
  ember_ltc *c[2];
  size_t units[2] = {12, 8}, outs[2] = {2, 1};
  for (int q = 0; q < 2; q++) {
    ember_ltc_wiring_spec spec = {.kind = EMBER_LTC_AUTO_NCP, .units = units[q], .outputs = outs[q],
                                  .inputs = K, .sparsity = 0.5};
    c[q] = ember_ltc_new();
    assert_ltc(c[q], ember_ltc_build(c[q], &spec, 21 + q, 0));
    solver(c[q], method, 1e-9, 6);
  }
  if (syn >= 0)
    plastic(c[0], "oja", eta, syn);
  ember_network *net = ember_network_new(5);
  assert_ok(net, ember_network_set_threads(net, threads));
  ember_population *a, *b, *noise;
  assert_ok(net, ember_ltc_population_new(net, "a", c[0], &a));
  assert_ok(net, ember_ltc_population_new(net, "b", c[1], &b));
  assert_ok(net, ember_source_population_new(net, "noise", 20, "poisson", &noise));
  set_p(noise, "rate", 150.0);
  set_p(a, "tau_syn_I", 3.0);
  ember_series *ser;
  assert_ok(net, ember_series_new(net, K, T, x, tt, T, &ser));
  assert_ok(net, ember_series_feed(ser, a));
  assert_ok(net, ember_series_feed(ser, b));
  ember_connector pc = {.kind = EMBER_CONN_FIXED_PROBABILITY, .p = 0.3, .allow_autapses = 1};
  ember_dist we = {EMBER_DIST_UNIFORM, 0.1, 0.5}, wi = {EMBER_DIST_UNIFORM, 0.2, 0.6};
  ember_dist d1 = dist_const(0.5), d2 = dist_const(0.75), ws = {EMBER_DIST_UNIFORM, 0.05, 0.3};
  ember_projection *pj;
  assert_ok(net, ember_projection_new(net, noise, a, &pc, &we, &d1, "excitatory", &pj));
  assert_ok(net, ember_projection_new(net, noise, a, &pc, &wi, &d2, "inhibitory", &pj));
  assert_ok(net, ember_projection_new(net, b, a, &pc, &ws, &d1, "excitatory", &pj));
  assert_ok(net, ember_projection_set_sigmoid(pj, 4.0, 0.1));
  assert_ok(net, ember_projection_new(net, b, a, &pc, &ws, &d1, "inhibitory", &pj));
  assert_ok(net, ember_network_run(net, T));
  assert_ok(net, ember_population_get(a, "v", v));
  assert_ok(net, ember_population_get(a, "gsyn_exc", ge));
  ember_network_free(net);
}

/* Learning rate 0: the plastic path (weights in the ODE state, the coupling
 * conductances through the plastic right-hand side) gives the plain circuit's
 * bits, fused and rk8pd, with the internal or all weights plastic. */
static void t_plastic_eta0_same_bits(void **s)
{
  (void)s;
  const char *methods[] = {"fused", "rk8pd"};
  for (int m = 0; m < 2; m++) {
    double v0[12], g0[12], v[12], g[12];
    coupled(methods[m], -1, 0, 1, v0, g0);
    double spread = 0, gmax = 0;
    for (int j = 0; j < 12; j++)
      spread = fmax(spread, fabs(v0[j] - v0[0])), gmax = fmax(gmax, g0[j]);
    assert_true(spread > 0.05 && gmax > 0.01);   /* a live circuit that received spikes */
    for (int syn = 0; syn <= 2; syn += 2) {
      coupled(methods[m], syn, 0, 1, v, g);
      assert_memory_equal(v0, v, sizeof v);
      assert_memory_equal(g0, g, sizeof g);
    }
    print_message("%s: plastic (eta 0) circuit with spikes and LTC -> LTC synapses: same bits as "
                  "the plain circuit\n", methods[m]);
  }
}

/* eta > 0 (the weights learn): 1 and 2 network threads give the same bits. */
static void t_plastic_coupled_threads(void **s)
{
  (void)s;
  const char *methods[] = {"fused", "rk8pd"};
  for (int m = 0; m < 2; m++) {
    double v1[12], g1[12], v2[12], g2[12], v0[12], g0[12];
    coupled(methods[m], 2, 0.05, 1, v1, g1);
    coupled(methods[m], 2, 0.05, 2, v2, g2);
    coupled(methods[m], 2, 0, 1, v0, g0);
    assert_memory_equal(v1, v2, sizeof v1);
    assert_memory_equal(g1, g2, sizeof g1);
    double dv = 0;
    for (int j = 0; j < 12; j++)
      dv = fmax(dv, fabs(v1[j] - v0[j]));
    assert_true(dv > 1e-4);   /* learning changed the trajectory */
  }
}

/* A plastic circuit of 10 000 neurons (its OpenMP paths run: right-hand side
 * and weight derivatives split over the threads), BCM on every weight,
 * receiving Poisson spikes and sigmoid synapses from a small circuit: v, the
 * weights and the conductances with 1 and 2 threads. */
static void big(int threads, const char *method, double *v, double *w)
{
  ember_ltc_wiring_spec spec = {.kind = EMBER_LTC_RANDOM, .units = 10000, .outputs = 4, .inputs = 3,
                                .sparsity = 0.9995};
  ember_ltc *c = ember_ltc_new(), *small = ember_ltc_new();
  assert_ltc(c, ember_ltc_build(c, &spec, 17, 0));
  solver(c, method, 1e-6, 6);
  plastic(c, "bcm", 0.05, 2);
  ember_ltc_wiring_spec sp2 = {.kind = EMBER_LTC_AUTO_NCP, .units = 8, .outputs = 1, .inputs = 3,
                               .sparsity = 0.5};
  assert_ltc(small, ember_ltc_build(small, &sp2, 5, 0));
  ember_network *net = ember_network_new(9);
  assert_ok(net, ember_network_set_threads(net, threads));
  ember_population *ltc, *pre, *noise;
  assert_ok(net, ember_ltc_population_new(net, "ltc", c, &ltc));
  assert_ok(net, ember_ltc_population_new(net, "pre", small, &pre));
  assert_ok(net, ember_source_population_new(net, "noise", 50, "poisson", &noise));
  set_p(noise, "rate", 200.0);
  ember_connector pc = {.kind = EMBER_CONN_FIXED_PROBABILITY, .p = 0.01, .allow_autapses = 1};
  ember_dist wd = {EMBER_DIST_UNIFORM, 0.1, 0.5}, d = dist_const(0.5);
  ember_projection *pj;
  assert_ok(net, ember_projection_new(net, noise, ltc, &pc, &wd, &d, "excitatory", &pj));
  assert_ok(net, ember_projection_new(net, noise, ltc, &pc, &wd, &d, "inhibitory", &pj));
  assert_ok(net, ember_projection_new(net, pre, ltc, &pc, &wd, &d, "excitatory", &pj));
  double t[3] = {0, 2, 4}, x[9] = {0.1, -0.4, 0.9, 0.5, 0.5, -1, -0.2, 0.3, 0.0};
  ember_series *ser;
  assert_ok(net, ember_series_new(net, 3, 3, x, t, 6, &ser));
  assert_ok(net, ember_series_feed(ser, ltc));
  assert_ok(net, ember_series_feed(ser, pre));
  assert_ok(net, ember_network_run(net, 6.0));
  assert_ok(net, ember_population_get(ltc, "v", v));
  assert_ok(net, ember_population_get(ltc, "gsyn_exc", v + 10000));
  assert_ltc(c, ember_ltc_get_weights(c, w, w + ember_ltc_synapse_count(c)));
  ember_network_free(net);
}

static void t_plastic_big_threads(void **s)
{
  (void)s;
  const char *methods[] = {"fused", "rkf45"};
  size_t nw = 80000;   /* more than the synapses and input synapses: 0.05 % of 10^8, 3 x 10^4 x 0.05 % */
  double *a = malloc(20000 * sizeof *a), *b = malloc(20000 * sizeof *b);
  double *wa = calloc(nw, sizeof *wa), *wb = calloc(nw, sizeof *wb);
  for (int m = 0; m < 2; m++) {
    big(1, methods[m], a, wa);
    big(2, methods[m], b, wb);
    assert_memory_equal(a, b, 20000 * sizeof *a);
    assert_memory_equal(wa, wb, nw * sizeof *wa);
  }
  free(a), free(b), free(wa), free(wb);
}

/* ------------------------------------- eta > 0: against an independent ODE --- */

/* Two LTC neurons (0 <-> 1, one input onto both) learning by Oja on every
 * weight, neuron 0 receiving an excitatory and an inhibitory spike, neuron 1 an
 * excitatory one and a constant LTC -> LTC conductance (a lone presynaptic
 * neuron resting at vleak). The reference integrates [v (2) | w (2) | sensory
 * w (2) | ge (2) | gi (2)] with GSL's rk8pd at 1e-13, the jumps applied at the
 * arrivals; the weights and parameters come from the circuit itself. */
typedef struct ref {
  double gleak[2], vleak[2], cm[2], w[2], sg[2], mu[2], erev[2], sw[2], ssg[2], smu[2], serev[2];
  uint32_t src[2], dest[2], sdest[2];
  double xt, eta, ee, ei, te, ti, gh;   /* x~ of the input; held conductance onto neuron 1 */
} ref;

enum { NV = 2, NW = 2, NS = 2, DIM = 10 };

static int ref_rhs(double t, const double *y, double *f, void *pp)
{
  (void)t;
  const ref *r = pp;
  const double *v = y, *w = y + NV, *sw = w + NW, *ge = sw + NS, *gi = ge + NV;
  double *fv = f, *fw = f + NV, *fs = fw + NW, *fge = fs + NS, *fgi = fge + NV;
  for (int j = 0; j < NV; j++) {
    double gh = j == 1 ? r->gh : 0;
    fv[j] = r->gleak[j] * (r->vleak[j] - v[j]) + ge[j] * (r->ee - v[j]) + gi[j] * (r->ei - v[j]) +
            gh * (r->ee - v[j]);
    fge[j] = -ge[j] / r->te;
    fgi[j] = -gi[j] / r->ti;
  }
  for (int k = 0; k < NW; k++) {
    uint32_t i = r->src[k], j = r->dest[k];
    double x = sig(r->sg[k] * (v[i] - r->mu[k])), yj = v[j] - r->vleak[j];
    fv[j] += w[k] * x * (r->erev[k] - v[j]);
    fw[k] = r->eta * (x * yj - yj * yj * w[k]);
  }
  for (int k = 0; k < NS; k++) {
    uint32_t j = r->sdest[k];
    double x = sig(r->ssg[k] * (r->xt - r->smu[k])), yj = v[j] - r->vleak[j];
    fv[j] += sw[k] * x * (r->serev[k] - v[j]);
    fs[k] = r->eta * (x * yj - yj * yj * sw[k]);
  }
  for (int j = 0; j < NV; j++)
    fv[j] /= r->cm[j];
  return GSL_SUCCESS;
}

/* The arrivals: (time, neuron, receptor, weight); weights exact in float32. */
static const struct { double t; int j, rec; double w; } arrivals[] = {
  {2.3, 0, 0, 0.75}, {3.7, 0, 1, 0.5}, {5.1, 1, 0, 1.25}};
enum { NA = 3 };
static const double spike_t[3] = {1.3, 2.7, 4.1};   /* + 1 ms delay */

static ember_ltc *pair(ref *r, const char *method, double tol, int unfolds)
{
  ember_ltc_wiring_spec spec = {.kind = EMBER_LTC_FULLY_CONNECTED, .units = 2, .outputs = 1,
                                .inputs = 1, .no_self_connections = 1};
  ember_ltc *c = ember_ltc_new();
  assert_ltc(c, ember_ltc_build(c, &spec, 7, 0));
  assert_int_equal(ember_ltc_synapse_count(c), 2);
  assert_int_equal(ember_ltc_sensory_synapse_count(c), 2);
  double vleak[2] = {0.0, 0.05}, cm[2] = {0.5, 0.6}, gl[2] = {0.3, 0.4}, w[2] = {0.6, 0.9};
  assert_ltc(c, ember_ltc_set_param_list(c, "vleak", vleak));
  assert_ltc(c, ember_ltc_set_param_list(c, "cm", cm));
  assert_ltc(c, ember_ltc_set_param_list(c, "gleak", gl));
  assert_ltc(c, ember_ltc_set_param_list(c, "w", w));
  assert_ltc(c, ember_ltc_set_param_list(c, "sensory_w", w));
  const char *names[] = {"gleak", "vleak", "cm", "w", "sigma", "mu", "erev", "sensory_w",
                         "sensory_sigma", "sensory_mu", "sensory_erev"};
  double *dst[] = {r->gleak, r->vleak, r->cm, r->w, r->sg, r->mu, r->erev, r->sw, r->ssg, r->smu,
                   r->serev};
  for (int q = 0; q < 11; q++)
    assert_ltc(c, ember_ltc_get_param_list(c, names[q], dst[q]));
  for (size_t k = 0; k < 2; k++) {
    uint32_t s0;
    assert_ltc(c, ember_ltc_synapse(c, k, &r->src[k], &r->dest[k], NULL));
    assert_ltc(c, ember_ltc_sensory_synapse(c, k, &s0, &r->sdest[k], NULL));
  }
  double iw, ib, x = 0.6;
  ember_ltc_get_param(c, "input_w", &iw);
  ember_ltc_get_param(c, "input_b", &ib);
  r->xt = iw * x + ib;
  ember_ltc_solver_opts o = ember_ltc_solver_defaults();
  o.method = method;
  o.abstol = o.reltol = tol;
  o.ode_unfolds = unfolds;
  o.epsilon = 0;
  assert_ltc(c, ember_ltc_set_solver(c, &o));
  plastic(c, "oja", r->eta, 2);
  return c;
}

/* A lone presynaptic neuron resting at its vleak (no synapses, no input). */
static ember_ltc *resting(double vleak)
{
  ember_ltc_wiring_spec spec = {.kind = EMBER_LTC_FULLY_CONNECTED, .units = 1, .outputs = 1,
                                .inputs = 1, .no_self_connections = 1};
  ember_ltc *c = ember_ltc_new();
  assert_ltc(c, ember_ltc_build(c, &spec, 3, 0));
  double z = 0;
  assert_ltc(c, ember_ltc_set_param(c, "sensory_w", &z));
  assert_ltc(c, ember_ltc_set_param(c, "vleak", &vleak));
  assert_ltc(c, ember_ltc_set_v(c, &vleak));
  solver(c, "rk8pd", 1e-12, 6);   /* dv/dt = 0 exactly (fused's epsilon would move it) */
  return c;
}

/* Runs the network to the times tq (n, ascending) and the reference alongside;
 * max |v - ref| and |w - ref| over them (*ew: weights), and the largest weight
 * change (*dw). */
static double learn_vs_reference(const char *method, double tol, int unfolds, const double *tq,
                                 int n, double *ew, double *dw)
{
  ref r = {.eta = 0.4, .ee = 1.0, .ei = -1.0, .te = 5.0, .ti = 2.0};
  ember_ltc *c = pair(&r, method, tol, unfolds);
  const double va = 0.2, hw = 0.5, hs = 6.0, hm = 0.3;   /* the held synapse */
  r.gh = hw * sig(hs * (va - hm));
  ember_network *net = ember_network_new(5);
  ember_population *pop, *pre, *src;
  assert_ok(net, ember_ltc_population_new(net, "ltc", c, &pop));
  assert_ok(net, ember_ltc_population_new(net, "pre", resting(va), &pre));
  set_p(pop, "tau_syn_I", r.ti);
  assert_ok(net, ember_source_population_new(net, "src", 3, "spike_array", &src));
  for (size_t i = 0; i < 3; i++)
    assert_ok(net, ember_population_set_spike_times(src, i, &spike_t[i], 1));
  ember_dist w0 = dist_const(0), d = dist_const(1.0), wh = dist_const(hw);
  ember_projection *pj;
  for (int a = 0; a < NA; a++) {
    ember_connection cn = {(uint32_t)a, (uint32_t)arrivals[a].j, arrivals[a].w, 1.0};
    ember_connector l = {.kind = EMBER_CONN_FROM_LIST, .n = 1, .list = &cn, .allow_autapses = 1};
    assert_ok(net, ember_projection_new(net, src, pop, &l, &w0, &d,
                                        arrivals[a].rec ? "inhibitory" : "excitatory", &pj));
  }
  ember_connection ch = {0, 1, hw, 1.0};
  ember_connector lh = {.kind = EMBER_CONN_FROM_LIST, .n = 1, .list = &ch, .allow_autapses = 1};
  assert_ok(net, ember_projection_new(net, pre, pop, &lh, &wh, &d, "excitatory", &pj));
  assert_ok(net, ember_projection_set_sigmoid(pj, hs, hm));
  double x = 0.6, t0 = 0;
  ember_series *ser;
  assert_ok(net, ember_series_new(net, 1, 1, &x, &t0, INFINITY, &ser));
  assert_ok(net, ember_series_feed(ser, pop));
  double y[DIM] = {0.3, -0.2};
  memcpy(y + NV, r.w, sizeof r.w);
  memcpy(y + NV + NW, r.sw, sizeof r.sw);
  assert_ok(net, ember_population_set_state_array(pop, "v", y, NULL, 2));
  gsl_odeiv2_system sys = {ref_rhs, NULL, DIM, &r};
  gsl_odeiv2_driver *drv = gsl_odeiv2_driver_alloc_y_new(&sys, gsl_odeiv2_step_rk8pd, 1e-3, 1e-13, 1e-13);
  double t = 0, e = 0;
  int a = 0;
  *ew = *dw = 0;
  for (int q = 0; q < n; q++) {
    for (; a < NA && arrivals[a].t <= tq[q]; a++) {
      assert_int_equal(gsl_odeiv2_driver_apply(drv, &t, arrivals[a].t, y), GSL_SUCCESS);
      y[NV + NW + NS + NV * arrivals[a].rec + arrivals[a].j] += arrivals[a].w;
      gsl_odeiv2_driver_reset(drv);
    }
    assert_int_equal(gsl_odeiv2_driver_apply(drv, &t, tq[q], y), GSL_SUCCESS);
    assert_ok(net, ember_network_run(net, tq[q] - ember_network_time(net)));
    double v[2], w[2], sw[2];
    assert_ok(net, ember_population_get(pop, "v", v));
    ember_ltc_get_weights(c, w, sw);
    for (int j = 0; j < 2; j++) {
      e = fmax(e, fabs(v[j] - y[j]));
      *ew = fmax(*ew, fmax(fabs(w[j] - y[NV + j]), fabs(sw[j] - y[NV + NW + j])));
      *dw = fmax(*dw, fmax(fabs(w[j] - r.w[j]), fabs(sw[j] - r.sw[j])));
    }
  }
  gsl_odeiv2_driver_free(drv);
  ember_network_free(net);
  return e;
}

static void t_plastic_spikes_vs_reference(void **s)
{
  (void)s;
  double tq[6] = {1.0, 2.5, 4.0, 5.5, 8.0, 12.0}, ew, dw;
  double e = learn_vs_reference("rk8pd", 1e-12, 6, tq, 6, &ew, &dw);
  print_message("plastic LTC pair receiving spikes and an LTC -> LTC synapse, rk8pd 1e-12 against "
                "an independent rk8pd at 1e-13: max |v - ref| %.3g, |w - ref| %.3g (weights moved "
                "by up to %.3g)\n", e, ew, dw);
  assert_true(e <= 1e-11 && ew <= 1e-11);
  assert_true(dw > 0.05);   /* they did learn */
  double prev = INFINITY, prevw = INFINITY;
  for (int u = 6; u <= 96; u *= 4) {   /* fused: first order in the sub-step */
    double fe = learn_vs_reference("fused", 1e-8, u, tq, 6, &ew, &dw);
    print_message("fused, %2d unfolds per ms: max |v - ref| %.3g (ratio %.2f), |w - ref| %.3g "
                  "(ratio %.2f)\n", u, fe, prev / fe, ew, prevw / ew);
    if (u > 6)
      assert_true(prev / fe > 3.0 && prev / fe < 5.0 && prevw / ew > 3.0 && prevw / ew < 5.0);
    prev = fe;
    prevw = ew;
  }
}

/* ------------------------------------------ per-synapse coupling currents --- */

static char *tmpdir(void)
{
  static char dir[64];
  snprintf(dir, sizeof dir, "/tmp/ember-ltccouple-XXXXXX");
  assert_non_null(mkdtemp(dir));
  return dir;
}

static double *rd(const char *dir, const char *file, const char *name, size_t *n)
{
  char path[1024];
  snprintf(path, sizeof path, "%s/%s.h5", dir, file);
  return h5_read(path, name, n);
}

/* The plastic pair (eta > 0) receiving spikes from three sources (all to all,
 * excitatory, distinct weights; source 2 -> neuron 0 inhibitory) and sigmoid
 * synapses from a relaxing LTC neuron; records v, gsyn_* and, if `currents`,
 * every coupling synapse's current, every 0.25 ms for 10 ms. The final v into out->v;
 * out->net stays open for its projections. */
typedef struct cur_run {
  ember_network *net;   /* closed, kept for its projections */
  ember_projection *pe, *pi, *ps;
  double v[2];
} cur_run;

static const double sig_w = 0.6, sig_s = 5.0, sig_m = 0.4, h_int = 0.5, frame = 0.25;

static void current_run(const char *method, const char *dir, int currents, cur_run *out)
{
  ref r = {.eta = 0.4};
  ember_ltc *c = pair(&r, method, 1e-12, 24);
  ember_network *net = ember_network_new(5);
  assert_ok(net, ember_network_set_min_delay(net, h_int));
  ember_population *pop, *pre, *src;
  assert_ok(net, ember_ltc_population_new(net, "ltc", c, &pop));
  ember_ltc *rc = resting(0.2);
  double v0 = 0.8;
  assert_ltc(rc, ember_ltc_set_v(rc, &v0));   /* relaxes from 0.8 towards 0.2 */
  assert_ok(net, ember_ltc_population_new(net, "pre", rc, &pre));
  assert_ok(net, ember_source_population_new(net, "src", 3, "spike_array", &src));
  double t0[1] = {1.3}, t1[2] = {2.05, 6.4}, t2[2] = {3.1, 4.45};
  assert_ok(net, ember_population_set_spike_times(src, 0, t0, 1));
  assert_ok(net, ember_population_set_spike_times(src, 1, t1, 2));
  assert_ok(net, ember_population_set_spike_times(src, 2, t2, 2));
  ember_connector all = {.kind = EMBER_CONN_ALL_TO_ALL, .allow_autapses = 1};
  ember_dist we = {EMBER_DIST_UNIFORM, 0.2, 0.8}, d = dist_const(1.0), ws = dist_const(sig_w);
  ember_connection ci = {2, 0, 0.5, 0.5};
  ember_connector li = {.kind = EMBER_CONN_FROM_LIST, .n = 1, .list = &ci, .allow_autapses = 1};
  assert_ok(net, ember_projection_new(net, src, pop, &all, &we, &d, "excitatory", &out->pe));
  assert_ok(net, ember_projection_new(net, src, pop, &li, &we, &d, "inhibitory", &out->pi));
  assert_ok(net, ember_projection_new(net, pre, pop, &all, &ws, &d, "excitatory", &out->ps));
  assert_ok(net, ember_projection_set_sigmoid(out->ps, sig_s, sig_m));
  double x = 0.6, ts = 0;
  ember_series *ser;
  assert_ok(net, ember_series_new(net, 1, 1, &x, &ts, INFINITY, &ser));
  assert_ok(net, ember_series_feed(ser, pop));
  const char *vars[] = {"v", "gsyn_exc", "gsyn_inh"};
  for (int q = 0; q < 3; q++)
    assert_ok(net, ember_population_record(pop, vars[q], frame, NULL, 0));
  assert_ok(net, ember_population_record(pre, "v", frame, NULL, 0));
  if (currents) {
    assert_ok(net, ember_projection_record_currents(out->pe, frame, NULL, 0));
    assert_ok(net, ember_projection_record_currents(out->pi, frame, NULL, 0));
    size_t one = 1;   /* the sigmoid synapse onto neuron 1 only */
    assert_ok(net, ember_projection_record_currents(out->ps, frame, &one, 1));
  }
  assert_ok(net, ember_network_set_output(net, dir));
  assert_ok(net, ember_network_run(net, 10.0));
  assert_ok(net, ember_population_get(pop, "v", out->v));
  assert_ok(net, ember_network_close_output(net));
  out->net = net;
}

/* max |sum of the recorded currents onto each neuron - g (e_rev - v)| over the
 * frames, the per-neuron g from gsyn_<var>.h5; *scale: the largest such current. */
static double kirchhoff(const char *dir, const char *proj, const char *gvar, double erev,
                        const double *v, size_t frames, double *scale)
{
  char name[256];
  size_t n, np, nn, ng;
  snprintf(name, sizeof name, "/report/%s/data", proj);
  double *cur = rd(dir, "current", name, &n);
  snprintf(name, sizeof name, "/report/%s/mapping/index_pointers", proj);
  double *ptr = rd(dir, "current", name, &np);
  snprintf(name, sizeof name, "/report/%s/mapping/node_ids", proj);
  double *node = rd(dir, "current", name, &nn);
  double *g = rd(dir, gvar, "/report/ltc/data", &ng);
  size_t cols = n / frames, e = 0;
  assert_int_equal(np, nn + 1);
  assert_int_equal(ng, 2 * frames);
  double err = 0;
  for (size_t f = 0; f < frames; f++)
    for (size_t q = 0; q < nn; q++) {
      size_t j = (size_t)node[q];
      double sum = 0;
      for (size_t col = (size_t)ptr[q]; col < (size_t)ptr[q + 1]; col++)
        sum += cur[f * cols + col];
      double want = g[f * 2 + j] * (erev - v[f * 2 + j]);
      err = fmax(err, fabs(sum - want));
      *scale = fmax(*scale, fabs(want));
      e++;
    }
  assert_true(e > 0);
  free(cur), free(ptr), free(node), free(g);
  return err;
}

static void t_coupling_currents(void **s)
{
  (void)s;
  const char *methods[] = {"rk8pd", "fused"};
  for (int m = 0; m < 2; m++) {
    char *dir = tmpdir();
    cur_run a, b;
    current_run(methods[m], dir, 1, &a);
    size_t nv, npv, n;
    double *v = rd(dir, "v", "/report/ltc/data", &nv), *vp = rd(dir, "v", "/report/pre/data", &npv);
    size_t frames = nv / 2;
    assert_int_equal(frames, 40);
    /* every synapse of a neuron together: its conductance times the driving force */
    double scale = 0, ee = kirchhoff(dir, ember_projection_label(a.pe), "gsyn_exc", 1.0, v, frames, &scale);
    double ei = kirchhoff(dir, ember_projection_label(a.pi), "gsyn_inh", -1.0, v, frames, &scale);
    print_message("%s: sum of recorded synapse currents vs gsyn (e_rev - v): max diff %.3g (exc), "
                  "%.3g (inh); currents up to %.3g\n", methods[m], ee, ei, scale);
    assert_true(ee <= 1e-6 && ei <= 1e-6 && scale > 0.1);
    /* columns: by postsynaptic neuron, element = synapse index in the projection */
    char name[256];
    snprintf(name, sizeof name, "/report/%s/mapping/element_ids", ember_projection_label(a.pe));
    double *el = rd(dir, "current", name, &n);
    assert_int_equal(n, 6);
    size_t k1 = 99;   /* synapse source 0 -> neuron 1 */
    for (size_t col = 0; col < 6; col++) {
      uint32_t pre, post;
      double w;
      assert_int_equal(ember_projection_get(a.pe, (size_t)el[col], &pre, &post, &w, NULL), EMBER_OK);
      assert_int_equal(post, col / 3);
      if (pre == 0 && post == 1)
        k1 = col;
    }
    assert_true(k1 < 6);
    snprintf(name, sizeof name, "/report/%s/data", ember_projection_label(a.pe));
    double *ce = rd(dir, "current", name, &n);
    snprintf(name, sizeof name, "/report/%s/data", ember_projection_label(a.ps));
    double *cs = rd(dir, "current", name, &n);
    assert_int_equal(n, frames);   /* one synapse recorded */
    uint32_t pre, post;
    double w1, e1 = 0, es = 0;
    assert_int_equal(ember_projection_get(a.pe, (size_t)el[k1], &pre, &post, &w1, NULL), EMBER_OK);
    for (size_t f = 0; f < frames; f++) {
      double t = f * frame, ta = floor(t / h_int) * h_int;
      /* the sigmoid synapse: w sigma(s (v_pre(ta) - mu)) (e_rev_E - v) */
      double want = sig_w * sig(sig_s * (vp[(size_t)(ta / frame)] - sig_m)) * (1.0 - v[f * 2 + 1]);
      es = fmax(es, fabs(cs[f] - want));
      /* one spike (source 0 at 1.3 ms, delay 1): w exp(-(t - 2.3) / tau_syn_E) (1 - v) */
      double g = t >= 2.3 ? w1 * exp(-(t - 2.3) / 5.0) : 0.0;
      if (m == 0)
        e1 = fmax(e1, fabs(ce[f * 6 + k1] - g * (1.0 - v[f * 2 + 1])));
    }
    print_message("%s: sigmoid synapse vs w sigma(s (v_pre(ta) - mu)) (1 - v): %.3g%s", methods[m], es,
                  m ? "\n" : "");
    if (m == 0)
      print_message("; synapse 0 -> 1 vs w exp(-(t - 2.3)/5) (1 - v): %.3g\n", e1);
    assert_true(es <= 1e-6 && e1 <= 1e-6);
    /* recording the currents leaves the trajectory alone */
    char *dir2 = strdup(dir);
    char *d2 = tmpdir();
    current_run(methods[m], d2, 0, &b);
    assert_memory_equal(a.v, b.v, sizeof a.v);
    ember_network_free(a.net);
    ember_network_free(b.net);
    char cmd[256];
    snprintf(cmd, sizeof cmd, "rm -rf '%s' '%s'", dir2, d2);
    assert_int_equal(system(cmd), 0);
    free(dir2), free(v), free(vp), free(el), free(ce), free(cs);
  }
}

/* What cannot be recorded as coupling currents. */
static void t_coupling_currents_refused(void **s)
{
  (void)s;
  ember_network *net = ember_network_new(1);
  ember_population *ltc, *lif, *src;
  assert_ok(net, ember_ltc_population_new(net, "ltc", resting(0.1), &ltc));
  assert_ok(net, ember_population_new(net, "lif", 2, "lif_curr_exp", &lif));
  assert_ok(net, ember_source_population_new(net, "src", 2, "poisson", &src));
  ember_connector all = {.kind = EMBER_CONN_ALL_TO_ALL, .allow_autapses = 1};
  ember_dist w = dist_const(0.5), d = dist_const(1);
  ember_projection *sl, *gl, *sc;
  assert_ok(net, ember_projection_new(net, src, lif, &all, &w, &d, "excitatory", &sl));
  assert_ok(net, ember_projection_new(net, ltc, lif, &all, &w, &d, NULL, &gl));
  assert_ok(net, ember_projection_new(net, src, ltc, &all, &w, &d, "excitatory", &sc));
  assert_int_equal(ember_projection_record_currents(sl, 1, NULL, 0), EMBER_ERR_INVALID);
  assert_non_null(strstr(ember_network_error(net), "does not end in an LTC population"));
  assert_int_equal(ember_projection_record_currents(gl, 1, NULL, 0), EMBER_ERR_INVALID);
  size_t bad = 2;
  assert_int_equal(ember_projection_record_currents(sc, 1, &bad, 1), EMBER_ERR_INVALID);
  assert_non_null(strstr(ember_network_error(net), "synapse 2 is out of range"));
  assert_int_equal(ember_projection_record_currents(sc, 0, NULL, 0), EMBER_ERR_INVALID);
  assert_ok(net, ember_projection_record_currents(sc, 1, NULL, 0));
  assert_int_equal(ember_projection_record_currents(sc, 1, NULL, 0), EMBER_ERR_INVALID);
  assert_non_null(strstr(ember_network_error(net), "already recorded"));
  assert_int_equal(ember_population_record(ltc, "current", 1, NULL, 0), EMBER_ERR_INVALID);
  assert_non_null(strstr(ember_network_error(net), "record it on the projection"));
  double g[1];
  assert_int_equal(ember_population_get(ltc, "current", g), EMBER_ERR_INVALID);
  assert_ok(net, ember_network_run(net, 2.0));   /* recorded without an output directory */
  ember_network_free(net);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(t_plastic_eta0_same_bits),
    cmocka_unit_test(t_plastic_coupled_threads),
    cmocka_unit_test(t_plastic_spikes_vs_reference),
    cmocka_unit_test(t_coupling_currents),
    cmocka_unit_test(t_coupling_currents_refused),
    cmocka_unit_test(t_plastic_big_threads),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
