/* Rate-based plasticity rules in scripts: the constructors ember.hebb{...},
 * ember.oja{...}, ember.bcm{...} (sim/lua_rate_rules.c) and the function the
 * LTC glue calls to apply such a table to a circuit. */
#ifndef EMBER_SIM_LUA_RATE_RULES_H
#define EMBER_SIM_LUA_RATE_RULES_H

#include <lua.h>
#include "ember/ember.h"

/* Registers ember.hebb, ember.oja and ember.bcm in the table on top. */
void ember_lua_open_rate_rules(lua_State *L);

/* Applies the rule table at idx (as returned by ember.oja{...} etc.:
 * {rule = "oja", eta = 0.01, ...}) to circuit c with ember_ltc_set_plasticity.
 * A table that is not a rate rule, an unknown parameter or a value the circuit
 * refuses raises "fname: ..." at the script's line. Returns 0. */
int ember_lua_apply_rate_rule(lua_State *L, int idx, ember_ltc *c, const char *fname);

/* 1 if the value at idx is a rate-rule table ({rule = "hebb" | "oja" | "bcm"}). */
int ember_lua_is_rate_rule(lua_State *L, int idx);

#endif
