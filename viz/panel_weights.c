/* The weight view of one projection at the playhead (weight.h5 frames over the
 * edges.h5 weights): a heatmap, presynaptic neurons on rows and postsynaptic
 * neurons on columns, each synapse's cell coloured on the diverging scale of
 * [-m, m] with m the largest |weight| the files hold (fixed over time, so a
 * cell's colour change is a weight change; multapses add up); empty cells are
 * pairs without a synapse. Projections with more than VZ_HEAT_MAX neurons on a
 * side get a histogram of the weights instead, over the range of every
 * recorded weight, its bars scaled to the tallest bin of this moment. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "app.h"
#include "draw.h"
#include "weights.h"

enum { TITLE_H = 18, LEGEND_H = 36 };

static vz_proj *shown(const vz_app *app)
{
  const vz_weights *w = app->store->weights;
  return w && w->n ? &w->proj[app->view.proj % w->n] : NULL;
}

static int weights_height(const vz_app *app)
{
  return app->view.tab == VZ_TAB_WEIGHTS ? -1 : 0;
}

static int is_heatmap(const vz_proj *p)
{
  return p->n_pre <= VZ_HEAT_MAX && p->n_post <= VZ_HEAT_MAX;
}

/* The cells' area: square cells when there is room. */
static SDL_Rect heat_area(SDL_Rect plot)
{
  return (SDL_Rect){plot.x, plot.y + TITLE_H, plot.w, plot.h - TITLE_H - LEGEND_H};
}

SDL_Rect vz_heat_cell(SDL_Rect plot, const vz_proj *p, size_t i, size_t j)
{
  SDL_Rect a = heat_area(plot);
  double cw = (double)a.w / (double)(p->n_post ? p->n_post : 1), ch = (double)a.h / (double)(p->n_pre ? p->n_pre : 1);
  cw = ch = fmax(1.0, fmin(cw, ch));   /* square cells */
  int x0 = a.x + (int)floor(j * cw), x1 = a.x + (int)floor((j + 1) * cw);
  int y0 = a.y + (int)floor(i * ch), y1 = a.y + (int)floor((i + 1) * ch);
  return (SDL_Rect){x0, y0, x1 - x0 > 1 ? x1 - x0 : 1, y1 - y0 > 1 ? y1 - y0 : 1};
}

SDL_Rect vz_hist_area(SDL_Rect plot)
{
  return (SDL_Rect){plot.x, plot.y + TITLE_H, plot.w, plot.h - TITLE_H - LEGEND_H};
}

static double scale_of(const vz_proj *p)
{
  double m = fmax(fabs(p->wmin), fabs(p->wmax));
  return m > 0 && isfinite(m) ? m : 1;
}

static void heatmap(vz_app *app, vz_proj *p, SDL_Rect plot)
{
  const float *w = vz_proj_weights_at(p, app->view.t_now);
  double m = scale_of(p);
  /* Sums per cell (multapses), NAN where there is no synapse. */
  double *cell = malloc((p->n_pre * p->n_post + 1) * sizeof *cell);
  if (!cell)
    return;
  for (size_t q = 0; q < p->n_pre * p->n_post; q++)
    cell[q] = NAN;
  for (size_t k = 0; k < p->n_syn; k++) {
    double *c = &cell[(size_t)p->src[k] * p->n_post + p->dst[k]];
    *c = isnan(*c) ? w[k] : *c + w[k];
  }
  SDL_Rect last = vz_heat_cell(plot, p, p->n_pre - 1, p->n_post - 1);
  SDL_Rect a = heat_area(plot);
  vz_fill(app->canvas, (SDL_Rect){a.x, a.y, last.x + last.w - a.x, last.y + last.h - a.y}, VZ_BG);
  for (size_t i = 0; i < p->n_pre; i++)
    for (size_t j = 0; j < p->n_post; j++)
      if (!isnan(cell[i * p->n_post + j]))
        vz_fill(app->canvas, vz_heat_cell(plot, p, i, j), vz_diverge(cell[i * p->n_post + j] / m));
  free(cell);
  /* The selected postsynaptic neuron's column (its inputs), framed. */
  const vz_view *v = &app->view;
  if (v->sel_pop >= 0 && !strcmp(app->store->pops[v->sel_pop].name, p->post ? p->post : "") && v->sel_id < p->n_post) {
    SDL_Rect top = vz_heat_cell(plot, p, 0, v->sel_id), bot = vz_heat_cell(plot, p, p->n_pre - 1, v->sel_id);
    vz_frame(app->canvas, (SDL_Rect){top.x - 1, top.y - 1, top.w + 2, bot.y + bot.h - top.y + 2}, VZ_TEXT);
  }
  /* Presynaptic ids on the left margin, postsynaptic ids right of the cells. */
  SDL_SetClipRect(app->canvas, NULL);
  double step = vz_nice_step((double)p->n_pre, 8);
  for (double i = 0; i < (double)p->n_pre; i += step) {
    SDL_Rect r = vz_heat_cell(plot, p, (size_t)i, 0);
    vz_textf(app->small, app->canvas, plot.x - 30, r.y + r.h / 2 - 7, VZ_DIM, "%.0f", i);
  }
  vz_text(app->small, app->canvas, plot.x - VZ_MARGIN_L + 6, plot.y + 16, VZ_AXIS, "pre");
  SDL_SetClipRect(app->canvas, &plot);
  step = vz_nice_step((double)p->n_post, 8);
  for (double j = 0; j < (double)p->n_post; j += step) {
    SDL_Rect r = vz_heat_cell(plot, p, p->n_pre - 1, (size_t)j);
    vz_vline(app->canvas, r.x + r.w / 2, r.y + r.h, r.y + r.h + 3, VZ_AXIS);
    vz_textf(app->small, app->canvas, r.x + r.w / 2 + 2, r.y + r.h + 1, VZ_DIM, "%.0f", j);
  }
  int y = plot.y + plot.h - 17, x = plot.x + 4;
  char buf[64];
  x += vz_text(app->small, app->canvas, x, y, VZ_DIM, "rows: pre, columns: post (ids below);  weight") + 8;
  snprintf(buf, sizeof buf, "%.3g", -m);
  x += vz_text(app->small, app->canvas, x, y, VZ_DIM, buf) + 4;
  for (int k = 0; k < 120; k++)
    vz_vline(app->canvas, x + k, y + 3, y + 11, vz_diverge(k / 59.5 - 1));
  snprintf(buf, sizeof buf, "+%.3g %s   (dark: no synapse)", m, p->units);
  vz_text(app->small, app->canvas, x + 124, y, VZ_DIM, buf);
}

static void histogram(vz_app *app, vz_proj *p, SDL_Rect plot)
{
  size_t counts[VZ_HIST_BINS], top = 1;
  double lo = p->wmin, hi = p->wmax > p->wmin ? p->wmax : p->wmin + 1;
  vz_proj_histogram(p, app->view.t_now, lo, hi, VZ_HIST_BINS, counts);
  for (int b = 0; b < VZ_HIST_BINS; b++)
    top = counts[b] > top ? counts[b] : top;
  SDL_Rect a = vz_hist_area(plot);
  double m = scale_of(p);
  for (int b = 0; b < VZ_HIST_BINS; b++) {
    int x0 = a.x + b * a.w / VZ_HIST_BINS, x1 = a.x + (b + 1) * a.w / VZ_HIST_BINS;
    int h = (int)lround((double)counts[b] / (double)top * a.h);
    double mid = lo + (b + 0.5) * (hi - lo) / VZ_HIST_BINS;
    vz_fill(app->canvas, (SDL_Rect){x0, a.y + a.h - h, x1 - x0 - 1, h}, vz_diverge(mid / m));
  }
  char buf[128];
  int y = plot.y + plot.h - LEGEND_H + 4;
  snprintf(buf, sizeof buf, "%.4g", lo);
  vz_text(app->small, app->canvas, a.x, y, VZ_DIM, buf);
  snprintf(buf, sizeof buf, "%.4g %s", hi, p->units);
  vz_text(app->small, app->canvas, a.x + a.w - vz_text_width(app->small, buf), y, VZ_DIM, buf);
  snprintf(buf, sizeof buf, "weights of %zu synapses; tallest bin %zu", p->n_syn, top);
  vz_text(app->small, app->canvas, a.x + a.w / 2 - vz_text_width(app->small, buf) / 2, y, VZ_DIM, buf);
}

static void weights_draw(vz_app *app, SDL_Rect panel, SDL_Rect plot)
{
  vz_fill(app->canvas, panel, VZ_BG);
  vz_fill(app->canvas, plot, VZ_PANEL);
  vz_proj *p = shown(app);
  if (!p || !p->n_syn) {
    vz_text(app->font, app->canvas, plot.x + 10, plot.y + 10, VZ_DIM,
            !p ? "no weights in this output (edges.h5, weight.h5)"
            : app->src->live && app->src->growing ? "waiting for the first sample of this projection's weights"
                                                 : "this projection's weights were not sampled");
    if (p)
      vz_textf(app->small, app->canvas, plot.x + 10, plot.y + 32, VZ_DIM, "%s: %s -> %s", p->label,
               p->pre ? p->pre : "?", p->post ? p->post : "?");
    return;
  }
  SDL_SetClipRect(app->canvas, &plot);
  if (is_heatmap(p))
    heatmap(app, p, plot);
  else
    histogram(app, p, plot);
  char when[64] = "edges.h5 weights";
  long f = vz_proj_frame_at(p, app->view.t_now);
  if (f >= 0)
    snprintf(when, sizeof when, "%s at %.6g ms", p->ft ? "sampled" : "frame", vz_proj_frame_time(p, f));
  vz_textf(app->small, app->canvas, plot.x + 4, plot.y, VZ_TEXT, "%s: %s (%zu) -> %s (%zu), %zu synapses, %zu recorded; %s",
           p->label, p->pre ? p->pre : "?", p->n_pre, p->post ? p->post : "?", p->n_post, p->n_syn, p->n_rec,
           when);
  SDL_SetClipRect(app->canvas, NULL);
  vz_textf(app->small, app->canvas, plot.x - VZ_MARGIN_L + 6, plot.y, VZ_DIM, "%zu/%zu",
           app->view.proj % app->store->weights->n + 1, app->store->weights->n);
}

/* A click on a heatmap cell selects the postsynaptic neuron (its inputs are
 * that column). */
static int weights_click(vz_app *app, SDL_Rect plot, int x, int y)
{
  vz_proj *p = shown(app);
  if (!p || !p->post || !is_heatmap(p))
    return 0;
  SDL_Rect first = vz_heat_cell(plot, p, 0, 0), last = vz_heat_cell(plot, p, p->n_pre - 1, p->n_post - 1);
  if (y < first.y || y >= last.y + last.h || x < first.x || x >= last.x + last.w)
    return 0;
  size_t j = (size_t)((x - first.x) / (double)first.w);   /* about right; then exact */
  j = j >= p->n_post ? p->n_post - 1 : j;
  while (j > 0 && x < vz_heat_cell(plot, p, 0, j).x)
    j--;
  while (j + 1 < p->n_post && x >= vz_heat_cell(plot, p, 0, j + 1).x)
    j++;
  for (size_t i = 0; i < app->store->n_pops; i++)
    if (!strcmp(app->store->pops[i].name, p->post)) {
      vz_app_select(app, (int)i, (uint32_t)j);
      return 1;
    }
  return 0;
}

const vz_panel_type vz_panel_weights = {"weights", weights_height, weights_draw, weights_click};
