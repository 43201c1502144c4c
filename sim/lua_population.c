/* Script populations: ember.population (neurons), ember.poisson and
 * ember.spike_array (spike sources), their params/state tables and methods
 * (pop:initialize, set, get, record, spike_count, spikes). Projections
 * (sim/lua_projection.c) and current sources (sim/lua_current.c) only refer to
 * populations, through ember_lua_check_population and ember_lua_push_population,
 * so the population userdata and its registry stay private to this file.
 * Userdata hold borrowed pointers into the network (which outlives the Lua
 * state, so there is nothing to free from __gc). */
#include <stdio.h>
#include <string.h>
#include <lauxlib.h>
#include "lua_api.h"

#define POP_MT "ember.population"
#define POPS_KEY "ember.populations"   /* registry: pointer -> population userdata */

typedef struct lpop {
  ember_population *pop;     /* NULL until created; first, see ember_lua_check_self */
  int records_spikes;
} lpop;

enum { PARAMS, STATE };

static ember_network *net_of(lua_State *L) { return ember_lua_ctx_of(L)->net; }


/* Pushes a new, empty population userdata. */
static lpop *new_pop_ud(lua_State *L)
{
  lpop *u = lua_newuserdatauv(L, sizeof *u, 0);
  u->pop = NULL;
  u->records_spikes = 0;
  luaL_setmetatable(L, POP_MT);
  return u;
}

/* Remembers the userdata on top as the script object of its population. */
static void register_pop(lua_State *L, lpop *u)
{
  ember_lua_ctx_of(L)->built = 1;
  lua_getfield(L, LUA_REGISTRYINDEX, POPS_KEY);
  lua_pushlightuserdata(L, u->pop);
  lua_pushvalue(L, -3);
  lua_rawset(L, -3);
  lua_pop(L, 1);
}

/* Pushes the script object of pop (or nil). */
static void push_pop(lua_State *L, ember_population *pop)
{
  lua_getfield(L, LUA_REGISTRYINDEX, POPS_KEY);
  lua_pushlightuserdata(L, pop);
  lua_rawget(L, -2);
  lua_remove(L, -2);
}

/* The population at idx, for argument k of fname. */
static lpop *check_pop_arg(lua_State *L, int idx, int k, const char *fname, const char *name)
{
  lpop *u = luaL_testudata(L, idx, POP_MT);
  if (!u || !u->pop)
    ember_lua_arg_error(L, idx, k, fname, name, "a population");
  return u;
}

ember_population **ember_lua_new_population(lua_State *L) { return &new_pop_ud(L)->pop; }
void ember_lua_register_population(lua_State *L) { register_pop(L, lua_touserdata(L, -1)); }

void ember_lua_push_population(lua_State *L, ember_population *pop) { push_pop(L, pop); }

ember_population *ember_lua_check_population(lua_State *L, int idx, int k, const char *fname,
                                             const char *name)
{
  return check_pop_arg(L, idx, k, fname, name)->pop;
}

/* self of a population method: catches pop.method() written for pop:method(). */
static lpop *check_self(lua_State *L, const char *fname)
{
  return ember_lua_check_self(L, POP_MT, fname, "a population");
}

/* Fills names[] with the parameter or state names of pop; returns their count. */
static size_t value_names(const ember_population *pop, int kind, const char **names, size_t max)
{
  const ember_model *m = ember_population_model(pop);
  size_t n = kind == PARAMS ? ember_population_param_count(pop) : (m ? m->n_state : 0);
  for (size_t i = 0; i < n && i < max; i++)
    names[i] = kind == PARAMS ? ember_population_param_info(pop, i)->name : m->state[i].name;
  names[n < max ? n : max] = NULL;
  return n < max ? n : max;
}

/* Raises the error for a key of a params/state table that the population lacks. */
static void unknown_name(lua_State *L, const char *fname, const ember_population *pop, int kind,
                         const char *key, const char **names, size_t n)
{
  const char *what = kind == PARAMS ? "parameter" : "state variable";
  char list[512] = "", hint[96];
  for (size_t i = 0; i < n; i++)
    snprintf(list + strlen(list), sizeof list - strlen(list), "%s%s", i ? ", " : "", names[i]);
  const ember_model *m = ember_population_model(pop);
  char note[128] = "";
  if (kind == PARAMS && m && ember_model_state_index(m, key) >= 0)
    snprintf(note, sizeof note, " ('%s' is a state variable: set it with pop:initialize)", key);
  else if (kind == STATE && m && ember_model_param_index(m, key) >= 0)
    snprintf(note, sizeof note, " ('%s' is a parameter: set it with pop:set)", key);
  ember_lua_error(L, "%s: %s '%s' has no %s '%s'%s%s; %ss: %s", fname, ember_population_kind(pop),
                  ember_population_label(pop), what, key, note,
                  ember_lua_suggest(key, names, n, hint, sizeof hint), what, n ? list : "none");
}

/* Checks every key of the table at idx against the parameter/state names. */
static void check_value_keys(lua_State *L, int idx, const char *fname, const ember_population *pop,
                             int kind)
{
  const char *names[65];
  size_t n = value_names(pop, kind, names, 64);
  lua_pushnil(L);
  while (lua_next(L, idx)) {
    lua_pop(L, 1);
    if (lua_type(L, -1) != LUA_TSTRING)
      ember_lua_error(L, "%s: keys must be names, got %s", fname, ember_lua_describe(L, -1));
    size_t i = 0;
    while (i < n && strcmp(names[i], lua_tostring(L, -1)) != 0)
      i++;
    if (i == n)
      unknown_name(L, fname, pop, kind, lua_tostring(L, -1), names, n);
  }
}

/* Sets one parameter or state variable from the value on top of the stack. */
static void set_one(lua_State *L, const char *fname, ember_population *pop, int kind,
                    const char *name)
{
  char what[96];
  snprintf(what, sizeof what, "%s '%s'", kind == PARAMS ? "parameter" : "state variable", name);
  ember_lua_value v;
  ember_lua_check_value(L, -1, fname, what, 1, &v);
  ember_status st;
  if (v.array)
    st = kind == PARAMS ? ember_population_set_param_array(pop, name, v.array, NULL, v.n_array)
                        : ember_population_set_state_array(pop, name, v.array, NULL, v.n_array);
  else
    st = kind == PARAMS ? ember_population_set_param(pop, name, &v.dist, NULL, 0)
                        : ember_population_set_state(pop, name, &v.dist, NULL, 0);
  if (st)
    ember_lua_fail(L, fname);
  if (v.array)
    lua_pop(L, 1);
}

/* Cross-parameter checks (e.g. v_reset < v_thresh) now, at the line that set
 * the values, rather than at the next ember.run. */
static void check_prepare(lua_State *L, const char *fname, const ember_population *pop)
{
  const ember_model *m = ember_population_model(pop);
  if (!m || !m->prepare)
    return;
  size_t n = ember_population_size(pop), np = m->n_params;
  double *cols = lua_newuserdatauv(L, (n * np + np + m->n_derived + 1) * sizeof *cols, 0);
  double *row = cols + n * np;
  for (size_t k = 0; k < np; k++)
    if (ember_population_get(pop, m->params[k].name, cols + k * n))
      ember_lua_fail(L, fname);
  char msg[256];
  for (size_t i = 0; i < n; i++) {
    for (size_t k = 0; k < np; k++)
      row[k] = cols[k * n + i];
    if (m->prepare(row, msg, sizeof msg))
      ember_lua_error(L, "%s: population '%s' neuron %d: %s", fname, ember_population_label(pop), (int)i, msg);
  }
  lua_pop(L, 1);
}

/* Applies the table at idx ({name = value, ...}) in the order of the model's
 * tables, so that the first error met does not depend on hashing. */
static void apply_values(lua_State *L, int idx, const char *fname, ember_population *pop, int kind)
{
  idx = lua_absindex(L, idx);
  check_value_keys(L, idx, fname, pop, kind);
  const char *names[65];
  size_t n = value_names(pop, kind, names, 64);
  for (size_t i = 0; i < n; i++) {
    if (lua_getfield(L, idx, names[i]) != LUA_TNIL)
      set_one(L, fname, pop, kind, names[i]);
    lua_pop(L, 1);
  }
  if (kind == PARAMS)
    check_prepare(L, fname, pop);
}

static void apply_solver(lua_State *L, int idx, const char *fname, ember_population *pop)
{
  static const char *const keys[] = {"solver", "abstol", "reltol", "root_tol", "max_step", NULL};
  ember_lua_check_keys(L, idx, fname, "solver option", keys);
  ember_solver_opts o = ember_solver_defaults(ember_population_model(pop));
  ember_lua_opt_string(L, idx, "solver", fname, &o.method);
  ember_lua_opt_number(L, idx, "abstol", fname, &o.abstol);
  ember_lua_opt_number(L, idx, "reltol", fname, &o.reltol);
  ember_lua_opt_number(L, idx, "root_tol", fname, &o.root_tol);
  ember_lua_opt_number(L, idx, "max_step", fname, &o.max_step);
  if (ember_population_set_solver(pop, &o))
    ember_lua_fail(L, fname);
}

static void check_model_name(lua_State *L, const char *fname, const char *model)
{
  if (ember_model_find(model))
    return;
  const char *names[64];
  char list[512] = "", hint[96];
  size_t n = 0;
  for (; n < 64 && ember_model_at(n); n++) {
    names[n] = ember_model_at(n)->name;
    snprintf(list + strlen(list), sizeof list - strlen(list), "%s%s", n ? ", " : "", names[n]);
  }
  if (strcmp(model, "poisson") == 0 || strcmp(model, "spike_array") == 0)
    ember_lua_error(L, "%s: '%s' is a spike source: create it with ember.%s", fname, model, model);
  ember_lua_error(L, "%s: unknown neuron model '%s'%s; models: %s", fname, model,
                  ember_lua_suggest(model, names, n, hint, sizeof hint), list);
}

/* ember.population(label, n, model [, params [, solver]]) -> population */
static int l_population(lua_State *L)
{
  const char *fn = "ember.population";
  ember_lua_max_args(L, 5, fn);
  const char *label = ember_lua_check_string(L, 1, 1, fn, "label");
  size_t n = (size_t)ember_lua_check_count(L, 2, 2, fn, "n", 1, UINT32_MAX - 1);
  const char *model = ember_lua_check_string(L, 3, 3, fn, "model");
  if (!ember_lua_absent(L, 4))
    ember_lua_check_table(L, 4, 4, fn, "params");
  if (!ember_lua_absent(L, 5))
    ember_lua_check_table(L, 5, 5, fn, "solver");
  check_model_name(L, fn, model);
  lpop *u = new_pop_ud(L);
  if (ember_population_new(net_of(L), label, n, model, &u->pop))
    return ember_lua_fail(L, fn);
  register_pop(L, u);
  if (!ember_lua_absent(L, 4))
    apply_values(L, 4, fn, u->pop, PARAMS);
  if (!ember_lua_absent(L, 5))
    apply_solver(L, 5, fn, u->pop);
  return 1;
}

/* ember.poisson(label, n [, {rate =, start =, stop =}]) -> population */
static int l_poisson(lua_State *L)
{
  const char *fn = "ember.poisson";
  ember_lua_max_args(L, 3, fn);
  const char *label = ember_lua_check_string(L, 1, 1, fn, "label");
  size_t n = (size_t)ember_lua_check_count(L, 2, 2, fn, "n", 1, UINT32_MAX - 1);
  if (!ember_lua_absent(L, 3))
    ember_lua_check_table(L, 3, 3, fn, "params");
  lpop *u = new_pop_ud(L);
  if (ember_source_population_new(net_of(L), label, n, "poisson", &u->pop))
    return ember_lua_fail(L, fn);
  register_pop(L, u);
  if (!ember_lua_absent(L, 3))
    apply_values(L, 3, fn, u->pop, PARAMS);
  return 1;
}

/* ember.spike_array(label, {{t, ...}, ...}) -> population of #lists neurons */
static int l_spike_array(lua_State *L)
{
  const char *fn = "ember.spike_array";
  ember_lua_max_args(L, 2, fn);
  const char *label = ember_lua_check_string(L, 1, 1, fn, "label");
  if (lua_type(L, 2) != LUA_TTABLE || lua_rawlen(L, 2) == 0)
    return ember_lua_arg_error(L, 2, 2, fn, "times", "a non-empty array of spike-time lists");
  size_t n = lua_rawlen(L, 2);
  lpop *u = new_pop_ud(L);
  if (ember_source_population_new(net_of(L), label, n, "spike_array", &u->pop))
    return ember_lua_fail(L, fn);
  register_pop(L, u);
  for (size_t i = 0; i < n; i++) {
    char what[48];
    snprintf(what, sizeof what, "times[%d] (neuron %d)", (int)i + 1, (int)i);
    lua_rawgeti(L, 2, (lua_Integer)i + 1);
    size_t m;
    double *t = ember_lua_check_numbers(L, -1, fn, what, &m);
    if (ember_population_set_spike_times(u->pop, (uint32_t)i, t, m))
      return ember_lua_fail(L, fn);
    lua_pop(L, 2);
  }
  return 1;
}

static int pop_initialize(lua_State *L)
{
  const char *fn = "pop:initialize";
  ember_lua_max_args(L, 2, fn);
  lpop *u = check_self(L, fn);
  ember_lua_check_table(L, 2, 1, fn, "values");
  if (!ember_population_model(u->pop))
    return ember_lua_error(L, "%s: '%s' is a spike source and has no state variables", fn,
                           ember_population_label(u->pop));
  apply_values(L, 2, fn, u->pop, STATE);
  return 0;
}

/* LTC populations: pop:set takes the synapse parameters and the state (v,
 * gsyn_exc, gsyn_inh) alike, since v is what a user sets on a circuit. */
static void set_ltc(lua_State *L, const char *fn, ember_population *pop)
{
  const ember_model *m = ember_population_model(pop);
  const char *names[65];
  size_t n = value_names(pop, PARAMS, names, 32);
  n += value_names(pop, STATE, names + n, 32);
  lua_pushnil(L);
  while (lua_next(L, 2)) {
    lua_pop(L, 1);
    size_t i = 0;
    while (lua_type(L, -1) == LUA_TSTRING && i < n && strcmp(names[i], lua_tostring(L, -1)) != 0)
      i++;
    if (i == n && lua_type(L, -1) == LUA_TSTRING && ember_lua_ltc_is_param(lua_tostring(L, -1)))
      continue;   /* a circuit parameter: set by ember_lua_ltc_set_all below */
    if (i == n)
      unknown_name(L, fn, pop, PARAMS, lua_type(L, -1) == LUA_TSTRING ? lua_tostring(L, -1) : "?",
                   names, n);
  }
  for (size_t i = 0; i < n; i++) {
    if (lua_getfield(L, 2, names[i]) != LUA_TNIL)
      set_one(L, fn, pop, ember_model_state_index(m, names[i]) >= 0 ? STATE : PARAMS, names[i]);
    lua_pop(L, 1);
  }
  ember_lua_ltc_set_all(L, pop, 2, fn);
}

static int pop_set(lua_State *L)
{
  const char *fn = "pop:set";
  ember_lua_max_args(L, 2, fn);
  lpop *u = check_self(L, fn);
  ember_lua_check_table(L, 2, 1, fn, "values");
  if (ember_ltc_population_circuit(u->pop))
    set_ltc(L, fn, u->pop);
  else
    apply_values(L, 2, fn, u->pop, PARAMS);
  return 0;
}

static int pop_get(lua_State *L)
{
  const char *fn = "pop:get";
  ember_lua_max_args(L, 2, fn);
  lpop *u = check_self(L, fn);
  const char *name = ember_lua_check_string(L, 2, 1, fn, "name");
  if (ember_ltc_population_circuit(u->pop) && ember_lua_ltc_get(L, u->pop, name, fn))
    return 1;   /* a circuit parameter, the synapse list or the currents */
  size_t n = ember_population_size(u->pop);
  double *v = lua_newuserdatauv(L, n * sizeof *v, 0);
  if (ember_population_get(u->pop, name, v))
    return ember_lua_fail(L, fn);
  const ember_ltc *c = ember_ltc_population_circuit(u->pop);
  if (c && strcmp(name, "output") == 0)   /* the readout exists for the motor neurons only */
    n = ember_ltc_outputs(c);
  ember_lua_push_numbers(L, v, n);
  return 1;
}

/* Records one variable; `what` is on the stack at idx. */
static void record_one(lua_State *L, lpop *u, int idx, double interval, const uint32_t *ids,
                       size_t n_ids, const size_t *syn)
{
  const char *fn = "pop:record";
  if (lua_type(L, idx) != LUA_TSTRING)
    ember_lua_error(L, "%s: what to record must be \"spikes\" or a state variable name, got %s", fn,
                    ember_lua_describe(L, idx));
  const char *what = lua_tostring(L, idx);
  if (syn ? ember_ltc_population_record_synapses(u->pop, what, interval, syn, n_ids)
          : ember_population_record(u->pop, what, interval, ids, n_ids))
    ember_lua_fail(L, fn);
  if (strcmp(what, "spikes") == 0)
    u->records_spikes = 1;
}

/* pop:record(what [, {interval =, ids =}]); what: a name or an array of names. */
static int pop_record(lua_State *L)
{
  static const char *const keys[] = {"interval", "ids", "synapses", NULL};
  const char *fn = "pop:record";
  ember_lua_max_args(L, 3, fn);
  lpop *u = check_self(L, fn);
  double interval = 0;
  const uint32_t *ids = NULL;
  const size_t *syn = NULL;
  size_t n_ids = 0;
  if (!ember_lua_absent(L, 3)) {
    ember_lua_check_table(L, 3, 2, fn, "options");
    ember_lua_check_keys(L, 3, fn, "option", keys);
    if (ember_lua_opt_number(L, 3, "interval", fn, &interval) && !(interval > 0))
      return ember_lua_error(L, "%s: interval must be > 0 ms, got %g", fn, interval);
    if (lua_getfield(L, 3, "ids") != LUA_TNIL)
      ids = ember_lua_check_ids(L, -1, fn, "ids", &n_ids);
    syn = ember_lua_ltc_synapse_list(L, 3, fn, ids != NULL, &n_ids);   /* LTC: synapses = {...} */
  }
  if (lua_type(L, 2) == LUA_TTABLE) {
    for (lua_Integer k = 1; k <= (lua_Integer)lua_rawlen(L, 2); k++) {
      lua_rawgeti(L, 2, k);
      record_one(L, u, lua_gettop(L), interval, ids, n_ids, syn);
      lua_pop(L, 1);
    }
  } else if (lua_type(L, 2) == LUA_TSTRING) {
    record_one(L, u, 2, interval, ids, n_ids, syn);
  } else {
    return ember_lua_arg_error(L, 2, 1, fn, "what", "\"spikes\", a state variable name or an array of them");
  }
  return 0;
}

static int pop_spike_count(lua_State *L)
{
  ember_lua_max_args(L, 1, "pop:spike_count");
  lpop *u = check_self(L, "pop:spike_count");
  lua_pushinteger(L, (lua_Integer)ember_population_spike_count(u->pop));
  return 1;
}

/* pop:spikes() -> {times = {...}, ids = {...}} (ms, 0-based ids, time order) */
static int pop_spikes(lua_State *L)
{
  const char *fn = "pop:spikes";
  ember_lua_max_args(L, 1, fn);
  lpop *u = check_self(L, fn);
  if (!u->records_spikes)
    return ember_lua_error(L, "%s: population '%s' does not record spikes; call pop:record(\"spikes\") "
                           "before the first ember.run", fn, ember_population_label(u->pop));
  const double *t;
  const uint32_t *id;
  size_t n = ember_population_recorded_spikes(u->pop, &t, &id);
  lua_createtable(L, 0, 2);
  ember_lua_push_numbers(L, t, n);
  lua_setfield(L, -2, "times");
  lua_createtable(L, n < INT32_MAX ? (int)n : 0, 0);
  for (size_t k = 0; k < n; k++) {
    lua_pushinteger(L, id[k]);
    lua_rawseti(L, -2, (lua_Integer)k + 1);
  }
  lua_setfield(L, -2, "ids");
  return 1;
}

static int pop_len(lua_State *L)
{
  lpop *u = luaL_checkudata(L, 1, POP_MT);
  lua_pushinteger(L, u->pop ? (lua_Integer)ember_population_size(u->pop) : 0);
  return 1;
}

static int pop_tostring(lua_State *L)
{
  lpop *u = luaL_checkudata(L, 1, POP_MT);
  if (!u->pop)
    lua_pushliteral(L, "population (not created)");
  else
    lua_pushfstring(L, "population '%s' (%I x %s)", ember_population_label(u->pop),
                    (lua_Integer)ember_population_size(u->pop), ember_population_kind(u->pop));
  return 1;
}

/* Fields label, size, model, solver; then the methods; anything else is an error. */
static int pop_index(lua_State *L)
{
  lpop *u = luaL_checkudata(L, 1, POP_MT);
  const char *key = lua_tostring(L, 2);
  if (u->pop && key && strcmp(key, "label") == 0)
    lua_pushstring(L, ember_population_label(u->pop));
  else if (u->pop && key && strcmp(key, "size") == 0)
    lua_pushinteger(L, (lua_Integer)ember_population_size(u->pop));
  else if (u->pop && key && strcmp(key, "model") == 0)
    lua_pushstring(L, ember_population_kind(u->pop));
  else if (u->pop && key && strcmp(key, "solver") == 0)
    lua_pushstring(L, ember_population_solver(u->pop));
  else if (lua_getmetatable(L, 1) && lua_getfield(L, -1, "methods") && lua_getfield(L, -1, key ? key : "") == LUA_TNIL)
    return ember_lua_error(L, "a population has no field or method %s (fields: label, size, model, solver; "
                           "methods: initialize, set, get, record, spike_count, spikes)", ember_lua_describe(L, 2));
  return 1;
}

/* ------------------------------------------------------------ registration --- */

void ember_lua_open_populations(lua_State *L)
{
  static const luaL_Reg fns[] = {
    {"population", l_population}, {"poisson", l_poisson}, {"spike_array", l_spike_array},
    {NULL, NULL}};
  static const luaL_Reg meta[] = {
    {"__index", pop_index}, {"__len", pop_len}, {"__tostring", pop_tostring}, {NULL, NULL}};
  static const luaL_Reg methods[] = {
    {"initialize", pop_initialize}, {"set", pop_set}, {"get", pop_get}, {"record", pop_record},
    {"spike_count", pop_spike_count}, {"spikes", pop_spikes}, {NULL, NULL}};
  luaL_setfuncs(L, fns, 0);
  ember_lua_new_class(L, POP_MT, meta, methods);
  lua_newtable(L);
  lua_setfield(L, LUA_REGISTRYINDEX, POPS_KEY);
}
