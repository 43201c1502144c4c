/* Lua values for the script API: argument and option checks with messages that
 * name the function, the argument and what is allowed; id and number arrays;
 * distributions (ember.uniform, ember.normal); connectors (ember.all_to_all, ...). */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <lauxlib.h>
#include "lua_api.h"

#define DIST_MT "ember.distribution"
#define CONN_MT "ember.connector"

/* ------------------------------------------------------------- messages --- */

int ember_lua_error(lua_State *L, const char *fmt, ...)
{
  char buf[2048];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(buf, sizeof buf, fmt, ap);
  va_end(ap);
  return luaL_error(L, "%s", buf);
}

int ember_lua_fail(lua_State *L, const char *fname)
{
  const char *msg = ember_network_error(ember_lua_ctx_of(L)->net);
  const char *verb = fname + strcspn(fname, ".:");
  verb = *verb ? verb + 1 : fname;
  size_t len = strlen(verb);
  if (strncmp(msg, verb, len) == 0 && msg[len] == ':' && msg[len + 1] == ' ')
    msg += len + 2;
  return ember_lua_error(L, "%s: %s", fname, msg);
}

const char *ember_lua_describe(lua_State *L, int idx)
{
  char buf[64];
  idx = lua_absindex(L, idx);
  switch (lua_type(L, idx)) {
  case LUA_TNONE:
  case LUA_TNIL: return lua_pushliteral(L, "nil");
  case LUA_TBOOLEAN: return lua_pushstring(L, lua_toboolean(L, idx) ? "true" : "false");
  case LUA_TSTRING: return lua_pushfstring(L, "'%s'", lua_tostring(L, idx));
  case LUA_TTABLE: return lua_pushliteral(L, "a table");
  case LUA_TFUNCTION: return lua_pushliteral(L, "a function");
  case LUA_TNUMBER:
    if (lua_isinteger(L, idx))
      snprintf(buf, sizeof buf, "%lld", (long long)lua_tointeger(L, idx));
    else
      snprintf(buf, sizeof buf, "%g", lua_tonumber(L, idx));
    return lua_pushstring(L, buf);
  default:
    if (luaL_getmetafield(L, idx, "__tostring") != LUA_TNIL) {
      lua_pop(L, 1);
      return luaL_tolstring(L, idx, NULL);
    }
    return lua_pushstring(L, luaL_typename(L, idx));
  }
}

int ember_lua_arg_error(lua_State *L, int idx, int k, const char *fname, const char *name,
                        const char *what)
{
  const char *got = ember_lua_describe(L, idx);
  return ember_lua_error(L, "%s: argument %d (%s) must be %s, got %s", fname, k, name, what, got);
}

/* Optimal string alignment distance (edits and adjacent swaps), for suggestions. */
static size_t edit_distance(const char *a, const char *b)
{
  size_t n = strlen(a), m = strlen(b);
  if (n > 63 || m > 63)
    return 99;
  size_t d[64][64];
  for (size_t i = 0; i <= n; i++)
    for (size_t j = 0; j <= m; j++) {
      if (i == 0 || j == 0) {
        d[i][j] = i + j;
        continue;
      }
      size_t sub = d[i - 1][j - 1] + (a[i - 1] != b[j - 1]);
      size_t del = d[i - 1][j] + 1, ins = d[i][j - 1] + 1;
      size_t best = sub < del ? (sub < ins ? sub : ins) : (del < ins ? del : ins);
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] && d[i - 2][j - 2] + 1 < best)
        best = d[i - 2][j - 2] + 1;
      d[i][j] = best;
    }
  return d[n][m];
}

const char *ember_lua_suggest(const char *word, const char *const *names, size_t n, char *buf,
                              size_t len)
{
  size_t best = 99, bi = 0;
  for (size_t i = 0; i < n; i++) {
    size_t d = edit_distance(word, names[i]);
    if (d < best) {
      best = d;
      bi = i;
    }
  }
  if (n > 0 && best <= 2 && best < strlen(word))
    snprintf(buf, len, " (did you mean '%s'?)", names[bi]);
  else if (len)
    buf[0] = 0;
  return buf;
}

/* -------------------------------------------------------- argument checks --- */

int ember_lua_absent(lua_State *L, int idx) { return lua_type(L, idx) <= LUA_TNIL; }

double ember_lua_check_number(lua_State *L, int idx, int k, const char *fname, const char *name)
{
  if (lua_type(L, idx) != LUA_TNUMBER)
    ember_lua_arg_error(L, idx, k, fname, name, "a number");
  return lua_tonumber(L, idx);
}

uint64_t ember_lua_check_count(lua_State *L, int idx, int k, const char *fname, const char *name,
                               uint64_t min, uint64_t max)
{
  int ok = 0;
  lua_Integer v = lua_type(L, idx) == LUA_TNUMBER ? lua_tointegerx(L, idx, &ok) : 0;
  if (ok && v >= 0 && (uint64_t)v >= min && (uint64_t)v <= max)
    return (uint64_t)v;
  char what[96];
  if (ok && v > 0 && (uint64_t)v > max)
    snprintf(what, sizeof what, "an integer of at most %llu", (unsigned long long)max);
  else if (min == 1)
    snprintf(what, sizeof what, "a positive integer");
  else
    snprintf(what, sizeof what, "an integer >= %llu", (unsigned long long)min);
  return (uint64_t)ember_lua_arg_error(L, idx, k, fname, name, what);
}

const char *ember_lua_check_string(lua_State *L, int idx, int k, const char *fname,
                                   const char *name)
{
  if (lua_type(L, idx) != LUA_TSTRING)
    ember_lua_arg_error(L, idx, k, fname, name, "a string");
  return lua_tostring(L, idx);
}

void ember_lua_check_table(lua_State *L, int idx, int k, const char *fname, const char *name)
{
  if (lua_type(L, idx) != LUA_TTABLE)
    ember_lua_arg_error(L, idx, k, fname, name, "a table");
}

void ember_lua_max_args(lua_State *L, int max, const char *fname)
{
  int self = strchr(fname, ':') != NULL;   /* methods: the user does not count self */
  if (lua_gettop(L) > max)
    ember_lua_error(L, "%s: too many arguments (at most %d), argument %d is %s", fname, max - self,
                    max + 1 - self, ember_lua_describe(L, max + 1));
  lua_settop(L, max);
}

void *ember_lua_check_self(lua_State *L, const char *mt, const char *fname, const char *what)
{
  void **u = luaL_testudata(L, 1, mt);
  if (!u || !*u)
    ember_lua_error(L, "%s: call it as a method, %s(...), on %s (got %s)", fname, fname, what,
                    ember_lua_describe(L, 1));
  return u;
}

/* "a, b, c" from a NULL-terminated list. */
static void join_names(const char *const *names, char *buf, size_t len)
{
  buf[0] = 0;
  for (size_t i = 0; names[i]; i++)
    snprintf(buf + strlen(buf), len - strlen(buf), "%s%s", i ? ", " : "", names[i]);
}

void ember_lua_check_keys(lua_State *L, int idx, const char *fname, const char *what,
                          const char *const *allowed)
{
  idx = lua_absindex(L, idx);
  lua_pushnil(L);
  while (lua_next(L, idx)) {
    lua_pop(L, 1);
    char list[512], hint[96];
    join_names(allowed, list, sizeof list);
    if (lua_type(L, -1) != LUA_TSTRING)
      ember_lua_error(L, "%s: the %s table has a key %s that is not a name (allowed: %s)", fname, what,
                      ember_lua_describe(L, -1), list);
    const char *key = lua_tostring(L, -1);
    size_t n = 0, found = 0;
    for (; allowed[n]; n++)
      found |= strcmp(allowed[n], key) == 0;
    if (!found)
      ember_lua_error(L, "%s: unknown %s '%s'%s; allowed: %s", fname, what, key,
                      ember_lua_suggest(key, allowed, n, hint, sizeof hint), list);
  }
}

int ember_lua_opt_number(lua_State *L, int idx, const char *key, const char *fname, double *out)
{
  int t = lua_getfield(L, idx, key);
  if (t == LUA_TNIL) {
    lua_pop(L, 1);
    return 0;
  }
  if (t != LUA_TNUMBER)
    ember_lua_error(L, "%s: option '%s' must be a number, got %s", fname, key, ember_lua_describe(L, -1));
  *out = lua_tonumber(L, -1);
  lua_pop(L, 1);
  return 1;
}

/* The string stays valid: it is the table's own value. */
int ember_lua_opt_string(lua_State *L, int idx, const char *key, const char *fname,
                         const char **out)
{
  int t = lua_getfield(L, idx, key);
  if (t == LUA_TNIL) {
    lua_pop(L, 1);
    return 0;
  }
  if (t != LUA_TSTRING)
    ember_lua_error(L, "%s: option '%s' must be a string, got %s", fname, key, ember_lua_describe(L, -1));
  *out = lua_tostring(L, -1);
  lua_pop(L, 1);
  return 1;
}

int ember_lua_opt_bool(lua_State *L, int idx, const char *key, const char *fname, int *out)
{
  int t = lua_getfield(L, idx, key);
  if (t == LUA_TNIL) {
    lua_pop(L, 1);
    return 0;
  }
  if (t != LUA_TBOOLEAN)
    ember_lua_error(L, "%s: option '%s' must be true or false, got %s", fname, key,
                    ember_lua_describe(L, -1));
  *out = lua_toboolean(L, -1);
  lua_pop(L, 1);
  return 1;
}

/* ---------------------------------------------------------------- arrays --- */

uint32_t *ember_lua_check_ids(lua_State *L, int idx, const char *fname, const char *what,
                              size_t *n)
{
  idx = lua_absindex(L, idx);
  if (lua_type(L, idx) != LUA_TTABLE)
    ember_lua_error(L, "%s: %s must be an array of neuron ids (integers >= 0), got %s", fname, what,
                    ember_lua_describe(L, idx));
  *n = lua_rawlen(L, idx);
  if (*n == 0)
    ember_lua_error(L, "%s: %s is an empty array; give at least one neuron id", fname, what);
  uint32_t *ids = lua_newuserdatauv(L, *n * sizeof *ids, 0);
  for (size_t k = 0; k < *n; k++) {
    int ok = 0;
    lua_Integer v = lua_rawgeti(L, idx, (lua_Integer)k + 1) == LUA_TNUMBER
                      ? lua_tointegerx(L, -1, &ok) : 0;
    if (!ok || v < 0 || v >= (lua_Integer)UINT32_MAX)
      ember_lua_error(L, "%s: %s[%d] must be a neuron id (an integer >= 0; ids are 0-based), got %s",
                      fname, what, (int)k + 1, ember_lua_describe(L, -1));
    ids[k] = (uint32_t)v;
    lua_pop(L, 1);
  }
  return ids;
}

double *ember_lua_check_numbers(lua_State *L, int idx, const char *fname, const char *what,
                                size_t *n)
{
  idx = lua_absindex(L, idx);
  if (lua_type(L, idx) != LUA_TTABLE)
    ember_lua_error(L, "%s: %s must be an array of numbers, got %s", fname, what,
                    ember_lua_describe(L, idx));
  *n = lua_rawlen(L, idx);
  double *v = lua_newuserdatauv(L, (*n ? *n : 1) * sizeof *v, 0);
  for (size_t k = 0; k < *n; k++) {
    if (lua_rawgeti(L, idx, (lua_Integer)k + 1) != LUA_TNUMBER)
      ember_lua_error(L, "%s: %s[%d] must be a number, got %s", fname, what, (int)k + 1,
                      ember_lua_describe(L, -1));
    v[k] = lua_tonumber(L, -1);
    lua_pop(L, 1);
  }
  return v;
}

void ember_lua_push_numbers(lua_State *L, const double *v, size_t n)
{
  lua_createtable(L, n < INT32_MAX ? (int)n : 0, 0);
  for (size_t k = 0; k < n; k++) {
    lua_pushnumber(L, v[k]);
    lua_rawseti(L, -2, (lua_Integer)k + 1);
  }
}

/* --------------------------------------------------------- distributions --- */

const ember_dist *ember_lua_todist(lua_State *L, int idx)
{
  return luaL_testudata(L, idx, DIST_MT);
}

static int push_dist(lua_State *L, ember_dist d)
{
  ember_dist *u = lua_newuserdatauv(L, sizeof *u, 0);
  *u = d;
  luaL_setmetatable(L, DIST_MT);
  return 1;
}

/* ember.uniform(a, b): values drawn uniformly from [a, b). */
static int l_uniform(lua_State *L)
{
  const char *fn = "ember.uniform";
  ember_lua_max_args(L, 2, fn);
  double a = ember_lua_check_number(L, 1, 1, fn, "a");
  double b = ember_lua_check_number(L, 2, 2, fn, "b");
  if (!isfinite(a) || !isfinite(b) || !(a <= b))
    return ember_lua_error(L, "%s: the bounds must be finite with a <= b, got a = %g, b = %g", fn, a, b);
  return push_dist(L, (ember_dist){EMBER_DIST_UNIFORM, a, b});
}

/* ember.normal(mu, sigma): normally distributed values. */
static int l_normal(lua_State *L)
{
  const char *fn = "ember.normal";
  ember_lua_max_args(L, 2, fn);
  double mu = ember_lua_check_number(L, 1, 1, fn, "mu");
  double sd = ember_lua_check_number(L, 2, 2, fn, "sigma");
  if (!isfinite(mu) || !isfinite(sd) || sd < 0)
    return ember_lua_error(L, "%s: mu must be finite and sigma finite and >= 0, got mu = %g, sigma = %g",
                           fn, mu, sd);
  return push_dist(L, (ember_dist){EMBER_DIST_NORMAL, mu, sd});
}

static int dist_tostring(lua_State *L)
{
  const ember_dist *d = luaL_checkudata(L, 1, DIST_MT);
  char buf[96];
  snprintf(buf, sizeof buf, "%s(%g, %g)", d->kind == EMBER_DIST_NORMAL ? "ember.normal" : "ember.uniform",
           d->a, d->b);
  lua_pushstring(L, buf);
  return 1;
}

void ember_lua_check_value(lua_State *L, int idx, const char *fname, const char *what,
                           int allow_array, ember_lua_value *out)
{
  const ember_dist *d;
  out->array = NULL;
  out->n_array = 0;
  if (lua_type(L, idx) == LUA_TNUMBER) {
    out->dist = (ember_dist){EMBER_DIST_CONST, lua_tonumber(L, idx), 0};
  } else if ((d = ember_lua_todist(L, idx)) != NULL) {
    out->dist = *d;
  } else if (allow_array && lua_type(L, idx) == LUA_TTABLE) {
    out->array = ember_lua_check_numbers(L, idx, fname, what, &out->n_array);
  } else {
    ember_lua_error(L, "%s: %s must be a number, a distribution (ember.uniform, ember.normal)%s, got %s",
                    fname, what, allow_array ? " or an array with one number per neuron" : "",
                    ember_lua_describe(L, idx));
  }
}

/* ------------------------------------------------------------ connectors --- */

typedef struct lconn {
  ember_connector c;
  int all_weighted;        /* from_list: every row has its own weight */
  ember_connection rows[]; /* from_list rows (c.n of them) */
} lconn;

static lconn *new_conn(lua_State *L, ember_connector_kind kind, size_t rows)
{
  lconn *u = lua_newuserdatauv(L, sizeof *u + rows * sizeof u->rows[0], 0);
  memset(u, 0, sizeof *u);
  u->c.kind = kind;
  u->c.allow_autapses = 1;
  luaL_setmetatable(L, CONN_MT);
  return u;
}

static void no_args(lua_State *L, const char *fname)
{
  if (lua_gettop(L) > 0)
    ember_lua_error(L, "%s: takes no arguments, got %s", fname, ember_lua_describe(L, 1));
}

static int l_all_to_all(lua_State *L)
{
  no_args(L, "ember.all_to_all");
  new_conn(L, EMBER_CONN_ALL_TO_ALL, 0);
  return 1;
}

static int l_one_to_one(lua_State *L)
{
  no_args(L, "ember.one_to_one");
  new_conn(L, EMBER_CONN_ONE_TO_ONE, 0);
  return 1;
}

static int l_fixed_probability(lua_State *L)
{
  const char *fn = "ember.fixed_probability";
  ember_lua_max_args(L, 1, fn);
  if (lua_type(L, 1) != LUA_TNUMBER || !(lua_tonumber(L, 1) >= 0 && lua_tonumber(L, 1) <= 1))
    return ember_lua_arg_error(L, 1, 1, fn, "p", "a probability from 0 to 1");
  new_conn(L, EMBER_CONN_FIXED_PROBABILITY, 0)->c.p = lua_tonumber(L, 1);
  return 1;
}

static int l_fixed_number_pre(lua_State *L)
{
  ember_lua_max_args(L, 1, "ember.fixed_number_pre");
  uint64_t n = ember_lua_check_count(L, 1, 1, "ember.fixed_number_pre", "n", 0, UINT32_MAX);
  new_conn(L, EMBER_CONN_FIXED_NUMBER_PRE, 0)->c.n = (size_t)n;
  return 1;
}

/* Element k (1-based) of the row table on top: an id, or an optional number
 * (NaN when absent). */
static double row_field(lua_State *L, size_t row, int k, int is_id)
{
  static const char *const names[] = {"", "i (pre id)", "j (post id)", "w (weight)", "d (delay)"};
  int t = lua_rawgeti(L, -1, k);
  double v = NAN;
  int ok = 0;
  if (is_id) {
    lua_Integer id = t == LUA_TNUMBER ? lua_tointegerx(L, -1, &ok) : -1;
    if (!ok || id < 0 || id >= (lua_Integer)UINT32_MAX)
      ember_lua_error(L, "ember.from_list: row %d: %s must be a neuron id (an integer >= 0; ids are "
                      "0-based), got %s", (int)row, names[k], ember_lua_describe(L, -1));
    v = (double)id;
  } else if (t == LUA_TNUMBER) {
    v = lua_tonumber(L, -1);
  } else if (t != LUA_TNIL) {
    ember_lua_error(L, "ember.from_list: row %d: %s must be a number or nil, got %s", (int)row, names[k],
                    ember_lua_describe(L, -1));
  }
  lua_pop(L, 1);
  return v;
}

/* A row is positional: a named field ({0, 1, w = 0.5}) would be ignored and
 * the options' weight used instead, so it is an error. Row on top. */
static void check_row_keys(lua_State *L, size_t row)
{
  lua_pushnil(L);
  while (lua_next(L, -2)) {
    lua_pop(L, 1);
    int ok = 0;
    lua_Integer k = lua_type(L, -1) == LUA_TNUMBER ? lua_tointegerx(L, -1, &ok) : 0;
    if (!ok || k < 1 || k > 4)   /* row_field reads 1..4, whatever the border # finds */
      ember_lua_error(L, "ember.from_list: row %d has a key %s; a row is {i, j [, w [, d]]}, by position",
                      (int)row, ember_lua_describe(L, -1));
  }
}

/* ember.from_list{{i, j [, w [, d]]}, ...}: explicit connections, 0-based ids. */
static int l_from_list(lua_State *L)
{
  const char *fn = "ember.from_list";
  ember_lua_max_args(L, 1, fn);
  ember_lua_check_table(L, 1, 1, fn, "rows");
  size_t n = lua_rawlen(L, 1);
  lconn *u = new_conn(L, EMBER_CONN_FROM_LIST, n);
  u->c.n = n;
  u->all_weighted = 1;
  for (size_t r = 0; r < n; r++) {
    if (lua_rawgeti(L, 1, (lua_Integer)r + 1) != LUA_TTABLE)
      return ember_lua_error(L, "%s: row %d must be a table {i, j [, w [, d]]}, got %s", fn, (int)r + 1,
                             ember_lua_describe(L, -1));
    if (lua_rawlen(L, -1) > 4)
      return ember_lua_error(L, "%s: row %d has %d elements; a row is {i, j [, w [, d]]}", fn, (int)r + 1,
                             (int)lua_rawlen(L, -1));
    check_row_keys(L, r + 1);
    ember_connection *c = &u->rows[r];
    c->pre = (uint32_t)row_field(L, r + 1, 1, 1);
    c->post = (uint32_t)row_field(L, r + 1, 2, 1);
    c->weight = row_field(L, r + 1, 3, 0);
    c->delay = row_field(L, r + 1, 4, 0);
    u->all_weighted &= !isnan(c->weight);
    lua_pop(L, 1);
  }
  return 1;
}

const ember_connector *ember_lua_check_connector(lua_State *L, int idx, int k, const char *fname,
                                                 int *all_rows_weighted)
{
  lconn *u = luaL_testudata(L, idx, CONN_MT);
  if (!u)
    ember_lua_arg_error(L, idx, k, fname, "connector",
                        "a connector: ember.all_to_all(), ember.one_to_one(), "
                        "ember.fixed_probability(p), ember.fixed_number_pre(n) or ember.from_list{...}");
  u->c.list = u->c.kind == EMBER_CONN_FROM_LIST ? u->rows : NULL;
  *all_rows_weighted = u->c.kind == EMBER_CONN_FROM_LIST && u->all_weighted;
  return &u->c;
}

static int conn_tostring(lua_State *L)
{
  lconn *u = luaL_checkudata(L, 1, CONN_MT);
  switch (u->c.kind) {
  case EMBER_CONN_ALL_TO_ALL: lua_pushliteral(L, "ember.all_to_all()"); break;
  case EMBER_CONN_ONE_TO_ONE: lua_pushliteral(L, "ember.one_to_one()"); break;
  case EMBER_CONN_FIXED_PROBABILITY: lua_pushfstring(L, "ember.fixed_probability(%f)", u->c.p); break;
  case EMBER_CONN_FIXED_NUMBER_PRE:
    lua_pushfstring(L, "ember.fixed_number_pre(%I)", (lua_Integer)u->c.n);
    break;
  default: lua_pushfstring(L, "ember.from_list (%I rows)", (lua_Integer)u->c.n); break;
  }
  return 1;
}

void ember_lua_new_class(lua_State *L, const char *name, const luaL_Reg *meta,
                         const luaL_Reg *methods)
{
  luaL_newmetatable(L, name);
  luaL_setfuncs(L, meta, 0);
  lua_newtable(L);
  luaL_setfuncs(L, methods, 0);
  lua_setfield(L, -2, "methods");
  lua_pop(L, 1);
}

void ember_lua_open_values(lua_State *L)
{
  static const luaL_Reg fns[] = {
    {"uniform", l_uniform},
    {"normal", l_normal},
    {"all_to_all", l_all_to_all},
    {"one_to_one", l_one_to_one},
    {"fixed_probability", l_fixed_probability},
    {"fixed_number_pre", l_fixed_number_pre},
    {"from_list", l_from_list},
    {NULL, NULL},
  };
  luaL_setfuncs(L, fns, 0);
  luaL_newmetatable(L, DIST_MT);
  lua_pushcfunction(L, dist_tostring);
  lua_setfield(L, -2, "__tostring");
  lua_pop(L, 1);
  luaL_newmetatable(L, CONN_MT);
  lua_pushcfunction(L, conn_tostring);
  lua_setfield(L, -2, "__tostring");
  lua_pop(L, 1);
}
