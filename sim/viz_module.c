/* The visualizer module of `ember run --viz` (ember_run_viz.so, see viz_plugin.h):
 * the window (libvz) in this thread, the script in a worker thread. */
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include "cli.h"
#include "viz_plugin.h"
#include "../viz/app.h"
#include "../viz/live.h"

/* The module's only exported symbol (the build keeps the others local). */
int ember_viz_run(const ember_viz_args *a);

/* The simulation thread's job: the whole script (Lua runs on this one thread). */
typedef struct viz_job {
  const ember_viz_args *a;
  vz_live *live;
  int code;
} viz_job;

static void *viz_worker(void *arg)
{
  viz_job *job = arg;
  job->code = job->a->run_script(job->a->job);
  vz_live_finish(job->live, job->code);
  return NULL;
}

/* --screenshot: after the run, one frame of its end, saved, showing the view and
 * neuron given with --view / --select. Returns 0 or -1. */
static int final_screenshot(vz_app *app, const ember_viz_args *a)
{
  char msg[512];
  app->src->ops->poll(app->src, app->store);
  app->at = app->store->t_end;
  if (a->select && vz_app_select_spec(app, a->select, msg, sizeof msg)) {
    fprintf(stderr, "ember run: --select %s\n", msg);
    return -1;
  }
  if (a->view && vz_app_view_spec(app, a->view, msg, sizeof msg)) {
    fprintf(stderr, "ember run: --view %s\n", msg);
    return -1;
  }
  vz_app_frame(app, 0.0);
  if (vz_app_screenshot(app, a->shot, msg, sizeof msg)) {
    fprintf(stderr, "ember run: %s\n", msg);
    return -1;
  }
  fprintf(stderr, "ember: wrote %s (t = %.6g ms)\n", a->shot, app->view.t_now);
  return 0;
}

/* A module of another build (its arguments laid out differently) refuses. */
static int compatible(const ember_viz_args *a)
{
  if (a->abi == EMBER_VIZ_ABI && a->size == sizeof *a && a->version
      && strcmp(a->version, ember_version()) == 0)
    return 1;
  fprintf(stderr, "ember run: --viz: the visualizer module does not match this ember "
          "(ember %s, module built for %s)\n", a->version ? a->version : "?", ember_version());
  return 0;
}

int ember_viz_run(const ember_viz_args *a)
{
  if (!compatible(a))
    return EMBER_EXIT_RUNTIME;
  if (!a->shot && SDL_Init(SDL_INIT_VIDEO) < 0) {
    fprintf(stderr, "ember run: --viz: cannot start SDL video: %s (no display? add "
            "--screenshot FILE for an image without a window)\n", SDL_GetError());
    return EMBER_EXIT_RUNTIME;
  }
  char msg[1024] = "out of memory", title[512];
  snprintf(title, sizeof title, "ember run %s", a->script);
  vz_store *st = vz_store_new();
  vz_live *live = st ? vz_live_new(a->net) : NULL;
  vz_app_opts ao = {0, 0, a->shot != NULL, title, 0, NAN, NULL};
  vz_app *app = live ? vz_app_new(st, vz_live_source(live), &ao, msg, sizeof msg) : NULL;
  viz_job job = {a, live, EMBER_EXIT_RUNTIME};
  pthread_t worker;
  int started = 0;
  if (app) {
    ember_network_set_observer(a->net, vz_live_observe, live);
    started = pthread_create(&worker, NULL, viz_worker, &job) == 0;
  }
  if (!started)
    fprintf(stderr, "ember run: --viz: %s\n", app ? "cannot start the simulation thread" : msg);
  else if (a->shot) {
    pthread_join(worker, NULL);
    if (final_screenshot(app, a) && job.code == EMBER_EXIT_OK)
      job.code = EMBER_EXIT_RUNTIME;
  } else {
    vz_app_run(app, (volatile int *)a->sigint_hit);
    a->stop();   /* no effect if the script has already ended */
    pthread_join(worker, NULL);
  }
  ember_network_set_observer(a->net, NULL, NULL);
  vz_app_free(app);
  vz_source_free(live ? vz_live_source(live) : NULL);
  vz_store_free(st);
  SDL_Quit();
  return started ? job.code : EMBER_EXIT_RUNTIME;
}
