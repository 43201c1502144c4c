/* The spike raster: populations stacked (neurons on y, time on x), one colour per
 * population. Spikes are binned into per-pixel counts first, so a frame costs one
 * increment per visible spike plus one pass over the pixels, whatever the number
 * of neurons; a pixel holding one spike has exactly the population's colour,
 * denser pixels are brightened towards white. A mark is 2 pixels wide (the right
 * one only if its own bin is empty) so that single spikes stay visible. When a
 * neuron gets three or more pixel rows, a mark is as tall as the neuron's row
 * less one pixel.
 *
 * LTC populations do not spike: their band is a heat strip of each neuron's
 * state v over time (the circuit's v frames), on the circuit view's diverging
 * scale (blue -m, grey 0, orange +m, m = the largest |v| recorded); without
 * recorded v the band says so and points to the circuit view. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "app.h"
#include "circuit.h"
#include "draw.h"
#include "pyramid.h"

/* EMBER_VIZ_NO_PYRAMID=1 draws every spike (for the benchmark's "before"). */
static int getenv_no_pyramid(void)
{
  const char *e = getenv("EMBER_VIZ_NO_PYRAMID");
  return e && *e && *e != '0';
}

static int raster_height(const vz_app *app)
{
  return app->view.tab == VZ_TAB_SPIKES ? -1 : 0;
}

/* Counts of pop's spikes in [ta, tb) per pixel, into cnt (plot.w x plot.h,
 * zeroed by the caller), one by one; rows outside the plot are skipped. */
static void bin_exact(const vz_app *app, const vz_pop *p, SDL_Rect plot, uint16_t *cnt, double ta, double tb)
{
  const vz_view *v = &app->view;
  size_t k = vz_pop_lower(p, ta), end = vz_pop_lower(p, tb);
  /* The same expressions as vz_x_of_t and vz_y_of_row, so that bins, ticks and
   * clicks agree to the pixel. */
  for (; k < end; k++) {
    int x = vz_x_of_t(plot, v, p->t[k]) - plot.x;
    int y = vz_y_of_row(plot, v, (double)(p->row0 + p->id[k])) - plot.y;
    if (x >= plot.w)
      x = plot.w - 1;   /* a spike exactly at t_now */
    if (x < 0 || y < 0 || y >= plot.h)
      continue;
    uint16_t *c = &cnt[(size_t)y * plot.w + x];
    if (*c < UINT16_MAX)
      (*c)++;
  }
}

/* Adds the counts of level L's whole bins inside [ta, tb) to the pixels of
 * their middle time and middle row: one addition per bin, and bins are no
 * larger than a pixel, so a mark is off by less than a pixel (none when bins
 * and pixels align). Returns the time span
 * [*ca, *cb) covered; the caller counts the two partial bins at the edges. */
static void bin_level(const vz_app *app, const vz_pop *p, const vz_pyr_level *L, SDL_Rect plot, uint16_t *cnt,
                      double ta, double tb, double *ca, double *cb)
{
  const vz_view *v = &app->view;
  double fa = ceil((ta - L->origin) / L->dt), fb = floor((tb - L->origin) / L->dt);
  size_t ba = fa < 0 ? 0 : (size_t)fa, bb = fb < 0 ? 0 : fb > (double)L->n_bins ? L->n_bins : (size_t)fb;
  *ca = L->origin + (double)ba * L->dt;
  *cb = bb > ba ? L->origin + (double)bb * L->dt : *ca;
  if (bb <= ba)
    return;
  /* The groups in view and their pixel rows. */
  double r0 = fmax(0, v->row0 - (double)p->row0), r1 = fmin((double)p->size, v->row0 + v->rows - (double)p->row0);
  size_t ga = (size_t)(r0 / (double)L->group), gb = (size_t)ceil(r1 / (double)L->group);
  gb = gb > L->n_groups ? L->n_groups : gb;
  if (gb <= ga)
    return;
  int *ys = malloc((gb - ga) * sizeof *ys);
  if (!ys)
    return;
  for (size_t g = ga; g < gb; g++) {
    int y = vz_y_of_row(plot, v, (double)(p->row0 + g * L->group) + 0.5 * (double)L->group) - plot.y;
    ys[g - ga] = y < 0 ? 0 : y;   /* a group cut by the top edge: its visible part */
  }
  for (size_t bin = ba; bin < bb; bin++) {
    int x = vz_x_of_t(plot, v, L->origin + ((double)bin + 0.5) * L->dt) - plot.x;
    if (x < 0 || x >= plot.w)
      continue;
    const uint16_t *row = L->cnt + bin * L->n_groups;
    for (size_t g = ga; g < gb; g++) {
      if (!row[g] || ys[g - ga] >= plot.h)
        continue;
      uint16_t *c = &cnt[(size_t)ys[g - ga] * plot.w + x];
      *c = (uint16_t)(*c + row[g] < UINT16_MAX ? *c + row[g] : UINT16_MAX);
    }
  }
  free(ys);
}

/* Counts of pop's spikes in the window per pixel. When the window holds more
 * spikes than pixels, whole bins come from the pyramid level whose bins are at
 * most a pixel wide and a pixel tall (pyramid.h); the rest spike by spike. */
static void bin_pop(const vz_app *app, vz_pop *p, SDL_Rect plot, uint16_t *cnt)
{
  const vz_view *v = &app->view;
  double ta = vz_view_t0(v), tb = v->t_now + 1e-12;
  size_t n_vis = vz_pop_lower(p, tb) - vz_pop_lower(p, ta), pixels = (size_t)plot.w * (size_t)plot.h;
  double px_t = v->span / plot.w, px_rows = v->rows / plot.h;
  int a = px_t >= VZ_PYR_DT0 ? (int)floor(log2(px_t / VZ_PYR_DT0)) : -1;
  int b = px_rows >= 1 ? (int)floor(log2(px_rows)) : -1;
  const vz_pyr_level *L = NULL;
  if (n_vis > pixels / 2 && !getenv_no_pyramid())
    L = vz_pyr_get(p, a, b, p->n + ((size_t)1 << 20));
  if (!L) {
    bin_exact(app, p, plot, cnt, ta, tb);
    return;
  }
  double ca, cb;
  bin_level(app, p, L, plot, cnt, ta, tb, &ca, &cb);
  bin_exact(app, p, plot, cnt, ta, ca);
  bin_exact(app, p, plot, cnt, cb, tb);
}

/* Colours the counted pixels of one population; a neuron taller than 2 pixels
 * gets its whole row band (less a 1-pixel gap) per spike pixel. */
static void paint_pop(vz_app *app, const vz_pop *p, SDL_Rect plot, const uint16_t *cnt)
{
  const vz_view *v = &app->view;
  double px_per_row = plot.h / v->rows;
  /* Colours by count: brighter up to 64 spikes a pixel, the same beyond. */
  uint32_t lut[65];
  for (int n = 1; n <= 64; n++)
    lut[n] = vz_mix(p->color, VZ_RGB(255, 255, 255), n == 1 ? 0.0 : fmin(1.0, log2((double)n) / 6.0) * 0.7);
  for (int y = 0; y < plot.h; y++) {
    const uint16_t *line = cnt + (size_t)y * plot.w;
    uint32_t *out = (uint32_t *)((uint8_t *)app->canvas->pixels + (size_t)(plot.y + y) * app->canvas->pitch) + plot.x;
    for (int x = 0; x < plot.w; x++) {
      if (!line[x])
        continue;
      uint32_t c = lut[line[x] < 64 ? line[x] : 64];
      if (px_per_row < 3) {   /* a dot, widened to 2 pixels when the next is empty */
        out[x] = c;           /* (x, y) is inside plot, which is inside the canvas */
        if (x + 1 < plot.w && !line[x + 1])
          out[x + 1] = c;
        continue;
      }
      /* The row whose top pixel is y (bins hold a row's spikes at its top). */
      double row = floor(v->row0 + y / px_per_row);
      if (vz_y_of_row(plot, v, row) - plot.y != y)
        row += 1;
      int ya = vz_y_of_row(plot, v, row), yb = vz_y_of_row(plot, v, row + 1) - 2;
      vz_vline(app->canvas, plot.x + x, ya, yb, c);
      if (x + 1 < plot.w && !line[x + 1])
        vz_vline(app->canvas, plot.x + x + 1, ya, yb, c);
    }
  }
}

/* The heat strip of an LTC population's v in its band: per pixel column the
 * frame at that time, per pixel row the neuron's value. O(pixels + columns x
 * neurons). */
static void ltc_strip(vz_app *app, const vz_pop *p, const vz_circuit *c, SDL_Rect plot)
{
  const vz_view *v = &app->view;
  int ya = vz_y_of_row(plot, v, (double)p->row0), yb = vz_y_of_row(plot, v, (double)(p->row0 + p->size));
  ya = ya < plot.y ? plot.y : ya;
  yb = yb > plot.y + plot.h ? plot.y + plot.h : yb;
  if (yb <= ya)
    return;
  if (!c || !c->n_frames) {
    vz_text(app->small, app->canvas, plot.x + 8, (ya + yb) / 2 - vz_font_height(app->small) / 2, VZ_DIM,
            c ? "LTC neurons do not spike; v is not recorded: see the circuit view (c)"
              : "LTC neurons do not spike; no circuit: nothing to show here");
    return;
  }
  double m = c->vmax > 0 && isfinite(c->vmax) ? c->vmax : 1.0;
  double *val = malloc((c->n + 1) * sizeof *val);
  long *nj = malloc((size_t)(yb - ya) * sizeof *nj);
  for (int y = ya; nj && y < yb; y++) {
    double row = floor(vz_row_of_y(plot, v, y)) - (double)p->row0;
    nj[y - ya] = row >= 0 && row < (double)c->n ? (long)row : -1;
  }
  for (int x = 0; val && nj && x < plot.w; x++) {
    double t = vz_t_of_x(plot, v, plot.x + x);
    if (t < app->store->t_begin || t > app->store->t_end || !vz_circuit_v_at(c, t, val))
      continue;
    for (int y = ya; y < yb; y++)
      if (nj[y - ya] >= 0 && isfinite(val[nj[y - ya]]))
        vz_pixel(app->canvas, plot.x + x, y, vz_diverge(val[nj[y - ya]] / m));
  }
  free(val);
  free(nj);
}

/* Population bands: separators and names on the left margin. */
static void draw_bands(vz_app *app, SDL_Rect plot)
{
  const vz_view *v = &app->view;
  const vz_store *st = app->store;
  for (size_t i = 0; i < st->n_pops; i++) {
    const vz_pop *p = &st->pops[i];
    int ya = vz_y_of_row(plot, v, (double)p->row0), yb = vz_y_of_row(plot, v, (double)(p->row0 + p->size));
    if (yb <= plot.y || ya >= plot.y + plot.h)
      continue;
    if (ya > plot.y)
      vz_hline(app->canvas, plot.x, plot.x + plot.w - 1, ya, VZ_GRID);
    int mid = ((ya < plot.y ? plot.y : ya) + (yb > plot.y + plot.h ? plot.y + plot.h : yb)) / 2;
    vz_text(app->small, app->canvas, plot.x - VZ_MARGIN_L + 6, mid - vz_font_height(app->small), p->color,
            p->name);
    vz_textf(app->small, app->canvas, plot.x - VZ_MARGIN_L + 6, mid, VZ_DIM,
             vz_store_circuit_of(st, p->name) || !strcmp(p->kind, "ltc") ? "%zu: v" : "%zu", p->size);
  }
}

static void raster_draw(vz_app *app, SDL_Rect panel, SDL_Rect plot)
{
  SDL_Surface *s = app->canvas;
  vz_fill(s, panel, VZ_BG);
  vz_fill(s, plot, VZ_PANEL);
  if (plot.w <= 0 || plot.h <= 0)
    return;
  const vz_view *v = &app->view;
  if (v->sel_pop >= 0) {   /* the selected neuron's row, under its spikes */
    double row = (double)(app->store->pops[v->sel_pop].row0 + v->sel_id);
    int ya = vz_y_of_row(plot, v, row), yb = vz_y_of_row(plot, v, row + 1);
    SDL_SetClipRect(s, &plot);
    vz_fill(s, (SDL_Rect){plot.x, ya, plot.w, yb - ya > 1 ? yb - ya : 1}, VZ_SELECT);
    SDL_SetClipRect(s, NULL);
  }
  draw_bands(app, plot);   /* separators under the spikes */
  uint16_t *cnt = calloc((size_t)plot.w * (size_t)plot.h, sizeof *cnt);
  SDL_SetClipRect(s, &plot);
  for (size_t i = 0; cnt && i < app->store->n_pops; i++) {
    vz_pop *p = &app->store->pops[i];
    const vz_circuit *c = vz_store_circuit_of(app->store, p->name);
    if (c || !strcmp(p->kind, "ltc")) {
      ltc_strip(app, p, c, plot);
      continue;
    }
    if (i)
      memset(cnt, 0, (size_t)plot.w * (size_t)plot.h * sizeof *cnt);
    bin_pop(app, p, plot, cnt);
    paint_pop(app, p, plot, cnt);
  }
  SDL_SetClipRect(s, NULL);
  free(cnt);
  vz_time_axis(app, plot, 0);
}

/* Selects the neuron under the click. */
static int raster_click(vz_app *app, SDL_Rect plot, int x, int y)
{
  double row = floor(vz_row_of_y(plot, &app->view, y));
  uint32_t id;
  int pop = row >= 0 ? vz_store_row_neuron(app->store, (size_t)row, &id) : -1;
  if (pop < 0)
    return 0;
  vz_app_select(app, pop, id);
  return 1;
}

const vz_panel_type vz_panel_raster = {"raster", raster_height, raster_draw, raster_click};
