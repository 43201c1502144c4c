/* The Lua 5.4 scripting layer of the `ember` command: shared declarations of
 * sim/lua_api.c (state, ember.* functions, running a script), sim/lua_values.c
 * (argument checks, distributions, connectors), the script objects
 * sim/lua_population.c, sim/lua_projection.c and sim/lua_current.c, and the
 * plasticity, rate-rule and LTC bindings. */
#ifndef EMBER_SIM_LUA_API_H
#define EMBER_SIM_LUA_API_H

#include <stddef.h>
#include <stdint.h>
#include <lua.h>
#include "ember/ember.h"

/* What the script layer shares with the command that runs it. The network is
 * created and freed by the command and outlives the lua_State, so userdata only
 * hold borrowed pointers into it. */
typedef struct ember_lua_ctx {
  ember_network *net;
  int seed_fixed;          /* --seed given: ember.setup's seed is ignored */
  int threads_fixed;       /* --threads given: ember.setup's threads are ignored */
  int built;               /* something exists in the network: setup is refused */
  int ran;                 /* ember.run was called at least once */
  double default_delay;    /* ms: connect's delay when none is given */
  ember_status failure;    /* first runtime failure of ember.run (exit 1), or OK */
  int interrupted;         /* ember.run returned EMBER_ERR_INTERRUPTED */
  double run_t0;           /* ms: simulated time when the current run started */
  double run_wall;         /* s: wall time spent inside ember.run */
  double first_run_at;     /* s (CLOCK_MONOTONIC): when the first ember.run began */
} ember_lua_ctx;

/* ------------------------------------------------------------- lua_api.c --- */

/* A new Lua state with the standard libraries and the global table `ember`,
 * bound to ctx (which must outlive it). NULL if out of memory. */
lua_State *ember_lua_new(ember_lua_ctx *ctx);
/* Loads (text only) and runs the script at path. Returns 0 on success (or
 * os.exit(0)); -1 on an error, whose message ("path:LINE: ...") is written into
 * msg; or the code N > 0 of os.exit(N), which stops the script. */
int ember_lua_run_file(lua_State *L, const char *path, char *msg, size_t msglen);
/* Makes the running script stop with an error at its next Lua instruction.
 * Async-signal-safe (it only sets a hook), for the SIGINT handler. */
void ember_lua_interrupt(lua_State *L);
/* The context bound to L. */
ember_lua_ctx *ember_lua_ctx_of(lua_State *L);

/* ---------------------------------------------------------- lua_values.c --- */

/* luaL_error with printf's formats (%g, %zu, ...): the message gets the
 * script position "path:LINE: " of the calling Lua code. Never returns. */
int ember_lua_error(lua_State *L, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Raises "fname: <the network's last error>" (dropping a leading "verb: " that
 * repeats fname). Never returns. */
int ember_lua_fail(lua_State *L, const char *fname);
/* Pushes a short description of the value at idx for messages: 3.5, 'text',
 * nil, a table, population 'exc', ... Returns it. */
const char *ember_lua_describe(lua_State *L, int idx);
/* Raises "fname: argument K (name) must be WHAT, got VALUE". Never returns. */
int ember_lua_arg_error(lua_State *L, int idx, int k, const char *fname, const char *name,
                        const char *what);

/* Argument checks; k is the argument number the user sees (1 = first after self). */
double ember_lua_check_number(lua_State *L, int idx, int k, const char *fname, const char *name);
uint64_t ember_lua_check_count(lua_State *L, int idx, int k, const char *fname, const char *name,
                               uint64_t min, uint64_t max);
const char *ember_lua_check_string(lua_State *L, int idx, int k, const char *fname,
                                   const char *name);
void ember_lua_check_table(lua_State *L, int idx, int k, const char *fname, const char *name);
/* 1 if the value at idx is nil or none (an optional argument left out). */
int ember_lua_absent(lua_State *L, int idx);

/* Raises an error for the first key of the table at idx that is not in the
 * NULL-terminated list allowed (options tables: typos must not pass silently). */
void ember_lua_check_keys(lua_State *L, int idx, const char *fname, const char *what,
                          const char *const *allowed);
/* Optional field `key` of the options table at idx: returns 1 and stores it if
 * present, 0 if nil; raises if it has the wrong type. */
int ember_lua_opt_number(lua_State *L, int idx, const char *key, const char *fname, double *out);
int ember_lua_opt_string(lua_State *L, int idx, const char *key, const char *fname,
                         const char **out);
int ember_lua_opt_bool(lua_State *L, int idx, const char *key, const char *fname, int *out);
/* " (did you mean 'x'?)" for the closest of names[0..n) to word, or "". */
const char *ember_lua_suggest(const char *word, const char *const *names, size_t n, char *buf,
                              size_t len);

/* An array table of non-negative integer ids (0-based) at idx, copied into a
 * scratch userdata pushed on the stack (freed by the collector, so an error
 * cannot leak it). Returns the ids and stores their count. */
uint32_t *ember_lua_check_ids(lua_State *L, int idx, const char *fname, const char *what,
                              size_t *n);
/* An array table of numbers at idx, copied like ember_lua_check_ids. */
double *ember_lua_check_numbers(lua_State *L, int idx, const char *fname, const char *what,
                                size_t *n);
/* Pushes a new array table holding v[0..n). */
void ember_lua_push_numbers(lua_State *L, const double *v, size_t n);

/* A per-element value: a number, a distribution, or (if arrays are allowed) an
 * array table. For an array, *array points to a scratch copy pushed on the stack
 * and *n_array is its length; otherwise *array is NULL and *dist is set. */
typedef struct ember_lua_value {
  ember_dist dist;
  const double *array;
  size_t n_array;
} ember_lua_value;
void ember_lua_check_value(lua_State *L, int idx, const char *fname, const char *what,
                           int allow_array, ember_lua_value *out);
/* The distribution userdata at idx, or NULL if idx is not one. */
const ember_dist *ember_lua_todist(lua_State *L, int idx);
/* A connector userdata at idx (raises if it is not one); list rows are filled in. */
const ember_connector *ember_lua_check_connector(lua_State *L, int idx, int k, const char *fname,
                                                 int *all_rows_weighted);
/* Refuses more than max arguments (naming the first extra one), then fills
 * missing ones with nil, so that what is pushed later gets indices above max. */
void ember_lua_max_args(lua_State *L, int max, const char *fname);
/* The self (argument 1) of method fname ("pop:set"): a userdata of metatable
 * mt whose first field points to its C object (NULL until created). Raises
 * "fname: call it as a method, fname(...), on WHAT (got ...)" otherwise, which
 * catches obj.method() written for obj:method(). */
void *ember_lua_check_self(lua_State *L, const char *mt, const char *fname, const char *what);
/* A new metatable `name` with the functions of meta and a table "methods"
 * holding those of methods (an __index in meta looks there). */
void ember_lua_new_class(lua_State *L, const char *name, const struct luaL_Reg *meta,
                         const struct luaL_Reg *methods);
/* Registers ember.uniform, ember.normal and the connectors in the table on top. */
void ember_lua_open_values(lua_State *L);

/* ------------------------------------------------------ lua_population.c --- */

/* Registers ember.population, ember.poisson and ember.spike_array in the table
 * on top, and the population metatable. */
void ember_lua_open_populations(lua_State *L);
/* Pushes the script object of pop (nil if it has none). */
void ember_lua_push_population(lua_State *L, ember_population *pop);

/* ------------------------------------------------------ lua_projection.c --- */

/* Registers ember.connect in the table on top, and the projection metatable. */
void ember_lua_open_projections(lua_State *L);
/* The projection that is self (argument 1) of method fname; raises otherwise. */
ember_projection *ember_lua_check_proj(lua_State *L, const char *fname);

/* --------------------------------------------------------- lua_current.c --- */

/* Registers ember.dc and ember.step_current in the table on top, and the
 * current source metatable. */
void ember_lua_open_currents(lua_State *L);

/* ------------------------------------------------------ lua_plasticity.c --- */

/* Registers ember.stdp and ember.triplet in the table on top. */
void ember_lua_open_plasticity(lua_State *L);
/* Makes proj plastic with the rule table at idx (connect's `plasticity`). */
void ember_lua_apply_plasticity(lua_State *L, int idx, const char *fname, ember_projection *proj);
/* set_plasticity, get_plasticity, record: methods of projections. */
extern const struct luaL_Reg ember_lua_plasticity_methods[];

/* For other object files (lua_ltc.c): pushes an empty population userdata and
 * returns its slot, to be filled by a constructor; then registers the userdata
 * on top as the script object of *slot. */
ember_population **ember_lua_new_population(lua_State *L);
void ember_lua_register_population(lua_State *L);
/* The population at idx, for argument k of fname (raises if it is not one). */
ember_population *ember_lua_check_population(lua_State *L, int idx, int k, const char *fname,
                                             const char *name);

/* ------------------------------------------------------------- lua_ltc.c --- */

/* pop:record's option `synapses` of the options table at idx (0-based synapse
 * indices of an LTC circuit), as a scratch array pushed on the stack, or NULL if
 * absent; *n its length. An error if `ids` was given too. */
const size_t *ember_lua_ltc_synapse_list(lua_State *L, int idx, const char *fn, int has_ids, size_t *n);
/* pop:get of an LTC circuit's parameters (gleak, vleak, cm, w, ...), its synapse
 * lists and currents: pushes the values and returns 1, or returns 0 if `name` is
 * none of those (nothing pushed). */
int ember_lua_ltc_get(lua_State *L, ember_population *pop, const char *name, const char *fn);
/* ember.connect's option `sigmoid = {sigma =, mu =}` of the options at idx (LTC
 * -> LTC projections only, `ltc2`): 1 and sm = {sigma, mu} if given, else 0. */
int ember_lua_ltc_sigmoid(lua_State *L, int idx, const char *fn, int ltc2, double sm[2]);
/* Whether `name` is a circuit parameter pop:set accepts. */
int ember_lua_ltc_is_param(const char *name);
/* pop:set: sets every circuit parameter present in the table at idx. */
void ember_lua_ltc_set_all(lua_State *L, ember_population *pop, int idx, const char *fn);
/* Registers ember.ltc, ember.series and the wiring constructors in the table on top. */
void ember_lua_open_ltc(lua_State *L);

#endif
