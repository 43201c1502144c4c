/* Script constructors of the rate-based plasticity rules for LTC weights:
 * ember.hebb{...}, ember.oja{...}, ember.bcm{...} return a plain table
 * {rule = "<name>", <param> = <number>, ...} checked against the rule's C
 * parameter table (lib/plasticity/), and ember_lua_apply_rate_rule hands such a
 * table to ember_ltc_set_plasticity. The choices of `synapses` and `post` may be
 * given by name ("internal", "sensory", "all"; "linear", "rectified",
 * "sigmoid") and are stored as their numeric codes. */
#include <stdio.h>
#include <string.h>
#include <lauxlib.h>
#include "lua_api.h"
#include "lua_rate_rules.h"

/* "a, b, c": the rule's parameter names. */
static void param_list(const ember_rate_rule *r, char *buf, size_t len)
{
  buf[0] = 0;
  for (size_t i = 0; i < r->n_params; i++)
    snprintf(buf + strlen(buf), len - strlen(buf), "%s%s", i ? ", " : "", r->params[i].name);
}

/* The value of parameter k at the top of the stack as a number (choices by
 * name), range-checked. Raises on a bad value. */
static double param_value(lua_State *L, const ember_rate_rule *r, int k, const char *fn)
{
  const ember_param_info *pi = &r->params[k];
  double v;
  if ((k == EMBER_RATE_SYNAPSES || k == EMBER_RATE_POST) && lua_type(L, -1) == LUA_TSTRING) {
    int code = ember_rate_choice(pi->name, lua_tostring(L, -1));
    if (code < 0)
      ember_lua_error(L, "%s: parameter '%s' = %s is not one of %s", fn, pi->name,
                      ember_lua_describe(L, -1),
                      k == EMBER_RATE_SYNAPSES ? "'internal', 'sensory', 'all'"
                                               : "'linear', 'rectified', 'sigmoid'");
    return code;
  }
  if (lua_type(L, -1) != LUA_TNUMBER)
    ember_lua_error(L, "%s: parameter '%s' must be a number, got %s", fn, pi->name,
                    ember_lua_describe(L, -1));
  v = lua_tonumber(L, -1);
  char msg[256];
  if (ember_param_check(pi, v, msg, sizeof msg))
    ember_lua_error(L, "%s: %s", fn, msg);
  return v;
}

/* ember.<rule>{...}: upvalue 1 is the rule (light userdata). */
static int l_rule(lua_State *L)
{
  const ember_rate_rule *r = lua_touserdata(L, lua_upvalueindex(1));
  char fn[64], list[512], hint[96];
  snprintf(fn, sizeof fn, "ember.%s", r->name);
  int given = !ember_lua_absent(L, 1);
  if (given)
    ember_lua_check_table(L, 1, 1, fn, "parameters");
  if (lua_gettop(L) > 1)
    return ember_lua_error(L, "%s: takes one table of parameters", fn);
  lua_settop(L, 1);
  lua_newtable(L);   /* the result, at index 2 */
  int out = 2;
  lua_pushstring(L, r->name);
  lua_setfield(L, out, "rule");
  if (!given)
    return 1;
  lua_pushnil(L);
  while (lua_next(L, 1)) {
    const char *key = lua_type(L, -2) == LUA_TSTRING ? lua_tostring(L, -2) : NULL;
    int k = key ? ember_rate_rule_param_index(r, key) : -1;
    if (k < 0) {
      const char *names[EMBER_RATE_MAX_PARAMS];
      for (size_t i = 0; i < r->n_params; i++)
        names[i] = r->params[i].name;
      param_list(r, list, sizeof list);
      if (!key)
        return ember_lua_error(L, "%s: parameter names are strings, got %s; allowed: %s", fn,
                               ember_lua_describe(L, -2), list);
      return ember_lua_error(L, "%s: unknown parameter '%s'%s; allowed: %s", fn, key,
                             ember_lua_suggest(key, names, r->n_params, hint, sizeof hint), list);
    }
    lua_pushnumber(L, param_value(L, r, k, fn));
    lua_setfield(L, out, r->params[k].name);
    lua_pop(L, 1);
  }
  return 1;
}

void ember_lua_open_rate_rules(lua_State *L)
{
  for (size_t i = 0; ember_rate_rule_at(i); i++) {
    const ember_rate_rule *r = ember_rate_rule_at(i);
    lua_pushlightuserdata(L, (void *)r);
    lua_pushcclosure(L, l_rule, 1);
    lua_setfield(L, -2, r->name);
  }
}

int ember_lua_is_rate_rule(lua_State *L, int idx)
{
  if (lua_type(L, idx) != LUA_TTABLE)
    return 0;
  lua_getfield(L, idx, "rule");
  int yes = lua_type(L, -1) == LUA_TSTRING && ember_rate_rule_find(lua_tostring(L, -1));
  lua_pop(L, 1);
  return yes;
}

int ember_lua_apply_rate_rule(lua_State *L, int idx, ember_ltc *c, const char *fname)
{
  idx = lua_absindex(L, idx);
  if (!ember_lua_is_rate_rule(L, idx))
    return ember_lua_error(L, "%s: plasticity must be a rate rule (ember.hebb{...}, ember.oja{...} "
                           "or ember.bcm{...}), got %s", fname, ember_lua_describe(L, idx));
  lua_getfield(L, idx, "rule");
  const ember_rate_rule *r = ember_rate_rule_find(lua_tostring(L, -1));
  lua_pop(L, 1);
  const char *names[EMBER_RATE_MAX_PARAMS];
  double values[EMBER_RATE_MAX_PARAMS];
  size_t n = 0;
  char fn[160];
  snprintf(fn, sizeof fn, "%s: plasticity (ember.%s)", fname, r->name);
  for (size_t k = 0; k < r->n_params; k++) {   /* the table's keys, in the C table's order */
    if (lua_getfield(L, idx, r->params[k].name) != LUA_TNIL) {
      names[n] = r->params[k].name;
      values[n++] = param_value(L, r, (int)k, fn);
    }
    lua_pop(L, 1);
  }
  lua_pushnil(L);   /* keys that are not parameters (a hand-made table) */
  while (lua_next(L, idx)) {
    lua_pop(L, 1);
    const char *key = lua_type(L, -1) == LUA_TSTRING ? lua_tostring(L, -1) : "";
    if (strcmp(key, "rule") && ember_rate_rule_param_index(r, key) < 0) {
      char list[512];
      param_list(r, list, sizeof list);
      return ember_lua_error(L, "%s: unknown parameter %s; allowed: %s", fn,
                             ember_lua_describe(L, -1), list);
    }
  }
  if (ember_ltc_set_plasticity(c, r->name, names, values, n))
    return ember_lua_error(L, "%s: %s", fname, ember_ltc_error(c));
  return 0;
}
