/* Tests of LTC circuits as network populations: ncps agreement through the
 * network path (series -> population, regular and irregular steps), spikes into
 * LTC neurons against an independent rk8pd integration, graded currents into a
 * LIF against its closed form, 1 vs 2 threads, files, bad input. */
#include <hdf5.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_odeiv2.h>
#include "helpers.h"
#include "ltc_helpers.h"
#include "ember/plasticity.h"



/* ---------------------------------------------------------------- helpers --- */



/* An ncps reference file: circuit (solver and h0 set), series and reference. */
typedef struct ref {
  ember_ltc *c;
  size_t N, K, M, T;
  double *x, *ts, *h0, *yo, *vs;
} ref;

static void ref_load(const char *file, ref *r)
{
  char path[1024];
  snprintf(path, sizeof path, "%s/%s", LTC_DATA_DIR, file);
  r->c = ember_ltc_new();
  assert_ltc(r->c, ember_ltc_load(r->c, path));
  r->N = ember_ltc_units(r->c);
  r->K = ember_ltc_inputs(r->c);
  r->M = ember_ltc_outputs(r->c);
  size_t nx, nh, no, ns;
  r->x = h5_read(path, "ref/inputs", &nx);
  r->ts = h5_read(path, "ref/timespans", &r->T);
  r->h0 = h5_read(path, "ref/h0", &nh);
  r->yo = h5_read(path, "ref/outputs", &no);
  r->vs = h5_read(path, "ref/states", &ns);
  assert_int_equal(nx, r->T * r->K);
  assert_int_equal(ns, r->T * r->N);
  ember_ltc_solver_opts o = ember_ltc_solver_defaults();
  o.ode_unfolds = (int)h5_attr(path, "ref", "ode_unfolds");
  o.epsilon = h5_attr(path, "ref", "epsilon");
  assert_ltc(r->c, ember_ltc_set_solver(r->c, &o));
  assert_ltc(r->c, ember_ltc_reset(r->c, r->h0));
}

static void ref_free(ref *r)
{
  free(r->x), free(r->ts), free(r->h0), free(r->yo), free(r->vs);
}

/* The series of r as time stamps: cumulative elapsed times (ms). */
static ember_series *ref_series(ember_network *net, const ref *r)
{
  double *t = malloc(r->T * sizeof *t), s = 0;
  for (size_t k = 0; k < r->T; k++) {
    t[k] = s;
    s += r->ts[k];
  }
  ember_series *ser;
  assert_ok(net, ember_series_new(net, r->K, r->T, r->x, t, s, &ser));
  free(t);
  return ser;
}

/* A one-thread network holding reference r's circuit as population "ltc", fed
 * r's input series. */
static ember_network *ref_net(const ref *r, ember_population **pop)
{
  ember_network *net = ember_network_new(1);
  assert_ok(net, ember_ltc_population_new(net, "ltc", r->c, pop));
  assert_ok(net, ember_series_feed(ref_series(net, r), *pop));
  return net;
}

/* ncps' steps through the network: one ember_network_run per elapsed time, the
 * state compared after each. */
static void check_network_ncps(const char *file)
{
  ref r;
  ref_load(file, &r);
  ember_network *net = ember_network_new(1);
  assert_ok(net, ember_network_set_min_delay(net, 1000.0));   /* intervals never split a step */
  ember_population *pop;
  assert_ok(net, ember_ltc_population_new(net, "ltc", r.c, &pop));
  assert_ok(net, ember_series_feed(ref_series(net, &r), pop));
  double *v = malloc(r.N * sizeof *v), *y = malloc(r.N * sizeof *y), ev = 0, eo = 0;
  for (size_t k = 0; k < r.T; k++) {
    assert_ok(net, ember_network_run(net, r.ts[k]));
    assert_ok(net, ember_population_get(pop, "v", v));
    assert_ok(net, ember_population_get(pop, "output", y));
    for (size_t j = 0; j < r.N; j++)
      ev = fmax(ev, fabs(v[j] - r.vs[k * r.N + j]));
    for (size_t j = 0; j < r.M; j++)
      eo = fmax(eo, fabs(y[j] - r.yo[k * r.M + j]));
  }
  print_message("%s through the network: max |v - ncps| = %.3g, max |output - ncps| = %.3g\n", file,
                ev, eo);
  assert_true(ev <= 1e-10);
  assert_true(eo <= 1e-10);
  free(v), free(y);
  ref_free(&r);
  ember_network_free(net);
}

static void t_ncps_regular(void **s) { (void)s; check_network_ncps("autoncp19.h5"); check_network_ncps("fc8.h5"); }
static void t_ncps_irregular(void **s) { (void)s; check_network_ncps("fc8_irregular.h5"); check_network_ncps("ncp12.h5"); }

/* Regular steps of 1 ms with the default interval (1 ms) in one run of T ms,
 * recording v every ms: the frames are ncps' states (frame k + 1 = after step k). */
static void t_ncps_one_run_recorded(void **s)
{
  (void)s;
  ref r;
  ref_load("autoncp19.h5", &r);
  ember_population *pop;
  ember_network *net = ref_net(&r, &pop);
  assert_ok(net, ember_population_record(pop, "v", 1.0, NULL, 0));
  char *dir = ltc_tmpdir("ltcpop");
  assert_ok(net, ember_network_set_output(net, dir));
  assert_ok(net, ember_network_run(net, (double)r.T + 0.5));
  assert_ok(net, ember_network_close_output(net));
  ember_output *o;
  char msg[256];
  assert_int_equal(ember_output_open(dir, &o, msg, sizeof msg), EMBER_OK);
  ember_report_info ri;
  assert_int_equal(ember_output_report_count(o), 1);
  assert_int_equal(ember_output_report_info(o, 0, &ri), EMBER_OK);
  assert_string_equal(ri.variable, "v");
  assert_string_equal(ri.population, "ltc");
  assert_string_equal(ri.units, "mV");
  assert_int_equal(ri.n_nodes, r.N);
  assert_int_equal(ri.n_frames, r.T + 1);
  float *f = malloc((r.T + 1) * r.N * sizeof *f);
  assert_int_equal(ember_output_read_report(o, 0, 0, r.T + 1, f, NULL), EMBER_OK);
  double e = 0;
  for (size_t j = 0; j < r.N; j++)
    e = fmax(e, fabs(f[j] - r.h0[j]));
  for (size_t k = 0; k < r.T; k++)
    for (size_t j = 0; j < r.N; j++)
      e = fmax(e, fabs(f[(k + 1) * r.N + j] - r.vs[k * r.N + j]) / fmax(1, fabs(r.vs[k * r.N + j])));
  print_message("one run of %zu ms, v recorded every ms (float32): max |v - ncps| = %.3g\n", r.T, e);
  assert_true(e <= 1e-6);   /* the file holds float32 */
  /* the circuit file of contract A, read back with the LTC loader */
  char path[1200];
  snprintf(path, sizeof path, "%s/circuits/ltc.h5", dir);
  ember_ltc *back = ember_ltc_new();
  assert_ltc(back, ember_ltc_load(back, path));
  assert_int_equal(ember_ltc_units(back), r.N);
  assert_int_equal(ember_ltc_synapse_count(back), ember_ltc_synapse_count(r.c));
  ember_ltc_free(back);
  free(f);
  ember_output_free(o);
  ref_free(&r);
  ember_network_free(net);
  ltc_rmdir(dir);
}

/* ----------------------------------------------------- spikes -> LTC --- */

/* One LTC neuron, no synapses, no sensory drive: cm v' = gleak (vleak - v) +
 * ge(t) (E_e - v) + gi(t) (E_i - v), with ge, gi jumping at the arrivals and
 * decaying exponentially. */
typedef struct one {
  double cm, gleak, vleak, ee, ei, te, ti;
  double tae, we, tai, wi;   /* arrival times and weights */
} one;

static int one_rhs(double t, const double *y, double *f, void *pp)
{
  const one *p = pp;
  double ge = t >= p->tae ? p->we * exp(-(t - p->tae) / p->te) : 0;
  double gi = t >= p->tai ? p->wi * exp(-(t - p->tai) / p->ti) : 0;
  f[0] = (p->gleak * (p->vleak - y[0]) + ge * (p->ee - y[0]) + gi * (p->ei - y[0])) / p->cm;
  return GSL_SUCCESS;
}

/* Independent solution at times tq[0..n) (ascending), integrated piecewise
 * between the jumps with rk8pd at 1e-12. */
static void one_reference(one *p, double v0, const double *tq, size_t n, double *out)
{
  gsl_odeiv2_system sys = {one_rhs, NULL, 1, p};
  gsl_odeiv2_driver *d = gsl_odeiv2_driver_alloc_y_new(&sys, gsl_odeiv2_step_rk8pd, 1e-3, 1e-12, 1e-12);
  double t = 0, y = v0;
  const double jumps[2] = {p->tae, p->tai};
  for (size_t q = 0; q < n; q++) {
    for (int j = 0; j < 2; j++)
      if (jumps[j] > t && jumps[j] < tq[q]) {
        assert_int_equal(gsl_odeiv2_driver_apply(d, &t, jumps[j], &y), GSL_SUCCESS);
        gsl_odeiv2_driver_reset(d);
      }
    assert_int_equal(gsl_odeiv2_driver_apply(d, &t, tq[q], &y), GSL_SUCCESS);
    out[q] = y;
  }
  gsl_odeiv2_driver_free(d);
}

/* A one-neuron circuit without synapses or sensory drive. */
static ember_ltc *lone_neuron(one *p, const char *method, double tol)
{
  ember_ltc_wiring_spec spec = {.kind = EMBER_LTC_FULLY_CONNECTED, .units = 1, .outputs = 1,
                                .inputs = 1, .no_self_connections = 1};
  ember_ltc *c = ember_ltc_new();
  assert_ltc(c, ember_ltc_build(c, &spec, 3, 0));
  double z = 0;
  assert_ltc(c, ember_ltc_set_param(c, "sensory_w", &z));
  ember_ltc_get_param(c, "cm", &p->cm);
  ember_ltc_get_param(c, "gleak", &p->gleak);
  ember_ltc_get_param(c, "vleak", &p->vleak);
  ember_ltc_solver_opts o = ember_ltc_solver_defaults();
  o.method = method;
  o.abstol = o.reltol = tol;
  o.epsilon = 0;
  assert_ltc(c, ember_ltc_set_solver(c, &o));
  return c;
}

static void t_spikes_into_ltc(void **s)
{
  (void)s;
  one p = {.ee = 1.0, .ei = -1.0, .te = 5.0, .ti = 2.0, .we = 0.75, .wi = 1.5};   /* weights exact in float32 */
  ember_network *net = ember_network_new(5);
  ember_population *pop, *src;
  assert_ok(net, ember_ltc_population_new(net, "ltc", lone_neuron(&p, "rk8pd", 1e-12), &pop));
  set_p(pop, "tau_syn_I", p.ti);   /* tau_syn_E and the reversal potentials at their defaults */
  assert_ok(net, ember_source_population_new(net, "src", 2, "spike_array", &src));
  double t1 = 2.3, t2 = 6.15;
  assert_ok(net, ember_population_set_spike_times(src, 0, &t1, 1));
  assert_ok(net, ember_population_set_spike_times(src, 1, &t2, 1));
  ember_connection ce = {0, 0, p.we, 1.0}, ci = {1, 0, p.wi, 1.0};
  ember_connector le = {.kind = EMBER_CONN_FROM_LIST, .n = 1, .list = &ce, .allow_autapses = 1};
  ember_connector li = {.kind = EMBER_CONN_FROM_LIST, .n = 1, .list = &ci, .allow_autapses = 1};
  ember_dist w = dist_const(0), d = dist_const(1.0);
  ember_projection *pe, *pi;
  assert_ok(net, ember_projection_new(net, src, pop, &le, &w, &d, "excitatory", &pe));
  assert_ok(net, ember_projection_new(net, src, pop, &li, &w, &d, "inhibitory", &pi));
  p.tae = t1 + 1.0;
  p.tai = t2 + 1.0;
  double v0 = 0.3;
  assert_ok(net, ember_population_set_state_array(pop, "v", &v0, NULL, 1));
  double tq[20], ref[20], err = 0;
  for (int q = 0; q < 20; q++)
    tq[q] = 0.7 * (q + 1);
  one_reference(&p, v0, tq, 20, ref);
  for (int q = 0; q < 20; q++) {
    assert_ok(net, ember_network_run(net, tq[q] - ember_network_time(net)));
    double v = get1(pop, "v", 0);
    err = fmax(err, fabs(v - ref[q]));
    if (q == 5)   /* just after the excitatory arrival: ge = w exp(-(t - ta)/tau) */
      assert_close(get1(pop, "gsyn_exc", 0), p.we * exp(-(tq[q] - p.tae) / p.te), 1e-14);
  }
  print_message("spikes into an LTC neuron: max |v - rk8pd reference| = %.3g\n", err);
  assert_true(err <= 1e-9);
  assert_true(ref[19] < ref[8]);   /* the inhibitory spike pulled v down */
  ember_network_free(net);
}

/* The fused solver converges to the same solution at first order. */
static void t_spikes_into_ltc_fused(void **s)
{
  (void)s;
  one p = {.ee = 1.0, .ei = -1.0, .te = 5.0, .ti = 5.0, .we = 0.8, .wi = 0, .tai = 1e9};
  double tq = 10.0, ref, prev = INFINITY;
  for (int u = 4; u <= 64; u *= 4) {
    ember_network *net = ember_network_new(5);
    ember_population *pop, *src;
    ember_ltc *c = lone_neuron(&p, "fused", 1e-8);
    ember_ltc_solver_opts o = ember_ltc_solver_defaults();
    o.ode_unfolds = u;
    o.epsilon = 0;
    assert_ltc(c, ember_ltc_set_solver(c, &o));
    assert_ok(net, ember_ltc_population_new(net, "ltc", c, &pop));
    assert_ok(net, ember_source_population_new(net, "src", 1, "spike_array", &src));
    double ts = 2.3;
    assert_ok(net, ember_population_set_spike_times(src, 0, &ts, 1));
    ember_connector all = {.kind = EMBER_CONN_ALL_TO_ALL, .allow_autapses = 1};
    ember_dist w = dist_const(p.we), d = dist_const(1.0);
    ember_projection *pj;
    assert_ok(net, ember_projection_new(net, src, pop, &all, &w, &d, "excitatory", &pj));
    p.tae = 3.3;
    one_reference(&p, 0.0, &tq, 1, &ref);
    assert_ok(net, ember_network_run(net, tq));
    double e = fabs(get1(pop, "v", 0) - ref);
    print_message("fused, %2d unfolds per ms: |v - reference| = %.3g (ratio %.2f)\n", u, e, prev / e);
    if (u > 4)
      assert_true(prev / e > 3.0 && prev / e < 5.0);   /* first order: 4x the unfolds, 1/4 the error */
    prev = e;
    ember_network_free(net);
  }
}

/* ----------------------------------------------------- LTC -> spiking --- */

/* LIF neurons (lif_curr_exp, exact solver) driven by w x (the LTC value at each
 * interval's start), held over the interval: V_{k+1} = V_inf + (V_k - V_inf)
 * exp(-h / tau_m), V_inf = v_rest + R I_k, R = tau_m / cm. The value is the
 * readout y = output_w v + output_b for motor neuron 0 and v for neuron 1. */
static void t_graded_into_lif(void **s)
{
  (void)s;
  ember_ltc_wiring_spec spec = {.kind = EMBER_LTC_FULLY_CONNECTED, .units = 2, .outputs = 1,
                                .inputs = 1, .no_self_connections = 1};
  ember_ltc *c = ember_ltc_new();
  assert_ltc(c, ember_ltc_build(c, &spec, 3, 0));
  double zero[4] = {0}, ow = 2.0, ob = 0.5;
  assert_ltc(c, ember_ltc_set_param(c, "w", zero));
  assert_ltc(c, ember_ltc_set_param(c, "sensory_w", zero));
  assert_ltc(c, ember_ltc_set_param(c, "output_w", &ow));
  assert_ltc(c, ember_ltc_set_param(c, "output_b", &ob));
  ember_ltc_solver_opts o = ember_ltc_solver_defaults();
  o.method = "rk8pd";
  assert_ltc(c, ember_ltc_set_solver(c, &o));
  ember_network *net = ember_network_new(2);
  ember_population *ltc, *lif;
  assert_ok(net, ember_ltc_population_new(net, "ltc", c, &ltc));
  assert_ok(net, ember_population_new(net, "lif", 2, "lif_curr_exp", &lif));
  set_p(lif, "v_thresh", 1000.0);
  set_p(lif, "tau_m", 10.0);
  set_p(lif, "cm", 0.5);
  double h = 0.25, w = 3.0, v0[2] = {0.9, -0.7};
  assert_ok(net, ember_network_set_min_delay(net, h));
  assert_ok(net, ember_population_set_state_array(ltc, "v", v0, NULL, 2));
  ember_connection rows[2] = {{0, 0, NAN, NAN}, {1, 1, NAN, NAN}};
  ember_connector list = {.kind = EMBER_CONN_FROM_LIST, .n = 2, .list = rows, .allow_autapses = 1};
  ember_dist wd = dist_const(w), dd = dist_const(h);
  ember_projection *pj;
  assert_ok(net, ember_projection_new(net, ltc, lif, &list, &wd, &dd, NULL, &pj));
  double V[2] = {-65.0, -65.0}, err = 0, R = 10.0 / 0.5;
  for (int k = 0; k < 80; k++) {
    double v[2];
    assert_ok(net, ember_population_get(ltc, "v", v));
    double val[2] = {ow * v[0] + ob, v[1]};
    assert_close(get1(ltc, "output", 0), val[0], 1e-15);
    assert_ok(net, ember_network_run(net, h));
    for (int i = 0; i < 2; i++) {
      double vinf = -65.0 + R * w * val[i];
      V[i] = vinf + (V[i] - vinf) * exp(-h / 10.0);
      err = fmax(err, fabs(get1(lif, "v", i) - V[i]));
    }
  }
  print_message("graded currents into LIF neurons: max |v - closed form| = %.3g mV (V = %.4f, %.4f)\n",
                err, V[0], V[1]);
  assert_true(err <= 1e-9);
  assert_true(fabs(V[0] + 65.0) > 1.0 && fabs(V[1] + 65.0) > 1.0);   /* the currents did drive them */
  ember_network_free(net);
}

/* ------------------------------------------------------------- recording --- */

/* Reads report `var` of an output directory: frames x nodes floats. */
static float *read_report(const char *dir, const char *var, size_t *frames, size_t *nodes)
{
  ember_output *o;
  char msg[256];
  assert_int_equal(ember_output_open(dir, &o, msg, sizeof msg), EMBER_OK);
  for (size_t r = 0; r < ember_output_report_count(o); r++) {
    ember_report_info ri;
    assert_int_equal(ember_output_report_info(o, r, &ri), EMBER_OK);
    if (strcmp(ri.variable, var) != 0)
      continue;
    float *f = malloc(ri.n_frames * ri.n_nodes * sizeof *f);
    assert_int_equal(ember_output_read_report(o, r, 0, ri.n_frames, f, NULL), EMBER_OK);
    *frames = ri.n_frames;
    *nodes = ri.n_nodes;
    ember_output_free(o);
    return f;
  }
  fail_msg("no report '%s'", var);
  return NULL;
}

/* Fused: recording between the steps does not change the trajectory (the
 * frames interpolate v linearly within a sub-step), and the output report holds
 * the motor neurons only. */
static void t_recording_leaves_fused_alone(void **s)
{
  (void)s;
  ref r;
  ref_load("autoncp19.h5", &r);
  ember_population *pop;
  ember_network *net = ref_net(&r, &pop);
  assert_ok(net, ember_population_record(pop, "v", 0.25, NULL, 0));
  assert_ok(net, ember_population_record(pop, "output", 0.5, NULL, 0));
  assert_ok(net, ember_population_record(pop, "tau", 1.0, NULL, 0));
  char *dir = ltc_tmpdir("ltcpop");
  assert_ok(net, ember_network_set_output(net, dir));
  assert_ok(net, ember_network_run(net, (double)r.T));
  double v[19];
  assert_ok(net, ember_population_get(pop, "v", v));
  for (size_t j = 0; j < r.N; j++)   /* bit for bit what ncps' fused steps give */
    assert_close(v[j], r.vs[(r.T - 1) * r.N + j], 1e-15);
  assert_ok(net, ember_network_close_output(net));
  size_t nf, nn;
  float *f = read_report(dir, "v", &nf, &nn);
  assert_int_equal(nf, 4 * r.T);
  assert_int_equal(nn, r.N);
  double e = 0;
  for (size_t k = 1; k < r.T; k++)   /* frame 4k: t = k ms, after ncps' step k - 1 */
    for (size_t j = 0; j < r.N; j++)
      e = fmax(e, fabs(f[4 * k * r.N + j] - r.vs[(k - 1) * r.N + j]));
  print_message("fused, v recorded every 0.25 ms: max |frame at k ms - ncps step k| = %.3g\n", e);
  assert_true(e <= 1e-6);
  free(f);
  float *y = read_report(dir, "output", &nf, &nn);
  assert_int_equal(nn, r.M);
  assert_int_equal(nf, 2 * r.T);
  free(y);
  ref_free(&r);
  ember_network_free(net);
  ltc_rmdir(dir);
}

/* GSL: frames are exact points of the solution (the integration stops there),
 * across a spike's jump too. */
static void t_recording_gsl(void **s)
{
  (void)s;
  one p = {.ee = 1.0, .ei = -1.0, .te = 5.0, .ti = 5.0, .we = 0.75, .tae = 3.3, .tai = 1e9};
  ember_network *net = ember_network_new(5);
  ember_population *pop, *src;
  assert_ok(net, ember_ltc_population_new(net, "ltc", lone_neuron(&p, "rk8pd", 1e-12), &pop));
  assert_ok(net, ember_source_population_new(net, "src", 1, "spike_array", &src));
  double ts = 2.3, v0 = 0.3;
  assert_ok(net, ember_population_set_spike_times(src, 0, &ts, 1));
  ember_connector all = {.kind = EMBER_CONN_ALL_TO_ALL, .allow_autapses = 1};
  ember_dist w = dist_const(p.we), d = dist_const(1.0);
  ember_projection *pj;
  assert_ok(net, ember_projection_new(net, src, pop, &all, &w, &d, "excitatory", &pj));
  assert_ok(net, ember_population_set_state_array(pop, "v", &v0, NULL, 1));
  assert_ok(net, ember_population_record(pop, "v", 0.3, NULL, 0));
  assert_ok(net, ember_population_record(pop, "gsyn_exc", 0.3, NULL, 0));
  char *dir = ltc_tmpdir("ltcpop");
  assert_ok(net, ember_network_set_output(net, dir));
  assert_ok(net, ember_network_run(net, 9.0));
  assert_ok(net, ember_network_close_output(net));
  size_t nf, nn;
  float *f = read_report(dir, "v", &nf, &nn), *g = read_report(dir, "gsyn_exc", &nf, &nn);
  assert_int_equal(nf, 30);
  double tq[30], ref[30], e = 0;
  for (int k = 0; k < 30; k++)
    tq[k] = 0.3 * k;
  one_reference(&p, v0, tq + 1, 29, ref + 1);
  ref[0] = v0;
  for (int k = 0; k < 30; k++) {
    e = fmax(e, fabs(f[k] - ref[k]));
    double ge = tq[k] >= p.tae ? p.we * exp(-(tq[k] - p.tae) / p.te) : 0;
    assert_close(g[k], ge, 1e-7);
  }
  print_message("rk8pd, v recorded every 0.3 ms across a spike: max |frame - reference| = %.3g\n", e);
  assert_true(e <= 1e-7);
  free(f);
  free(g);
  ember_network_free(net);
  ltc_rmdir(dir);
}

/* -------------------------------------------------------------- threads --- */

/* A mixed network (Poisson -> LTC of 10 000 neurons, so that the circuit's
 * OpenMP path runs -> LIF) gives the same bits with 1 and 2 threads. */
static void run_mixed(int threads, const char *method, double *v_ltc, double *v_lif)
{
  ember_ltc_wiring_spec spec = {.kind = EMBER_LTC_RANDOM, .units = 10000, .outputs = 4, .inputs = 3,
                                .sparsity = 0.9995};
  ember_ltc *c = ember_ltc_new();
  assert_ltc(c, ember_ltc_build(c, &spec, 17, 0));
  ember_ltc_solver_opts o = ember_ltc_solver_defaults();
  o.method = method;
  o.abstol = o.reltol = 1e-6;
  assert_ltc(c, ember_ltc_set_solver(c, &o));
  ember_network *net = ember_network_new(9);
  assert_ok(net, ember_network_set_threads(net, threads));
  ember_population *ltc, *noise, *lif;
  assert_ok(net, ember_ltc_population_new(net, "ltc", c, &ltc));
  assert_ok(net, ember_source_population_new(net, "noise", 50, "poisson", &noise));
  set_p(noise, "rate", 200.0);
  assert_ok(net, ember_population_new(net, "lif", 20, "lif_curr_exp", &lif));
  ember_connector pc = {.kind = EMBER_CONN_FIXED_PROBABILITY, .p = 0.01, .allow_autapses = 1};
  ember_dist w = {EMBER_DIST_UNIFORM, 0.1, 0.5}, d = dist_const(0.5), wg = {EMBER_DIST_NORMAL, 0, 2};
  ember_projection *p1, *p2;
  assert_ok(net, ember_projection_new(net, noise, ltc, &pc, &w, &d, "excitatory", &p1));
  ember_connector fc = {.kind = EMBER_CONN_FIXED_NUMBER_PRE, .n = 50, .allow_autapses = 1};
  assert_ok(net, ember_projection_new(net, ltc, lif, &fc, &wg, &d, NULL, &p2));
  double t[3] = {0, 3, 7}, x[9] = {0.1, -0.4, 0.9, 0.5, 0.5, -1, -0.2, 0.3, 0.0};
  ember_series *ser;
  assert_ok(net, ember_series_new(net, 3, 3, x, t, 10, &ser));
  assert_ok(net, ember_series_feed(ser, ltc));
  assert_ok(net, ember_network_run(net, 10.0));
  assert_ok(net, ember_population_get(ltc, "v", v_ltc));
  assert_ok(net, ember_population_get(lif, "v", v_lif));
  ember_network_free(net);
}

static void t_threads_identical(void **s)
{
  (void)s;
  const char *methods[] = {"fused", "rkf45"};
  double *a = malloc(10000 * sizeof *a), *b = malloc(10000 * sizeof *b), la[20], lb[20];
  for (int m = 0; m < 2; m++) {
    run_mixed(1, methods[m], a, la);
    run_mixed(2, methods[m], b, lb);
    assert_memory_equal(a, b, 10000 * sizeof *a);
    assert_memory_equal(la, lb, sizeof la);
    double spread = 0;
    for (int i = 0; i < 20; i++)
      spread = fmax(spread, fabs(la[i] - la[0]));
    assert_true(spread > 0);   /* the graded currents differ between LIF neurons */
  }
  free(a);
  free(b);
}

/* ------------------------------------------------------------ bad input --- */

static void t_bad_input(void **s)
{
  (void)s;
  ember_network *net = ember_network_new(1);
  one p;
  ember_population *ltc, *lif;
  assert_ok(net, ember_ltc_population_new(net, "ltc", lone_neuron(&p, "fused", 1e-8), &ltc));
  assert_ok(net, ember_population_new(net, "lif", 2, "lif_curr_exp", &lif));
  ember_series *ser;
  double t2[2] = {0, 0}, x2[4] = {1, 2, 3, 4}, t1[2] = {0, 1};
  assert_int_equal(ember_series_new(net, 1, 2, x2, t2, INFINITY, &ser), EMBER_ERR_INVALID);
  assert_non_null(strstr(ember_network_error(net), "times must increase"));
  assert_ok(net, ember_series_new(net, 2, 2, x2, t1, INFINITY, &ser));
  assert_int_equal(ember_series_feed(ser, ltc), EMBER_ERR_INVALID);
  assert_non_null(strstr(ember_network_error(net), "2 channels but LTC population 'ltc' has 1 input"));
  assert_int_equal(ember_series_feed(ser, lif), EMBER_ERR_INVALID);
  assert_int_equal(ember_population_record(ltc, "spikes", 0, NULL, 0), EMBER_ERR_INVALID);
  uint32_t id = 1;
  assert_int_equal(ember_population_record(ltc, "output", 1, &id, 1), EMBER_ERR_INVALID);
  ember_connector all = {.kind = EMBER_CONN_ALL_TO_ALL, .allow_autapses = 1};
  ember_dist w = dist_const(-1), d = dist_const(1);
  ember_projection *pj;
  assert_int_equal(ember_projection_new(net, ltc, ltc, &all, &w, &d, NULL, &pj), EMBER_ERR_INVALID);
  assert_int_equal(ember_projection_new(net, lif, ltc, &all, &w, &d, "excitatory", &pj),
                   EMBER_ERR_INVALID);   /* conductances are >= 0 */
  assert_ok(net, ember_projection_new(net, ltc, lif, &all, &w, &d, NULL, &pj));   /* graded: any sign */
  double nan = NAN;
  assert_int_equal(ember_population_set_state_array(ltc, "v", &nan, NULL, 1), EMBER_ERR_INVALID);
  assert_int_equal(ember_population_set_state_array(ltc, "tau", &nan, NULL, 1), EMBER_ERR_INVALID);
  double *vals;
  size_t n, k;
  char msg[256];
  assert_int_equal(ember_series_read_file("/nonexistent.csv", NULL, &vals, &n, &k, msg, sizeof msg),
                   EMBER_ERR_IO);
  char path[1024];
  snprintf(path, sizeof path, "%s/fc8.h5", LTC_DATA_DIR);
  assert_int_equal(ember_series_read_file(path, "ref/nope", &vals, &n, &k, msg, sizeof msg), EMBER_ERR_IO);
  assert_non_null(strstr(msg, "no dataset 'ref/nope'"));
  assert_ok(net, ember_series_read_file(path, "ref/inputs", &vals, &n, &k, msg, sizeof msg));
  assert_int_equal(n, 40);
  assert_int_equal(k, 3);
  free(vals);
  ember_network_free(net);
}


/* ---------------------------------------------------------- plasticity --- */

/* A plastic circuit (Oja on the sensory weights) runs the same through the
 * network as standalone: v and the learnt weights, bit for bit, fused and rkf45. */
static void t_plastic_network_equals_standalone(void **s)
{
  (void)s;
  const char *methods[] = {"fused", "rkf45"};
  enum { T = 50, K = 3 };
  double x[T * K], tt[T];
  for (int i = 0; i < T * K; i++)
    x[i] = sin(0.37 * i) + 0.5;
  for (int i = 0; i < T; i++)
    tt[i] = i;
  for (int m = 0; m < 2; m++) {
    ember_ltc *c[2];
    for (int q = 0; q < 2; q++) {
      ember_ltc_wiring_spec spec = {.kind = EMBER_LTC_AUTO_NCP, .units = 12, .outputs = 2, .inputs = K,
                                    .sparsity = 0.5};
      c[q] = ember_ltc_new();
      assert_ltc(c[q], ember_ltc_build(c[q], &spec, 21, 0));
      ember_ltc_solver_opts o = ember_ltc_solver_defaults();
      o.method = methods[m];
      o.abstol = o.reltol = 1e-7;
      assert_ltc(c[q], ember_ltc_set_solver(c[q], &o));
      const char *names[] = {"eta", "synapses"};
      double vals[] = {0.05, 1};
      assert_ltc(c[q], ember_ltc_set_plasticity(c[q], "oja", names, vals, 2));
    }
    size_t ns = ember_ltc_sensory_synapse_count(c[0]);
    double *w0 = malloc(ns * sizeof *w0), *wa = malloc(ns * sizeof *wa), *wb = malloc(ns * sizeof *wb);
    double va[12], vb[12];
    ember_ltc_get_weights(c[0], NULL, w0);
    assert_ltc(c[0], ember_ltc_run(c[0], x, NULL, T, NULL, NULL));
    ember_ltc_get_v(c[0], va);
    ember_ltc_get_weights(c[0], NULL, wa);
    ember_network *net = ember_network_new(1);
    ember_population *pop;
    ember_series *ser;
    assert_ok(net, ember_ltc_population_new(net, "ltc", c[1], &pop));
    assert_ok(net, ember_series_new(net, K, T, x, tt, T, &ser));
    assert_ok(net, ember_series_feed(ser, pop));
    assert_ok(net, ember_network_run(net, T));
    assert_ok(net, ember_population_get(pop, "v", vb));
    ember_ltc_get_weights(c[1], NULL, wb);
    assert_memory_equal(va, vb, sizeof va);
    assert_memory_equal(wa, wb, ns * sizeof *wa);
    double dw = 0;
    for (size_t k = 0; k < ns; k++)
      dw = fmax(dw, fabs(wb[k] - w0[k]));
    print_message("oja (%s) through the network: same bits as standalone; max |w - w0| = %.3g\n",
                  methods[m], dw);
    assert_true(dw > 1e-3);   /* the weights did learn */
    free(w0), free(wa), free(wb);
    ember_ltc_free(c[0]);
    ember_network_free(net);
  }
}

/* A plastic circuit with the fused solver: recording (frames every 0.25 ms,
 * inside the 1 ms samples) leaves v and the learnt weights alone, bit for bit,
 * as for a circuit without plasticity (t_recording_leaves_fused_alone). */
static void t_plastic_fused_recording(void **s)
{
  (void)s;
  enum { T = 20, K = 3 };
  double x[T * K], tt[T], v[2][12];
  for (int i = 0; i < T * K; i++)
    x[i] = sin(0.37 * i) + 0.5;
  for (int i = 0; i < T; i++)
    tt[i] = i;
  double *w[2];
  size_t ns = 0;
  for (int q = 0; q < 2; q++) {
    ember_ltc_wiring_spec spec = {.kind = EMBER_LTC_AUTO_NCP, .units = 12, .outputs = 2, .inputs = K,
                                  .sparsity = 0.5};
    ember_ltc *c = ember_ltc_new();
    assert_ltc(c, ember_ltc_build(c, &spec, 21, 0));
    const char *names[] = {"eta", "synapses"};
    double vals[] = {0.05, 1};
    assert_ltc(c, ember_ltc_set_plasticity(c, "oja", names, vals, 2));
    ember_network *net = ember_network_new(1);
    ember_population *pop;
    ember_series *ser;
    assert_ok(net, ember_ltc_population_new(net, "ltc", c, &pop));
    assert_ok(net, ember_series_new(net, K, T, x, tt, T, &ser));
    assert_ok(net, ember_series_feed(ser, pop));
    if (q == 1)
      assert_ok(net, ember_population_record(pop, "v", 0.25, NULL, 0));
    assert_ok(net, ember_network_run(net, T));
    assert_ok(net, ember_population_get(pop, "v", v[q]));
    ns = ember_ltc_sensory_synapse_count(c);
    w[q] = malloc(ns * sizeof *w[q]);
    ember_ltc_get_weights(c, NULL, w[q]);
    ember_network_free(net);
  }
  assert_memory_equal(v[0], v[1], sizeof v[0]);
  assert_memory_equal(w[0], w[1], ns * sizeof *w[0]);
  free(w[0]), free(w[1]);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(t_ncps_regular),
    cmocka_unit_test(t_ncps_irregular),
    cmocka_unit_test(t_ncps_one_run_recorded),
    cmocka_unit_test(t_spikes_into_ltc),
    cmocka_unit_test(t_spikes_into_ltc_fused),
    cmocka_unit_test(t_graded_into_lif),
    cmocka_unit_test(t_recording_leaves_fused_alone),
    cmocka_unit_test(t_recording_gsl),
    cmocka_unit_test(t_plastic_fused_recording),
    cmocka_unit_test(t_threads_identical),
    cmocka_unit_test(t_bad_input),
    cmocka_unit_test(t_plastic_network_equals_standalone),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
