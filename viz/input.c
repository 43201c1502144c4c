/* Keys and mouse (see the help overlay in status.c for the list). Every handler
 * only changes the view; the next frame draws the result. */
#include <math.h>
#include <stdio.h>
#include <time.h>
#include "app.h"
#include "weights.h"

static int in_rect(SDL_Rect r, int x, int y)
{
  return x >= r.x && y >= r.y && x < r.x + r.w && y < r.y + r.h;
}

static void set_paused(vz_app *app, int paused)
{
  app->view.paused = paused;
  if (app->src->ops->set_paused)
    app->src->ops->set_paused(app->src, paused);
  if (!paused && !app->src->growing && app->view.t_now >= app->store->t_end)
    app->view.t_now = app->store->t_begin + app->view.span;   /* replay again */
}

/* +/-: replay speed doubles or halves (1/256x .. 64x); a live run's cap goes
 * none -> 1x -> 0.5x ... with '-' and back up to none with '+'. */
static void change_speed(vz_app *app, int faster)
{
  double *s = &app->view.speed;
  if (app->src->live) {
    if (faster)
      *s = *s <= 0 ? 0 : *s * 2 > 256 ? 0 : *s * 2;
    else
      *s = *s <= 0 ? 1.0 : fmax(*s / 2, 1.0 / 64);
    if (app->src->ops->set_speed)
      app->src->ops->set_speed(app->src, *s);
  } else
    *s = faster ? fmin(*s * 2, 64.0) : fmax(*s / 2, 1.0 / 256);
}

static void scroll_time(vz_app *app, double frac)
{
  vz_view *v = &app->view;
  v->follow = 0;
  v->t_now += frac * v->span;
  if (v->t_now >= app->store->t_end && app->src->growing)
    v->follow = 1;
}

static void zoom_time(vz_app *app, double f)
{
  app->view.span *= f;
}

static void scroll_rows(vz_app *app, double frac)
{
  app->view.user_rows = 1;
  app->view.row0 += frac * app->view.rows;
}

/* Zooms the rows about the middle of the shown range. */
static void zoom_rows(vz_app *app, double f)
{
  vz_view *v = &app->view;
  double mid = v->row0 + v->rows / 2;
  v->user_rows = 1;
  v->rows = fmax(1.0, v->rows * f);
  v->row0 = mid - v->rows / 2;
}

/* `s`: ember-viz-YYYYmmdd-HHMMSS-N.png in the screenshot folder. */
static void screenshot(vz_app *app)
{
  char stamp[32], msg[512];
  time_t now = time(NULL);
  strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", localtime(&now));
  snprintf(app->last_shot, sizeof app->last_shot, "%s%sember-viz-%s-%d.png",
           app->shot_dir ? app->shot_dir : "", app->shot_dir ? "/" : "", stamp, ++app->shot_count);
  if (vz_app_screenshot(app, app->last_shot, msg, sizeof msg))
    vz_app_note(app, "%s", msg);
  else
    vz_app_note(app, "saved %s", app->last_shot);
}

/* c / w: show that view; pressed again, the next circuit (projection), and
 * after the last one back to the spikes. */
static void cycle_view(vz_app *app, int tab)
{
  vz_view *v = &app->view;
  size_t n = tab == VZ_TAB_CIRCUIT ? app->store->n_circuits
             : app->store->weights ? app->store->weights->n : 0;
  size_t *cur = tab == VZ_TAB_CIRCUIT ? &v->circuit : &v->proj;
  if (v->tab != tab)
    vz_app_show(app, tab, *cur);
  else if (*cur + 1 < n)
    vz_app_show(app, tab, *cur + 1);
  else {
    *cur = 0;
    v->tab = VZ_TAB_SPIKES;
  }
}

/* tab: spikes -> circuit -> weights -> spikes, skipping views without data. */
static void next_tab(vz_app *app)
{
  int t = app->view.tab;
  for (int k = 0; k < 3; k++) {
    t = (t + 1) % 3;
    size_t n = t == VZ_TAB_CIRCUIT ? app->store->n_circuits
               : t == VZ_TAB_WEIGHTS ? (app->store->weights ? app->store->weights->n : 0) : 1;
    if (n) {
      app->view.tab = t;
      return;
    }
  }
}

static void key(vz_app *app, SDL_Keycode k, Uint16 mod)
{
  vz_view *v = &app->view;
  int shift = (mod & KMOD_SHIFT) != 0;
  switch (k) {
  case SDLK_SPACE: set_paused(app, !v->paused); break;
  case SDLK_PLUS: case SDLK_EQUALS: case SDLK_KP_PLUS: change_speed(app, 1); break;
  case SDLK_MINUS: case SDLK_KP_MINUS: change_speed(app, 0); break;
  case SDLK_LEFT: shift ? zoom_time(app, 1.25) : scroll_time(app, -0.25); break;
  case SDLK_RIGHT: shift ? zoom_time(app, 0.8) : scroll_time(app, 0.25); break;
  case SDLK_UP: shift ? zoom_rows(app, 0.8) : scroll_rows(app, -0.25); break;
  case SDLK_DOWN: shift ? zoom_rows(app, 1.25) : scroll_rows(app, 0.25); break;
  case SDLK_HOME: v->follow = 0; v->t_now = app->store->t_begin + v->span; break;
  case SDLK_END: v->t_now = app->store->t_end; v->follow = app->src->growing; break;
  case SDLK_0: v->user_rows = 0; v->span = app->default_span > 0 ? app->default_span : 250; break;
  case SDLK_v: v->trace_var++; break;
  case SDLK_c: cycle_view(app, VZ_TAB_CIRCUIT); break;
  case SDLK_w: cycle_view(app, VZ_TAB_WEIGHTS); break;
  case SDLK_r: v->tab = VZ_TAB_SPIKES; break;
  case SDLK_TAB: next_tab(app); break;
  case SDLK_h: v->help = !v->help; break;
  case SDLK_s: screenshot(app); break;
  case SDLK_q: v->quit = 1; break;
  case SDLK_ESCAPE:
    if (v->help)
      v->help = 0;
    else if (v->sel_pop >= 0)
      vz_app_select(app, -1, 0);
    else
      v->quit = 1;
    break;
  default: break;
  }
}

/* A left click: the slider seeks, a panel may select; a right click clears. */
static void click(vz_app *app, int button, int x, int y)
{
  if (button == SDL_BUTTON_RIGHT) {
    vz_app_select(app, -1, 0);
    return;
  }
  if (button != SDL_BUTTON_LEFT)
    return;
  if (in_rect(app->layout.slider, x, y)) {
    app->view.follow = 0;
    app->view.t_now = vz_slider_time(app, x);
    return;
  }
  for (size_t i = 0; i < app->n_panels; i++)
    if (app->panels[i]->click && in_rect(app->layout.plot[i], x, y))
      app->panels[i]->click(app, app->layout.plot[i], x, y);
}

void vz_app_handle(vz_app *app, const SDL_Event *e)
{
  switch (e->type) {
  case SDL_QUIT: app->view.quit = 1; break;
  case SDL_WINDOWEVENT:
    if (e->window.event == SDL_WINDOWEVENT_CLOSE)
      app->view.quit = 1;
    break;
  case SDL_KEYDOWN: key(app, e->key.keysym.sym, e->key.keysym.mod); break;
  case SDL_MOUSEBUTTONDOWN: click(app, e->button.button, e->button.x, e->button.y); break;
  case SDL_MOUSEMOTION:
    if ((e->motion.state & SDL_BUTTON_LMASK) && in_rect(app->layout.slider, e->motion.x, e->motion.y)) {
      app->view.follow = 0;
      app->view.t_now = vz_slider_time(app, e->motion.x);
    }
    break;
  case SDL_MOUSEWHEEL: {
    int rows = (SDL_GetModState() & (KMOD_SHIFT | KMOD_CTRL)) != 0;
    double f = e->wheel.y > 0 ? 0.8 : e->wheel.y < 0 ? 1.25 : 1.0;
    rows ? zoom_rows(app, f) : zoom_time(app, f);
    break;
  }
  default: break;
  }
}
