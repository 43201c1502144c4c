/* `ember-viz DIR`: replays an output directory in a window, follows one being
 * written (--follow), or renders one frame to a PNG/BMP without a display
 * (--screenshot FILE [--at T]). */
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "ember/ember.h"
#include "app.h"

static void usage(FILE *f)
{
  fputs("usage: ember-viz [--follow] [--span MS] [--size WxH] DIR\n"
        "       ember-viz DIR --screenshot FILE.png [--at T] [--span MS] [--size WxH]\n"
        "  DIR                 an output directory of `ember run` (spikes.h5, <var>.h5)\n"
        "  -f, --follow        follow a run in progress: re-read the files as they grow\n"
        "  -S, --screenshot F  draw one frame without a window and save it (.png or .bmp)\n"
        "  -a, --at T          the frame's time, ms (default: the end of the data)\n"
        "  -w, --span MS       time window shown, ms (default 250, or the whole run)\n"
        "  -g, --size WxH      window or image size in pixels (default 1280x800)\n"
        "  -n, --select P:ID   select neuron ID of population P (inspector, trace)\n"
        "  -V, --view V[:I]    start in view V: spikes, circuit or weights (I: which\n"
        "                      circuit or projection, from 0 in the order of the files)\n"
        "Keys (h in the window shows them):\n", f);
  for (int i = 0; vz_help_lines[i]; i++) {
    const char *tab = strchr(vz_help_lines[i], '\t');
    fprintf(f, "  %-15.*s%s\n", (int)(tab - vz_help_lines[i]), vz_help_lines[i], tab + 1);
  }
  fputs("Exit codes: 0 success, 1 the files cannot be read or drawn, 2 bad usage.\n", f);
}

typedef struct viz_opts {
  const char *dir, *shot, *select, *view;
  int follow, width, height;
  double at, span;
} viz_opts;

/* 0 on success, 1 if help was printed, -1 on bad usage (message printed). */
static int parse(int argc, char **argv, viz_opts *o)
{
  static const struct option longs[] = {
    {"follow", no_argument, NULL, 'f'},       {"screenshot", required_argument, NULL, 'S'},
    {"at", required_argument, NULL, 'a'},     {"span", required_argument, NULL, 'w'},
    {"size", required_argument, NULL, 'g'},   {"select", required_argument, NULL, 'n'},
    {"view", required_argument, NULL, 'V'},
    {"help", no_argument, NULL, 'h'},         {NULL, 0, NULL, 0}};
  char *end;
  int c;
  opterr = 0;
  while ((c = getopt_long(argc, argv, "fS:a:w:g:n:V:h", longs, NULL)) != -1) {
    switch (c) {
    case 'f': o->follow = 1; break;
    case 'S': o->shot = optarg; break;
    case 'n': o->select = optarg; break;
    case 'V': o->view = optarg; break;
    case 'a':
    case 'w': {
      double v = strtod(optarg, &end);
      if (*end || end == optarg || !isfinite(v) || (c == 'w' && v <= 0)) {
        fprintf(stderr, "ember-viz: --%s must be a %snumber (ms), got '%s'\n", c == 'a' ? "at" : "span",
                c == 'w' ? "positive " : "", optarg);
        return -1;
      }
      *(c == 'a' ? &o->at : &o->span) = v;
      break;
    }
    case 'g':
      if (sscanf(optarg, "%dx%d", &o->width, &o->height) != 2 || o->width < 320 || o->height < 240
          || o->width > 8192 || o->height > 8192) {
        fprintf(stderr, "ember-viz: --size must be WxH from 320x240 to 8192x8192, got '%s'\n", optarg);
        return -1;
      }
      break;
    case 'h': usage(stdout); return 1;
    default:
      fprintf(stderr, "ember-viz: unknown option or missing value: %s\n", argv[optind - 1]);
      usage(stderr);
      return -1;
    }
  }
  if (optind != argc - 1) {
    fprintf(stderr, "ember-viz: %s\n", optind >= argc ? "no output directory given" : "give one directory");
    usage(stderr);
    return -1;
  }
  o->dir = argv[optind];
  return 0;
}

/* Applies --select or --view (`opt`) through its parser; 0, or -1 with the
 * parser's message printed. */
static int apply_spec(vz_app *app, const char *opt, const char *spec,
                      int (*parse)(vz_app *, const char *, char *, size_t))
{
  char msg[256];
  if (parse(app, spec, msg, sizeof msg) == 0)
    return 0;
  fprintf(stderr, "ember-viz: %s %s\n", opt, msg);
  return -1;
}

/* Draws one frame offscreen and saves it. Returns the exit code. */
static int headless(vz_app *app, const viz_opts *o)
{
  vz_app_frame(app, 0.0);
  char msg[512];
  if (vz_app_screenshot(app, o->shot, msg, sizeof msg)) {
    fprintf(stderr, "ember-viz: %s\n", msg);
    return 1;
  }
  printf("ember-viz: wrote %s (t = %.6g ms, window %.6g ms)\n", o->shot, app->view.t_now, app->view.span);
  return 0;
}

int main(int argc, char **argv)
{
  viz_opts o = {.at = NAN};
  int p = parse(argc, argv, &o);
  if (p)
    return p > 0 ? 0 : 2;
  /* Headless frames need no video driver: everything is drawn into a surface. */
  if (!o.shot && SDL_Init(SDL_INIT_VIDEO) < 0) {
    fprintf(stderr, "ember-viz: cannot start SDL video: %s (no display? use --screenshot FILE)\n",
            SDL_GetError());
    return 1;
  }
  char msg[1024];
  int code = 1;
  vz_store *st = vz_store_new();
  vz_source *src = st ? vz_file_source_new(o.dir, o.follow, st, msg, sizeof msg) : NULL;
  if (o.shot && isnan(o.at) && st)
    o.at = st->t_end;
  char title[512];
  snprintf(title, sizeof title, "ember-viz %s%s", o.dir, o.follow ? " (following)" : "");
  vz_app_opts ao = {o.width, o.height, o.shot != NULL, title, o.span, o.at, NULL};
  vz_app *app = src ? vz_app_new(st, src, &ao, msg, sizeof msg) : NULL;
  if (!app)
    fprintf(stderr, "ember-viz: %s\n", st ? msg : "out of memory");
  else if ((o.select && apply_spec(app, "--select", o.select, vz_app_select_spec)) ||
           (o.view && apply_spec(app, "--view", o.view, vz_app_view_spec)))
    code = 2;
  else
    code = o.shot ? headless(app, &o) : vz_app_run(app, NULL);
  vz_app_free(app);
  vz_source_free(src);
  vz_store_free(st);
  SDL_Quit();
  return code;
}
