/* The spike raster: populations stacked (neurons on y, time on x), one colour per
 * population. Spikes are binned into per-pixel counts first, so a frame costs one
 * increment per visible spike plus one pass over the pixels, whatever the number
 * of neurons; a pixel holding one spike has exactly the population's colour,
 * denser pixels are brightened towards white. A mark is 2 pixels wide (the right
 * one only if its own bin is empty) so that single spikes stay visible. When a
 * neuron gets three or more pixel rows, a mark is as tall as the neuron's row
 * less one pixel. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "app.h"
#include "draw.h"

static int raster_height(const vz_app *app)
{
  return app->view.tab == VZ_TAB_SPIKES ? -1 : 0;
}

/* Counts of pop's spikes in the window per pixel, into cnt (plot.w x plot.h,
 * zeroed by the caller); rows outside [ylo, yhi) are skipped. */
static void bin_pop(const vz_app *app, const vz_pop *p, SDL_Rect plot, uint16_t *cnt)
{
  const vz_view *v = &app->view;
  size_t k = vz_pop_lower(p, vz_view_t0(v)), end = vz_pop_lower(p, v->t_now + 1e-12);
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

/* Colours the counted pixels of one population; a neuron taller than 2 pixels
 * gets its whole row band (less a 1-pixel gap) per spike pixel. */
static void paint_pop(vz_app *app, const vz_pop *p, SDL_Rect plot, const uint16_t *cnt)
{
  const vz_view *v = &app->view;
  double px_per_row = plot.h / v->rows;
  for (int y = 0; y < plot.h; y++) {
    const uint16_t *line = cnt + (size_t)y * plot.w;
    for (int x = 0; x < plot.w; x++) {
      if (!line[x])
        continue;
      double f = line[x] == 1 ? 0.0 : fmin(1.0, log2((double)line[x]) / 6.0) * 0.7;
      uint32_t c = vz_mix(p->color, VZ_RGB(255, 255, 255), f);
      if (px_per_row < 3) {   /* a dot, widened to 2 pixels when the next is empty */
        vz_pixel(app->canvas, plot.x + x, plot.y + y, c);
        if (x + 1 < plot.w && !line[x + 1])
          vz_pixel(app->canvas, plot.x + x + 1, plot.y + y, c);
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
    vz_textf(app->small, app->canvas, plot.x - VZ_MARGIN_L + 6, mid, VZ_DIM, "%zu", p->size);
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
    const vz_pop *p = &app->store->pops[i];
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
