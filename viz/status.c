/* The status bar (simulated time, real-time factor, spikes/s, paused/running),
 * the time slider and the help overlay. */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include "app.h"
#include "draw.h"

const char *const vz_help_lines[] = {
  "space\tpause / resume (a live run pauses the simulation)",
  "+  -\tfaster / slower (live: cap the real-time factor)",
  "left  right\tscroll time (shift: zoom time)",
  "up  down\tscroll neurons (shift: zoom neurons)",
  "wheel\tzoom time (shift or ctrl: zoom neurons)",
  "home  end\tgo to the start / follow the end",
  "0\treset the zoom",
  "click\tselect a neuron (inspector, trace); right click: clear",
  "click slider\tjump to that time",
  "v\tnext traced variable",
  "c\tLTC circuit view (again: next circuit, then back)",
  "w\tweight view: heatmap or histogram (again: next projection)",
  "r\tspike raster and rates",
  "tab\tnext view (spikes, circuit, weights)",
  "s\tscreenshot (PNG in the current folder)",
  "h\tthis help",
  "q  escape\tquit (a live run stops cleanly, files are closed)",
  NULL};

/* "12.3k" style counts. */
static void human(char *buf, size_t len, double v)
{
  if (v >= 1e6)
    snprintf(buf, len, "%.3gM", v / 1e6);
  else if (v >= 1e3)
    snprintf(buf, len, "%.3gk", v / 1e3);
  else
    snprintf(buf, len, "%.3g", v);
}

/* Spikes per simulated second over the last 100 ms before the playhead. */
static double sim_rate(const vz_app *app)
{
  double w = fmin(100.0, app->view.t_now - app->store->t_begin), n = 0;
  if (w <= 0)
    return 0;
  for (size_t i = 0; i < app->store->n_pops; i++)
    n += (double)vz_pop_count(&app->store->pops[i], app->view.t_now - w, app->view.t_now, -1);
  return n / (w / 1000.0);
}

static void speed_text(const vz_app *app, char *buf, size_t len)
{
  const vz_view *v = &app->view;
  if (app->src->live) {
    char cap[32] = "no cap";
    if (v->speed > 0)
      snprintf(cap, sizeof cap, "cap %gx", v->speed);
    if (app->src->wall_rtf > 0)
      snprintf(buf, len, "%.3gx real time (%s)", app->src->wall_rtf, cap);
    else
      snprintf(buf, len, "real time: - (%s)", cap);
  } else
    snprintf(buf, len, "%gx real time", v->speed);
}

void vz_draw_status(vz_app *app)
{
  SDL_Rect r = app->layout.status;
  vz_fill(app->canvas, r, VZ_PANEL);
  vz_hline(app->canvas, r.x, r.x + r.w - 1, r.y, VZ_GRID);
  const vz_view *v = &app->view;
  char speed[64], sps[32], wall[48] = "";
  speed_text(app, speed, sizeof speed);
  human(sps, sizeof sps, sim_rate(app));
  if (app->src->live && app->src->growing) {
    char w[32];
    human(w, sizeof w, app->src->wall_sps);
    snprintf(wall, sizeof wall, ", %s/s wall", w);
  }
  const char *state = v->paused ? "paused" : app->src->state[0] ? app->src->state : "playing";
  if (v->paused && app->src->live && app->src->growing)
    state = "paused (simulation waits)";
  int y = r.y + (r.h - vz_font_height(app->small)) / 2;
  int x = r.x + 8;
  x += vz_textf(app->small, app->canvas, x, y, v->paused ? VZ_RGB(255, 200, 40) : VZ_RGB(80, 220, 120),
                "%s", state) + 16;
  x += vz_textf(app->small, app->canvas, x, y, VZ_TEXT, "t = %.1f / %.1f ms", v->t_now,
                app->store->t_end) + 16;
  x += vz_textf(app->small, app->canvas, x, y, VZ_TEXT, "%s", speed) + 16;
  x += vz_textf(app->small, app->canvas, x, y, VZ_TEXT, "%s spikes/s%s", sps, wall) + 16;
  if (app->frame_ms > 0)
    x += vz_textf(app->small, app->canvas, x, y, VZ_DIM, "window %.4g ms  %.1f ms/frame", v->span,
                  app->frame_ms) + 16;
  else
    x += vz_textf(app->small, app->canvas, x, y, VZ_DIM, "window %.4g ms", v->span) + 16;
  const char *note = vz_wall() < app->message_until ? app->message : "h: help";
  vz_text(app->small, app->canvas, r.x + r.w - 8 - vz_text_width(app->small, note), y, VZ_DIM, note);
  (void)x;
}

double vz_slider_time(const vz_app *app, int x)
{
  SDL_Rect r = app->layout.slider;
  double f = (x - r.x - VZ_MARGIN_L) / (double)(r.w - VZ_MARGIN_L - VZ_MARGIN_R);
  f = f < 0 ? 0 : f > 1 ? 1 : f;
  return app->store->t_begin + f * (app->store->t_end - app->store->t_begin);
}

void vz_draw_slider(vz_app *app)
{
  SDL_Rect r = app->layout.slider;
  vz_fill(app->canvas, r, VZ_BG);
  SDL_Rect bar = {r.x + VZ_MARGIN_L, r.y + r.h / 2 - 2, r.w - VZ_MARGIN_L - VZ_MARGIN_R, 4};
  vz_fill(app->canvas, bar, VZ_GRID);
  double len = app->store->t_end - app->store->t_begin;
  if (len <= 0)
    return;
  double a = (vz_view_t0(&app->view) - app->store->t_begin) / len;
  double b = (app->view.t_now - app->store->t_begin) / len;
  int xa = bar.x + (int)(fmax(0, a) * bar.w), xb = bar.x + (int)(fmin(1, b) * bar.w);
  vz_fill(app->canvas, (SDL_Rect){xa, bar.y, xb - xa + 1, bar.h}, VZ_AXIS);
  vz_fill(app->canvas, (SDL_Rect){xb - 2, r.y + 2, 5, r.h - 4}, VZ_TEXT);
  vz_text(app->small, app->canvas, r.x + 6, r.y + (r.h - vz_font_height(app->small)) / 2, VZ_DIM, "time");
}

/* Draws a help line as two columns: the keys, and after the tab the description
 * at x + key_w. */
static void help_line(vz_app *app, int x, int y, int key_w, const char *line)
{
  const char *gap = strchr(line, '\t');
  char keys[64];
  size_t n = gap ? (size_t)(gap - line) : strlen(line);
  snprintf(keys, sizeof keys, "%.*s", (int)n, line);
  vz_text(app->font, app->canvas, x, y, VZ_RGB(255, 200, 40), keys);
  if (gap)
    vz_text(app->font, app->canvas, x + key_w, y, VZ_TEXT, gap + 1);
}

void vz_draw_help(vz_app *app)
{
  int lh = vz_font_height(app->font), n = 0, w = 0, key_w = 130;
  for (; vz_help_lines[n]; n++) {
    const char *tab = strchr(vz_help_lines[n], '\t');
    int tw = key_w + vz_text_width(app->font, tab ? tab + 1 : vz_help_lines[n]);
    w = tw > w ? tw : w;
  }
  SDL_Rect box = {(app->canvas->w - w) / 2 - 20, (app->canvas->h - (n + 2) * lh) / 2 - 16, w + 40,
                  (n + 2) * lh + 32};
  vz_shade(app->canvas, box, VZ_RGB(0, 0, 0), 215);
  vz_frame(app->canvas, box, VZ_AXIS);
  int y = box.y + 16;
  vz_text(app->font, app->canvas, box.x + 20, y, VZ_TEXT, "Keys and mouse   (h closes this)");
  y += 2 * lh;
  for (int i = 0; i < n; i++, y += lh)
    help_line(app, box.x + 20, y, key_w, vz_help_lines[i]);
}
