/* The LTC circuit view: neurons as discs in columns by layer (sensory inputs,
 * inter, command, motor), coloured by their state v at the playhead on a
 * diverging scale fixed by the largest |v| recorded; synapses as arrows from
 * source to target whose colour and width give the signed synaptic current
 * w sigma(sigma (v_src - mu)) (erev - v_dst) at the playhead, scaled by the
 * largest |current| of that moment (or the signed weight w * polarity when v
 * is not recorded for every neuron). Input synapses are thin lines by polarity
 * (the inputs are not in the output files). Click a neuron to select it. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "app.h"
#include "circuit.h"
#include "draw.h"

enum { TITLE_H = 18, LEGEND_H = 50 };

static const vz_circuit *shown(const vz_app *app)
{
  const vz_store *st = app->store;
  return st->n_circuits ? st->circuits[app->view.circuit % st->n_circuits] : NULL;
}

static int circuit_height(const vz_app *app)
{
  return app->view.tab == VZ_TAB_CIRCUIT ? -1 : 0;
}

SDL_Rect vz_circuit_area(SDL_Rect plot)
{
  return (SDL_Rect){plot.x, plot.y + TITLE_H, plot.w, plot.h - TITLE_H - LEGEND_H};
}

void vz_circuit_node_xy(const vz_circuit *c, SDL_Rect area, size_t j, int sensory, int *x, int *y)
{
  double fx, fy;
  vz_circuit_node_pos(c, j, sensory, &fx, &fy);
  *x = area.x + (int)floor(fx * area.w);
  *y = area.y + (int)floor(fy * area.h);
}

int vz_circuit_radius(const vz_circuit *c, SDL_Rect area)
{
  size_t most = 1;
  for (int l = 0; l < VZ_N_LAYERS; l++)
    most = c->count[l] > most ? c->count[l] : most;
  int r = (int)(0.35 * area.h / (double)most);
  return r < 2 ? 2 : r > 12 ? 12 : r;
}

/* An arrowhead at (x1, y1) pointing along (x0, y0) -> (x1, y1). */
static void arrowhead(SDL_Surface *s, double x0, double y0, int x1, int y1, uint32_t c)
{
  double dx = x1 - x0, dy = y1 - y0, len = hypot(dx, dy);
  if (len < 1)
    return;
  dx /= len;
  dy /= len;
  for (int side = -1; side <= 1; side += 2)
    vz_line(s, x1, y1, x1 - (int)lround(7 * dx - side * 4 * dy), y1 - (int)lround(7 * dy + side * 4 * dx), c);
}

/* One synapse from (xa, ya) to (xb, yb), stopping at the target's rim. Within
 * a column it is an arc bulging right (a quadratic curve in 12 segments). */
static void edge(SDL_Surface *s, int xa, int ya, int xb, int yb, int r, int w, uint32_t c, int same_col)
{
  double cx = (xa + xb) / 2.0 + (same_col ? 0.5 * abs(yb - ya) + 3 * r : 0), cy = (ya + yb) / 2.0;
  double px = xa, py = ya;
  for (int k = 1; k <= 12; k++) {
    double u = k / 12.0, a = (1 - u) * (1 - u), b = 2 * u * (1 - u), e = u * u;
    double x = a * xa + b * cx + e * xb, y = a * ya + b * cy + e * yb;
    if (hypot(x - xb, y - yb) < r + 2) {   /* at the rim: stop there and point */
      double d = fmax(1, hypot(px - xb, py - yb));
      x = xb + (px - xb) * (r + 2) / d;
      y = yb + (py - yb) * (r + 2) / d;
      vz_thick_line(s, (int)lround(px), (int)lround(py), (int)lround(x), (int)lround(y), w, c);
      arrowhead(s, px, py, (int)lround(x), (int)lround(y), c);
      return;
    }
    vz_thick_line(s, (int)lround(px), (int)lround(py), (int)lround(x), (int)lround(y), w, c);
    px = x;
    py = y;
  }
}

/* A ring of radius rr and width w centred on (cx, cy). */
static void loop(SDL_Surface *s, int cx, int cy, int rr, int w, uint32_t c)
{
  for (int k = 0; k < 24; k++) {
    double a0 = k * 2 * M_PI / 24, a1 = (k + 1) * 2 * M_PI / 24;
    vz_thick_line(s, cx + (int)lround(rr * cos(a0)), cy + (int)lround(rr * sin(a0)), cx + (int)lround(rr * cos(a1)),
                  cy + (int)lround(rr * sin(a1)), w, c);
  }
}

typedef struct ranked {
  double mag;
  size_t k;
} ranked;

static int by_mag(const void *a, const void *b)
{
  double x = ((const ranked *)a)->mag, y = ((const ranked *)b)->mag;
  return x < y ? -1 : x > y;
}

/* The values the edges show (current, or signed weight) and their scale. */
static double edge_values(const vz_circuit *c, const double *v, int currents, double *val)
{
  double top = 0;
  for (size_t k = 0; k < c->n_syn; k++) {
    const vz_synapse *s = &c->syn[k];
    val[k] = currents ? vz_synapse_current(s, v) : s->w * s->polarity;
    if (isfinite(val[k]))
      top = fmax(top, fabs(val[k]));
  }
  return top > 0 ? top : 1;
}

static void draw_edges(vz_app *app, const vz_circuit *c, SDL_Rect area, const double *val, double top)
{
  int r = vz_circuit_radius(c, area);
  double wmax = 0;
  for (size_t k = 0; k < c->n_sens; k++)
    wmax = fmax(wmax, c->sens[k].w);
  for (size_t k = 0; k < c->n_sens; k++) {   /* inputs: thin, by polarity and weight */
    int xa, ya, xb, yb;
    vz_circuit_node_xy(c, area, c->sens[k].src, 1, &xa, &ya);
    vz_circuit_node_xy(c, area, c->sens[k].dst, 0, &xb, &yb);
    double f = wmax > 0 ? 0.5 * c->sens[k].w / wmax : 0;
    edge(app->canvas, xa, ya, xb, yb, r, 1, vz_diverge(c->sens[k].polarity * f), 0);
  }
  ranked *order = malloc((c->n_syn + 1) * sizeof *order);
  if (!order)
    return;
  for (size_t k = 0; k < c->n_syn; k++)
    order[k] = (ranked){isfinite(val[k]) ? fabs(val[k]) : 0, k};
  qsort(order, c->n_syn, sizeof *order, by_mag);   /* the strongest drawn last, on top */
  for (size_t q = 0; q < c->n_syn; q++) {
    const vz_synapse *s = &c->syn[order[q].k];
    int xa, ya, xb, yb;
    vz_circuit_node_xy(c, area, s->src, 0, &xa, &ya);
    vz_circuit_node_xy(c, area, s->dst, 0, &xb, &yb);
    double x = val[order[q].k] / top;
    int w = isfinite(x) ? 1 + (int)lround(3 * fabs(x)) : 1;
    if (s->src == s->dst) {   /* an autapse: a loop on the node's right */
      loop(app->canvas, xa + r + r / 2, ya, r / 2 + 2, w, vz_diverge(x));
      continue;
    }
    edge(app->canvas, xa, ya, xb, yb, r, w, vz_diverge(x), c->layer[s->src] == c->layer[s->dst]);
  }
  free(order);
}

static void draw_nodes(vz_app *app, const vz_circuit *c, SDL_Rect area, const double *v, int pop)
{
  int r = vz_circuit_radius(c, area);
  double vmax = c->vmax > 0 ? c->vmax : 1;
  for (size_t k = 0; k < c->k; k++) {
    int x, y;
    vz_circuit_node_xy(c, area, k, 1, &x, &y);
    vz_fill(app->canvas, (SDL_Rect){x - r + 1, y - r + 1, 2 * r - 1, 2 * r - 1}, VZ_AXIS);
  }
  for (size_t j = 0; j < c->n; j++) {
    int x, y;
    vz_circuit_node_xy(c, area, j, 0, &x, &y);
    if (pop >= 0 && app->view.sel_pop == pop && app->view.sel_id == j)
      vz_disc(app->canvas, x, y, r + 2, VZ_TEXT);
    vz_disc(app->canvas, x, y, r, isfinite(v[j]) ? vz_diverge(v[j] / vmax) : VZ_GRID);
    if (c->n <= 64 && r >= 5)
      vz_textf(app->small, app->canvas, x + r + 2, y - r - 2, VZ_DIM, "%zu", j);
  }
}

/* A horizontal colour bar for [-top, top] at (x, y), labelled. */
static int colour_bar(vz_app *app, int x, int y, const char *what, double top, const char *unit)
{
  x += vz_text(app->small, app->canvas, x, y, VZ_DIM, what) + 8;
  char buf[48];
  snprintf(buf, sizeof buf, "%.3g", -top);
  x += vz_text(app->small, app->canvas, x, y, VZ_DIM, buf) + 4;
  for (int k = 0; k < 120; k++)
    vz_vline(app->canvas, x + k, y + 3, y + 11, vz_diverge(k / 59.5 - 1));
  x += 124;
  snprintf(buf, sizeof buf, "+%.3g %s", top, unit);
  return x + vz_text(app->small, app->canvas, x, y, VZ_DIM, buf) + 20;
}

/* The two colour bars (nodes, edges) and a note, on three lines. */
static void legend(vz_app *app, const vz_circuit *c, SDL_Rect plot, double etop, int currents)
{
  int y = plot.y + plot.h - LEGEND_H + 4, x = plot.x + 4, lh = 15;
  colour_bar(app, x, y, "node: v", c->vmax > 0 ? c->vmax : 1, c->units);
  colour_bar(app, x, y + lh, currents ? "edge: current now" : "edge: weight w x polarity", etop,
             currents ? "(cm v/ms), width ~ |current|" : "");
  vz_text(app->small, app->canvas, x, y + 2 * lh, VZ_DIM,
          currents ? "grey squares: inputs (not in the files: thin lines by polarity)"
                   : "v is not recorded for every neuron: edges show weights");
}

static void titles(vz_app *app, const vz_circuit *c, SDL_Rect plot, int have_v)
{
  static const char *const name[VZ_N_LAYERS] = {"inputs", "inter", "command", "motor"};
  SDL_Rect area = vz_circuit_area(plot);
  for (int l = 0; l < VZ_N_LAYERS; l++) {
    if (!c->count[l])
      continue;
    size_t j = 0;   /* any node of the layer gives its column */
    int x, y;
    if (l == VZ_LAYER_SENSORY)
      vz_circuit_node_xy(c, area, 0, 1, &x, &y);
    else {
      while (c->layer[j] != l)
        j++;
      vz_circuit_node_xy(c, area, j, 0, &x, &y);
    }
    char buf[64];
    snprintf(buf, sizeof buf, "%s (%zu)", name[l], c->count[l]);
    vz_text(app->small, app->canvas, x - vz_text_width(app->small, buf) / 2, plot.y, VZ_AXIS, buf);
  }
  vz_textf(app->small, app->canvas, plot.x - VZ_MARGIN_L + 6, plot.y, VZ_TEXT, "%s", c->label);
  vz_textf(app->small, app->canvas, plot.x - VZ_MARGIN_L + 6, plot.y + 14, VZ_DIM, "%zu/%zu",
           app->view.circuit % app->store->n_circuits + 1, app->store->n_circuits);
  if (!have_v)
    vz_text(app->small, app->canvas, plot.x - VZ_MARGIN_L + 6, plot.y + 28, VZ_DIM, "no v");
}

static int pop_of(const vz_app *app, const vz_circuit *c)
{
  for (size_t i = 0; i < app->store->n_pops; i++)
    if (!strcmp(app->store->pops[i].name, c->label))
      return (int)i;
  return -1;
}

static void circuit_draw(vz_app *app, SDL_Rect panel, SDL_Rect plot)
{
  vz_fill(app->canvas, panel, VZ_BG);
  vz_fill(app->canvas, plot, VZ_PANEL);
  const vz_circuit *c = shown(app);
  if (!c) {
    vz_text(app->font, app->canvas, plot.x + 10, plot.y + 10, VZ_DIM, "no LTC circuit in this output");
    return;
  }
  double *v = malloc((c->n + 1) * sizeof *v), *val = malloc((c->n_syn + 1) * sizeof *val);
  if (!v || !val) {
    free(v);
    free(val);
    return;
  }
  int have_v = vz_circuit_v_at(c, app->view.t_now, v);
  int currents = have_v && c->all_recorded;
  double top = edge_values(c, v, currents, val);
  SDL_Rect area = vz_circuit_area(plot);
  SDL_SetClipRect(app->canvas, &plot);
  draw_edges(app, c, area, val, top);
  draw_nodes(app, c, area, v, pop_of(app, c));
  SDL_SetClipRect(app->canvas, NULL);
  titles(app, c, plot, have_v);
  legend(app, c, plot, top, currents);
  free(v);
  free(val);
}

/* Selects the neuron whose disc (plus 4 pixels) holds the click. */
static int circuit_click(vz_app *app, SDL_Rect plot, int x, int y)
{
  const vz_circuit *c = shown(app);
  int pop = c ? pop_of(app, c) : -1;
  if (pop < 0)
    return 0;
  SDL_Rect area = vz_circuit_area(plot);
  int r = vz_circuit_radius(c, area) + 4;
  for (size_t j = 0; j < c->n; j++) {
    int nx, ny;
    vz_circuit_node_xy(c, area, j, 0, &nx, &ny);
    if ((nx - x) * (nx - x) + (ny - y) * (ny - y) <= r * r) {
      vz_app_select(app, pop, (uint32_t)j);
      return 1;
    }
  }
  return 0;
}

const vz_panel_type vz_panel_circuit = {"circuit", circuit_height, circuit_draw, circuit_click};
