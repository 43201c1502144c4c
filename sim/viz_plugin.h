/* `ember run --viz`: the interface between the ember command and its visualizer
 * module (sim/viz_module.c, built as ember_run_viz.so in $(pkglibdir)).
 *
 * Why a module: the visualizer needs SDL2 and SDL2_ttf, which pull in about 60
 * shared libraries (X11, Wayland, PulseAudio, ...). Linked into `ember`, the
 * dynamic loader mapped and relocated all of them at every start, --viz or not
 * (24 M instructions, 14 % of a 1 ms COBA run). The command dlopen()s the module
 * only when --viz is given (sim/viz_load.c finds it). */
#ifndef EMBER_SIM_VIZ_PLUGIN_H
#define EMBER_SIM_VIZ_PLUGIN_H

#include <signal.h>
#include <stddef.h>
#include <ember/ember.h>

/* Bumped whenever ember_viz_args changes: a module from another build refuses. */
#define EMBER_VIZ_ABI 1
/* The one symbol the module exports. */
#define EMBER_VIZ_ENTRY "ember_viz_run"

typedef struct ember_viz_args {
  int abi;                      /* EMBER_VIZ_ABI */
  size_t size;                  /* sizeof (ember_viz_args) */
  const char *version;          /* ember_version() of the command */
  ember_network *net;
  const char *script;           /* for the window title */
  const char *shot;             /* --screenshot FILE, or NULL: a window */
  const char *select, *view;    /* --select, --view (with --screenshot), or NULL */
  /* Runs the whole script (called on the simulation thread); returns the exit code. */
  int (*run_script)(void *job);
  void *job;
  /* The window asked the run to stop (called on the window's thread). */
  void (*stop)(void);
  volatile sig_atomic_t *sigint_hit;   /* nonzero once SIGINT came: the window closes */
} ember_viz_args;

/* Runs the script in a worker thread and the window (or, with a screenshot, an
 * offscreen frame) in the calling one. Returns the exit code. */
typedef int (*ember_viz_run_fn)(const ember_viz_args *a);

#endif
