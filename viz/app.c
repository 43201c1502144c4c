/* The visualizer app (see app.h): lifecycle, the initial view, playback, drawing
 * a frame into the canvas and presenting it, screenshots, and the window loop. */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "app.h"
#include "draw.h"
#include "inspect.h"
#include "png.h"
#include "weights.h"

double vz_wall(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* Opens the window, a renderer (accelerated if possible, else software) and the
 * streaming texture the canvas is uploaded to. 0, or -1 with a message. */
static int open_window(vz_app *app, const char *title, int w, int h, char *msg, size_t msglen)
{
  app->win = SDL_CreateWindow(title ? title : "ember-viz", SDL_WINDOWPOS_UNDEFINED,
                              SDL_WINDOWPOS_UNDEFINED, w, h, SDL_WINDOW_RESIZABLE);
  if (app->win)
    app->ren = SDL_CreateRenderer(app->win, -1, SDL_RENDERER_ACCELERATED | SDL_RENDERER_PRESENTVSYNC);
  if (app->win && !app->ren)
    app->ren = SDL_CreateRenderer(app->win, -1, SDL_RENDERER_SOFTWARE);
  if (app->ren)
    app->tex = SDL_CreateTexture(app->ren, SDL_PIXELFORMAT_ARGB8888, SDL_TEXTUREACCESS_STREAMING, w, h);
  if (!app->tex) {
    snprintf(msg, msglen, "cannot open a window: %s (no display? use --screenshot FILE for "
             "headless images)", SDL_GetError());
    return -1;
  }
  return 0;
}

/* The canvas (and texture) at w x h; 0, or -1 if out of memory. */
static int resize(vz_app *app, int w, int h)
{
  if (app->canvas && app->canvas->w == w && app->canvas->h == h)
    return 0;
  SDL_Surface *c = vz_surface_new(w, h);
  if (!c)
    return -1;
  SDL_FreeSurface(app->canvas);
  app->canvas = c;
  if (app->ren) {
    SDL_Texture *t = SDL_CreateTexture(app->ren, SDL_PIXELFORMAT_ARGB8888, SDL_TEXTUREACCESS_STREAMING, w, h);
    if (!t)
      return -1;
    SDL_DestroyTexture(app->tex);
    app->tex = t;
  }
  return 0;
}

static int open_fonts(vz_app *app, char *msg, size_t msglen)
{
  char path[4096];
  if (vz_font_find(path, sizeof path)) {
    snprintf(msg, msglen, "%s", path);
    return -1;
  }
  app->font = vz_font_open(path, 14, msg, msglen);
  app->small = app->font ? vz_font_open(path, 12, msg, msglen) : NULL;
  return app->small ? 0 : -1;
}

vz_app *vz_app_new(vz_store *store, vz_source *src, const vz_app_opts *opts, char *msg, size_t msglen)
{
  vz_app *app = calloc(1, sizeof *app);
  if (!app) {
    snprintf(msg, msglen, "out of memory");
    return NULL;
  }
  int w = opts->width > 0 ? opts->width : 1280, h = opts->height > 0 ? opts->height : 800;
  app->store = store;
  app->src = src;
  app->panels[app->n_panels++] = &vz_panel_raster;
  app->panels[app->n_panels++] = &vz_panel_rate;
  app->panels[app->n_panels++] = &vz_panel_circuit;
  app->panels[app->n_panels++] = &vz_panel_weights;
  app->panels[app->n_panels++] = &vz_panel_trace;
  app->view = (vz_view){.speed = src->live ? 0.0 : 0.25, .sel_pop = -1, .rows = 1};
  app->default_span = opts->span;
  app->at = opts->at;
  app->shot_dir = opts->shot_dir;
  app->wall_prev = vz_wall();
  if (open_fonts(app, msg, msglen) || (!opts->headless && open_window(app, opts->title, w, h, msg, msglen))) {
    vz_app_free(app);
    return NULL;
  }
  if (resize(app, w, h)) {
    snprintf(msg, msglen, "cannot create a %d x %d surface: %s", w, h, SDL_GetError());
    vz_app_free(app);
    return NULL;
  }
  return app;
}

void vz_app_free(vz_app *app)
{
  if (!app)
    return;
  vz_font_free(app->font);
  vz_font_free(app->small);
  SDL_FreeSurface(app->canvas);
  if (app->tex)
    SDL_DestroyTexture(app->tex);
  if (app->ren)
    SDL_DestroyRenderer(app->ren);
  if (app->win)
    SDL_DestroyWindow(app->win);
  free(app);
}

void vz_app_note(vz_app *app, const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(app->message, sizeof app->message, fmt, ap);
  va_end(ap);
  app->message_until = vz_wall() + 4.0;
}

void vz_app_select(vz_app *app, int pop, uint32_t id)
{
  app->view.sel_pop = pop;
  app->view.sel_id = id;
  if (app->src->ops->select)
    app->src->ops->select(app->src, app->store, pop, id);
}

int vz_app_panel(const vz_app *app, const char *name)
{
  for (size_t i = 0; i < app->n_panels; i++)
    if (!strcmp(app->panels[i]->name, name))
      return (int)i;
  return -1;
}

int vz_app_show(vz_app *app, int tab, size_t which)
{
  size_t n = tab == VZ_TAB_CIRCUIT ? app->store->n_circuits
             : tab == VZ_TAB_WEIGHTS ? (app->store->weights ? app->store->weights->n : 0) : 1;
  if (!n) {
    vz_app_note(app, "%s", tab == VZ_TAB_CIRCUIT ? "no LTC circuit in this output (circuits/*.h5)"
                                                 : "no weights in this output (edges.h5)");
    return -1;
  }
  app->view.tab = tab;
  if (tab == VZ_TAB_CIRCUIT)
    app->view.circuit = which % n;
  else if (tab == VZ_TAB_WEIGHTS)
    app->view.proj = which % n;
  return 0;
}

/* The first view once there are data: a window of the default span at the
 * start (replay), at --at, or at the end (a growing source). */
static void initial_view(vz_app *app)
{
  vz_view *v = &app->view;
  vz_store *st = app->store;
  double len = st->t_end - st->t_begin;
  v->span = app->default_span > 0 ? app->default_span : len > 0 && len < 250 ? len : 250;
  if (!isnan(app->at)) {
    v->t_now = app->at;
    v->paused = 1;
  } else if (app->src->growing) {
    v->follow = 1;
    v->t_now = st->t_end;
  } else
    v->t_now = st->t_begin + v->span < st->t_end ? st->t_begin + v->span : st->t_end;
  app->started = 1;
}

/* Playback: the playhead follows the end of a growing source, or moves at the
 * replay speed and stops at the end. */
static void advance(vz_app *app, double wall_dt)
{
  vz_view *v = &app->view;
  const vz_store *st = app->store;
  if (!app->started && (st->t_end > st->t_begin || st->n_pops || !isnan(app->at)))
    initial_view(app);
  if (v->paused)
    return;
  if (v->follow) {
    v->t_now = st->t_end;
    return;
  }
  double rate = app->src->live ? (v->speed > 0 ? v->speed : 1.0) : v->speed;
  v->t_now += rate * 1000.0 * wall_dt;
  if (v->t_now >= st->t_end) {
    v->t_now = st->t_end;
    if (app->src->growing)
      v->follow = 1;
    else
      v->paused = 1;
  }
}

void vz_app_render(vz_app *app)
{
  double w0 = vz_wall();
  vz_view_clamp(&app->view, app->store);
  vz_layout_compute(app, app->canvas->w, app->canvas->h);
  vz_fill(app->canvas, (SDL_Rect){0, 0, app->canvas->w, app->canvas->h}, VZ_BG);
  for (size_t i = 0; i < app->n_panels; i++)
    if (app->layout.panel[i].h > 0)
      app->panels[i]->draw(app, app->layout.panel[i], app->layout.plot[i]);
  if (app->layout.inspector.w > 0)
    vz_inspect_draw(app, app->layout.inspector);
  vz_draw_slider(app);
  vz_draw_status(app);
  if (app->view.help)
    vz_draw_help(app);
  double ms = 1000.0 * (vz_wall() - w0);
  app->frame_ms = app->frame_ms > 0 ? 0.8 * app->frame_ms + 0.2 * ms : ms;
}

/* Uploads the canvas to the window. */
static void present(vz_app *app)
{
  if (!app->ren)
    return;
  SDL_UpdateTexture(app->tex, NULL, app->canvas->pixels, app->canvas->pitch);
  SDL_RenderClear(app->ren);
  SDL_RenderCopy(app->ren, app->tex, NULL, NULL);
  SDL_RenderPresent(app->ren);
}

/* The projections whose weights are on screen: the weight view's, and those
 * onto the selected (spiking) neuron's population (its strongest inputs). */
static void want_weights(vz_app *app)
{
  const vz_weights *w = app->store->weights;
  const vz_view *v = &app->view;
  size_t want[8], n = 0;
  if (!app->src->ops->want_weights || !w || !w->n)
    return;
  if (v->tab == VZ_TAB_WEIGHTS)
    want[n++] = v->proj % w->n;
  for (size_t i = 0; v->sel_pop >= 0 && i < w->n && n < 8; i++)
    if (w->proj[i].post && !strcmp(w->proj[i].post, app->store->pops[v->sel_pop].name)
        && !(v->tab == VZ_TAB_WEIGHTS && i == v->proj % w->n))
      want[n++] = i;
  app->src->ops->want_weights(app->src, want, n);
}

void vz_app_frame(vz_app *app, double wall_dt)
{
  want_weights(app);
  if (app->src->ops->poll)
    app->src->ops->poll(app->src, app->store);
  advance(app, wall_dt);
  if (app->win) {
    int w, h;
    SDL_GetWindowSize(app->win, &w, &h);
    if (w > 100 && h > 100)
      resize(app, w, h);
  }
  vz_app_render(app);
  present(app);
}

int vz_app_screenshot(vz_app *app, const char *path, char *msg, size_t msglen)
{
  return vz_screenshot_save(path, app->canvas, msg, msglen);
}

int vz_app_run(vz_app *app, volatile int *stop)
{
  while (!app->view.quit && !(stop && *stop)) {
    SDL_Event e;
    /* Wait at most a frame for input, then draw: ~60 frames/s when idle. */
    if (SDL_WaitEventTimeout(&e, 16))
      do
        vz_app_handle(app, &e);
      while (SDL_PollEvent(&e));
    double now = vz_wall();
    vz_app_frame(app, now - app->wall_prev);
    app->wall_prev = now;
  }
  if (app->src->ops->quit)
    app->src->ops->quit(app->src);
  return 0;
}

/* ---------------------------------------------- views named on the command line --- */

int vz_app_select_spec(vz_app *app, const char *spec, char *msg, size_t msglen)
{
  const char *colon = strrchr(spec, ':');
  char *end = NULL;
  unsigned long id = colon ? strtoul(colon + 1, &end, 10) : 0;
  for (size_t p = 0; colon && !*end && p < app->store->n_pops; p++)
    if (strlen(app->store->pops[p].name) == (size_t)(colon - spec)
        && !strncmp(app->store->pops[p].name, spec, (size_t)(colon - spec))
        && id < app->store->pops[p].size) {
      vz_app_select(app, (int)p, (uint32_t)id);
      return 0;
    }
  snprintf(msg, msglen, "'%s': no such population:neuron in the output", spec);
  return -1;
}

int vz_app_view_spec(vz_app *app, const char *spec, char *msg, size_t msglen)
{
  static const char *const names[] = {"spikes", "circuit", "weights"};
  const char *colon = strchr(spec, ':');
  size_t len = colon ? (size_t)(colon - spec) : strlen(spec);
  char *end = NULL;
  unsigned long which = colon ? strtoul(colon + 1, &end, 10) : 0;
  for (int t = 0; t < 3; t++)
    if (strlen(names[t]) == len && !strncmp(names[t], spec, len)
        && (!colon || (end != colon + 1 && !*end))) {
      if (vz_app_show(app, t, which) == 0)
        return 0;
      snprintf(msg, msglen, "%s: %s", spec, app->message);
      return -1;
    }
  snprintf(msg, msglen, "must be spikes, circuit[:I] or weights[:I], got '%s'", spec);
  return -1;
}
