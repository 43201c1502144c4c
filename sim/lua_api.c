/* The Lua state of the `ember` command: the global table `ember` (setup, run,
 * time, models, version; the rest is registered by lua_values.c,
 * lua_population.c, lua_projection.c, lua_current.c and the plasticity, rate
 * rule and LTC files), running a script file, and interruption by SIGINT. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <lauxlib.h>
#include <lualib.h>
#include "lua_api.h"
#include "lua_rate_rules.h"

ember_lua_ctx *ember_lua_ctx_of(lua_State *L) { return *(ember_lua_ctx **)lua_getextraspace(L); }

static double wall_seconds(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* ember.setup{seed =, min_delay =, threads =}: only before anything is created.
 * The command line's --seed and --threads win over the script's. */
static int l_setup(lua_State *L)
{
  static const char *const keys[] = {"seed", "min_delay", "threads", NULL};
  const char *fn = "ember.setup";
  ember_lua_ctx *ctx = ember_lua_ctx_of(L);
  if (ctx->built)
    return ember_lua_error(L, "%s: must be called before anything is created (move it to the top of "
                           "the script)", fn);
  ember_lua_max_args(L, 1, fn);
  ember_lua_check_table(L, 1, 1, fn, "options");
  ember_lua_check_keys(L, 1, fn, "option", keys);
  if (lua_getfield(L, 1, "seed") != LUA_TNIL) {
    int ok = 0;
    lua_Integer s = lua_type(L, -1) == LUA_TNUMBER ? lua_tointegerx(L, -1, &ok) : -1;
    if (!ok || s < 0)
      return ember_lua_error(L, "%s: option 'seed' must be an integer >= 0, got %s", fn,
                             ember_lua_describe(L, -1));
    if (!ctx->seed_fixed && ember_network_set_seed(ctx->net, (uint64_t)s))
      return ember_lua_fail(L, fn);
  }
  if (lua_getfield(L, 1, "threads") != LUA_TNIL) {
    int ok = 0;
    lua_Integer t = lua_type(L, -1) == LUA_TNUMBER ? lua_tointegerx(L, -1, &ok) : 0;
    if (!ok || t < 1 || t > 1024)
      return ember_lua_error(L, "%s: option 'threads' must be an integer from 1 to 1024, got %s", fn,
                             ember_lua_describe(L, -1));
    if (!ctx->threads_fixed && ember_network_set_threads(ctx->net, (int)t))
      return ember_lua_fail(L, fn);
  }
  double md;
  if (ember_lua_opt_number(L, 1, "min_delay", fn, &md)) {
    if (ember_network_set_min_delay(ctx->net, md))
      return ember_lua_fail(L, fn);
    ctx->default_delay = md;
  }
  return 0;
}

/* Provenance known only when the first run starts: the populations
 * ("label:size:kind;..."), for `ember info`'s neuron counts. (The library itself
 * writes "seed", "threads", "min_delay" and "solvers" with the values in effect;
 * setting those keys here as well would make it write an attribute twice.) */
static void set_run_provenance(lua_State *L, ember_network *net)
{
  luaL_Buffer b;
  luaL_buffinit(L, &b);
  for (size_t i = 0; i < ember_network_population_count(net); i++) {
    const ember_population *p = ember_network_population_at(net, i);
    lua_pushfstring(L, "%s%s:%I:%s", i ? ";" : "", ember_population_label(p),
                    (lua_Integer)ember_population_size(p), ember_population_kind(p));
    luaL_addvalue(&b);
  }
  luaL_pushresult(&b);
  ember_network_set_provenance(net, "populations", lua_tostring(L, -1));
  lua_pop(L, 1);
}

/* Raises the error for a failed run; runtime failures are remembered in ctx so
 * that the command exits with 1 (or 130) even if the script catches the error. */
static int run_failed(lua_State *L, ember_lua_ctx *ctx, ember_status st)
{
  const char *fn = "ember.run";
  if (st == EMBER_ERR_INTERRUPTED) {
    lua_sethook(L, NULL, 0, 0);   /* the SIGINT hook has done its job */
    ctx->interrupted = 1;
  } else if (st == EMBER_ERR_SOLVER || st == EMBER_ERR_NONFINITE || st == EMBER_ERR_IO ||
             st == EMBER_ERR_NOMEM) {
    if (!ctx->failure)
      ctx->failure = st;
  }
  return ember_lua_fail(L, fn);
}

/* ember.run(t_ms): advances the network by t_ms; callable several times. */
static int l_run(lua_State *L)
{
  const char *fn = "ember.run";
  ember_lua_ctx *ctx = ember_lua_ctx_of(L);
  double t = ember_lua_check_number(L, 1, 1, fn, "t");
  if (!isfinite(t) || t < 0)
    return ember_lua_arg_error(L, 1, 1, fn, "t", "a finite duration >= 0 ms");
  if (lua_gettop(L) > 1)
    return ember_lua_error(L, "%s: takes one argument (the duration in ms)", fn);
  if (ctx->failure || ctx->interrupted)
    return ember_lua_error(L, "%s: a previous run failed or was interrupted; the network cannot continue", fn);
  if (!ctx->ran)
    set_run_provenance(L, ctx->net);
  ctx->ran = 1;
  ctx->built = 1;
  ctx->run_t0 = ember_network_time(ctx->net);
  double w0 = wall_seconds();
  if (ctx->first_run_at == 0)
    ctx->first_run_at = w0;
  ember_status st = ember_network_run(ctx->net, t);
  ctx->run_wall += wall_seconds() - w0;
  if (st)
    return run_failed(L, ctx, st);
  return 0;
}

static int l_time(lua_State *L)
{
  ember_lua_max_args(L, 0, "ember.time");
  lua_pushnumber(L, ember_network_time(ember_lua_ctx_of(L)->net));
  return 1;
}

/* ember.models() -> array of neuron model names */
static int l_models(lua_State *L)
{
  ember_lua_max_args(L, 0, "ember.models");
  lua_newtable(L);
  for (size_t i = 0; ember_model_at(i); i++) {
    lua_pushstring(L, ember_model_at(i)->name);
    lua_rawseti(L, -2, (lua_Integer)i + 1);
  }
  return 1;
}

/* os.exit(code) inside a script: stop the script (the command still closes the
 * output files) with that exit status, instead of leaving them half-written. */
static int l_exit(lua_State *L)
{
  int code = lua_isboolean(L, 1) ? (lua_toboolean(L, 1) ? 0 : 1) : (int)luaL_optinteger(L, 1, 0);
  lua_pushfstring(L, "ember.exit:%d", code);
  return lua_error(L);
}

static void open_ember(lua_State *L)
{
  static const luaL_Reg fns[] = {
    {"setup", l_setup}, {"run", l_run}, {"time", l_time}, {"models", l_models}, {NULL, NULL}};
  lua_newtable(L);
  luaL_setfuncs(L, fns, 0);
  ember_lua_open_values(L);
  ember_lua_open_populations(L);
  ember_lua_open_projections(L);
  ember_lua_open_currents(L);
  ember_lua_open_ltc(L);
  ember_lua_open_rate_rules(L);
  ember_lua_open_plasticity(L);
  lua_pushstring(L, ember_version());
  lua_setfield(L, -2, "version");
  lua_setglobal(L, "ember");
  lua_getglobal(L, "os");
  lua_pushcfunction(L, l_exit);
  lua_setfield(L, -2, "exit");
  lua_pop(L, 1);
}

static int init_state(lua_State *L)
{
  luaL_openlibs(L);
  open_ember(L);
  return 0;
}

lua_State *ember_lua_new(ember_lua_ctx *ctx)
{
  lua_State *L = luaL_newstate();
  if (!L)
    return NULL;
  *(ember_lua_ctx **)lua_getextraspace(L) = ctx;
  lua_pushcfunction(L, init_state);
  if (lua_pcall(L, 0, 0, 0) != LUA_OK) {
    lua_close(L);
    return NULL;
  }
  return L;
}

/* The error object on top as text; "ember.exit:N" (os.exit) becomes exit code N. */
static int error_text(lua_State *L, char *msg, size_t len, int *exit_code)
{
  const char *m = lua_tostring(L, -1);
  if (m && strncmp(m, "ember.exit:", 11) == 0) {
    *exit_code = (int)strtol(m + 11, NULL, 10);
    return 0;
  }
  if (!m)
    m = lua_pushfstring(L, "(error object is a %s value)", luaL_typename(L, -1));
  snprintf(msg, len, "%s", m);
  return 1;
}

int ember_lua_run_file(lua_State *L, const char *path, char *msg, size_t msglen)
{
  int st = luaL_loadfilex(L, path, "t");
  if (st == LUA_OK)
    st = lua_pcall(L, 0, 0, 0);
  if (st == LUA_OK)
    return 0;
  int code = 0, failed = error_text(L, msg, msglen, &code);
  lua_settop(L, 0);
  return failed ? -1 : code;
}

/* Runs once, at the next call, return or instruction of the script. */
static void stop_hook(lua_State *L, lua_Debug *ar)
{
  (void)ar;
  lua_sethook(L, NULL, 0, 0);
  ember_lua_error(L, "interrupted");
}

void ember_lua_interrupt(lua_State *L)
{
  lua_sethook(L, stop_hook, LUA_MASKCALL | LUA_MASKRET | LUA_MASKCOUNT, 1);
}
