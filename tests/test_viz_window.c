/* The visualizer in a real window (run under Xvfb by tests/viz_xvfb.sh; skipped,
 * exit 77, without a display): key events pause playback, save a screenshot and
 * quit; in a live run, pause holds the simulation and quit stops it cleanly; the
 * circuit view's keys (c, r, tab) and a click on a node. */
#define _GNU_SOURCE
#include <ftw.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "helpers.h"
#include "viz_fixture.h"
#include "../viz/app.h"
#include "../viz/live.h"
#include "../viz/circuit.h"
#include "ember/ltc.h"

static char g_tmp[256];

static int setup(void **state)
{
  const char *base = getenv("TMPDIR");
  snprintf(g_tmp, sizeof g_tmp, "%s/ember_vizwin_XXXXXX", base && *base ? base : "/tmp");
  return mkdtemp(g_tmp) && fixture_write(g_tmp) == 0 ? 0 : -1;
}

static int rm_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
  return remove(path);
}

static int teardown(void **state)
{
  return nftw(g_tmp, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

/* Pushes a key press into the window's event queue. */
static void press(vz_app *app, SDL_Keycode k)
{
  SDL_Event e = {0};
  e.type = SDL_KEYDOWN;
  e.key.windowID = SDL_GetWindowID(app->win);
  e.key.state = SDL_PRESSED;
  e.key.keysym.sym = k;
  assert_int_equal(SDL_PushEvent(&e), 1);
}

/* Handles what is queued and draws one frame, as one turn of vz_app_run. */
static void turn(vz_app *app, double wall_dt)
{
  SDL_Event e;
  while (SDL_PollEvent(&e))
    vz_app_handle(app, &e);
  vz_app_frame(app, wall_dt);
}

static void test_replay_keys(void **state)
{
  char msg[512];
  vz_store *st = vz_store_new();
  vz_source *src = vz_file_source_new(g_tmp, 0, st, msg, sizeof msg);
  assert_non_null(src);
  vz_app_opts o = {800, 600, 0, "test", 100.0, NAN, g_tmp};
  vz_app *app = vz_app_new(st, src, &o, msg, sizeof msg);
  if (!app)
    fail_msg("%s", msg);
  assert_non_null(app->win);
  assert_true(SDL_GetWindowID(app->win) != 0);
  turn(app, 0.0);
  assert_false(app->view.paused);          /* a replay starts playing */
  press(app, SDLK_SPACE);
  turn(app, 0.01);
  assert_true(app->view.paused);
  double t = app->view.t_now;
  turn(app, 1.0);
  assert_true(app->view.t_now == t);       /* paused: time stands still */
  press(app, SDLK_h);
  turn(app, 0.0);
  assert_true(app->view.help);
  press(app, SDLK_s);
  turn(app, 0.0);
  assert_true(app->last_shot[0] != 0);
  assert_ptr_equal(strstr(app->last_shot, g_tmp), app->last_shot);
  FILE *f = fopen(app->last_shot, "rb");
  assert_non_null(f);
  char sig[8];
  assert_int_equal(fread(sig, 1, 8, f), 8);
  fclose(f);
  assert_memory_equal(sig, "\x89PNG\r\n\x1a\n", 8);
  press(app, SDLK_q);
  assert_int_equal(vz_app_run(app, NULL), 0);   /* returns once q is handled */
  assert_true(app->view.quit);
  vz_app_free(app);
  vz_source_free(src);
  vz_store_free(st);
}

typedef struct run_job {
  ember_network *net;
  ember_status st;
} run_job;

static void *run_thread(void *arg)
{
  run_job *j = arg;
  j->st = ember_network_run(j->net, 1e7);
  return NULL;
}

/* Waits (drawing frames) until the live data reach t ms; fails after 20 s. */
static void wait_data(vz_app *app, double t)
{
  double w0 = vz_wall();
  while (app->store->t_end < t) {
    assert_true(vz_wall() - w0 < 20.0);
    turn(app, 0.016);
    SDL_Delay(5);
  }
}

static void test_live_pause_and_quit(void **state)
{
  ember_network *net = ember_network_new(2);
  ember_population *src, *pop;
  assert_ok(net, ember_source_population_new(net, "noise", 50, "poisson", &src));
  set_p(src, "rate", 50.0);
  assert_ok(net, ember_population_new(net, "cells", 20, "lif_curr_exp", &pop));
  ember_connector conn = {.kind = EMBER_CONN_ALL_TO_ALL, .allow_autapses = 1};
  ember_dist w = dist_const(0.3), d = dist_const(1.0);
  ember_projection *proj;
  assert_ok(net, ember_projection_new(net, src, pop, &conn, &w, &d, "excitatory", &proj));
  vz_live *live = vz_live_new(net);
  vz_store *st = vz_store_new();
  ember_network_set_observer(net, vz_live_observe, live);
  char msg[512];
  vz_app_opts o = {800, 600, 0, "live test", 100.0, NAN, g_tmp};
  vz_app *app = vz_app_new(st, vz_live_source(live), &o, msg, sizeof msg);
  assert_non_null(app);
  press(app, SDLK_MINUS);                  /* cap at 1x real time: a slow, steady run */
  turn(app, 0.0);
  run_job job = {net, EMBER_OK};
  pthread_t th;
  assert_int_equal(pthread_create(&th, NULL, run_thread, &job), 0);
  wait_data(app, 50.0);
  assert_true(st->n_pops == 2 && st->total_spikes > 0);
  press(app, SDLK_SPACE);
  turn(app, 0.0);
  SDL_Delay(200);                          /* the observer reaches its wait */
  turn(app, 0.0);
  double t = st->t_end;
  SDL_Delay(300);
  turn(app, 0.0);
  assert_true(st->t_end == t);             /* the simulation is held */
  assert_true(ember_network_time(net) == t);
  press(app, SDLK_q);
  assert_int_equal(vz_app_run(app, NULL), 0);   /* quitting asks the run to stop */
  pthread_join(th, NULL);
  assert_int_equal(job.st, EMBER_ERR_INTERRUPTED);
  assert_true(ember_network_time(net) < 1e7);
  ember_network_set_observer(net, NULL, NULL);
  vz_app_free(app);
  vz_source_free(vz_live_source(live));
  vz_store_free(st);
  ember_network_free(net);
}

/* The circuit view in a window: `c` shows it, a click on a node selects that
 * neuron, `s` saves it, `r` goes back to the raster. The circuit (an NCP built
 * and saved with ember_ltc, no v recorded: edges show weights) is the only
 * thing in its directory. */
static void test_circuit_keys(void **state)
{
  char dir[512], path[600], msg[512];
  snprintf(dir, sizeof dir, "%s/ltc", g_tmp);
  snprintf(path, sizeof path, "%s/circuits", dir);
  assert_int_equal(mkdir(dir, 0755) | mkdir(path, 0755), 0);
  ember_ltc *c = ember_ltc_new();
  ember_ltc_wiring_spec sp = {.kind = EMBER_LTC_NCP, .inputs = 2, .outputs = 1, .inter = 3, .command = 2,
                              .sensory_fanout = 2, .inter_fanout = 2, .recurrent_command = 1, .motor_fanin = 2};
  assert_int_equal(ember_ltc_build(c, &sp, 1, 0), EMBER_OK);
  snprintf(path, sizeof path, "%s/circuits/ncp.h5", dir);
  assert_int_equal(ember_ltc_save(c, path), EMBER_OK);
  ember_ltc_free(c);
  vz_store *st = vz_store_new();
  vz_source *src = vz_file_source_new(dir, 0, st, msg, sizeof msg);
  assert_non_null(src);
  assert_int_equal(st->n_circuits, 1);
  vz_app_opts o = {800, 600, 0, "circuit test", 100.0, NAN, g_tmp};
  vz_app *app = vz_app_new(st, src, &o, msg, sizeof msg);
  assert_non_null(app);
  turn(app, 0.0);
  assert_int_equal(app->view.tab, VZ_TAB_SPIKES);
  press(app, SDLK_c);
  turn(app, 0.0);
  assert_int_equal(app->view.tab, VZ_TAB_CIRCUIT);
  int x, y, pi = vz_app_panel(app, "circuit");
  vz_circuit_node_xy(st->circuits[0], vz_circuit_area(app->layout.plot[pi]), 0, 0, &x, &y);
  SDL_Event e = {0};
  e.type = SDL_MOUSEBUTTONDOWN;
  e.button.windowID = SDL_GetWindowID(app->win);
  e.button.button = SDL_BUTTON_LEFT;
  e.button.x = x;
  e.button.y = y;
  assert_int_equal(SDL_PushEvent(&e), 1);
  turn(app, 0.0);
  assert_int_equal(app->view.sel_pop, 0);   /* motor neuron 0 of "ncp" */
  assert_int_equal(app->view.sel_id, 0);
  press(app, SDLK_s);
  turn(app, 0.0);
  FILE *f = fopen(app->last_shot, "rb");
  assert_non_null(f);
  fclose(f);
  press(app, SDLK_r);
  turn(app, 0.0);
  assert_int_equal(app->view.tab, VZ_TAB_SPIKES);
  press(app, SDLK_TAB);
  turn(app, 0.0);
  assert_int_equal(app->view.tab, VZ_TAB_CIRCUIT);   /* no weights: tab skips that view */
  press(app, SDLK_q);
  assert_int_equal(vz_app_run(app, NULL), 0);
  vz_app_free(app);
  vz_source_free(src);
  vz_store_free(st);
}

int main(void)
{
  if (!getenv("DISPLAY")) {
    fprintf(stderr, "test_viz_window: no DISPLAY, skipped (tests/viz_xvfb.sh runs it under Xvfb)\n");
    return 77;
  }
  if (SDL_Init(SDL_INIT_VIDEO) < 0) {
    fprintf(stderr, "test_viz_window: SDL video: %s\n", SDL_GetError());
    return 99;
  }
  const struct CMUnitTest tests[] = {cmocka_unit_test(test_replay_keys),
                                     cmocka_unit_test(test_live_pause_and_quit),
                                     cmocka_unit_test(test_circuit_keys)};
  int r = cmocka_run_group_tests(tests, setup, teardown);
  SDL_Quit();
  return r;
}
