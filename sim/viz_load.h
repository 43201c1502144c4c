/* `ember run --viz`: loads the visualizer module (where: viz_load.c) and runs it. */
#ifndef EMBER_SIM_VIZ_LOAD_H
#define EMBER_SIM_VIZ_LOAD_H

#include "viz_plugin.h"

/* Loads the module and runs a->run_script under its window. Returns the exit
 * code (1, with a message, when the module cannot be loaded). */
int ember_viz_load_and_run(const ember_viz_args *a);

#endif
