/* Layout (see app.h): the panel stack on the left, the inspector on the right
 * when a neuron is selected, the status bar and time slider at the bottom; and
 * the mappings between pixels, times and raster rows that every panel shares. */
#include <math.h>
#include "app.h"
#include "draw.h"

double vz_view_t0(const vz_view *v)
{
  return v->t_now - v->span;
}

int vz_x_of_t(SDL_Rect plot, const vz_view *v, double t)
{
  /* Multiplying first keeps whole pixels exact: (row * h) / rows is an
   * integer exactly when it should be, row / rows * h may fall just below. */
  return plot.x + (int)floor((t - vz_view_t0(v)) * plot.w / v->span);
}

double vz_t_of_x(SDL_Rect plot, const vz_view *v, int x)
{
  return vz_view_t0(v) + (x - plot.x + 0.5) / plot.w * v->span;
}

int vz_y_of_row(SDL_Rect plot, const vz_view *v, double row)
{
  return plot.y + (int)floor((row - v->row0) * plot.h / v->rows);
}

double vz_row_of_y(SDL_Rect plot, const vz_view *v, int y)
{
  return v->row0 + (y - plot.y + 0.5) / plot.h * v->rows;
}

void vz_view_clamp(vz_view *v, const vz_store *st)
{
  double total = (double)vz_store_rows(st);
  if (total < 1)
    total = 1;
  if (!v->user_rows || v->rows > total) {
    v->rows = total;
    v->row0 = 0;
  }
  if (v->rows < 1)
    v->rows = 1;
  if (v->row0 > total - v->rows)
    v->row0 = total - v->rows;
  if (v->row0 < 0)
    v->row0 = 0;
  if (v->span < 0.01)
    v->span = 0.01;
  if (v->t_now > st->t_end && !v->follow)
    v->t_now = st->t_end;
  if (v->t_now < st->t_begin)
    v->t_now = st->t_begin;
}

/* Inner plot area of a stacked panel. */
static SDL_Rect plot_of(SDL_Rect p)
{
  return (SDL_Rect){p.x + VZ_MARGIN_L, p.y + VZ_MARGIN_T, p.w - VZ_MARGIN_L - VZ_MARGIN_R,
                    p.h - VZ_MARGIN_T - VZ_MARGIN_B};
}

void vz_layout_compute(vz_app *app, int w, int h)
{
  vz_layout *L = &app->layout;
  int side = app->view.sel_pop >= 0 ? VZ_INSPECTOR_W : 0;
  L->slider = (SDL_Rect){0, h - VZ_STATUS_H - VZ_SLIDER_H, w, VZ_SLIDER_H};
  L->status = (SDL_Rect){0, h - VZ_STATUS_H, w, VZ_STATUS_H};
  int stack_h = L->slider.y, stack_w = w - side;
  L->inspector = (SDL_Rect){stack_w, 0, side, stack_h};
  int fixed = 0, flex = 0, want[VZ_MAX_PANELS];
  for (size_t i = 0; i < app->n_panels; i++) {
    want[i] = app->panels[i]->height(app);
    if (want[i] < 0)
      flex++;
    else
      fixed += want[i];
  }
  int share = flex ? (stack_h - fixed) / flex : 0;
  int y = 0;
  for (size_t i = 0; i < app->n_panels; i++) {
    int ph = want[i] < 0 ? share : want[i];
    if (ph < VZ_MARGIN_T + VZ_MARGIN_B + 8)
      ph = want[i] == 0 ? 0 : VZ_MARGIN_T + VZ_MARGIN_B + 8;
    L->panel[i] = (SDL_Rect){0, y, stack_w, ph};
    L->plot[i] = plot_of(L->panel[i]);
    y += ph;
  }
}

/* Formats a tick value without trailing noise: 250, 1.5, 0.025. */
static void tick_label(char *buf, size_t len, double v, double step)
{
  int dec = step >= 1 ? 0 : (int)ceil(-log10(step) - 1e-9);
  snprintf(buf, len, "%.*f", dec, fabs(v) < step * 1e-6 ? 0.0 : v);
}

void vz_time_axis(vz_app *app, SDL_Rect plot, int labels)
{
  const vz_view *v = &app->view;
  double step = vz_nice_step(v->span, plot.w / 110 > 1 ? plot.w / 110 : 1);
  double t0 = vz_view_t0(v);
  char buf[32];
  vz_hline(app->canvas, plot.x, plot.x + plot.w - 1, plot.y + plot.h, VZ_AXIS);
  for (double t = ceil(t0 / step) * step; t <= v->t_now + 1e-9; t += step) {
    int x = vz_x_of_t(plot, v, t);
    if (x < plot.x || x >= plot.x + plot.w)
      continue;
    vz_vline(app->canvas, x, plot.y + plot.h, plot.y + plot.h + 3, VZ_AXIS);
    if (!labels)
      continue;
    tick_label(buf, sizeof buf, t, step);
    int tw = vz_text_width(app->small, buf);
    vz_text(app->small, app->canvas, x - tw / 2, plot.y + plot.h + 3, VZ_DIM, buf);
  }
  if (labels)
    vz_text(app->small, app->canvas, plot.x - VZ_MARGIN_L + 6, plot.y + plot.h + 3, VZ_AXIS, "t (ms)");
}
