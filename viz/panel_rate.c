/* The population rate plot under the raster: spikes per neuron per second (Hz)
 * in bins of about 8 pixels, one line per population in its colour, y axis scaled
 * to the largest rate in view. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "app.h"
#include "draw.h"

enum { RATE_H = 130, BIN_PX = 8 };

static int rate_height(const vz_app *app)
{
  return app->store->n_pops && app->view.tab == VZ_TAB_SPIKES ? RATE_H : 0;
}

/* Rates (Hz) of p in n bins of width bin (ms) from a. A bin cut by the end of
 * the data [lo, hi) is divided by the part it covers, so the newest bin of a live
 * run does not dip. */
static void pop_rates(const vz_pop *p, double a, double bin, int n, double lo, double hi,
                      double *out)
{
  if (!strcmp(p->kind, "ltc")) {   /* no spikes: no line (the raster shows their v) */
    for (int b = 0; b < n; b++)
      out[b] = NAN;
    return;
  }
  for (int b = 0; b < n; b++) {
    double s = a + b * bin, e = s + bin, w = fmin(e, hi) - fmax(s, lo);
    double c = (double)vz_pop_count(p, s, e, -1);
    out[b] = w > 0.05 * bin && p->size ? c * 1000.0 / (w * (double)p->size) : NAN;
  }
}

/* Value axis: a few ticks from 0 to top with labels on the left margin. */
static void value_axis(vz_app *app, SDL_Rect plot, double top, const char *unit)
{
  double step = vz_nice_step(top, 3);
  char buf[32];
  for (double y = 0; y <= top * 1.0001; y += step) {
    int py = plot.y + plot.h - 1 - (int)lround(y / top * (plot.h - 1));
    vz_hline(app->canvas, plot.x, plot.x + plot.w - 1, py, VZ_GRID);
    snprintf(buf, sizeof buf, "%g", y);
    vz_text(app->small, app->canvas, plot.x - 6 - vz_text_width(app->small, buf),
            py - vz_font_height(app->small) / 2, VZ_DIM, buf);
  }
  vz_text(app->small, app->canvas, plot.x - VZ_MARGIN_L + 6, plot.y, VZ_AXIS, unit);
}

static void rate_draw(vz_app *app, SDL_Rect panel, SDL_Rect plot)
{
  SDL_Surface *s = app->canvas;
  vz_fill(s, panel, VZ_BG);
  vz_fill(s, plot, VZ_PANEL);
  int n = plot.w / BIN_PX;
  if (n < 1 || plot.h < 4)
    return;
  const vz_view *v = &app->view;
  /* Bins on a fixed grid (multiples of their width), so that they do not
   * flicker as the window scrolls. */
  double bin = v->span / n, a = floor(vz_view_t0(v) / bin) * bin, top = 1.0;
  n += 2;
  double lo = app->store->t_begin, hi = fmin(app->store->t_end, v->t_now);
  double *r = malloc((size_t)n * app->store->n_pops * sizeof *r);
  if (!r)
    return;
  for (size_t i = 0; i < app->store->n_pops; i++) {
    pop_rates(&app->store->pops[i], a, bin, n, lo, hi, r + i * (size_t)n);
    for (int b = 0; b < n; b++)
      top = fmax(top, r[i * (size_t)n + b]);
  }
  top = ceil(top / vz_nice_step(top, 3)) * vz_nice_step(top, 3);
  value_axis(app, plot, top, "Hz");
  SDL_SetClipRect(s, &plot);
  for (size_t i = 0; i < app->store->n_pops; i++) {
    const double *ri = r + i * (size_t)n;
    int px = 0, py = 0, have = 0;   /* a gap (NAN) breaks the line */
    for (int b = 0; b < n; b++) {
      if (isnan(ri[b])) {
        have = 0;
        continue;
      }
      int x = vz_x_of_t(plot, v, a + (b + 0.5) * bin);
      int y = plot.y + plot.h - 1 - (int)lround(ri[b] / top * (plot.h - 1));
      if (have)
        vz_line(s, px, py, x, y, app->store->pops[i].color);
      px = x;
      py = y;
      have = 1;
    }
  }
  SDL_SetClipRect(s, NULL);
  free(r);
  vz_time_axis(app, plot, 1);
}

const vz_panel_type vz_panel_rate = {"rate", rate_height, rate_draw, NULL};
