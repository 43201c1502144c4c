/* Script projections: ember.connect (options, plasticity, LTC sigmoids) and
 * the projection methods (proj:weights, connections, set_weights; the
 * plasticity methods are in sim/lua_plasticity.c). Apart from populations
 * because a projection only refers to its two populations, through
 * ember_lua_check_population and ember_lua_push_population. Userdata hold
 * borrowed pointers into the network. */
#include <stdio.h>
#include <string.h>
#include <lauxlib.h>
#include "lua_api.h"

#define PROJ_MT "ember.projection"

typedef struct lproj {
  ember_projection *proj;    /* NULL until created; first, see ember_lua_check_self */
  char receptor[32];
} lproj;

static ember_network *net_of(lua_State *L) { return ember_lua_ctx_of(L)->net; }


typedef struct conn_opts {
  ember_dist weight, delay;
  const char *receptor;
  int autapses;
} conn_opts;

/* Reads connect's options table at idx; weight may be omitted only when every
 * from_list row has its own. */
static void read_conn_opts(lua_State *L, int idx, const char *fn, int rows_weighted, conn_opts *o)
{
  static const char *const keys[] = {"weight", "delay", "receptor", "autapses", "plasticity",
                                     "sigmoid", NULL};
  ember_lua_value v;
  o->weight = (ember_dist){EMBER_DIST_CONST, 0, 0};
  o->delay = (ember_dist){EMBER_DIST_CONST, ember_lua_ctx_of(L)->default_delay, 0};
  o->receptor = "excitatory";
  o->autapses = 1;
  int has_table = !ember_lua_absent(L, idx);
  if (has_table) {
    ember_lua_check_table(L, idx, 4, fn, "options");
    ember_lua_check_keys(L, idx, fn, "option", keys);
  }
  if (has_table && lua_getfield(L, idx, "weight") != LUA_TNIL) {
    ember_lua_check_value(L, -1, fn, "option 'weight'", 0, &v);
    o->weight = v.dist;
  } else if (!rows_weighted) {
    ember_lua_error(L, "%s: option 'weight' is required (nA for current-based, uS for conductance-based "
                    "receptors; a number or a distribution)", fn);
  }
  if (has_table && lua_getfield(L, idx, "delay") != LUA_TNIL) {
    ember_lua_check_value(L, -1, fn, "option 'delay'", 0, &v);
    o->delay = v.dist;
    if (v.dist.kind == EMBER_DIST_CONST && !(v.dist.a > 0))
      ember_lua_error(L, "%s: delay must be > 0 ms, got %g", fn, v.dist.a);
  }
  if (has_table) {
    ember_lua_opt_string(L, idx, "receptor", fn, &o->receptor);
    ember_lua_opt_bool(L, idx, "autapses", fn, &o->autapses);
  }
}

/* ember.connect(pre, post, connector [, {weight =, delay =, receptor =, autapses =}]) */
static int l_connect(lua_State *L)
{
  const char *fn = "ember.connect";
  ember_lua_max_args(L, 4, fn);
  if (luaL_testudata(L, 1, "ember.series"))
    return ember_lua_error(L, "%s: a series is not connected but fed: series:feed(ltc_population)", fn);
  ember_population *pre = ember_lua_check_population(L, 1, 1, fn, "pre");
  ember_population *post = ember_lua_check_population(L, 2, 2, fn, "post");
  int rows_weighted;
  ember_connector c = *ember_lua_check_connector(L, 3, 3, fn, &rows_weighted);
  conn_opts o;
  read_conn_opts(L, 4, fn, rows_weighted, &o);
  int ltc2 = ember_ltc_population_circuit(pre) && ember_ltc_population_circuit(post);
  if (ember_ltc_population_circuit(pre) && lua_type(L, 4) == LUA_TTABLE)
    for (int k = ltc2; k < 2; k++)   /* LTC -> LTC: a receptor, no delay */
      if (lua_getfield(L, 4, k ? "delay" : "receptor") != LUA_TNIL)
        return ember_lua_error(L, "%s: '%s' does not apply to a connection from LTC population '%s': %s",
                               fn, k ? "delay" : "receptor", ember_population_label(pre),
                               ltc2 ? "its v is sampled at the start of each interval and held over it"
                                    : "it sends a graded current (weight x value, nA), held over each "
                                      "interval");
  double sm[2];
  int has_sigmoid = ember_lua_ltc_sigmoid(L, 4, fn, ltc2, sm);   /* sigmoid = {sigma =, mu =} */
  c.allow_autapses = o.autapses;
  lproj *u = lua_newuserdatauv(L, sizeof *u, 0);
  u->proj = NULL;
  snprintf(u->receptor, sizeof u->receptor, "%s",
           ember_ltc_population_circuit(pre) && !ltc2 ? "graded current" : o.receptor);
  luaL_setmetatable(L, PROJ_MT);
  if (ember_projection_new(net_of(L), pre, post, &c, &o.weight, &o.delay, o.receptor,
                           &u->proj))
    return ember_lua_fail(L, fn);
  if (has_sigmoid && ember_projection_set_sigmoid(u->proj, sm[0], sm[1]))
    return ember_lua_fail(L, fn);
  if (!ember_lua_absent(L, 4)) {
    if (lua_getfield(L, 4, "plasticity") != LUA_TNIL)
      ember_lua_apply_plasticity(L, lua_gettop(L), fn, u->proj);
    lua_pop(L, 1);
  }
  return 1;
}

/* self of a projection method: catches proj.method() written for proj:method(). */
static lproj *check_proj(lua_State *L, const char *fname)
{
  return ember_lua_check_self(L, PROJ_MT, fname, "a projection");
}

ember_projection *ember_lua_check_proj(lua_State *L, const char *fname)
{
  return check_proj(L, fname)->proj;
}

/* proj:weights() -> array of weights in storage order (by pre, then creation) */
static int proj_weights(lua_State *L)
{
  ember_lua_max_args(L, 1, "proj:weights");
  lproj *u = check_proj(L, "proj:weights");
  size_t n = ember_projection_size(u->proj);
  lua_createtable(L, n < INT32_MAX ? (int)n : 0, 0);
  for (size_t k = 0; k < n; k++) {
    double w;
    ember_projection_get(u->proj, k, NULL, NULL, &w, NULL);
    lua_pushnumber(L, w);
    lua_rawseti(L, -2, (lua_Integer)k + 1);
  }
  return 1;
}

/* proj:connections() -> array of {i, j, w, d} (0-based ids, weight, delay ms) */
static int proj_connections(lua_State *L)
{
  ember_lua_max_args(L, 1, "proj:connections");
  lproj *u = check_proj(L, "proj:connections");
  size_t n = ember_projection_size(u->proj);
  lua_createtable(L, n < INT32_MAX ? (int)n : 0, 0);
  for (size_t k = 0; k < n; k++) {
    uint32_t i, j;
    double w, d;
    ember_projection_get(u->proj, k, &i, &j, &w, &d);
    lua_createtable(L, 4, 0);
    lua_pushinteger(L, i);
    lua_rawseti(L, -2, 1);
    lua_pushinteger(L, j);
    lua_rawseti(L, -2, 2);
    lua_pushnumber(L, w);
    lua_rawseti(L, -2, 3);
    lua_pushnumber(L, d);
    lua_rawseti(L, -2, 4);
    lua_rawseti(L, -2, (lua_Integer)k + 1);
  }
  return 1;
}

static int proj_set_weights(lua_State *L)
{
  const char *fn = "proj:set_weights";
  ember_lua_max_args(L, 2, fn);
  lproj *u = check_proj(L, fn);
  ember_lua_value v;
  ember_lua_check_value(L, 2, fn, "argument 1 (weight)", 1, &v);
  ember_status st = v.array ? ember_projection_set_weight_array(u->proj, v.array, v.n_array)
                            : ember_projection_set_weights(u->proj, &v.dist);
  if (st)
    return ember_lua_fail(L, fn);
  return 0;
}

static int proj_len(lua_State *L)
{
  lproj *u = luaL_checkudata(L, 1, PROJ_MT);
  lua_pushinteger(L, u->proj ? (lua_Integer)ember_projection_size(u->proj) : 0);
  return 1;
}

static int proj_tostring(lua_State *L)
{
  lproj *u = luaL_checkudata(L, 1, PROJ_MT);
  if (!u->proj)
    lua_pushliteral(L, "projection (not created)");
  else
    lua_pushfstring(L, "projection '%s' (%I synapses, %s)", ember_projection_label(u->proj),
                    (lua_Integer)ember_projection_size(u->proj), u->receptor);
  return 1;
}

static int proj_index(lua_State *L)
{
  lproj *u = luaL_checkudata(L, 1, PROJ_MT);
  const char *key = lua_tostring(L, 2);
  if (u->proj && key && strcmp(key, "label") == 0)
    lua_pushstring(L, ember_projection_label(u->proj));
  else if (u->proj && key && strcmp(key, "size") == 0)
    lua_pushinteger(L, (lua_Integer)ember_projection_size(u->proj));
  else if (u->proj && key && strcmp(key, "receptor") == 0)
    lua_pushstring(L, u->receptor);
  else if (u->proj && key && strcmp(key, "pre") == 0)
    ember_lua_push_population(L, ember_projection_pre(u->proj));
  else if (u->proj && key && strcmp(key, "post") == 0)
    ember_lua_push_population(L, ember_projection_post(u->proj));
  else if (lua_getmetatable(L, 1) && lua_getfield(L, -1, "methods") && lua_getfield(L, -1, key ? key : "") == LUA_TNIL)
    return ember_lua_error(L, "a projection has no field or method %s (fields: label, size, receptor, pre, "
                           "post; methods: weights, connections, set_weights, set_plasticity, get_plasticity, record)", ember_lua_describe(L, 2));
  return 1;
}

/* Registers ember.connect and the projection metatable, with the plasticity
 * methods of sim/lua_plasticity.c among its methods. */
void ember_lua_open_projections(lua_State *L)
{
  static const luaL_Reg fns[] = {{"connect", l_connect}, {NULL, NULL}};
  static const luaL_Reg meta[] = {
    {"__index", proj_index}, {"__len", proj_len}, {"__tostring", proj_tostring}, {NULL, NULL}};
  static const luaL_Reg methods[] = {
    {"weights", proj_weights}, {"connections", proj_connections}, {"set_weights", proj_set_weights},
    {NULL, NULL}};
  luaL_setfuncs(L, fns, 0);
  ember_lua_new_class(L, PROJ_MT, meta, methods);
  luaL_getmetatable(L, PROJ_MT);
  lua_getfield(L, -1, "methods");
  luaL_setfuncs(L, ember_lua_plasticity_methods, 0);
  lua_pop(L, 2);
}
