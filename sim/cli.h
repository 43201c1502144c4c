/* The `ember` command: its subcommands (sim/run.c, sim/info.c) and exit codes. */
#ifndef EMBER_SIM_CLI_H
#define EMBER_SIM_CLI_H

#include <stdio.h>

/* Exit codes of every subcommand. */
enum {
  EMBER_EXIT_OK = 0,
  EMBER_EXIT_RUNTIME = 1,       /* a run failed (solver, non-finite state, I/O) */
  EMBER_EXIT_USAGE = 2,         /* bad usage or a bad script */
  EMBER_EXIT_INTERRUPTED = 130  /* SIGINT */
};

/* `ember run [options] SCRIPT.lua`: argv[0] is skipped ("run", or "ember" for
 * the shorthand `ember SCRIPT.lua`). command_line is the whole command as
 * typed, stored as provenance. Returns the exit code. */
int ember_cli_run(int argc, char **argv, const char *command_line);
/* `ember info DIR`: summary of an output directory. Returns the exit code. */
int ember_cli_info(int argc, char **argv);
/* `ember models [NAME]`: the models, or one model's tables. Returns the exit code. */
int ember_cli_models(int argc, char **argv);

/* The help texts. */
void ember_cli_usage(FILE *f);
void ember_cli_run_usage(FILE *f);

#endif
