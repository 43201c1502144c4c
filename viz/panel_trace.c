/* State traces of single neurons (membrane potential and other variables from
 * the <var>.h5 reports, or sampled live): the selected neuron's first, then the
 * others of the same variable, up to four, with a value axis in the variable's
 * unit and a legend. Each pixel column draws the min..max of its samples, so a
 * trace with more samples than pixels keeps its spikes and resets. */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include "app.h"
#include "draw.h"

enum { TRACE_H = 190, MAX_SHOWN = 4 };

/* Distinct variable names among the traces, in order of first appearance. */
static size_t variables(const vz_store *st, const char **out, size_t max)
{
  size_t n = 0;
  for (size_t i = 0; i < st->n_traces; i++) {
    size_t k = 0;
    while (k < n && strcmp(out[k], st->traces[i].var) != 0)
      k++;
    if (k == n && n < max)
      out[n++] = st->traces[i].var;
  }
  return n;
}

/* The variable shown: view.trace_var cycles over the variables; "v" first. */
static const char *shown_var(const vz_app *app)
{
  const char *vars[16];
  size_t n = variables(app->store, vars, 16);
  if (!n)
    return NULL;
  for (size_t k = 1; k < n; k++)
    if (strcmp(vars[k], "v") == 0) {
      vars[k] = vars[0];
      vars[0] = "v";
    }
  return vars[(size_t)app->view.trace_var % n];
}

static int trace_height(const vz_app *app)
{
  return app->store->n_traces ? TRACE_H : 0;
}

/* The traces to draw (indices into st->traces), selected neuron first. */
static size_t pick(const vz_app *app, const char *var, size_t *idx)
{
  const vz_store *st = app->store;
  const vz_view *v = &app->view;
  size_t n = 0;
  int sel = v->sel_pop >= 0 ? vz_store_find_trace(st, (size_t)v->sel_pop, v->sel_id, var) : -1;
  if (sel >= 0)
    idx[n++] = (size_t)sel;
  for (size_t i = 0; i < st->n_traces && n < MAX_SHOWN; i++)
    if ((int)i != sel && strcmp(st->traces[i].var, var) == 0 && st->traces[i].n)
      idx[n++] = i;
  return n;
}

/* Range of the visible samples of the picked traces; 0 if there are none. */
static int value_range(const vz_app *app, const size_t *idx, size_t n, double *lo, double *hi)
{
  *lo = INFINITY;
  *hi = -INFINITY;
  for (size_t j = 0; j < n; j++) {
    const vz_trace *tr = &app->store->traces[idx[j]];
    size_t a = vz_trace_lower(tr, vz_view_t0(&app->view)), b = vz_trace_lower(tr, app->view.t_now);
    a = a ? a - 1 : 0;   /* the sample before the window sets the left edge */
    for (size_t k = a; k < b && k < tr->n; k++) {
      *lo = fmin(*lo, tr->v[k]);
      *hi = fmax(*hi, tr->v[k]);
    }
  }
  if (!(*lo <= *hi))
    return 0;
  double pad = *hi > *lo ? 0.05 * (*hi - *lo) : fmax(1.0, fabs(*lo) * 0.05);
  *lo -= pad;
  *hi += pad;
  return 1;
}

static int y_of(SDL_Rect plot, double v, double lo, double hi)
{
  return plot.y + plot.h - 1 - (int)lround((v - lo) / (hi - lo) * (plot.h - 1));
}

/* One trace: per pixel column the min..max of its samples, joined to the next. */
static void draw_one(vz_app *app, SDL_Rect plot, const vz_trace *tr, double lo, double hi, uint32_t c)
{
  const vz_view *v = &app->view;
  size_t a = vz_trace_lower(tr, vz_view_t0(v)), b = vz_trace_lower(tr, v->t_now + 1e-12);
  a = a ? a - 1 : 0;
  int col = -1, cmin = 0, cmax = 0, prev = -1;
  for (size_t k = a; k < b && k < tr->n; k++) {
    int x = vz_x_of_t(plot, v, vz_trace_time(tr, k)), y = y_of(plot, tr->v[k], lo, hi);
    if (x != col) {
      if (col >= 0)
        vz_vline(app->canvas, col, cmin, cmax, c);
      if (prev >= 0)
        vz_line(app->canvas, col, prev, x, y, c);
      col = x;
      cmin = cmax = y;
    }
    cmin = y < cmin ? y : cmin;
    cmax = y > cmax ? y : cmax;
    prev = y;
  }
  if (col >= 0)
    vz_vline(app->canvas, col, cmin, cmax, c);
}

static void value_axis(vz_app *app, SDL_Rect plot, double lo, double hi, const char *unit)
{
  double step = vz_nice_step(hi - lo, 4);
  char buf[32];
  for (double y = ceil(lo / step) * step; y <= hi; y += step) {
    int py = y_of(plot, y, lo, hi);
    vz_hline(app->canvas, plot.x, plot.x + plot.w - 1, py, VZ_GRID);
    snprintf(buf, sizeof buf, "%g", fabs(y) < step * 1e-6 ? 0.0 : y);
    vz_text(app->small, app->canvas, plot.x - 6 - vz_text_width(app->small, buf),
            py - vz_font_height(app->small) / 2, VZ_DIM, buf);
  }
  vz_text(app->small, app->canvas, plot.x - VZ_MARGIN_L + 6, plot.y, VZ_AXIS, unit);
}

static void legend(vz_app *app, SDL_Rect plot, const size_t *idx, size_t n)
{
  int x = plot.x + 8;
  for (size_t j = 0; j < n; j++) {
    const vz_trace *tr = &app->store->traces[idx[j]];
    char buf[160];
    snprintf(buf, sizeof buf, "%s[%u] %s (%s)", app->store->pops[tr->pop].name, (unsigned)tr->id,
             tr->var, tr->units);
    vz_fill(app->canvas, (SDL_Rect){x, plot.y + 6, 12, 3}, vz_trace_color(j));
    x += 16 + vz_text(app->small, app->canvas, x + 16, plot.y, VZ_TEXT, buf) + 14;
  }
}

static void trace_draw(vz_app *app, SDL_Rect panel, SDL_Rect plot)
{
  SDL_Surface *s = app->canvas;
  vz_fill(s, panel, VZ_BG);
  vz_fill(s, plot, VZ_PANEL);
  const char *var = shown_var(app);
  size_t idx[MAX_SHOWN];
  size_t n = var ? pick(app, var, idx) : 0;
  double lo, hi;
  if (n && value_range(app, idx, n, &lo, &hi)) {
    value_axis(app, plot, lo, hi, app->store->traces[idx[0]].units);
    SDL_SetClipRect(s, &plot);
    for (size_t j = n; j-- > 0;)   /* the selected neuron's trace last, on top */
      draw_one(app, plot, &app->store->traces[idx[j]], lo, hi, vz_trace_color(j));
    SDL_SetClipRect(s, NULL);
  }
  legend(app, plot, idx, n);
  vz_time_axis(app, plot, 1);
}

const vz_panel_type vz_panel_trace = {"traces", trace_height, trace_draw, NULL};
