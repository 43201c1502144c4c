/* `ember run SCRIPT.lua`: options, the network and its output directory and
 * provenance, the Lua script, SIGINT, the progress line and the final summary. */
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <lauxlib.h>
#include "cli.h"
#include "lua_api.h"
#include <pthread.h>
#ifdef EMBER_WITH_VIZ
#include "viz_load.h"
#endif

typedef struct run_opts {
  const char *script;
  const char *outdir;       /* NULL: "<script stem>-out" */
  int threads;              /* 0: the library's default */
  int have_seed;
  uint64_t seed;
  int quiet;
  int viz;                  /* --viz: the live window */
  const char *shot;         /* --screenshot FILE: no window, one image at the end */
  const char *select, *view; /* --select P:ID, --view V[:I]: what that image shows */
} run_opts;

/* What the SIGINT handler (and the visualizer's quit) may touch; the only
 * mutable global state. viz_quit: the window asked the run to stop. */
static struct {
  volatile sig_atomic_t hit;
  volatile sig_atomic_t viz_quit;
  ember_network *volatile net;
  lua_State *volatile L;
} sigint_state;

/* With --viz the window thread may interrupt the script while the worker thread
 * closes its Lua state: this lock keeps sigint_state.L valid for that call. */
static pthread_mutex_t lua_lock = PTHREAD_MUTEX_INITIALIZER;
#define LUA_LOCK() pthread_mutex_lock(&lua_lock)
#define LUA_UNLOCK() pthread_mutex_unlock(&lua_lock)

static void on_sigint(int sig)
{
  (void)sig;
  sigint_state.hit = 1;
  if (sigint_state.net)
    ember_network_request_stop(sigint_state.net);
  if (sigint_state.L)
    ember_lua_interrupt(sigint_state.L);
}

/* A second Ctrl-C gets the default action (SA_RESETHAND): it kills at once. */
static void install_sigint(ember_network *net, lua_State *L)
{
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_sigint;
  sa.sa_flags = SA_RESETHAND | SA_RESTART;
  sigemptyset(&sa.sa_mask);
  sigint_state.net = net;
  sigint_state.L = L;
  sigaction(SIGINT, &sa, NULL);
  sigset_t s;   /* blocked since start-up (sim/main.c): a SIGINT that came meanwhile arrives now */
  sigemptyset(&s);
  sigaddset(&s, SIGINT);
  pthread_sigmask(SIG_UNBLOCK, &s, NULL);
}

static double wall_seconds(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* ------------------------------------------------------------- options --- */

void ember_cli_run_usage(FILE *f)
{
  fputs("usage: ember run SCRIPT.lua [-o DIR] [--threads N] [--seed S] [--quiet]\n"
        "                 [--viz [--screenshot FILE.png [--view V] [--select P:ID]]]\n"
        "       ember SCRIPT.lua [options]\n"
        "  -o, --output DIR   output directory (default: <script name>-out)\n"
        "  -t, --threads N    threads for the neuron updates (default: the script's, else 1)\n"
        "  -s, --seed S       random seed, an integer >= 0 (wins over ember.setup's seed)\n"
        "  -q, --quiet        no progress line, no summary\n"
        "  --viz              watch the run in a window (q stops it; docs/viz.md)\n"
        "  --screenshot FILE  with --viz: no window; save the view at the end (.png, .bmp)\n"
        "  --select P:ID      with --screenshot: neuron ID of population P selected (inspector)\n"
        "  --view V[:I]       with --screenshot: spikes, circuit[:I] or weights[:I]\n", f);
}

/* Parses an unsigned decimal integer (the whole string). 0 on success. */
static int parse_u64(const char *s, uint64_t *out)
{
  if (!s || *s < '0' || *s > '9')
    return -1;
  char *end;
  errno = 0;
  unsigned long long v = strtoull(s, &end, 10);
  if (errno || *end)
    return -1;
  *out = v;
  return 0;
}

static int bad_value(const char *opt, const char *val, const char *what)
{
  fprintf(stderr, "ember run: %s must be %s, got '%s'\n", opt, what, val);
  return -1;
}

/* 0 on success, 1 if help was printed, -1 (message printed) on bad usage. */
static int parse_opts(int argc, char **argv, run_opts *o)
{
  static const struct option longs[] = {
    {"output", required_argument, NULL, 'o'}, {"threads", required_argument, NULL, 't'},
    {"seed", required_argument, NULL, 's'},   {"quiet", no_argument, NULL, 'q'},
    {"viz", no_argument, NULL, 'V'},          {"screenshot", required_argument, NULL, 'S'},
    {"select", required_argument, NULL, 'n'}, {"view", required_argument, NULL, 'W'},
    {"help", no_argument, NULL, 'h'},         {NULL, 0, NULL, 0}};
  uint64_t v;
  int c;
  opterr = 0;
  while ((c = getopt_long(argc, argv, "o:t:s:qh", longs, NULL)) != -1) {
    switch (c) {
    case 'o': o->outdir = optarg; break;
    case 't':
      if (parse_u64(optarg, &v) || v < 1 || v > 1024)
        return bad_value("--threads", optarg, "an integer from 1 to 1024");
      o->threads = (int)v;
      break;
    case 's':
      if (parse_u64(optarg, &o->seed))
        return bad_value("--seed", optarg, "an integer >= 0");
      o->have_seed = 1;
      break;
    case 'q': o->quiet = 1; break;
    case 'V': o->viz = 1; break;
    case 'S': o->shot = optarg; o->viz = 1; break;
    case 'n': o->select = optarg; break;
    case 'W': o->view = optarg; break;
    case 'h': ember_cli_run_usage(stdout); return 1;
    default:
      fprintf(stderr, "ember run: unknown option or missing value: %s\n", argv[optind - 1]);
      ember_cli_run_usage(stderr);
      return -1;
    }
  }
  if (optind != argc - 1) {
    fprintf(stderr, "ember run: %s\n", optind >= argc ? "no script given" : "give exactly one script");
    ember_cli_run_usage(stderr);
    return -1;
  }
  o->script = argv[optind];
  if ((o->select || o->view) && !o->shot) {
    fprintf(stderr, "ember run: --select and --view choose what --screenshot shows (in the "
            "window, click a neuron and use the keys c, w, r)\n");
    return -1;
  }
#ifndef EMBER_WITH_VIZ
  if (o->viz) {
    fprintf(stderr, "ember run: --viz%s: this ember was built without the visualizer (SDL2 or "
            "SDL2_ttf was not found, or configure --disable-viz)\n", o->shot ? "/--screenshot" : "");
    return -1;
  }
#endif
  return 0;
}

/* ------------------------------------------------------------ the setup --- */

/* The whole file as a NUL-terminated string (caller frees); NULL with errno set. */
static char *read_file(const char *path)
{
  FILE *f = fopen(path, "rb");
  if (!f)
    return NULL;
  size_t cap = 1 << 14, n = 0, got;
  char *buf = malloc(cap);
  while (buf && (got = fread(buf + n, 1, cap - n - 1, f)) > 0) {
    n += got;
    if (n + 1 == cap) {
      char *b = realloc(buf, cap *= 2);
      if (!b)
        free(buf);
      buf = b;
    }
  }
  int err = ferror(f) ? EIO : 0;
  fclose(f);
  if (buf && err) {
    free(buf);
    buf = NULL;
    errno = err;
  }
  if (buf)
    buf[n] = 0;
  return buf;
}

/* "<stem>-out" for the script path: its file name without ".lua". */
static void default_outdir(const char *script, char *out, size_t len)
{
  const char *base = strrchr(script, '/');
  base = base ? base + 1 : script;
  size_t n = strlen(base);
  if (n > 4 && strcmp(base + n - 4, ".lua") == 0)
    n -= 4;
  snprintf(out, len, "%.*s-out", (int)n, base);
}

/* Seed, threads, output directory and the provenance known before the script. */
static int configure(ember_network *net, const run_opts *o, const char *outdir, const char *text,
                     const char *command_line)
{
  char abs[PATH_MAX];
  const char *path = realpath(o->script, abs) ? abs : o->script;
  ember_status st = EMBER_OK;
  if (o->threads)
    st = ember_network_set_threads(net, o->threads);
  if (!st)
    st = ember_network_set_output(net, outdir);
  if (!st)
    st = ember_network_set_provenance(net, "script", text);
  if (!st)
    st = ember_network_set_provenance(net, "script_path", path);
  if (!st)
    st = ember_network_set_provenance(net, "ember_version", ember_version());
  if (!st)
    st = ember_network_set_provenance(net, "command_line", command_line);
  if (st)
    fprintf(stderr, "ember run: %s\n", ember_network_error(net));
  return st ? -1 : 0;
}

/* ------------------------------------------------------ progress, summary --- */

typedef struct progress_line {
  const ember_lua_ctx *ctx;
  int open;                 /* a line without its newline is on stderr */
} progress_line;

/* "\r t / total ms, percent, real-time factor, spikes per wall second". */
static void on_progress(const ember_progress *p, void *user)
{
  progress_line *pl = user;
  double done = p->t - pl->ctx->run_t0, total = p->t_stop - pl->ctx->run_t0;
  double pct = total > 0 ? 100.0 * done / total : 100.0;
  double rtf = p->wall > 0 ? done / 1000.0 / p->wall : 0.0;
  double sps = p->wall > 0 ? (double)p->spikes / p->wall : 0.0;
  fprintf(stderr, "\r  t = %.1f / %.1f ms  %5.1f%%  %.3gx real time  %.3g spikes/s   ", p->t,
          p->t_stop, pct, rtf, sps);
  pl->open = 1;
  if (p->t >= p->t_stop) {
    fputc('\n', stderr);
    pl->open = 0;
  }
  fflush(stderr);
}

/* Prints "DIR (a.h5, b.h5)", or says that nothing was written. */
static void print_outdir(const char *dir)
{
  DIR *d = opendir(dir);
  if (!d) {
    printf("output: nothing written (nothing recorded to %s)\n", dir);
    return;
  }
  printf("output: %s (", dir);
  int k = 0;
  for (struct dirent *e; (e = readdir(d)) != NULL;) {
    size_t n = strlen(e->d_name);
    if (n > 3 && strcmp(e->d_name + n - 3, ".h5") == 0)
      printf("%s%s", k++ ? ", " : "", e->d_name);
  }
  closedir(d);
  printf("%s)\n", k ? "" : "no files");
}

/* wall: the whole script; setup: until the first ember.run (building the
 * network); close: closing the output (last flush, final edges.h5). */
static void print_summary(const ember_lua_ctx *ctx, const char *outdir, double wall, double setup,
                          double close)
{
  ember_network *net = ctx->net;
  double t = ember_network_time(net);
  if (!ctx->ran) {
    printf("ember: the script did not call ember.run; nothing was simulated\n");
    return;
  }
  printf("simulated %.6g ms in %.3g s wall (%.3g s in ember.run, %.3gx real time; "
         "setup %.3g s, closing the output %.3g s)\n", t, wall, ctx->run_wall,
         ctx->run_wall > 0 ? t / 1000.0 / ctx->run_wall : 0.0, setup, close);
  printf("  %-20s %10s %12s %12s\n", "population", "neurons", "spikes", "rate (Hz)");
  for (size_t i = 0; i < ember_network_population_count(net); i++) {
    const ember_population *p = ember_network_population_at(net, i);
    uint64_t s = ember_population_spike_count(p);
    size_t n = ember_population_size(p);
    if (ember_ltc_population_circuit(p)) {   /* LTC circuits do not spike */
      printf("  %-20s %10zu %12s %12s  (LTC circuit)\n", ember_population_label(p), n, "-", "-");
      continue;
    }
    printf("  %-20s %10zu %12llu %12.4g\n", ember_population_label(p), n, (unsigned long long)s,
           t > 0 ? (double)s / (double)n / (t / 1000.0) : 0.0);
  }
  print_outdir(outdir);
}

/* ---------------------------------------------------------------- run --- */

/* The exit code after the script, and its message on stderr. */
static int outcome(const ember_lua_ctx *ctx, int rc, const char *msg)
{
  if (sigint_state.hit || sigint_state.viz_quit || ctx->interrupted) {
    fprintf(stderr, "ember: %s at t = %.6g ms\n",
            sigint_state.viz_quit && !sigint_state.hit ? "stopped from the visualizer" : "interrupted",
            ember_network_time(ctx->net));
    return EMBER_EXIT_INTERRUPTED;
  }
  if (rc < 0)
    fprintf(stderr, "%s\n", msg);
  if (ctx->failure)
    return EMBER_EXIT_RUNTIME;
  return rc < 0 ? EMBER_EXIT_USAGE : rc;
}

/* Runs the script on a configured network; returns the exit code. */
static int run_script(ember_lua_ctx *ctx, const run_opts *o, const char *outdir)
{
  double w0 = wall_seconds();
  progress_line pl = {ctx, 0};
  if (!o->quiet && isatty(STDERR_FILENO))
    ember_network_set_progress(ctx->net, on_progress, &pl, 0.25);
  lua_State *L = ember_lua_new(ctx);
  if (!L) {
    fprintf(stderr, "ember run: out of memory\n");
    return EMBER_EXIT_RUNTIME;
  }
  char msg[2048] = "";
  install_sigint(ctx->net, L);
  int rc = ember_lua_run_file(L, o->script, msg, sizeof msg);
  LUA_LOCK();
  sigint_state.L = NULL;
  LUA_UNLOCK();
  if (pl.open)
    fputc('\n', stderr);
  int code = outcome(ctx, rc, msg);
  double c0 = wall_seconds();
  if (ember_network_close_output(ctx->net)) {
    fprintf(stderr, "ember: closing the output files failed: %s\n", ember_network_error(ctx->net));
    if (code == EMBER_EXIT_OK)
      code = EMBER_EXIT_RUNTIME;
  }
  ember_network_set_progress(ctx->net, NULL, NULL, 0);
  if (!o->quiet && code != EMBER_EXIT_USAGE)
    print_summary(ctx, outdir, wall_seconds() - w0, ctx->ran ? ctx->first_run_at - w0 : 0.0,
                  wall_seconds() - c0);
  lua_close(L);
  return code;
}

/* ------------------------------------------------------------- --viz --- */

#ifdef EMBER_WITH_VIZ
/* What the visualizer module's worker thread runs: the whole script. */
typedef struct viz_job {
  ember_lua_ctx *ctx;
  const run_opts *o;
  const char *outdir;
} viz_job;

static int viz_run_script(void *arg)
{
  viz_job *job = arg;
  return run_script(job->ctx, job->o, job->outdir);
}

/* The window asked to stop: the run stops at its next interval (the observer
 * returns nonzero), a script busy in Lua at its next instruction. */
static void stop_from_window(void)
{
  sigint_state.viz_quit = 1;
  if (sigint_state.net)
    ember_network_request_stop(sigint_state.net);
  LUA_LOCK();
  if (sigint_state.L)
    ember_lua_interrupt(sigint_state.L);
  LUA_UNLOCK();
}

/* The script under the window of the visualizer module (loaded only now, so that
 * runs without --viz do not load SDL2: viz_plugin.h). Returns the exit code. */
static int run_with_viz(ember_lua_ctx *ctx, const run_opts *o, const char *outdir)
{
  viz_job job = {ctx, o, outdir};
  ember_viz_args a = {EMBER_VIZ_ABI, sizeof a, ember_version(), ctx->net, o->script, o->shot,
                      o->select, o->view, viz_run_script, &job, stop_from_window,
                      &sigint_state.hit};
  return ember_viz_load_and_run(&a);
}
#endif

int ember_cli_run(int argc, char **argv, const char *command_line)
{
  run_opts o = {0};
  int p = parse_opts(argc, argv, &o);
  if (p)
    return p > 0 ? EMBER_EXIT_OK : EMBER_EXIT_USAGE;
  char *text = read_file(o.script);
  if (!text) {
    fprintf(stderr, "ember run: cannot read script '%s': %s\n", o.script, strerror(errno));
    return EMBER_EXIT_USAGE;
  }
  char outdir[PATH_MAX];
  if (o.outdir)
    snprintf(outdir, sizeof outdir, "%s", o.outdir);
  else
    default_outdir(o.script, outdir, sizeof outdir);
  ember_network *net = ember_network_new(o.have_seed ? o.seed : 1);
  int code = EMBER_EXIT_RUNTIME;
  if (!net)
    fprintf(stderr, "ember run: out of memory\n");
  else if (configure(net, &o, outdir, text, command_line))
    code = EMBER_EXIT_USAGE;
  else {
    ember_lua_ctx ctx = {.net = net, .seed_fixed = o.have_seed, .threads_fixed = o.threads > 0,
                         .default_delay = 1.0};
#ifdef EMBER_WITH_VIZ
    code = o.viz ? run_with_viz(&ctx, &o, outdir) : run_script(&ctx, &o, outdir);
#else
    code = run_script(&ctx, &o, outdir);
#endif
  }
  sigint_state.net = NULL;
  ember_network_free(net);
  free(text);
  return code;
}
