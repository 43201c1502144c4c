/* The visualizer's circuit view, weight view and inspector inputs, offscreen:
 *  - an NCP circuit built with ember_ltc, saved with ember_ltc_save into
 *    DIR/circuits/ltc.h5, and a v report written with the SONATA writer whose
 *    frames make one excitatory synapse carry the largest (positive) current:
 *    nodes have the colour of their v at their layout position, that synapse is
 *    drawn in the positive colour, the inspector ranks it first with the
 *    current and tau computed by hand;
 *  - edges.h5 and weight.h5 written with HDF5 exactly as contract B says: known
 *    weights give known heatmap cell colours (and change with the frame), a
 *    large projection gives a histogram with the expected bar heights, and the
 *    inspector of a spiking neuron ranks the presynaptic spikes by drive. */
#define _GNU_SOURCE
#include <ftw.h>
#include <hdf5.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "helpers.h"
#include "sonata.h"
#include "ember/ltc.h"
#include "../viz/app.h"
#include "../viz/circuit.h"
#include "../viz/draw.h"
#include "../viz/inspect.h"
#include "../viz/weights.h"

static char g_ltc[256], g_w[256];

/* ------------------------------------------------------------ fixtures --- */

enum { N_FRAMES = 10, SET_FRAME = 5 };   /* frames 0..4: v = 0; 5..9: the set state */
static uint32_t g_src, g_dst;            /* the excitatory synapse made strongest */
static double g_v[64];                   /* the set state */

/* NCP: 2 inputs, 4 inter, 3 command, 2 motor; every synapse w = 0.5, sigma = 5,
 * mu = 0.5, so that with v_src = 1, v_dst = -1 and all other v = 0 the chosen
 * excitatory synapse carries 0.5 s(2.5) 2 = 0.924, more than any other. */
static int write_circuit(const char *dir)
{
  ember_ltc *c = ember_ltc_new();
  ember_ltc_wiring_spec sp = {.kind = EMBER_LTC_NCP, .inputs = 2, .outputs = 2, .inter = 4, .command = 3,
                              .sensory_fanout = 2, .inter_fanout = 2, .recurrent_command = 2, .motor_fanin = 2};
  if (ember_ltc_build(c, &sp, 7, 0))
    return -1;
  size_t n = ember_ltc_units(c);
  int8_t adj[64 * 64];
  double m[64 * 64];
  ember_ltc_adjacency(c, adj, NULL);
  const char *names[] = {"w", "sigma", "mu"};
  const double val[] = {0.5, 5.0, 0.5};
  for (int p = 0; p < 3; p++) {
    for (size_t k = 0; k < n * n; k++)
      m[k] = adj[k] ? val[p] : 0.0;
    if (ember_ltc_set_param(c, names[p], m))
      return -1;
  }
  g_src = g_dst = UINT32_MAX;
  for (size_t k = 0; k < ember_ltc_synapse_count(c) && g_src == UINT32_MAX; k++) {
    uint32_t s, d;
    int pol;
    ember_ltc_synapse(c, k, &s, &d, &pol);
    if (pol > 0 && ember_ltc_role_of(c, s) == EMBER_LTC_INTER && ember_ltc_role_of(c, d) == EMBER_LTC_COMMAND) {
      g_src = s;
      g_dst = d;
    }
  }
  char path[512], msg[256];
  snprintf(path, sizeof path, "%s/circuits", dir);
  mkdir(path, 0755);
  snprintf(path, sizeof path, "%s/circuits/ltc.h5", dir);
  if (g_src == UINT32_MAX || ember_ltc_save(c, path))
    return -1;
  ember_ltc_free(c);
  memset(g_v, 0, sizeof g_v);
  g_v[g_src] = 1.0;
  g_v[g_dst] = -1.0;
  uint64_t ids[64];
  for (size_t j = 0; j < n; j++)
    ids[j] = j;
  sonata_attr prov[] = {{"populations", "ltc:9:ltc"}};
  sonata_report_pop rp = {.name = "ltc", .n_nodes = n, .node_ids = ids, .t_start = 0.0, .dt = 1.0};
  sonata_file *f;
  snprintf(path, sizeof path, "%s/v.h5", dir);
  if (sonata_report_create(path, "mV", 1, &rp, prov, 1, &f, msg, sizeof msg))
    return -1;
  float fr[N_FRAMES * 64];
  for (int t = 0; t < N_FRAMES; t++)
    for (size_t j = 0; j < n; j++)
      fr[t * n + j] = t < SET_FRAME ? 0.0f : (float)g_v[j];
  sonata_report_append(f, 0, fr, N_FRAMES);
  return sonata_close(f) ? -1 : 0;
}

/* A 1-D dataset of n values of type t at g/name. */
static void put(hid_t g, const char *name, hid_t t, const void *data, hsize_t n)
{
  hid_t lcpl = H5Pcreate(H5P_LINK_CREATE);
  H5Pset_create_intermediate_group(lcpl, 1);
  hid_t sp = H5Screate_simple(1, &n, NULL), d = H5Dcreate2(g, name, t, sp, lcpl, H5P_DEFAULT, H5P_DEFAULT);
  H5Dwrite(d, t, H5S_ALL, H5S_ALL, H5P_DEFAULT, data);
  H5Dclose(d);
  H5Sclose(sp);
  H5Pclose(lcpl);
}

/* A variable-length UTF-8 string attribute, as the library's writers make them. */
static void put_str_attr(hid_t f, const char *obj, const char *name, const char *value)
{
  hid_t t = H5Tcopy(H5T_C_S1);
  H5Tset_size(t, H5T_VARIABLE);
  H5Tset_cset(t, H5T_CSET_UTF8);
  hid_t sp = H5Screate(H5S_SCALAR), a = H5Acreate_by_name(f, obj, name, t, sp, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  H5Awrite(a, t, &value);
  H5Aclose(a);
  H5Sclose(sp);
  H5Tclose(t);
}

/* /edges/<label> of contract B for synapses (src[k], dst[k], w[k]). */
static void put_edges(hid_t f, const char *label, const char *pre, const char *post, const uint64_t *src,
                      const uint64_t *dst, const float *w, const float *delay, size_t n)
{
  char p[256];
  uint64_t *zeros = calloc(n, sizeof *zeros), *index = malloc(n * sizeof *index);
  for (size_t k = 0; k < n; k++)
    index[k] = k;
  snprintf(p, sizeof p, "/edges/%s/source_node_id", label);
  put(f, p, H5T_NATIVE_UINT64, src, n);
  put_str_attr(f, p, "node_population", pre);
  snprintf(p, sizeof p, "/edges/%s/target_node_id", label);
  put(f, p, H5T_NATIVE_UINT64, dst, n);
  put_str_attr(f, p, "node_population", post);
  snprintf(p, sizeof p, "/edges/%s/edge_type_id", label);
  put(f, p, H5T_NATIVE_UINT64, zeros, n);
  snprintf(p, sizeof p, "/edges/%s/edge_group_id", label);
  put(f, p, H5T_NATIVE_UINT64, zeros, n);
  snprintf(p, sizeof p, "/edges/%s/edge_group_index", label);
  put(f, p, H5T_NATIVE_UINT64, index, n);
  snprintf(p, sizeof p, "/edges/%s/0/syn_weight", label);
  put(f, p, H5T_NATIVE_FLOAT, w, n);
  snprintf(p, sizeof p, "/edges/%s/0/delay", label);
  put(f, p, H5T_NATIVE_FLOAT, delay, n);
  free(zeros);
  free(index);
}

/* "in" (3) -> "out" (4): 6 synapses, weights in frames at 0, 10, 20 ms. */
#define W_SYN 6
static const uint64_t W_SRC[W_SYN] = {0, 1, 2, 0, 2, 1}, W_DST[W_SYN] = {0, 1, 1, 1, 3, 2};
static const float W_EDGE[W_SYN] = {0.5f, 0.2f, -0.5f, 1.0f, 0.25f, 0.1f};
static const float W_DELAY[W_SYN] = {1, 1, 0, 1, 1, 1};
/* Synapses 0..5 grouped by post: post 0: {0}; post 1: {1, 2, 3}; post 2: {5}; post 3: {4}. */
static const uint64_t REC_ELEM[W_SYN] = {0, 1, 2, 3, 5, 4};
static const float W_FRAMES[3][W_SYN] = {{0.5f, 0.2f, -0.5f, 1.0f, 0.1f, 0.25f},
                                          {1.0f, 0.2f, -0.5f, 1.0f, 0.1f, 0.25f},
                                          {-1.0f, 0.2f, -0.5f, 1.0f, 0.1f, 0.25f}};
enum { BIG = 500, BIG_SYN = 1000 };

static int write_weights(const char *dir)
{
  char path[512], msg[256];
  snprintf(path, sizeof path, "%s/edges.h5", dir);
  hid_t f = H5Fcreate(path, H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
  put_edges(f, "in_to_out", "in", "out", W_SRC, W_DST, W_EDGE, W_DELAY, W_SYN);
  uint64_t bs[BIG_SYN], bd[BIG_SYN];
  float bw[BIG_SYN], bdl[BIG_SYN];
  for (size_t k = 0; k < BIG_SYN; k++) {   /* weights k/1000: 25 per histogram bin */
    bs[k] = k % BIG;
    bd[k] = (k * 7) % BIG;
    bw[k] = (float)k / BIG_SYN;
    bdl[k] = 1;
  }
  put_edges(f, "out_to_out", "out", "out", bs, bd, bw, bdl, BIG_SYN);
  /* A projection from a population that recorded nothing. */
  const uint64_t gs[1] = {0}, gd[1] = {1};
  const float gw[1] = {2.0f}, gdl[1] = {1.0f};
  put_edges(f, "ghost_to_out", "ghost", "out", gs, gd, gw, gdl, 1);
  H5Fclose(f);
  snprintf(path, sizeof path, "%s/weight.h5", dir);
  f = H5Fcreate(path, H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
  hsize_t dims[2] = {3, W_SYN};
  hid_t lcpl = H5Pcreate(H5P_LINK_CREATE);
  H5Pset_create_intermediate_group(lcpl, 1);
  hid_t sp = H5Screate_simple(2, dims, NULL);
  hid_t d = H5Dcreate2(f, "/report/in_to_out/data", H5T_NATIVE_FLOAT, sp, lcpl, H5P_DEFAULT, H5P_DEFAULT);
  H5Dwrite(d, H5T_NATIVE_FLOAT, H5S_ALL, H5S_ALL, H5P_DEFAULT, W_FRAMES);
  H5Dclose(d);
  H5Sclose(sp);
  H5Pclose(lcpl);
  put_str_attr(f, "/report/in_to_out/data", "units", "nA");
  uint64_t nodes[4] = {0, 1, 2, 3}, ptr[5] = {0, 1, 4, 5, 6};
  double time[3] = {0.0, 30.0, 10.0};
  put(f, "/report/in_to_out/mapping/node_ids", H5T_NATIVE_UINT64, nodes, 4);
  put(f, "/report/in_to_out/mapping/index_pointers", H5T_NATIVE_UINT64, ptr, 5);
  put(f, "/report/in_to_out/mapping/element_ids", H5T_NATIVE_UINT64, REC_ELEM, W_SYN);
  put(f, "/report/in_to_out/mapping/time", H5T_NATIVE_DOUBLE, time, 3);
  H5Fclose(f);
  /* Spikes of "in" for the inspector: in[0] at 10 ms (long gone at 50 ms),
   * in[1] at 48 ms, in[2] at 50 ms. */
  sonata_attr prov[] = {{"populations", "in:3:spike_array;out:500:lif_curr_exp"}};
  const char *names[] = {"in", "out"};
  sonata_file *sf;
  snprintf(path, sizeof path, "%s/spikes.h5", dir);
  if (sonata_spikes_create(path, 2, names, prov, 1, &sf, msg, sizeof msg))
    return -1;
  double t[] = {10.0, 48.0, 50.0, 60.0};
  uint64_t id[] = {0, 1, 2, 0};
  sonata_spikes_append(sf, 0, t, id, 4);
  double to = 30.0;
  uint64_t io = 3;
  sonata_spikes_append(sf, 1, &to, &io, 1);
  return sonata_close(sf) ? -1 : 0;
}

static int make_dir(char *buf, size_t len, const char *tag)
{
  const char *base = getenv("TMPDIR");
  snprintf(buf, len, "%s/ember_vizv_%s_XXXXXX", base && *base ? base : "/tmp", tag);
  return mkdtemp(buf) ? 0 : -1;
}

static int setup(void **state)
{
  if (make_dir(g_ltc, sizeof g_ltc, "ltc") || make_dir(g_w, sizeof g_w, "w"))
    return -1;
  return write_circuit(g_ltc) || write_weights(g_w) ? -1 : 0;
}

static int rm_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
  return remove(path);
}

static int teardown(void **state)
{
  return nftw(g_ltc, rm_entry, 16, FTW_DEPTH | FTW_PHYS) | nftw(g_w, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

typedef struct fx {
  vz_store *st;
  vz_source *src;
  vz_app *app;
} fx;

static fx open_dir(const char *dir, double at, double span)
{
  char msg[512];
  fx f;
  f.st = vz_store_new();
  f.src = vz_file_source_new(dir, 0, f.st, msg, sizeof msg);
  if (!f.src)
    fail_msg("file source: %s", msg);
  vz_app_opts o = {900, 700, 1, NULL, span, at, NULL};
  f.app = vz_app_new(f.st, f.src, &o, msg, sizeof msg);
  if (!f.app)
    fail_msg("app: %s", msg);
  vz_app_frame(f.app, 0.0);
  return f;
}

static void close_dir(fx *f)
{
  vz_app_free(f->app);
  vz_source_free(f->src);
  vz_store_free(f->st);
}

/* ------------------------------------------------------------- circuit --- */

static void test_circuit_loaded(void **state)
{
  fx f = open_dir(g_ltc, 7.0, 10.0);
  assert_int_equal(f.st->n_circuits, 1);
  const vz_circuit *c = f.st->circuits[0];
  assert_string_equal(c->label, "ltc");
  assert_int_equal(c->n, 9);
  assert_int_equal(c->k, 2);
  assert_int_equal(c->count[VZ_LAYER_INTER], 4);
  assert_int_equal(c->count[VZ_LAYER_COMMAND], 3);
  assert_int_equal(c->count[VZ_LAYER_MOTOR], 2);
  assert_int_equal(c->n_frames, N_FRAMES);
  assert_true(c->all_recorded);
  assert_close(c->vmax, 1.0, 0);
  /* The population exists (kind ltc) and is not a weight report. */
  assert_int_equal(f.st->n_pops, 1);
  assert_string_equal(f.st->pops[0].kind, "ltc");
  double v[16];
  assert_true(vz_circuit_v_at(c, 7.0, v));
  for (size_t j = 0; j < c->n; j++)
    assert_close(v[j], g_v[j], 0);
  close_dir(&f);
}

static void test_circuit_pixels(void **state)
{
  fx f = open_dir(g_ltc, 7.0, 10.0);
  vz_app *app = f.app;
  assert_int_equal(vz_app_show(app, VZ_TAB_CIRCUIT, 0), 0);
  vz_app_render(app);
  int pi = vz_app_panel(app, "circuit");
  assert_true(app->layout.panel[pi].h > 0);
  assert_int_equal(app->layout.panel[vz_app_panel(app, "raster")].h, 0);
  SDL_Rect area = vz_circuit_area(app->layout.plot[pi]);
  const vz_circuit *c = f.st->circuits[0];
  /* Nodes: the colour of v / max|v| at their centres. */
  for (size_t j = 0; j < c->n; j++) {
    int x, y;
    vz_circuit_node_xy(c, area, j, 0, &x, &y);
    uint32_t want = vz_diverge(g_v[j]);
    if (vz_get(app->canvas, x, y) != want)
      fail_msg("neuron %zu (v = %g) at (%d, %d): 0x%08x, expected 0x%08x", j, g_v[j], x, y,
               vz_get(app->canvas, x, y), want);
  }
  int xs, ys, xd, yd;
  vz_circuit_node_xy(c, area, g_src, 0, &xs, &ys);
  vz_circuit_node_xy(c, area, g_dst, 0, &xd, &yd);
  assert_int_equal(vz_get(app->canvas, xs, ys), VZ_POS);   /* v = +1 */
  assert_int_equal(vz_get(app->canvas, xd, yd), VZ_NEG);   /* v = -1 */
  assert_true(xs < xd);                                    /* inter left of command */
  /* The strongest synapse (a positive current, 0.924) in the positive colour, 4 px
   * wide, half way between the two nodes. */
  int mx = (xs + xd) / 2, my = (ys + yd) / 2, hits = 0;
  for (int dy = -3; dy <= 3; dy++)
    hits += vz_get(app->canvas, mx, my + dy) == VZ_POS;
  if (hits < 3)
    fail_msg("the strongest synapse %u -> %u is not drawn in the positive colour at (%d, %d)", g_src, g_dst, mx,
             my);
  /* At the frames before (v = 0 everywhere) the nodes are at the middle of the scale. */
  app->view.t_now = 2.0;
  vz_app_render(app);
  assert_int_equal(vz_get(app->canvas, xs, ys), VZ_MID);
  close_dir(&f);
}

/* In the spikes view an LTC population's band is a heat strip of v: each
 * neuron's row has the colour of its v at that time (the circuit's scale), and
 * the rate panel draws no line for it. */
static void test_ltc_strip(void **state)
{
  fx f = open_dir(g_ltc, 10.0, 10.0);
  vz_app *app = f.app;
  vz_app_render(app);
  int pr = vz_app_panel(app, "raster");
  SDL_Rect plot = app->layout.plot[pr];
  assert_true(plot.h > 0);
  const vz_view *v = &app->view;
  uint32_t want[2][2] = {{VZ_MID, VZ_POS}, {VZ_MID, VZ_NEG}};   /* [src/dst][before/after SET_FRAME] */
  uint32_t who[2] = {g_src, g_dst};
  for (int k = 0; k < 2; k++)
    for (int after = 0; after < 2; after++) {
      double t = after ? SET_FRAME + 2.5 : 2.5;
      int x = vz_x_of_t(plot, v, t);
      int y = (vz_y_of_row(plot, v, who[k]) + vz_y_of_row(plot, v, who[k] + 1.0)) / 2;
      if (vz_get(app->canvas, x, y) != want[k][after])
        fail_msg("neuron %u at t = %g: 0x%08x, expected 0x%08x", who[k], t, vz_get(app->canvas, x, y),
                 want[k][after]);
    }
  /* The rate panel holds no line in the population's colour. */
  int rp = vz_app_panel(app, "rate");
  SDL_Rect r = app->layout.plot[rp];
  size_t lit = 0;
  for (int y = r.y; y < r.y + r.h; y++)
    for (int x = r.x; x < r.x + r.w; x++)
      lit += vz_get(app->canvas, x, y) == f.st->pops[0].color;
  assert_int_equal(lit, 0);
  close_dir(&f);
}

static void test_circuit_click_and_inspector(void **state)
{
  fx f = open_dir(g_ltc, 7.0, 10.0);
  vz_app *app = f.app;
  vz_app_show(app, VZ_TAB_CIRCUIT, 0);
  vz_app_render(app);
  int pi = vz_app_panel(app, "circuit");
  const vz_circuit *c = f.st->circuits[0];
  int x, y;
  vz_circuit_node_xy(c, vz_circuit_area(app->layout.plot[pi]), g_dst, 0, &x, &y);
  SDL_Event e = {0};
  e.type = SDL_MOUSEBUTTONDOWN;
  e.button.button = SDL_BUTTON_LEFT;
  e.button.x = x + 1;
  e.button.y = y - 1;
  vz_app_handle(app, &e);
  assert_int_equal(app->view.sel_pop, 0);
  assert_int_equal(app->view.sel_id, g_dst);
  vz_inspect in;
  vz_inspect_fill(f.st, &app->view, &in);
  assert_string_equal(in.inputs_what, "current");
  assert_true(in.n_inputs >= 1);
  assert_string_equal(in.input[0].pop, "ltc");
  assert_int_equal(in.input[0].id, g_src);
  double s25 = 1.0 / (1.0 + exp(-2.5));
  assert_close(in.input[0].value, 0.5 * s25 * 2.0, 1e-12);
  /* tau = cm / (gleak + sum of the synaptic conductances onto g_dst). */
  double cm = c->cm[g_dst], g = c->gleak[g_dst];
  for (size_t k = 0; k < c->n_syn; k++)
    if (c->syn[k].dst == g_dst)
      g += 0.5 / (1.0 + exp(-5.0 * (g_v[c->syn[k].src] - 0.5)));
  assert_close(in.tau, cm / g, 1e-12);
  vz_app_render(app);   /* the inspector draws its list */
  assert_true(app->layout.inspector.w > 0);
  close_dir(&f);
}

/* ------------------------------------------------------------- weights --- */

static void test_weights_loaded(void **state)
{
  fx f = open_dir(g_w, 50.0, 50.0);
  assert_non_null(f.st->weights);
  assert_int_equal(f.st->weights->n, 3);
  /* weight.h5 is not a population: "in" and "out" only. */
  assert_int_equal(f.st->n_pops, 2);
  int i = vz_weights_find(f.st->weights, "in_to_out");
  assert_true(i >= 0);
  vz_proj *p = &f.st->weights->proj[i];
  assert_string_equal(p->pre, "in");
  assert_string_equal(p->post, "out");
  assert_int_equal(p->n_syn, W_SYN);
  assert_int_equal(p->n_rec, W_SYN);
  assert_int_equal(p->n_frames, 3);
  assert_string_equal(p->units, "nA");
  /* Frame 1 (10..20 ms): synapse 0 is 1.0; element 4 of the frame is synapse 5. */
  const float *w = vz_proj_weights_at(p, 15.0);
  assert_close(w[0], 1.0, 0);
  assert_close(w[5], 0.1, 1e-7);
  assert_close(w[4], 0.25, 1e-7);
  w = vz_proj_weights_at(p, 25.0);
  assert_close(w[0], -1.0, 0);
  close_dir(&f);
}

static void test_heatmap_cells(void **state)
{
  fx f = open_dir(g_w, 15.0, 15.0);
  vz_app *app = f.app;
  int i = vz_weights_find(f.st->weights, "in_to_out");
  assert_int_equal(vz_app_show(app, VZ_TAB_WEIGHTS, (size_t)i), 0);
  vz_app_render(app);
  SDL_Rect plot = app->layout.plot[vz_app_panel(app, "weights")];
  vz_proj *p = &f.st->weights->proj[i];
  /* The scale is the largest |w| in the files: 1. Frame 1: w0 = 1.0. */
  struct { size_t pre, post; uint32_t want; } cells[] = {
    {0, 0, VZ_POS}, {0, 1, VZ_POS}, {2, 1, vz_diverge(-0.5)}, {1, 1, vz_diverge(0.2)},
    {1, 2, vz_diverge(0.1)}, {2, 3, vz_diverge(0.25)}};
  for (size_t k = 0; k < sizeof cells / sizeof *cells; k++) {
    SDL_Rect r = vz_heat_cell(plot, p, cells[k].pre, cells[k].post);
    assert_true(r.w >= 4 && r.h >= 4);
    uint32_t got = vz_get(app->canvas, r.x + r.w / 2, r.y + r.h / 2);
    if (got != cells[k].want)
      fail_msg("cell %zu -> %zu: 0x%08x, expected 0x%08x", cells[k].pre, cells[k].post, got, cells[k].want);
  }
  /* No synapse 1 -> 0: not a scale colour. */
  SDL_Rect r = vz_heat_cell(plot, p, 1, 0);
  assert_int_equal(vz_get(app->canvas, r.x + r.w / 2, r.y + r.h / 2), VZ_BG);
  /* A click on cell (1, 2) selects its postsynaptic neuron, out[2]. */
  r = vz_heat_cell(plot, p, 1, 2);
  SDL_Event e = {0};
  e.type = SDL_MOUSEBUTTONDOWN;
  e.button.button = SDL_BUTTON_LEFT;
  e.button.x = r.x + r.w - 1;
  e.button.y = r.y;
  vz_app_handle(app, &e);
  assert_string_equal(f.st->pops[app->view.sel_pop].name, "out");
  assert_int_equal(app->view.sel_id, 2);
  vz_app_render(app);   /* the layout changes (inspector): recompute the plot */
  plot = app->layout.plot[vz_app_panel(app, "weights")];
  /* Frame 2: synapse 0 -> 0 went to -1. */
  app->view.t_now = 25.0;
  vz_app_render(app);
  r = vz_heat_cell(plot, p, 0, 0);
  assert_int_equal(vz_get(app->canvas, r.x + r.w / 2, r.y + r.h / 2), VZ_NEG);
  close_dir(&f);
}

static void test_histogram_bars(void **state)
{
  fx f = open_dir(g_w, 50.0, 50.0);
  vz_app *app = f.app;
  int i = vz_weights_find(f.st->weights, "out_to_out");
  vz_proj *p = &f.st->weights->proj[i];
  assert_int_equal(p->n_pre, BIG);   /* > VZ_HEAT_MAX: a histogram */
  size_t counts[VZ_HIST_BINS];
  vz_proj_histogram(p, 50.0, p->wmin, p->wmax, VZ_HIST_BINS, counts);
  size_t total = 0;
  for (int b = 0; b < VZ_HIST_BINS; b++) {
    total += counts[b];
    assert_true(counts[b] == 24 || counts[b] == 25 || counts[b] == 26);
  }
  assert_int_equal(total, BIG_SYN);
  assert_int_equal(vz_app_show(app, VZ_TAB_WEIGHTS, (size_t)i), 0);
  vz_app_render(app);
  SDL_Rect a = vz_hist_area(app->layout.plot[vz_app_panel(app, "weights")]);
  size_t top = 0;
  for (int b = 0; b < VZ_HIST_BINS; b++)
    top = counts[b] > top ? counts[b] : top;
  for (int b = 0; b < VZ_HIST_BINS; b++) {
    int x = a.x + (2 * b + 1) * a.w / (2 * VZ_HIST_BINS);
    int h = (int)lround((double)counts[b] / (double)top * a.h), got = 0;
    for (int y = a.y + a.h - 1; y >= a.y && vz_get(app->canvas, x, y) != VZ_PANEL; y--)
      got++;
    if (got != h)
      fail_msg("bin %d (%zu weights): bar of %d pixels, expected %d", b, counts[b], got, h);
  }
  close_dir(&f);
}

static void test_inspector_spiking_inputs(void **state)
{
  fx f = open_dir(g_w, 50.0, 50.0);
  vz_app_select(f.app, 1, 1);   /* out[1]: synapses 1 (in1, 0.2), 2 (in2, -0.5), 3 (in0, 1.0) */
  vz_inspect in;
  vz_inspect_fill(f.st, &f.app->view, &in);
  assert_string_equal(in.inputs_what, "drive");
  assert_int_equal(in.n_incoming, 6);   /* and 2 from out_to_out (silent), 1 from ghost */
  assert_string_equal(in.inputs_missing, "ghost");
  assert_int_equal(in.n_inputs, 2);   /* in0's spike at 10 ms is past 5 tau */
  assert_close(in.tau_syn, 5.0, 0);
  /* in2: spike at 50, delay 0: -0.5 exp(0); in1: spike 48 + delay 1: 0.2 exp(-1/5). */
  assert_string_equal(in.input[0].pop, "in");
  assert_int_equal(in.input[0].id, 2);
  assert_close(in.input[0].value, -0.5, 1e-7);
  assert_int_equal(in.input[1].id, 1);
  assert_close(in.input[1].value, 0.2 * exp(-0.2), 1e-7);
  vz_app_render(f.app);
  close_dir(&f);
}

/* c and w switch views and cycle; with nothing to show they leave the view. */
static void test_view_keys(void **state)
{
  fx f = open_dir(g_w, 50.0, 50.0);
  SDL_Event e = {0};
  e.type = SDL_KEYDOWN;
  e.key.keysym.sym = SDLK_c;
  vz_app_handle(f.app, &e);
  assert_int_equal(f.app->view.tab, VZ_TAB_SPIKES);   /* no circuit here */
  e.key.keysym.sym = SDLK_w;
  vz_app_handle(f.app, &e);
  assert_int_equal(f.app->view.tab, VZ_TAB_WEIGHTS);
  assert_int_equal(f.app->view.proj, 0);
  vz_app_handle(f.app, &e);
  assert_int_equal(f.app->view.proj, 1);
  vz_app_handle(f.app, &e);
  assert_int_equal(f.app->view.proj, 2);
  vz_app_handle(f.app, &e);
  assert_int_equal(f.app->view.tab, VZ_TAB_SPIKES);
  e.key.keysym.sym = SDLK_TAB;
  vz_app_handle(f.app, &e);
  assert_int_equal(f.app->view.tab, VZ_TAB_WEIGHTS);
  e.key.keysym.sym = SDLK_r;
  vz_app_handle(f.app, &e);
  assert_int_equal(f.app->view.tab, VZ_TAB_SPIKES);
  close_dir(&f);
}

/* --demo DIR: an NCP circuit (AutoNCP-like, 8 inter, 6 command, 2 motor, 3 inputs)
 * driven by sines for 300 steps of 1 ms, written to DIR/circuits/ltc.h5 and
 * DIR/v.h5, for the documentation's images (not a test). */
static int write_demo(const char *dir)
{
  ember_ltc *c = ember_ltc_new();
  ember_ltc_wiring_spec sp = {.kind = EMBER_LTC_NCP, .inputs = 3, .outputs = 2, .inter = 8, .command = 6,
                              .sensory_fanout = 3, .inter_fanout = 3, .recurrent_command = 4, .motor_fanin = 3};
  enum { T = 300 };
  if (ember_ltc_build(c, &sp, 3, EMBER_LTC_INIT_SOFTPLUS))
    return 1;
  size_t n = ember_ltc_units(c);
  static double x[T * 3], states[T * 64];
  for (int t = 0; t < T; t++)
    for (int k = 0; k < 3; k++)
      x[t * 3 + k] = sin(0.05 * t * (k + 1) + k);
  char path[512], msg[256];
  snprintf(path, sizeof path, "%s/circuits", dir);
  mkdir(dir, 0755);
  mkdir(path, 0755);
  snprintf(path, sizeof path, "%s/circuits/ncp.h5", dir);
  if (ember_ltc_run(c, x, NULL, T, NULL, states) || ember_ltc_save(c, path))
    return 1;
  ember_ltc_free(c);
  uint64_t ids[64];
  static float fr[T * 64];
  for (size_t j = 0; j < n; j++)
    ids[j] = j;
  for (size_t k = 0; k < T * n; k++)
    fr[k] = (float)states[k];
  char prov_s[64];
  snprintf(prov_s, sizeof prov_s, "ncp:%zu:ltc", n);
  sonata_attr prov[] = {{"populations", prov_s}};
  sonata_report_pop rp = {.name = "ncp", .n_nodes = n, .node_ids = ids, .t_start = 0.0, .dt = 1.0};
  sonata_file *f;
  snprintf(path, sizeof path, "%s/v.h5", dir);
  if (sonata_report_create(path, "mV", 1, &rp, prov, 1, &f, msg, sizeof msg))
    return 1;
  sonata_report_append(f, 0, fr, T);
  return sonata_close(f) ? 1 : 0;
}

/* --weights-demo DIR: "exc" (60) -> "out" (40), 30% connected, weights recorded
 * every 10 ms for 500 ms while the synapses from exc[0..19] grow towards 1 and
 * the others decay (an STDP-like drift), plus Poisson-like spikes of both. For
 * the documentation's images (not a test). */
static int write_weights_demo(const char *dir)
{
  enum { PRE = 60, POST = 40, FR = 50 };
  uint64_t src[PRE * POST], dst[PRE * POST];
  float w0[PRE * POST], dl[PRE * POST];
  size_t n = 0;
  uint64_t x = 99;
  for (size_t j = 0; j < POST; j++)   /* grouped by post, as the writer does */
    for (size_t i = 0; i < PRE; i++) {
      x = x * 6364136223846793005ull + 1442695040888963407ull;
      if ((x >> 33) % 10 < 3) {
        src[n] = i;
        dst[n] = j;
        w0[n] = 0.3f + 0.4f * (float)((x >> 20) % 1000) / 1000.0f;
        dl[n++] = 1.5f;
      }
    }
  char path[512], msg[256];
  mkdir(dir, 0755);
  snprintf(path, sizeof path, "%s/edges.h5", dir);
  hid_t f = H5Fcreate(path, H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
  put_edges(f, "exc_to_out", "exc", "out", src, dst, w0, dl, n);
  H5Fclose(f);
  static float fr[FR * PRE * POST];
  for (int t = 0; t < FR; t++)
    for (size_t k = 0; k < n; k++) {
      double a = 1 - exp(-t / 15.0), target = src[k] < 20 ? 1.0 : 0.05;
      fr[t * n + k] = (float)(w0[k] + (target - w0[k]) * a * (0.6 + 0.4 * ((k * 37) % 10) / 10.0));
    }
  snprintf(path, sizeof path, "%s/weight.h5", dir);
  f = H5Fcreate(path, H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
  hsize_t dims[2] = {FR, n};
  hid_t lcpl = H5Pcreate(H5P_LINK_CREATE);
  H5Pset_create_intermediate_group(lcpl, 1);
  hid_t sp = H5Screate_simple(2, dims, NULL);
  hid_t d = H5Dcreate2(f, "/report/exc_to_out/data", H5T_NATIVE_FLOAT, sp, lcpl, H5P_DEFAULT, H5P_DEFAULT);
  H5Dwrite(d, H5T_NATIVE_FLOAT, H5S_ALL, H5S_ALL, H5P_DEFAULT, fr);
  H5Dclose(d);
  H5Sclose(sp);
  H5Pclose(lcpl);
  put_str_attr(f, "/report/exc_to_out/data", "units", "nA");
  uint64_t nodes[POST], ptr[POST + 1] = {0}, elem[PRE * POST];
  for (size_t k = 0; k < n; k++) {
    elem[k] = k;
    ptr[dst[k] + 1]++;
  }
  for (size_t j = 0; j < POST; j++) {
    nodes[j] = j;
    ptr[j + 1] += ptr[j];
  }
  double time[3] = {0.0, 10.0 * FR, 10.0};
  put(f, "/report/exc_to_out/mapping/node_ids", H5T_NATIVE_UINT64, nodes, POST);
  put(f, "/report/exc_to_out/mapping/index_pointers", H5T_NATIVE_UINT64, ptr, POST + 1);
  put(f, "/report/exc_to_out/mapping/element_ids", H5T_NATIVE_UINT64, elem, n);
  put(f, "/report/exc_to_out/mapping/time", H5T_NATIVE_DOUBLE, time, 3);
  H5Fclose(f);
  sonata_attr prov[] = {{"populations", "exc:60:poisson;out:40:lif_curr_exp"}};
  const char *names[] = {"exc", "out"};
  sonata_file *sf;
  snprintf(path, sizeof path, "%s/spikes.h5", dir);
  if (sonata_spikes_create(path, 2, names, prov, 1, &sf, msg, sizeof msg))
    return 1;
  for (int pop = 0; pop < 2; pop++)
    for (double t = 0.25; t < 500.0; t += pop ? 0.9 : 0.3) {
      x = x * 6364136223846793005ull + 1442695040888963407ull;
      uint64_t id = (x >> 33) % (pop ? POST : PRE);
      if (pop && id >= 20 && t > 200 && (x >> 12) % 3)
        continue;
      sonata_spikes_append(sf, (size_t)pop, &t, &id, 1);
    }
  return sonata_close(sf) ? 1 : 0;
}

int main(int argc, char **argv)
{
  if (argc == 3 && !strcmp(argv[1], "--demo"))
    return write_demo(argv[2]);
  if (argc == 3 && !strcmp(argv[1], "--weights-demo"))
    return write_weights_demo(argv[2]);
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_circuit_loaded),      cmocka_unit_test(test_circuit_pixels),
    cmocka_unit_test(test_ltc_strip), cmocka_unit_test(test_circuit_click_and_inspector),
    cmocka_unit_test(test_weights_loaded),      cmocka_unit_test(test_heatmap_cells),
    cmocka_unit_test(test_histogram_bars),      cmocka_unit_test(test_inspector_spiking_inputs),
    cmocka_unit_test(test_view_keys)};
  return cmocka_run_group_tests(tests, setup, teardown);
}
