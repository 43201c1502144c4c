/* Finding and loading the visualizer module of `ember run --viz` (viz_plugin.h).
 *
 * Where it is looked for, first found wins:
 *   1. $EMBER_VIZ_MODULE, the module's path (to use another build's);
 *   2. next to the running executable: the build tree, where libtool leaves both
 *      the command and the module in sim/.libs/;
 *   3. ../lib/ember/ from the executable's folder: an installed tree that was
 *      moved or staged (make install DESTDIR=..., make distcheck);
 *   4. $(pkglibdir), where `make install` puts it (EMBER_PKGLIBDIR). */
#include <dlfcn.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "cli.h"
#include "viz_load.h"

#define MODULE_FILE "ember_run_viz.so"

/* The folder of the running executable (no trailing slash) into dir; -1 if unknown. */
static int exe_dir(char *dir, size_t len)
{
  ssize_t n = readlink("/proc/self/exe", dir, len - 1);
  if (n <= 0)
    return -1;
  dir[n] = 0;
  char *slash = strrchr(dir, '/');
  if (!slash)
    return -1;
  *slash = 0;
  return 0;
}

/* dlopen of path if the file exists; remembers dlerror() in err otherwise. */
static void *try_open(const char *path, char *err, size_t errlen)
{
  if (access(path, R_OK) != 0)
    return NULL;
  void *h = dlopen(path, RTLD_NOW | RTLD_LOCAL);
  if (!h)
    snprintf(err, errlen, "%s", dlerror());
  return h;
}

static void *open_module(char *err, size_t errlen)
{
  char path[PATH_MAX + 64], dir[PATH_MAX];
  const char *env = getenv("EMBER_VIZ_MODULE");
  if (env && *env) {
    void *h = try_open(env, err, errlen);
    if (!h && !*err)
      snprintf(err, errlen, "EMBER_VIZ_MODULE=%s: no such file", env);
    return h;
  }
  void *h = NULL;
  if (exe_dir(dir, sizeof dir) == 0) {
    snprintf(path, sizeof path, "%s/%s", dir, MODULE_FILE);
    h = try_open(path, err, errlen);
    if (!h && !*err) {
      snprintf(path, sizeof path, "%s/../lib/ember/%s", dir, MODULE_FILE);
      h = try_open(path, err, errlen);
    }
  }
  if (!h && !*err)
    h = try_open(EMBER_PKGLIBDIR "/" MODULE_FILE, err, errlen);
  if (!h && !*err)
    snprintf(err, errlen, "%s not found (looked next to the ember executable, in "
             "../lib/ember/ from it and in %s; EMBER_VIZ_MODULE gives its path)",
             MODULE_FILE, EMBER_PKGLIBDIR);
  return h;
}

int ember_viz_load_and_run(const ember_viz_args *a)
{
  char err[PATH_MAX + 256] = "";
  void *h = open_module(err, sizeof err);
  ember_viz_run_fn run = NULL;
  if (h) {
    *(void **)&run = dlsym(h, EMBER_VIZ_ENTRY);   /* POSIX's form for function pointers */
    if (!run)
      snprintf(err, sizeof err, "%s", dlerror());
  }
  if (!run) {
    fprintf(stderr, "ember run: --viz: cannot load the visualizer: %s\n", err);
    if (h)
      dlclose(h);
    return EMBER_EXIT_RUNTIME;
  }
  /* Not closed: SDL may leave threads or atexit handlers behind in the module. */
  return run(a);
}
