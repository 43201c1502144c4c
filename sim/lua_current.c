/* Script current sources: ember.dc and ember.step_current (piecewise-constant
 * currents, nA) and src:inject(pop [, ids]). Apart from populations because a
 * source is its own object: it is made first, then injected into any number
 * of populations. Userdata hold borrowed pointers into the network. */
#include <math.h>
#include <string.h>
#include <lauxlib.h>
#include "lua_api.h"

#define CUR_MT "ember.current_source"

typedef struct lcur {
  ember_current_source *src; /* NULL until created */
  const char *kind;          /* "dc" or "step_current" (static) */
} lcur;

static ember_network *net_of(lua_State *L) { return ember_lua_ctx_of(L)->net; }


static lcur *new_cur_ud(lua_State *L, const char *kind)
{
  lcur *u = lua_newuserdatauv(L, sizeof *u, 0);
  u->src = NULL;
  u->kind = kind;
  luaL_setmetatable(L, CUR_MT);
  return u;
}

/* ember.dc{amplitude =, start =, stop =} -> current source (nA, ms) */
static int l_dc(lua_State *L)
{
  static const char *const keys[] = {"amplitude", "start", "stop", NULL};
  const char *fn = "ember.dc";
  ember_lua_max_args(L, 1, fn);
  ember_lua_check_table(L, 1, 1, fn, "options");
  ember_lua_check_keys(L, 1, fn, "option", keys);
  double amp, t[2] = {0, INFINITY}, a[2];
  if (!ember_lua_opt_number(L, 1, "amplitude", fn, &amp))
    return ember_lua_error(L, "%s: option 'amplitude' (nA) is required", fn);
  ember_lua_opt_number(L, 1, "start", fn, &t[0]);
  ember_lua_opt_number(L, 1, "stop", fn, &t[1]);
  if (!(t[0] >= 0) || !(t[1] > t[0]))
    return ember_lua_error(L, "%s: need 0 <= start < stop, got start = %g ms, stop = %g ms", fn, t[0], t[1]);
  a[0] = amp;
  a[1] = 0;
  lcur *u = new_cur_ud(L, "dc");
  if (ember_current_source_new(net_of(L), t, a, isfinite(t[1]) ? 2 : 1, &u->src))
    return ember_lua_fail(L, fn);
  ember_lua_ctx_of(L)->built = 1;
  return 1;
}

/* ember.step_current{times = {...}, amplitudes = {...}} -> current source */
static int l_step_current(lua_State *L)
{
  static const char *const keys[] = {"times", "amplitudes", NULL};
  const char *fn = "ember.step_current";
  ember_lua_max_args(L, 1, fn);
  ember_lua_check_table(L, 1, 1, fn, "options");
  ember_lua_check_keys(L, 1, fn, "option", keys);
  size_t nt, na;
  lua_getfield(L, 1, "times");
  const double *t = ember_lua_check_numbers(L, -1, fn, "times", &nt);
  lua_getfield(L, 1, "amplitudes");
  const double *a = ember_lua_check_numbers(L, -1, fn, "amplitudes", &na);
  if (nt != na || nt == 0)
    return ember_lua_error(L, "%s: times and amplitudes must be non-empty and of equal length, got %d and %d",
                           fn, (int)nt, (int)na);
  lcur *u = new_cur_ud(L, "step_current");
  if (ember_current_source_new(net_of(L), t, a, nt, &u->src))
    return ember_lua_fail(L, fn);
  ember_lua_ctx_of(L)->built = 1;
  return 1;
}

/* src:inject(pop [, ids]) */
static int cur_inject(lua_State *L)
{
  const char *fn = "src:inject";
  ember_lua_max_args(L, 3, fn);
  lcur *u = luaL_testudata(L, 1, CUR_MT);
  if (!u || !u->src)
    return ember_lua_error(L, "%s: call it as a method, src:inject(pop [, ids]), on a current source", fn);
  ember_population *pop = ember_lua_check_population(L, 2, 1, fn, "pop");
  size_t n = 0;
  const uint32_t *ids = ember_lua_absent(L, 3) ? NULL : ember_lua_check_ids(L, 3, fn, "ids", &n);
  if (ember_current_source_inject(u->src, pop, ids, n))
    return ember_lua_fail(L, fn);
  return 0;
}

static int cur_tostring(lua_State *L)
{
  lcur *u = luaL_checkudata(L, 1, CUR_MT);
  lua_pushfstring(L, "current source (%s)", u->kind);
  return 1;
}

/* A current source has no fields, only its methods; anything else is an error,
 * so that a typo such as src.injct is caught where it is read. */
static int cur_index(lua_State *L)
{
  const char *key = lua_tostring(L, 2);
  if (lua_getmetatable(L, 1) && lua_getfield(L, -1, "methods") && lua_getfield(L, -1, key ? key : "") == LUA_TNIL)
    return ember_lua_error(L, "a current source has no field or method %s (method: inject)",
                           ember_lua_describe(L, 2));
  return 1;
}

/* Registers ember.dc, ember.step_current and the current source metatable. */
void ember_lua_open_currents(lua_State *L)
{
  static const luaL_Reg fns[] = {{"dc", l_dc}, {"step_current", l_step_current}, {NULL, NULL}};
  static const luaL_Reg meta[] = {{"__index", cur_index}, {"__tostring", cur_tostring}, {NULL, NULL}};
  static const luaL_Reg methods[] = {{"inject", cur_inject}, {NULL, NULL}};
  luaL_setfuncs(L, fns, 0);
  ember_lua_new_class(L, CUR_MT, meta, methods);
}
