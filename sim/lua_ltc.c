/* Script API for LTC circuits: the wiring constructors (ember.ncp, ember.auto_ncp,
 * ember.fully_connected, ember.random_wiring), ember.ltc (an LTC population),
 * ember.series (a time series) and series:feed. docs/scripting.md, docs/ltc.md. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <lauxlib.h>
#include "lua_api.h"
#include "lua_rate_rules.h"

#define SERIES_MT "ember.series"
#define LTC_SIGMOID_SIGMA_DEFAULT 5.5   /* as lib/internal.h: ember_projection_set_sigmoid */
#define LTC_SIGMOID_MU_DEFAULT 0.55

typedef struct lseries {
  ember_series *s;   /* NULL until created */
} lseries;

/* An integer option >= min, required or not; returns 1 if present. */
static int opt_count(lua_State *L, int idx, const char *key, const char *fn, int required,
                     lua_Integer min, size_t *out)
{
  int t = lua_getfield(L, idx, key);
  if (t == LUA_TNIL) {
    lua_pop(L, 1);
    if (required)
      ember_lua_error(L, "%s: option '%s' is required", fn, key);
    return 0;
  }
  int ok = 0;
  lua_Integer v = t == LUA_TNUMBER ? lua_tointegerx(L, -1, &ok) : 0;
  if (!ok || v < min || v > (lua_Integer)UINT32_MAX)
    ember_lua_error(L, "%s: option '%s' must be an integer >= %d, got %s", fn, key, (int)min,
                    ember_lua_describe(L, -1));
  *out = (size_t)v;
  lua_pop(L, 1);
  return 1;
}

/* A file name given in a script: relative names are relative to the directory
 * of the script file whose code made the call (the caller's chunk), not to the
 * current directory; absolute names, and calls from code that is not a file
 * (load, -e), are left alone. The resolved name is pushed (stack scratch). */
static const char *script_relative(lua_State *L, const char *path)
{
  lua_Debug ar;
  if (path[0] == '/' || !lua_getstack(L, 1, &ar) || !lua_getinfo(L, "S", &ar) || ar.source[0] != '@')
    return path;
  const char *src = ar.source + 1, *slash = strrchr(src, '/');
  if (!slash)
    return path;   /* a script in the current directory */
  lua_pushlstring(L, src, (size_t)(slash - src) + 1);
  lua_pushstring(L, path);
  lua_concat(L, 2);
  return lua_tostring(L, -1);
}

/* ------------------------------------------------------------- wirings --- */

/* Each constructor checks its table and returns a copy tagged with
 * wiring = "<kind>"; ember.ltc reads it back. */
static int make_wiring(lua_State *L, const char *fn, const char *kind, const char *const *keys,
                       const char *const *required)
{
  if (lua_gettop(L) != 1)
    return ember_lua_error(L, "%s: takes one table of options", fn);
  ember_lua_check_table(L, 1, 1, fn, "options");
  ember_lua_check_keys(L, 1, fn, "option", keys);
  for (size_t i = 0; required[i]; i++) {
    size_t v;
    opt_count(L, 1, required[i], fn, 1, 1, &v);
  }
  lua_newtable(L);
  for (size_t i = 0; keys[i]; i++) {
    lua_getfield(L, 1, keys[i]);
    lua_setfield(L, -2, keys[i]);
  }
  lua_pushstring(L, kind);
  lua_setfield(L, -2, "wiring");
  return 1;
}

/* ember.ncp{inter =, command =, motor =, sensory_fanout =, inter_fanout =,
 * recurrent_command_synapses =, motor_fanin =} */
static int l_ncp(lua_State *L)
{
  static const char *const keys[] = {"inter", "command", "motor", "sensory_fanout", "inter_fanout",
                                     "recurrent_command_synapses", "motor_fanin", NULL};
  return make_wiring(L, "ember.ncp", "ncp", keys, keys);
}

/* ember.auto_ncp{units =, outputs =, sparsity = 0.5} */
static int l_auto_ncp(lua_State *L)
{
  static const char *const keys[] = {"units", "outputs", "sparsity", NULL};
  static const char *const req[] = {"units", "outputs", NULL};
  return make_wiring(L, "ember.auto_ncp", "auto_ncp", keys, req);
}

/* ember.fully_connected{units =, outputs =, self_connections = true} */
static int l_fully_connected(lua_State *L)
{
  static const char *const keys[] = {"units", "outputs", "self_connections", NULL};
  static const char *const req[] = {"units", NULL};
  return make_wiring(L, "ember.fully_connected", "fully_connected", keys, req);
}

/* ember.random_wiring{units =, outputs =, sparsity =} */
static int l_random_wiring(lua_State *L)
{
  static const char *const keys[] = {"units", "outputs", "sparsity", NULL};
  static const char *const req[] = {"units", NULL};
  return make_wiring(L, "ember.random_wiring", "random", keys, req);
}

/* The wiring table at idx as a spec (inputs and outputs filled in later). */
static void read_wiring(lua_State *L, int idx, const char *fn, ember_ltc_wiring_spec *w)
{
  memset(w, 0, sizeof *w);
  const char *kind = NULL;
  if (lua_type(L, idx) != LUA_TTABLE || !ember_lua_opt_string(L, idx, "wiring", fn, &kind))
    ember_lua_error(L, "%s: 'wiring' must be ember.ncp{...}, ember.auto_ncp{...}, "
                    "ember.fully_connected{...} or ember.random_wiring{...}, got %s", fn,
                    ember_lua_describe(L, idx));
  if (strcmp(kind, "ncp") == 0) {
    w->kind = EMBER_LTC_NCP;
    opt_count(L, idx, "inter", fn, 1, 1, &w->inter);
    opt_count(L, idx, "command", fn, 1, 1, &w->command);
    opt_count(L, idx, "motor", fn, 1, 1, &w->outputs);
    opt_count(L, idx, "sensory_fanout", fn, 1, 1, &w->sensory_fanout);
    opt_count(L, idx, "inter_fanout", fn, 1, 1, &w->inter_fanout);
    opt_count(L, idx, "recurrent_command_synapses", fn, 1, 0, &w->recurrent_command);
    opt_count(L, idx, "motor_fanin", fn, 1, 1, &w->motor_fanin);
    w->units = w->inter + w->command + w->outputs;
    return;
  }
  w->kind = strcmp(kind, "auto_ncp") == 0 ? EMBER_LTC_AUTO_NCP
          : strcmp(kind, "random") == 0 ? EMBER_LTC_RANDOM : EMBER_LTC_FULLY_CONNECTED;
  opt_count(L, idx, "units", fn, 1, 1, &w->units);
  opt_count(L, idx, "outputs", fn, w->kind == EMBER_LTC_AUTO_NCP, 1, &w->outputs);
  ember_lua_opt_number(L, idx, "sparsity", fn, &w->sparsity);
  int self = 1;
  ember_lua_opt_bool(L, idx, "self_connections", fn, &self);
  w->no_self_connections = !self;
}

/* ------------------------------------------------------------- ember.ltc --- */

typedef struct ltc_spec {
  ember_ltc_wiring_spec wiring;
  int has_wiring;
  const char *params;
  size_t inputs, outputs;
  int has_inputs, has_outputs;
  uint64_t seed;
} ltc_spec;

static void read_spec(lua_State *L, int idx, const char *fn, ltc_spec *s)
{
  static const char *const keys[] = {"wiring", "inputs", "outputs", "params", "seed", "plasticity", NULL};
  ember_lua_check_table(L, idx, 2, fn, "spec");
  ember_lua_check_keys(L, idx, fn, "spec key", keys);
  if (lua_getfield(L, idx, "plasticity") != LUA_TNIL && !ember_lua_is_rate_rule(L, -1))
    ember_lua_error(L, "%s: 'plasticity' must be a rate rule (ember.hebb{...}, ember.oja{...} or "
                    "ember.bcm{...}), got %s", fn, ember_lua_describe(L, -1));
  lua_pop(L, 1);
  s->has_wiring = lua_getfield(L, idx, "wiring") != LUA_TNIL;
  if (s->has_wiring)
    read_wiring(L, lua_gettop(L), fn, &s->wiring);
  lua_pop(L, 1);
  s->params = NULL;
  if (ember_lua_opt_string(L, idx, "params", fn, &s->params))
    s->params = script_relative(L, s->params);
  if (s->has_wiring == (s->params != NULL))
    ember_lua_error(L, "%s: give either 'wiring' (a new random circuit) or 'params' (an HDF5 file "
                    "in the LTC schema), not %s", fn, s->params ? "both" : "neither");
  s->has_inputs = opt_count(L, idx, "inputs", fn, s->has_wiring, 1, &s->inputs);
  s->has_outputs = opt_count(L, idx, "outputs", fn, 0, 1, &s->outputs);
  s->seed = ember_network_seed(ember_lua_ctx_of(L)->net);
  size_t seed;
  if (opt_count(L, idx, "seed", fn, 0, 0, &seed))
    s->seed = seed;
  if (!s->has_wiring)
    return;
  ember_ltc_wiring_spec *w = &s->wiring;
  w->inputs = s->inputs;
  if (s->has_outputs && w->outputs && w->outputs != s->outputs)
    ember_lua_error(L, "%s: outputs = %zu but the wiring has %zu output (motor) neurons", fn,
                    s->outputs, w->outputs);
  if (s->has_outputs)
    w->outputs = s->outputs;
}

/* Solver options: {solver = "fused", ode_unfolds =, epsilon =} or
 * {solver = "rk8pd", abstol =, reltol =, max_step =}. */
static void read_solver(lua_State *L, int idx, const char *fn, ember_ltc_solver_opts *o)
{
  static const char *const keys[] = {"solver", "ode_unfolds", "epsilon", "abstol", "reltol",
                                     "max_step", NULL};
  *o = ember_ltc_solver_defaults();
  if (ember_lua_absent(L, idx))
    return;
  ember_lua_check_table(L, idx, 3, fn, "solver");
  ember_lua_check_keys(L, idx, fn, "solver option", keys);
  ember_lua_opt_string(L, idx, "solver", fn, &o->method);
  int fused = strcmp(o->method, "fused") == 0;
  for (size_t i = 1; keys[i]; i++) {
    int for_fused = i <= 2;
    lua_getfield(L, idx, keys[i]);
    int given = !lua_isnil(L, -1);
    lua_pop(L, 1);
    if (given && for_fused != fused)
      ember_lua_error(L, "%s: solver option '%s' applies to %s, not to solver '%s'", fn, keys[i],
                      for_fused ? "the fused solver" : "the GSL solvers (rk2 rk4 rkf45 rkck rk8pd)",
                      o->method);
  }
  size_t u;
  if (opt_count(L, idx, "ode_unfolds", fn, 0, 1, &u))
    o->ode_unfolds = (int)u;
  ember_lua_opt_number(L, idx, "epsilon", fn, &o->epsilon);
  ember_lua_opt_number(L, idx, "abstol", fn, &o->abstol);
  ember_lua_opt_number(L, idx, "reltol", fn, &o->reltol);
  ember_lua_opt_number(L, idx, "max_step", fn, &o->max_step);
}

/* Builds or loads the circuit; on error frees it and raises. */
static ember_ltc *make_circuit(lua_State *L, const char *fn, const ltc_spec *s,
                               const ember_ltc_solver_opts *o)
{
  ember_ltc *c = ember_ltc_new();
  if (!c)
    ember_lua_error(L, "%s: out of memory", fn);
  ember_status st = s->has_wiring ? ember_ltc_build(c, &s->wiring, s->seed, 0) : ember_ltc_load(c, s->params);
  char msg[700] = "";
  if (st)
    snprintf(msg, sizeof msg, "%s", ember_ltc_error(c));
  else if (s->params && s->has_inputs && s->inputs != ember_ltc_inputs(c))
    snprintf(msg, sizeof msg, "inputs = %zu but '%s' has %zu", s->inputs, s->params, ember_ltc_inputs(c));
  else if (s->params && s->has_outputs && s->outputs != ember_ltc_outputs(c))
    snprintf(msg, sizeof msg, "outputs = %zu but '%s' has %zu", s->outputs, s->params, ember_ltc_outputs(c));
  else if (ember_ltc_set_solver(c, o))
    snprintf(msg, sizeof msg, "%s", ember_ltc_error(c));
  if (msg[0]) {
    ember_ltc_free(c);
    ember_lua_error(L, "%s: %s", fn, msg);
  }
  return c;
}

/* ember.ltc(label, spec [, solver]) -> population of kind "ltc" */
static int l_ltc(lua_State *L)
{
  const char *fn = "ember.ltc";
  if (lua_gettop(L) > 3)
    return ember_lua_error(L, "%s: too many arguments (at most 3)", fn);
  lua_settop(L, 3);
  const char *label = ember_lua_check_string(L, 1, 1, fn, "label");
  ltc_spec s;
  read_spec(L, 2, fn, &s);
  ember_ltc_solver_opts o;
  read_solver(L, 3, fn, &o);
  ember_population **slot = ember_lua_new_population(L);
  ember_ltc *c = make_circuit(L, fn, &s, &o);
  if (ember_ltc_population_new(ember_lua_ctx_of(L)->net, label, c, slot))   /* takes c */
    return ember_lua_fail(L, fn);
  ember_lua_register_population(L);
  if (lua_getfield(L, 2, "plasticity") != LUA_TNIL)   /* the network owns c: an error leaks nothing */
    ember_lua_apply_rate_rule(L, -1, c, fn);
  lua_pop(L, 1);
  return 1;
}

/* ------------------------------------------- circuit parameters, synapses --- */

static const char *const circuit_params[] = {
  "gleak", "vleak", "cm", "w", "sigma", "mu", "erev", "sensory_w", "sensory_sigma", "sensory_mu",
  "sensory_erev", "input_w", "input_b", "output_w", "output_b", NULL};

/* "eta" is the learning rate of a circuit's rate plasticity: not a list, but read and
 * set through pop:get / pop:set like the parameters, so a script can change the rate
 * between runs. */
int ember_lua_ltc_is_param(const char *name)
{
  if (strcmp(name, "eta") == 0)
    return 1;
  for (size_t i = 0; circuit_params[i]; i++)
    if (strcmp(name, circuit_params[i]) == 0)
      return 1;
  return 0;
}

/* {src = {...}, dest = {...}, polarity = {...}}: the synapses in storage order
 * (the order of pop:get("w"), of the element ids of syn_current.h5). */
static void push_synapses(lua_State *L, const ember_ltc *c, int sensory)
{
  size_t n = sensory ? ember_ltc_sensory_synapse_count(c) : ember_ltc_synapse_count(c);
  const char *field[3] = {"src", "dest", "polarity"};
  lua_createtable(L, 0, 3);
  for (int f = 0; f < 3; f++) {
    lua_createtable(L, (int)n, 0);
    for (size_t k = 0; k < n; k++) {
      uint32_t src, dest;
      int pol;
      if (sensory)
        ember_ltc_sensory_synapse(c, k, &src, &dest, &pol);
      else
        ember_ltc_synapse(c, k, &src, &dest, &pol);
      lua_pushinteger(L, f == 0 ? (lua_Integer)src : f == 1 ? (lua_Integer)dest : pol);
      lua_rawseti(L, -2, (lua_Integer)k + 1);
    }
    lua_setfield(L, -2, field[f]);
  }
}

int ember_lua_ltc_get(lua_State *L, ember_population *pop, const char *name, const char *fn)
{
  ember_ltc *c = ember_ltc_population_circuit(pop);
  if (strcmp(name, "synapses") == 0 || strcmp(name, "sensory_synapses") == 0) {
    push_synapses(L, c, name[0] == 's' && name[1] == 'e');
    return 1;
  }
  int syn_i = strcmp(name, "syn_current") == 0, sens_i = strcmp(name, "sensory_current") == 0;
  if (syn_i || sens_i) {   /* at the current state and input */
    size_t n = syn_i ? ember_ltc_synapse_count(c) : ember_ltc_sensory_synapse_count(c);
    double *v = lua_newuserdatauv(L, (n ? n : 1) * sizeof *v, 0);
    if (ember_ltc_get_currents(c, syn_i ? v : NULL, sens_i ? v : NULL))
      ember_lua_error(L, "%s: %s", fn, ember_ltc_error(c));
    ember_lua_push_numbers(L, v, n);
    return 1;
  }
  if (!ember_lua_ltc_is_param(name))
    return 0;
  if (strcmp(name, "eta") == 0) {
    lua_pushnumber(L, ember_ltc_learning_rate(c));
    return 1;
  }
  size_t n = ember_ltc_param_list_size(c, name);
  double *v = lua_newuserdatauv(L, (n ? n : 1) * sizeof *v, 0);
  ember_ltc_get_param_list(c, name, v);
  ember_lua_push_numbers(L, v, n);
  return 1;
}

/* The value at the top for parameter `name` of n entries: a number (every
 * entry) or an array of exactly n numbers. */
static void set_param(lua_State *L, ember_ltc *c, const char *name, const char *fn,
                      const char *label)
{
  size_t n = ember_ltc_param_list_size(c, name), m;
  double *v = lua_newuserdatauv(L, (n ? n : 1) * sizeof *v, 0);
  if (lua_type(L, -2) == LUA_TNUMBER) {
    for (size_t i = 0; i < n; i++)
      v[i] = lua_tonumber(L, -2);
  } else if (lua_type(L, -2) == LUA_TTABLE) {
    const double *a = ember_lua_check_numbers(L, -2, fn, name, &m);
    if (m != n)
      ember_lua_error(L, "%s: LTC population '%s' has %d %s values (%s), got %d", fn, label, (int)n,
                      name, strcmp(name, "w") == 0 || strstr(name, "sigma") || strstr(name, "mu") ||
                      strstr(name, "erev") || strcmp(name, "sensory_w") == 0
                        ? "one per synapse, in the order of pop:get(\"synapses\")" : "one per entry",
                      (int)m);
    memcpy(v, a, n * sizeof *v);
    lua_pop(L, 1);
  } else {
    ember_lua_error(L, "%s: '%s' must be a number or an array of numbers, got %s", fn, name,
                    ember_lua_describe(L, -2));
  }
  if (ember_ltc_set_param_list(c, name, v))
    ember_lua_error(L, "%s: LTC population '%s': %s", fn, label, ember_ltc_error(c));
  lua_pop(L, 1);
}

/* ---------------------------------------------------- learning-rate schedule --- */

#define ETA_SCHED_KEY "ember.ltc_eta_schedules"   /* registry: population pointer -> function */

/* eta = f(t_ms) for the interval starting at t: the population's schedule. */
static ember_status eta_schedule(ember_population *pop, double t, void *user, char *msg, size_t len)
{
  lua_State *L = user;
  ember_ltc *c = ember_ltc_population_circuit(pop);
  lua_getfield(L, LUA_REGISTRYINDEX, ETA_SCHED_KEY);
  lua_rawgetp(L, -1, pop);
  lua_pushnumber(L, t);
  ember_status st = EMBER_OK;
  int failed = lua_pcall(L, 1, 1, 0) != LUA_OK;
  if (failed || lua_type(L, -1) != LUA_TNUMBER) {
    snprintf(msg, len, "the eta schedule of %s at t = %g ms: %s", ember_population_label(pop), t,
             failed && lua_type(L, -1) == LUA_TSTRING ? lua_tostring(L, -1)
                                                     : "did not return a number");
    st = EMBER_ERR_INVALID;
  } else if ((st = ember_ltc_set_learning_rate(c, lua_tonumber(L, -1)))) {
    snprintf(msg, len, "the eta schedule of %s at t = %g ms: %s", ember_population_label(pop), t,
             ember_ltc_error(c));
  }
  lua_pop(L, 2);
  return st;
}

/* pop:set{eta = number | function(t)} (value at the top of the stack): a number
 * sets the rate and ends any schedule; a function is evaluated now and at the start
 * of every communication interval (t in ms), holding over the interval. */
static void set_eta(lua_State *L, ember_population *pop, const char *fn)
{
  ember_ltc *c = ember_ltc_population_circuit(pop);
  int is_fn = lua_type(L, -1) == LUA_TFUNCTION;
  if (!is_fn && lua_type(L, -1) != LUA_TNUMBER)
    ember_lua_error(L, "%s: 'eta' must be a number or a function of time, got %s", fn,
                    ember_lua_describe(L, -1));
  if (lua_getfield(L, LUA_REGISTRYINDEX, ETA_SCHED_KEY) != LUA_TTABLE) {
    lua_pop(L, 1);
    lua_newtable(L);
    lua_pushvalue(L, -1);
    lua_setfield(L, LUA_REGISTRYINDEX, ETA_SCHED_KEY);
  }
  lua_pushvalue(L, -2);
  lua_rawsetp(L, -2, pop);                    /* the function, or a number (unused) */
  lua_pop(L, 1);
  char msg[512];
  ember_status st = is_fn ? eta_schedule(pop, ember_network_time(ember_lua_ctx_of(L)->net), L, msg,
                                         sizeof msg)
                          : ember_ltc_set_learning_rate(c, lua_tonumber(L, -1));
  if (st)
    ember_lua_error(L, "%s: LTC population '%s': %s", fn, ember_population_label(pop),
                    is_fn ? msg : ember_ltc_error(c));
  ember_ltc_population_set_schedule(pop, is_fn ? eta_schedule : NULL, L);
}

void ember_lua_ltc_set_all(lua_State *L, ember_population *pop, int idx, const char *fn)
{
  ember_ltc *c = ember_ltc_population_circuit(pop);
  for (size_t i = 0; circuit_params[i]; i++) {
    if (lua_getfield(L, idx, circuit_params[i]) != LUA_TNIL)
      set_param(L, c, circuit_params[i], fn, ember_population_label(pop));
    lua_pop(L, 1);
  }
  if (lua_getfield(L, idx, "eta") != LUA_TNIL)
    set_eta(L, pop, fn);
  lua_pop(L, 1);
}

int ember_lua_ltc_sigmoid(lua_State *L, int idx, const char *fn, int ltc2, double sm[2])
{
  static const char *const keys[] = {"sigma", "mu", NULL};
  if (lua_type(L, idx) != LUA_TTABLE || lua_getfield(L, idx, "sigmoid") == LUA_TNIL) {
    lua_settop(L, lua_gettop(L) - (lua_type(L, idx) == LUA_TTABLE));
    return 0;
  }
  if (!ltc2)
    ember_lua_error(L, "%s: option 'sigmoid' is for connections between two LTC populations", fn);
  int t = lua_gettop(L);
  ember_lua_check_table(L, t, 4, fn, "sigmoid");
  ember_lua_check_keys(L, t, fn, "sigmoid key", keys);
  sm[0] = LTC_SIGMOID_SIGMA_DEFAULT, sm[1] = LTC_SIGMOID_MU_DEFAULT;
  ember_lua_opt_number(L, t, "sigma", fn, &sm[0]);
  ember_lua_opt_number(L, t, "mu", fn, &sm[1]);
  lua_pop(L, 1);
  return 1;
}

const size_t *ember_lua_ltc_synapse_list(lua_State *L, int idx, const char *fn, int has_ids, size_t *n)
{
  if (lua_getfield(L, idx, "synapses") == LUA_TNIL) {
    lua_pop(L, 1);
    return NULL;
  }
  if (has_ids)
    ember_lua_error(L, "%s: give 'ids' (every synapse onto those neurons) or 'synapses' (synapse "
                    "indices), not both", fn);
  int t = lua_gettop(L);
  size_t m = lua_type(L, t) == LUA_TTABLE ? lua_rawlen(L, t) : 0;
  if (m == 0)
    ember_lua_error(L, "%s: 'synapses' must be a non-empty array of synapse indices (0-based, the "
                    "order of pop:get(\"synapses\")), got %s", fn, ember_lua_describe(L, t));
  size_t *syn = lua_newuserdatauv(L, m * sizeof *syn, 0);
  for (size_t k = 0; k < m; k++) {
    int ok = 0;
    lua_Integer v = lua_rawgeti(L, t, (lua_Integer)k + 1) == LUA_TNUMBER ? lua_tointegerx(L, -1, &ok) : 0;
    if (!ok || v < 0)
      ember_lua_error(L, "%s: synapses[%d] must be a synapse index (an integer >= 0), got %s", fn,
                      (int)k + 1, ember_lua_describe(L, -1));
    syn[k] = (size_t)v;
    lua_pop(L, 1);
  }
  *n = m;
  return syn;
}

/* ----------------------------------------------------------- ember.series --- */

/* The values table at idx: an array of rows (arrays of numbers), or of numbers
 * for one channel. Pushes a scratch userdata holding them. */
static double *read_rows(lua_State *L, int idx, const char *fn, size_t *n, size_t *k)
{
  idx = lua_absindex(L, idx);
  *n = lua_rawlen(L, idx);
  if (*n == 0)
    ember_lua_error(L, "%s: 'values' must be a non-empty array of samples", fn);
  int scalar = lua_rawgeti(L, idx, 1) == LUA_TNUMBER;
  *k = scalar ? 1 : lua_type(L, -1) == LUA_TTABLE ? lua_rawlen(L, -1) : 0;
  lua_pop(L, 1);
  if (*k == 0)
    ember_lua_error(L, "%s: values[1] must be a number or a non-empty array of numbers (one per "
                    "channel)", fn);
  double *x = lua_newuserdatauv(L, *n * *k * sizeof *x, 0);
  for (size_t i = 0; i < *n; i++) {
    int t = lua_rawgeti(L, idx, (lua_Integer)i + 1);
    if (scalar && t == LUA_TNUMBER) {
      x[i] = lua_tonumber(L, -1);
    } else if (!scalar && t == LUA_TTABLE && lua_rawlen(L, -1) == *k) {
      for (size_t c = 0; c < *k; c++) {
        if (lua_rawgeti(L, -1, (lua_Integer)c + 1) != LUA_TNUMBER)
          ember_lua_error(L, "%s: values[%d][%d] must be a number, got %s", fn, (int)i + 1, (int)c + 1,
                          ember_lua_describe(L, -1));
        x[i * *k + c] = lua_tonumber(L, -1);
        lua_pop(L, 1);
      }
    } else {
      ember_lua_error(L, "%s: values[%d] must be %s (like values[1]), got %s", fn, (int)i + 1,
                      scalar ? "a number" : "an array of the same number of channels",
                      t == LUA_TTABLE ? lua_pushfstring(L, "%d values", (int)lua_rawlen(L, -1))
                                      : ember_lua_describe(L, -1));
    }
    lua_pop(L, 1);
  }
  return x;
}

/* Reads a file into a scratch userdata pushed on the stack. */
static double *read_file(lua_State *L, int idx, const char *fn, size_t *n, size_t *k)
{
  const char *path, *dataset = NULL;
  ember_lua_opt_string(L, idx, "file", fn, &path);
  ember_lua_opt_string(L, idx, "dataset", fn, &dataset);
  path = script_relative(L, path);
  size_t len = strlen(path);
  int h5 = (len > 3 && strcmp(path + len - 3, ".h5") == 0) || (len > 5 && strcmp(path + len - 5, ".hdf5") == 0);
  if (h5 && !dataset)
    ember_lua_error(L, "%s: '%s' is an HDF5 file: say which dataset holds the samples (dataset = ...)",
                    fn, path);
  if (!h5 && dataset)
    ember_lua_error(L, "%s: 'dataset' is for HDF5 files (.h5, .hdf5); '%s' is read as CSV", fn, path);
  double *v = NULL;
  char msg[512];
  if (ember_series_read_file(path, dataset, &v, n, k, msg, sizeof msg))
    ember_lua_error(L, "%s: %s", fn, msg);
  double *x = lua_newuserdatauv(L, (*n * *k > 0 ? *n * *k : 1) * sizeof *x, 0);
  memcpy(x, v, *n * *k * sizeof *x);
  free(v);
  return x;
}

/* The time stamps of n samples from step / times / timespans (exactly one),
 * into a scratch userdata; *t_end the end of the last sample's step. */
static double *read_times(lua_State *L, int idx, const char *fn, size_t n, double *t_end)
{
  const char *which[3] = {"step", "times", "timespans"};
  int have[3], count = 0;
  for (int i = 0; i < 3; i++) {
    have[i] = lua_getfield(L, idx, which[i]) != LUA_TNIL;
    lua_pop(L, 1);
    count += have[i];
  }
  if (count != 1)
    ember_lua_error(L, "%s: give exactly one of 'step' (ms, regular), 'times' (ms, one per sample) "
                    "or 'timespans' (ms, elapsed time of each sample, as ncps)", fn);
  double start = 0;
  if (ember_lua_opt_number(L, idx, "start", fn, &start) && (have[1] || !(start >= 0) || !isfinite(start)))
    ember_lua_error(L, "%s: 'start' (ms, >= 0) goes with 'step' or 'timespans'", fn);
  double *t = lua_newuserdatauv(L, n * sizeof *t, 0);
  int tix = lua_gettop(L);
  if (have[0]) {
    double step = 0;
    ember_lua_opt_number(L, idx, "step", fn, &step);
    if (!(step > 0) || !isfinite(step))
      ember_lua_error(L, "%s: 'step' must be > 0 ms, got %g", fn, step);
    for (size_t i = 0; i < n; i++)
      t[i] = start + (double)i * step;
    *t_end = start + (double)n * step;
    return t;
  }
  size_t m;
  lua_getfield(L, idx, which[have[1] ? 1 : 2]);
  const double *a = ember_lua_check_numbers(L, -1, fn, which[have[1] ? 1 : 2], &m);
  if (m != n)
    ember_lua_error(L, "%s: %d %s for %d samples (one per sample)", fn, (int)m, which[have[1] ? 1 : 2],
                    (int)n);
  if (have[1]) {
    memcpy(t, a, n * sizeof *t);
    *t_end = INFINITY;
  } else {
    double s = start;
    for (size_t i = 0; i < n; i++) {
      if (!(a[i] > 0) || !isfinite(a[i]))
        ember_lua_error(L, "%s: timespans[%d] = %g must be > 0 ms", fn, (int)i + 1, a[i]);
      t[i] = s;
      s += a[i];
    }
    *t_end = s;
  }
  lua_settop(L, tix);
  return t;
}

/* ember.series{values = {...} | file = "x.csv" | file = "x.h5", dataset = "...",
 *              step = ms [, start = ms] | times = {...} | timespans = {...}} */
static int l_series(lua_State *L)
{
  static const char *const keys[] = {"values", "file", "dataset", "step", "start", "times",
                                     "timespans", NULL};
  const char *fn = "ember.series";
  if (lua_gettop(L) != 1)
    return ember_lua_error(L, "%s: takes one table of options", fn);
  ember_lua_check_table(L, 1, 1, fn, "options");
  ember_lua_check_keys(L, 1, fn, "option", keys);
  int has_values = lua_getfield(L, 1, "values") != LUA_TNIL;
  int has_file = lua_getfield(L, 1, "file") != LUA_TNIL;
  lua_pop(L, 2);
  if (has_values == has_file)
    return ember_lua_error(L, "%s: give either 'values' (inline samples) or 'file' (CSV, or HDF5 "
                           "with 'dataset'), not %s", fn, has_values ? "both" : "neither");
  size_t n, k;
  double *x;
  if (has_values) {
    lua_getfield(L, 1, "values");
    if (lua_type(L, -1) != LUA_TTABLE)
      return ember_lua_error(L, "%s: 'values' must be an array of samples, got %s", fn,
                             ember_lua_describe(L, -1));
    x = read_rows(L, -1, fn, &n, &k);
  } else {
    x = read_file(L, 1, fn, &n, &k);
  }
  double t_end, *t = read_times(L, 1, fn, n, &t_end);
  lseries *u = lua_newuserdatauv(L, sizeof *u, 0);
  u->s = NULL;
  luaL_setmetatable(L, SERIES_MT);
  if (ember_series_new(ember_lua_ctx_of(L)->net, k, n, x, t, t_end, &u->s))
    return ember_lua_fail(L, fn);
  ember_lua_ctx_of(L)->built = 1;
  return 1;
}

static lseries *check_series(lua_State *L, const char *fn)
{
  lseries *u = luaL_testudata(L, 1, SERIES_MT);
  if (!u || !u->s)
    ember_lua_error(L, "%s: call it as a method, series:%s(...), on a series (got %s)", fn,
                    strchr(fn, ':') + 1, ember_lua_describe(L, 1));
  return u;
}

/* series:feed(ltc_pop): the series drives the population's inputs. */
static int series_feed(lua_State *L)
{
  const char *fn = "series:feed";
  lseries *u = check_series(L, fn);
  if (lua_gettop(L) != 2)
    return ember_lua_error(L, "%s: takes one argument, the LTC population", fn);
  ember_population *pop = ember_lua_check_population(L, 2, 1, fn, "ltc");
  if (ember_series_feed(u->s, pop))
    return ember_lua_fail(L, fn);
  lua_settop(L, 1);
  return 1;
}

static int series_tostring(lua_State *L)
{
  lseries *u = luaL_checkudata(L, 1, SERIES_MT);
  if (!u->s)
    lua_pushliteral(L, "series (not created)");
  else
    lua_pushfstring(L, "series (%I samples x %I channels)", (lua_Integer)ember_series_length(u->s),
                    (lua_Integer)ember_series_channels(u->s));
  return 1;
}

static int series_index(lua_State *L)
{
  lseries *u = luaL_checkudata(L, 1, SERIES_MT);
  const char *key = lua_tostring(L, 2);
  if (u->s && key && strcmp(key, "channels") == 0)
    lua_pushinteger(L, (lua_Integer)ember_series_channels(u->s));
  else if (u->s && key && strcmp(key, "length") == 0)
    lua_pushinteger(L, (lua_Integer)ember_series_length(u->s));
  else if (key && strcmp(key, "feed") == 0)
    lua_pushcfunction(L, series_feed);
  else
    return ember_lua_error(L, "a series has no field or method %s (fields: channels, length; "
                           "method: feed)", ember_lua_describe(L, 2));
  return 1;
}

void ember_lua_open_ltc(lua_State *L)
{
  static const luaL_Reg fns[] = {
    {"ltc", l_ltc}, {"series", l_series}, {"ncp", l_ncp}, {"auto_ncp", l_auto_ncp},
    {"fully_connected", l_fully_connected}, {"random_wiring", l_random_wiring}, {NULL, NULL}};
  luaL_setfuncs(L, fns, 0);
  static const luaL_Reg meta[] = {{"__index", series_index}, {"__tostring", series_tostring}, {NULL, NULL}};
  luaL_newmetatable(L, SERIES_MT);
  luaL_setfuncs(L, meta, 0);
  lua_pop(L, 1);
}
