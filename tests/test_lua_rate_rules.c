/* The script side of the rate rules (sim/lua_rate_rules.c): a table made by
 * ember.oja{...} etc. in Lua, handed to an LTC circuit with
 * ember_lua_apply_rate_rule, the function the `ember.ltc` glue calls. */
#include <stdlib.h>
#include <string.h>
#include <lauxlib.h>
#include "helpers.h"
#include "lua_api.h"
#include "lua_rate_rules.h"

static ember_ltc *circuit;

/* apply(rule_table): the glue's call, on the test's circuit. */
static int l_apply(lua_State *L)
{
  return ember_lua_apply_rate_rule(L, 1, circuit, "ember.ltc");
}

static lua_State *state(ember_lua_ctx *ctx)
{
  memset(ctx, 0, sizeof *ctx);
  ctx->net = ember_network_new(1);
  lua_State *L = ember_lua_new(ctx);
  assert_non_null(L);
  lua_register(L, "apply", l_apply);
  return L;
}

/* Runs chunk; returns NULL on success or the error message (copied to buf). */
static const char *run(lua_State *L, const char *chunk, char *buf, size_t len)
{
  if (luaL_loadbuffer(L, chunk, strlen(chunk), "=t.lua") == LUA_OK && lua_pcall(L, 0, 0, 0) == LUA_OK)
    return NULL;
  snprintf(buf, len, "%s", lua_tostring(L, -1));
  lua_pop(L, 1);
  return buf;
}

static void t_apply(void **s)
{
  (void)s;
  ember_lua_ctx ctx;
  lua_State *L = state(&ctx);
  ember_ltc_wiring_spec spec = {.kind = EMBER_LTC_FULLY_CONNECTED, .units = 3, .inputs = 2, .outputs = 1};
  circuit = ember_ltc_new();
  assert_int_equal(ember_ltc_build(circuit, &spec, 1, 0), EMBER_OK);
  char msg[512];
  const char *err = run(L, "apply(ember.bcm{eta = 0.25, tau_theta = 3, theta0 = 0.5, synapses = 'all'})",
                        msg, sizeof msg);
  if (err)
    fail_msg("%s", err);
  assert_string_equal(ember_ltc_plasticity(circuit), "bcm");
  assert_true(ember_ltc_learning_rate(circuit) == 0.25);
  double th[3];
  assert_int_equal(ember_ltc_get_rule_state(circuit, "theta", th), EMBER_OK);
  assert_true(th[0] == 0.5 && th[2] == 0.5);
  /* a table edited by hand is checked again; errors carry the script line */
  err = run(L, "local r = ember.oja{eta = 0.1}\nr.tau_theta = 3\napply(r)", msg, sizeof msg);
  assert_non_null(err);
  assert_non_null(strstr(err, "t.lua:3: ember.ltc: plasticity (ember.oja): unknown parameter 'tau_theta'"));
  err = run(L, "apply({rule = 'hebb', eta = -1})", msg, sizeof msg);
  assert_non_null(err);
  assert_non_null(strstr(err, "parameter 'eta' = -1"));
  err = run(L, "apply({eta = 1})", msg, sizeof msg);
  assert_non_null(err);
  assert_non_null(strstr(err, "must be a rate rule"));
  assert_string_equal(ember_ltc_plasticity(circuit), "bcm");   /* failures change nothing */
  assert_null(run(L, "apply(ember.hebb())", msg, sizeof msg));
  assert_string_equal(ember_ltc_plasticity(circuit), "hebb");
  lua_close(L);
  ember_network_free(ctx.net);
  ember_ltc_free(circuit);
}

int main(void)
{
  const struct CMUnitTest tests[] = {cmocka_unit_test(t_apply)};
  return cmocka_run_group_tests(tests, NULL, NULL);
}
