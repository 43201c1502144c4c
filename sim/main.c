/* The `ember` command: dispatches to run, info and models; help and version. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "cli.h"
#include "ember/ember.h"

void ember_cli_usage(FILE *f)
{
  fputs("usage: ember COMMAND [ARGS]\n"
        "  ember run SCRIPT.lua [-o DIR] [--threads N] [--seed S] [--quiet]\n"
        "                         run a Lua script (also: ember SCRIPT.lua [options]);\n"
        "                         --viz watches it in a window (docs/viz.md)\n"
        "  ember info DIR         populations, spike counts, rates and recorded variables\n"
        "                         of an output directory\n"
        "  ember models [NAME]    the neuron models, or one model's parameters, state\n"
        "                         variables and receptors\n"
        "  ember --version        the version\n"
        "  ember --help           this text\n"
        "Exit codes: 0 success, 1 a run failed, 2 bad usage or a bad script,\n"
        "130 interrupted (Ctrl-C). Documentation: docs/scripting.md.\n", f);
}

/* The command line as typed, for provenance: arguments joined by spaces, those
 * with spaces or quotes single-quoted. Caller frees; NULL if out of memory. */
static char *join_args(int argc, char **argv)
{
  size_t len = 1;
  for (int i = 0; i < argc; i++)
    len += 4 * strlen(argv[i]) + 3;
  char *s = malloc(len), *p = s;
  for (int i = 0; s && i < argc; i++) {
    int quote = argv[i][0] == 0 || strpbrk(argv[i], " \t\n'\"\\$") != NULL;
    p += sprintf(p, "%s%s", i ? " " : "", quote ? "'" : "");
    for (const char *c = argv[i]; *c; c++)
      p += *c == '\'' ? sprintf(p, "'\\''") : sprintf(p, "%c", *c);
    p += sprintf(p, "%s", quote ? "'" : "");
  }
  return s;
}

static int is_script(const char *arg)
{
  size_t n = strlen(arg);
  return n > 4 && strcmp(arg + n - 4, ".lua") == 0;
}

/* Threads meet 10 000 times per simulated second (one barrier per communication
 * interval). GNU OpenMP's default is to spin ~300 000 times at a barrier before
 * sleeping: when another process holds a core, the spinning thread burns its time
 * slice while its partner waits for the core, and 2 threads ran 15-70 times
 * slower than 1 (bench/RESULTS.md). A short spin (1000) keeps the fast hand-over
 * on an idle machine and sleeps otherwise. libgomp reads its settings when it is
 * loaded, before main, so the command sets the variable and starts itself again;
 * a wait policy or spin count given by the user is left alone. */
/* True when the command line fixes one thread (--threads 1, -t 1, --threads=1,
 * -t1): no thread then ever waits for another, and the restart (loading ~60
 * shared libraries a second time, tens of ms) would buy nothing. */
static int one_thread(int argc, char **argv)
{
  for (int i = 2; i < argc; i++) {
    const char *a = argv[i];
    if ((!strcmp(a, "--threads") || !strcmp(a, "-t")) && i + 1 < argc)
      return !strcmp(argv[i + 1], "1");
    if (!strcmp(a, "--threads=1") || !strcmp(a, "-t1"))
      return 1;
  }
  return 0;
}

static void short_openmp_spin(int argc, char **argv)
{
  if (getenv("OMP_WAIT_POLICY") || getenv("GOMP_SPINCOUNT") || one_thread(argc, argv))
    return;
  if (setenv("GOMP_SPINCOUNT", "1000", 1) == 0)
    execv("/proc/self/exe", argv);   /* if that fails, run with the defaults */
}

int main(int argc, char **argv)
{
  if (argc < 2) {
    ember_cli_usage(stderr);
    return EMBER_EXIT_USAGE;
  }
  const char *cmd = argv[1];
  if (!strcmp(cmd, "--help") || !strcmp(cmd, "-h") || !strcmp(cmd, "help")) {
    ember_cli_usage(stdout);
    return EMBER_EXIT_OK;
  }
  if (!strcmp(cmd, "--version") || !strcmp(cmd, "-V") || !strcmp(cmd, "version")) {
    printf("ember %s\n", ember_version());
    return EMBER_EXIT_OK;
  }
  if (!strcmp(cmd, "info"))
    return ember_cli_info(argc - 1, argv + 1);
  if (!strcmp(cmd, "models"))
    return ember_cli_models(argc - 1, argv + 1);
  if (!strcmp(cmd, "run") || is_script(cmd)) {
    /* Ctrl-C (or a SIGINT from a script) during start-up, the restart or the
     * script's first lines must not be lost: until ember run installs its
     * handler the signal is blocked (the mask and a pending SIGINT survive the
     * restart), then delivered. A background job of a shell starts with SIGINT
     * ignored, and an ignored signal would be discarded, not kept. */
    sigset_t block;
    sigemptyset(&block);
    sigaddset(&block, SIGINT);
    sigprocmask(SIG_BLOCK, &block, NULL);
    short_openmp_spin(argc, argv);
    char *line = join_args(argc, argv);
    /* The shorthand keeps "ember" as argv[0]: getopt skips it like "run". */
    int code = ember_cli_run(strcmp(cmd, "run") ? argc : argc - 1,
                             strcmp(cmd, "run") ? argv : argv + 1, line ? line : "ember");
    free(line);
    return code;
  }
  fprintf(stderr, "ember: unknown command '%s'\n", cmd);
  ember_cli_usage(stderr);
  return EMBER_EXIT_USAGE;
}
