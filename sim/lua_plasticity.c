/* Script layer of spike-timing plasticity: the rule constructors ember.stdp{...}
 * and ember.triplet{...} (plain tables checked against the rules' C parameter
 * tables), connect's `plasticity` option, proj:set_plasticity{...} (values or
 * functions of time: a learning-rate schedule), proj:get_plasticity(name) and
 * proj:record("weight", {...}). */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <lauxlib.h>
#include "lua_api.h"

#define SCHED_KEY "ember.stdp_schedules"   /* registry: projection pointer -> {name = fn} */
#define STDP_NAMES_MAX 64

/* "a, b, c" of the rule's parameter names (plus `extra`, if any). */
static void param_list(const ember_stdp_rule *r, const char *extra, char *buf, size_t len)
{
  buf[0] = 0;
  for (size_t i = 0; i < ember_stdp_rule_param_count(r); i++)
    snprintf(buf + strlen(buf), len - strlen(buf), "%s%s", i ? ", " : "", ember_stdp_rule_param(r, i)->name);
  if (extra)
    snprintf(buf + strlen(buf), len - strlen(buf), ", %s", extra);
}

static void choice_list(const ember_stdp_param *p, char *buf, size_t len)
{
  buf[0] = 0;
  for (size_t i = 0; p->choices[i]; i++)
    snprintf(buf + strlen(buf), len - strlen(buf), "%s\"%s\"", i ? ", " : "", p->choices[i]);
}

/* The number a value at idx stands for: a number, a choice name, or (if
 * allowed) a function of time evaluated at t. */
static double param_value(lua_State *L, int idx, const char *fn, const ember_stdp_param *p, double t,
                          int allow_fn)
{
  char list[256];
  if (p->choices) {
    if (lua_type(L, idx) != LUA_TSTRING || ember_stdp_param_choice(p, lua_tostring(L, idx)) < 0) {
      choice_list(p, list, sizeof list);
      ember_lua_error(L, "%s: %s must be one of %s, got %s", fn, p->name, list, ember_lua_describe(L, idx));
    }
    return ember_stdp_param_choice(p, lua_tostring(L, idx));
  }
  if (allow_fn && lua_type(L, idx) == LUA_TFUNCTION) {
    lua_pushvalue(L, idx);
    lua_pushnumber(L, t);
    lua_call(L, 1, 1);
    if (lua_type(L, -1) != LUA_TNUMBER)
      ember_lua_error(L, "%s: the function given for %s must return a number, it returned %s", fn, p->name,
                      ember_lua_describe(L, -1));
    double v = lua_tonumber(L, -1);
    lua_pop(L, 1);
    return v;
  }
  if (lua_type(L, idx) != LUA_TNUMBER)
    ember_lua_error(L, "%s: %s must be a number (%s%s%s)%s, got %s", fn, p->name, p->unit,
                    *p->unit ? ", " : "", p->doc, allow_fn ? " or a function of time" : "",
                    ember_lua_describe(L, idx));
  return lua_tonumber(L, idx);
}

/* Checks every key of the rule table at idx (besides `rule` and the `extra`
 * key) against the rule's parameters. */
static void check_rule_keys(lua_State *L, int idx, const char *fn, const ember_stdp_rule *r,
                            const char *extra)
{
  idx = lua_absindex(L, idx);
  lua_pushnil(L);
  while (lua_next(L, idx)) {
    lua_pop(L, 1);
    const char *key = lua_type(L, -1) == LUA_TSTRING ? lua_tostring(L, -1) : NULL;
    if (key && (strcmp(key, "rule") == 0 || (extra && strcmp(key, extra) == 0) ||
                ember_stdp_rule_param_index(r, key) >= 0))
      continue;
    char list[512], hint[96];
    const char *names[STDP_NAMES_MAX];
    size_t n = 0;
    for (; n < ember_stdp_rule_param_count(r) && n < STDP_NAMES_MAX; n++)
      names[n] = ember_stdp_rule_param(r, n)->name;
    param_list(r, extra, list, sizeof list);
    if (!key)
      ember_lua_error(L, "%s: parameters are named, got the key %s; parameters: %s", fn,
                      ember_lua_describe(L, -1), list);
    ember_lua_error(L, "%s: rule '%s' has no parameter '%s'%s; parameters: %s", fn, ember_stdp_rule_name(r),
                    key, ember_lua_suggest(key, names, n, hint, sizeof hint), list);
  }
}

/* ember.stdp{...} / ember.triplet{...}: a checked copy of the table with
 * rule = name; a triplet `set` is expanded into its values (explicit parameters
 * win). */
static int make_rule(lua_State *L, const char *rule_name, const char *fn)
{
  const ember_stdp_rule *r = ember_stdp_rule_find(rule_name);
  if (lua_gettop(L) == 0)
    lua_newtable(L);
  ember_lua_check_table(L, 1, 1, fn, "parameters");
  if (lua_gettop(L) > 1)
    return ember_lua_error(L, "%s: takes one table of parameters", fn);
  const char *extra = strcmp(rule_name, "triplet") == 0 ? "set" : NULL;
  check_rule_keys(L, 1, fn, r, extra);
  lua_newtable(L);
  lua_pushstring(L, rule_name);
  lua_setfield(L, -2, "rule");
  if (extra && lua_getfield(L, 1, "set") == LUA_TNIL) {
    lua_pop(L, 1);
  } else if (extra) {
    double v[64];
    const char *set = lua_type(L, -1) == LUA_TSTRING ? lua_tostring(L, -1) : NULL;
    if (!set || ember_stdp_rule_set_values(r, set, v)) {
      char list[512] = "";
      for (size_t i = 0; ember_stdp_rule_set_name(r, i); i++)
        snprintf(list + strlen(list), sizeof list - strlen(list), "%s%s", i ? ", " : "",
                 ember_stdp_rule_set_name(r, i));
      return ember_lua_error(L, "%s: unknown parameter set %s; sets: %s", fn, ember_lua_describe(L, -1), list);
    }
    for (size_t i = 0; i < ember_stdp_rule_param_count(r); i++) {
      const ember_stdp_param *p = ember_stdp_rule_param(r, i);
      if (p->choices)
        lua_pushstring(L, p->choices[(int)v[i]]);
      else
        lua_pushnumber(L, v[i]);
      lua_setfield(L, -3, p->name);
    }
    lua_pop(L, 1);
  }
  for (size_t i = 0; i < ember_stdp_rule_param_count(r); i++) {
    const ember_stdp_param *p = ember_stdp_rule_param(r, i);
    if (lua_getfield(L, 1, p->name) != LUA_TNIL) {
      if (p->choices || lua_type(L, -1) != LUA_TFUNCTION)
        param_value(L, -1, fn, p, 0.0, 0);   /* functions of time are checked at connect */
      lua_setfield(L, -2, p->name);
    } else {
      lua_pop(L, 1);
    }
  }
  return 1;
}

static int l_stdp(lua_State *L) { return make_rule(L, "stdp", "ember.stdp"); }
static int l_triplet(lua_State *L) { return make_rule(L, "triplet", "ember.triplet"); }

/* ------------------------------------------------------------- schedules --- */

/* Called by the engine at the start of each interval (main thread): evaluates
 * the projection's functions of time and sets the values. */
static ember_status run_schedule(ember_projection *proj, double t, void *user, char *msg, size_t len)
{
  lua_State *L = user;
  const ember_stdp_rule *r = ember_projection_plasticity(proj);
  lua_getfield(L, LUA_REGISTRYINDEX, SCHED_KEY);
  lua_rawgetp(L, -1, proj);
  ember_status st = EMBER_OK;
  for (size_t i = 0; !st && i < ember_stdp_rule_param_count(r); i++) {
    const char *name = ember_stdp_rule_param(r, i)->name;
    if (lua_getfield(L, -1, name) != LUA_TFUNCTION) {
      lua_pop(L, 1);
      continue;
    }
    lua_pushnumber(L, t);
    if (lua_pcall(L, 1, 1, 0) != LUA_OK || lua_type(L, -1) != LUA_TNUMBER) {
      snprintf(msg, len, "the schedule of %s for %s at t = %g ms: %s", ember_projection_label(proj), name, t,
               lua_type(L, -1) == LUA_TSTRING ? lua_tostring(L, -1) : "did not return a number");
      st = EMBER_ERR_INVALID;
    } else {
      double v = lua_tonumber(L, -1);
      if ((st = ember_projection_set_plasticity(proj, ember_stdp_rule_name(r), &name, &v, 1)))
        snprintf(msg, len, "the schedule of %s at t = %g ms: %s", ember_projection_label(proj), t,
                 ember_network_error(ember_lua_ctx_of(L)->net));
    }
    lua_pop(L, 1);
  }
  lua_pop(L, 2);
  return st;
}

/* Sets the parameters of the table at idx on proj (rule `rule`); values that are
 * functions of time are set at their value now and kept as a schedule. */
static void apply_rule_table(lua_State *L, int idx, const char *fn, ember_projection *proj,
                             const ember_stdp_rule *r)
{
  ember_lua_ctx *ctx = ember_lua_ctx_of(L);
  double t = ember_network_time(ctx->net);
  const char *names[64];
  double values[64];
  size_t n = 0;
  int any_fn = 0;
  idx = lua_absindex(L, idx);
  lua_getfield(L, LUA_REGISTRYINDEX, SCHED_KEY);
  if (lua_rawgetp(L, -1, proj) != LUA_TTABLE) {
    lua_pop(L, 1);
    lua_newtable(L);
    lua_pushvalue(L, -1);
    lua_rawsetp(L, -3, proj);
  }
  for (size_t i = 0; i < ember_stdp_rule_param_count(r) && n < 64; i++) {
    const ember_stdp_param *p = ember_stdp_rule_param(r, i);
    if (lua_getfield(L, idx, p->name) == LUA_TNIL) {
      lua_pop(L, 1);
      continue;
    }
    names[n] = p->name;
    values[n++] = param_value(L, -1, fn, p, t, 1);
    if (lua_type(L, -1) != LUA_TFUNCTION) {   /* a fixed value ends an earlier schedule */
      lua_pop(L, 1);
      lua_pushnil(L);
    }
    lua_setfield(L, -2, p->name);
  }
  lua_pushnil(L);
  while (lua_next(L, -2)) {
    any_fn = 1;
    lua_pop(L, 1);
  }
  lua_pop(L, 2);
  if (ember_projection_set_plasticity(proj, ember_stdp_rule_name(r), names, values, n) ||
      ember_projection_set_schedule(proj, any_fn ? run_schedule : NULL, L))
    ember_lua_fail(L, fn);
}

/* The rule table at idx: {rule = "stdp" | "triplet", ...}. */
static const ember_stdp_rule *check_rule_table(lua_State *L, int idx, const char *fn)
{
  if (lua_type(L, idx) != LUA_TTABLE)
    ember_lua_error(L, "%s: plasticity must be a rule such as ember.stdp{...} or ember.triplet{...}, got %s",
                    fn, ember_lua_describe(L, idx));
  lua_getfield(L, idx, "rule");
  const char *name = lua_type(L, -1) == LUA_TSTRING ? lua_tostring(L, -1) : NULL;
  const ember_stdp_rule *r = ember_stdp_rule_find(name);
  lua_pop(L, 1);
  if (!r) {
    char list[256] = "";
    for (size_t i = 0; ember_stdp_rule_at(i); i++)
      snprintf(list + strlen(list), sizeof list - strlen(list), "%sember.%s{...}", i ? ", " : "",
               ember_stdp_rule_name(ember_stdp_rule_at(i)));
    ember_lua_error(L, "%s: plasticity on a spiking projection must be one of %s (rule '%s' is not)", fn, list,
                    name ? name : "?");
  }
  check_rule_keys(L, idx, fn, r, NULL);
  return r;
}

void ember_lua_apply_plasticity(lua_State *L, int idx, const char *fn, ember_projection *proj)
{
  apply_rule_table(L, idx, fn, proj, check_rule_table(L, idx, fn));
}

/* ------------------------------------------------------------ proj methods --- */

/* proj:set_plasticity{name = value | function(t), ...} (between runs too) */
static int proj_set_plasticity(lua_State *L)
{
  const char *fn = "proj:set_plasticity";
  ember_projection *proj = ember_lua_check_proj(L, fn);
  ember_lua_max_args(L, 2, fn);
  ember_lua_check_table(L, 2, 1, fn, "parameters");
  const ember_stdp_rule *r = ember_projection_plasticity(proj);
  if (!r)
    return ember_lua_error(L, "%s: %s is not plastic (give connect a plasticity rule)", fn,
                           ember_projection_label(proj));
  check_rule_keys(L, 2, fn, r, NULL);
  apply_rule_table(L, 2, fn, proj, r);
  return 0;
}

/* proj:get_plasticity(name) -> value (choices as names), or the rule's name with
 * no argument. */
static int proj_get_plasticity(lua_State *L)
{
  const char *fn = "proj:get_plasticity";
  ember_projection *proj = ember_lua_check_proj(L, fn);
  ember_lua_max_args(L, 2, fn);
  const ember_stdp_rule *r = ember_projection_plasticity(proj);
  if (ember_lua_absent(L, 2)) {
    if (r)
      lua_pushstring(L, ember_stdp_rule_name(r));
    else
      lua_pushnil(L);
    return 1;
  }
  const char *name = ember_lua_check_string(L, 2, 1, fn, "name");
  double v;
  if (ember_projection_get_plasticity(proj, name, &v))
    return ember_lua_fail(L, fn);
  const ember_stdp_param *p = ember_stdp_rule_param(r, (size_t)ember_stdp_rule_param_index(r, name));
  if (p->choices)
    lua_pushstring(L, p->choices[(int)v]);
  else
    lua_pushnumber(L, v);
  return 1;
}

/* proj:record("weight" | "current" [, {interval =, synapses = {k, ...}}]) */
static int proj_record(lua_State *L)
{
  static const char *const keys[] = {"interval", "synapses", NULL};
  const char *fn = "proj:record";
  ember_projection *proj = ember_lua_check_proj(L, fn);
  const char *what = ember_lua_check_string(L, 2, 1, fn, "what");
  int current = strcmp(what, "current") == 0;   /* into an LTC population (docs/ltc.md) */
  if (strcmp(what, "weight") != 0 && !current)
    return ember_lua_error(L, "%s: a projection records \"weight\" or \"current\", not '%s'", fn,
                           what);
  if (lua_gettop(L) > 3)
    return ember_lua_error(L, "%s: too many arguments (at most 2)", fn);
  double interval = 1.0;
  size_t n = 0, *syn = NULL;
  if (!ember_lua_absent(L, 3)) {
    ember_lua_check_table(L, 3, 2, fn, "options");
    ember_lua_check_keys(L, 3, fn, "option", keys);
    if (ember_lua_opt_number(L, 3, "interval", fn, &interval) && !(interval > 0))
      return ember_lua_error(L, "%s: interval must be > 0 ms, got %g", fn, interval);
    if (lua_getfield(L, 3, "synapses") != LUA_TNIL) {
      const uint32_t *ids = ember_lua_check_ids(L, -1, fn, "synapses", &n);
      syn = lua_newuserdatauv(L, (n ? n : 1) * sizeof *syn, 0);
      for (size_t i = 0; i < n; i++)
        syn[i] = ids[i];
    }
  }
  if (current ? ember_projection_record_currents(proj, interval, syn, n)
              : ember_projection_record_weights(proj, interval, syn, n))
    return ember_lua_fail(L, fn);
  return 0;
}

const luaL_Reg ember_lua_plasticity_methods[] = {
  {"set_plasticity", proj_set_plasticity}, {"get_plasticity", proj_get_plasticity},
  {"record", proj_record}, {NULL, NULL}};

void ember_lua_open_plasticity(lua_State *L)
{
  static const luaL_Reg fns[] = {{"stdp", l_stdp}, {"triplet", l_triplet}, {NULL, NULL}};
  luaL_setfuncs(L, fns, 0);
  lua_newtable(L);
  lua_setfield(L, LUA_REGISTRYINDEX, SCHED_KEY);
}
