/* LTC wirings: fully connected, random sparse, NCP and AutoNCP.
 *
 * The algorithms follow ncps' wirings (ncps/wirings/wirings.py) in structure and
 * distribution, but draw from Ember's counter-based streams, so a wiring is a
 * function of (spec, seed) alone; it is not the same graph ncps draws for its
 * seed (numpy's generators). To run an ncps network bit for bit, load its
 * exported parameters instead (ember_ltc_load). */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "ltc_internal.h"
#include "rng.h"

#define LTC_RNG_OBJECT 0x4c5443ULL  /* "LTC": keeps these streams apart from populations' */

/* ---------------------------------------------------------------- edges --- */

int ltc_edges_push(ltc_edges *e, uint32_t src, uint32_t dest, int8_t pol)
{
  if (e->n == e->cap) {
    size_t cap = e->cap ? 2 * e->cap : 256;
    uint32_t *s = realloc(e->src, cap * sizeof *s);
    if (s)
      e->src = s;
    uint32_t *d = realloc(e->dest, cap * sizeof *d);
    if (d)
      e->dest = d;
    int8_t *p = realloc(e->pol, cap * sizeof *p);
    if (p)
      e->pol = p;
    if (!s || !d || !p)
      return -1;
    e->cap = cap;
  }
  e->src[e->n] = src;
  e->dest[e->n] = dest;
  e->pol[e->n++] = pol;
  return 0;
}

void ltc_edges_free(ltc_edges *e)
{
  free(e->src);
  free(e->dest);
  free(e->pol);
  memset(e, 0, sizeof *e);
}

/* ---------------------------------------------------------------- draws --- */

/* Uniform on {0, ..., n-1} by multiply-shift (no modulo bias worth naming). */
static uint32_t pick(rng_stream *r, uint64_t n)
{
  return (uint32_t)(((unsigned __int128)rng_u64(r) * n) >> 64);
}

/* ncps draws polarity from [-1, 1, 1] for dense and random wirings. */
static int8_t polarity_third(rng_stream *r) { return pick(r, 3) == 0 ? -1 : 1; }
static int8_t polarity_half(rng_stream *r) { return pick(r, 2) == 0 ? -1 : 1; }

/* Chooses `count` distinct members of [first, first + len) into out (a partial
 * Fisher-Yates shuffle of the scratch pool, which must hold len entries). */
static void choose(rng_stream *r, uint32_t first, size_t len, size_t count, uint32_t *pool,
                   uint32_t *out)
{
  for (size_t i = 0; i < len; i++)
    pool[i] = first + (uint32_t)i;
  for (size_t i = 0; i < count; i++) {
    size_t j = i + pick(r, len - i);
    uint32_t t = pool[i];
    pool[i] = pool[j];
    pool[j] = t;
    out[i] = pool[i];
  }
}

/* -------------------------------------------------------------- sizes --- */

/* AutoNCP's layer sizes, by ncps' formulas (same float arithmetic and truncation). */
static void auto_ncp_layers(const ember_ltc_wiring_spec *in, ember_ltc_wiring_spec *out)
{
  double density = 1.0 - in->sparsity;
  size_t ic = in->units - in->outputs;
  size_t cmd = (size_t)(0.4 * (double)ic);
  cmd = cmd ? cmd : 1;
  size_t inter = ic - cmd;
#define ATLEAST1(x) ((size_t)(x) ? (size_t)(x) : 1)
  *out = *in;
  out->kind = EMBER_LTC_NCP;
  out->inter = inter;
  out->command = cmd;
  out->sensory_fanout = ATLEAST1((double)inter * density);
  out->inter_fanout = ATLEAST1((double)cmd * density);
  out->recurrent_command = ATLEAST1((double)cmd * density * 2.0);
  out->motor_fanin = ATLEAST1((double)cmd * density);
#undef ATLEAST1
}

static ember_status check_ncp(ember_ltc *c, const ember_ltc_wiring_spec *s)
{
  if (!s->inter || !s->command || !s->outputs)
    return ltc_fail(c, EMBER_ERR_INVALID, "NCP: inter, command and motor layers must not be empty");
  if (s->sensory_fanout < 1 || s->sensory_fanout > s->inter)
    return ltc_fail(c, EMBER_ERR_INVALID, "NCP: sensory_fanout = %zu, must be in [1, %zu inter neurons]",
                    s->sensory_fanout, s->inter);
  if (s->inter_fanout < 1 || s->inter_fanout > s->command)
    return ltc_fail(c, EMBER_ERR_INVALID, "NCP: inter_fanout = %zu, must be in [1, %zu command neurons]",
                    s->inter_fanout, s->command);
  if (s->motor_fanin < 1 || s->motor_fanin > s->command)
    return ltc_fail(c, EMBER_ERR_INVALID, "NCP: motor_fanin = %zu, must be in [1, %zu command neurons]",
                    s->motor_fanin, s->command);
  return EMBER_OK;
}

/* Resolves AutoNCP into NCP and checks the spec; fills n, k, m. */
static ember_status resolve(ember_ltc *c, const ember_ltc_wiring_spec *spec, ember_ltc_wiring_spec *s)
{
  *s = *spec;
  if (!s->inputs)
    return ltc_fail(c, EMBER_ERR_INVALID, "an LTC wiring needs inputs >= 1");
  if (s->kind == EMBER_LTC_AUTO_NCP) {
    if (s->sparsity == 0)
      s->sparsity = 0.5;
    if (s->units < 3 || !s->outputs || s->outputs >= s->units - 2)
      return ltc_fail(c, EMBER_ERR_INVALID, "AutoNCP: outputs = %zu must be in [1, units - 2) (units = %zu)",
                      s->outputs, s->units);
    if (!(s->sparsity >= 0.1 && s->sparsity <= 1.0))
      return ltc_fail(c, EMBER_ERR_INVALID, "AutoNCP: sparsity = %g must be in [0.1, 1]", s->sparsity);
    auto_ncp_layers(s, s);
  }
  if (s->kind == EMBER_LTC_NCP) {
    s->units = s->inter + s->command + s->outputs;
    return check_ncp(c, s);
  }
  if (s->kind != EMBER_LTC_FULLY_CONNECTED && s->kind != EMBER_LTC_RANDOM)
    return ltc_fail(c, EMBER_ERR_INVALID, "unknown wiring kind %d", (int)s->kind);
  if (!s->units || s->units > UINT32_MAX)
    return ltc_fail(c, EMBER_ERR_INVALID, "units = %zu must be in [1, 2^32)", s->units);
  if (!s->outputs)
    s->outputs = s->units;
  if (s->outputs > s->units)
    return ltc_fail(c, EMBER_ERR_INVALID, "outputs = %zu exceeds units = %zu", s->outputs, s->units);
  if (s->kind == EMBER_LTC_RANDOM && !(s->sparsity >= 0 && s->sparsity < 1))
    return ltc_fail(c, EMBER_ERR_INVALID, "random wiring: sparsity = %g must be in [0, 1)", s->sparsity);
  return EMBER_OK;
}

ember_status ltc_wiring_sizes(ember_ltc *c, const ember_ltc_wiring_spec *spec, size_t *n,
                              size_t *k, size_t *m)
{
  ember_ltc_wiring_spec s;
  ember_status st = resolve(c, spec, &s);
  *n = s.units;
  *k = s.inputs;
  *m = s.outputs;
  return st;
}

/* --------------------------------------------------------- dense, random --- */

static int gen_dense(const ember_ltc_wiring_spec *s, rng_stream *r, ltc_edges *syn, ltc_edges *sens)
{
  for (uint32_t i = 0; i < s->units; i++)
    for (uint32_t j = 0; j < s->units; j++)
      if ((i != j || !s->no_self_connections) && ltc_edges_push(syn, i, j, polarity_third(r)))
        return -1;
  for (uint32_t i = 0; i < s->inputs; i++)
    for (uint32_t j = 0; j < s->units; j++)
      if (ltc_edges_push(sens, i, j, polarity_third(r)))
        return -1;
  return 0;
}

/* An open-addressing set of 64-bit keys (key + 1 stored, 0 = empty). */
typedef struct keyset { uint64_t *slot; size_t mask; } keyset;

static int keyset_insert(keyset *h, uint64_t key)  /* 1 if new, 0 if present */
{
  size_t i = (size_t)rng_mix(key) & h->mask;
  while (h->slot[i]) {
    if (h->slot[i] == key + 1)
      return 0;
    i = (i + 1) & h->mask;
  }
  h->slot[i] = key + 1;
  return 1;
}

/* `count` distinct pairs out of rows x cols, uniformly (Floyd's algorithm: each
 * subset equally likely, O(count) draws whatever the sparsity). */
static int gen_pairs(rng_stream *r, uint64_t rows, uint64_t cols, uint64_t count, ltc_edges *e)
{
  uint64_t total = rows * cols;
  size_t cap = 16;
  while (cap < 2 * count)
    cap *= 2;
  keyset h = {calloc(cap, sizeof(uint64_t)), cap - 1};
  if (!h.slot)
    return -1;
  int rc = 0;
  for (uint64_t j = total - count; j < total && !rc; j++) {
    uint64_t t = ((unsigned __int128)rng_u64(r) * (j + 1)) >> 64;
    uint64_t key = t;
    if (!keyset_insert(&h, t))
      keyset_insert(&h, key = j);   /* t taken: j is new, as j exceeds all drawn so far */
    rc = ltc_edges_push(e, (uint32_t)(key / cols), (uint32_t)(key % cols), polarity_third(r));
  }
  free(h.slot);
  return rc;
}

static int gen_random(const ember_ltc_wiring_spec *s, rng_stream *r, ltc_edges *syn, ltc_edges *sens)
{
  double keep = 1.0 - s->sparsity;
  uint64_t n = s->units, k = s->inputs;
  if (gen_pairs(r, n, n, (uint64_t)llround((double)(n * n) * keep), syn))
    return -1;
  return gen_pairs(r, k, n, (uint64_t)llround((double)(k * n) * keep), sens);
}

/* ------------------------------------------------------------------- NCP --- */

/* Layer `from` (first, len) projects to `count` distinct members of layer `to`
 * per source; members of `to` left unreached then get `fill` random sources.
 * With reverse set, the roles swap: each member of `to` draws its sources (motor
 * fan-in), and unreached sources get `fill` random targets. */
typedef struct layer { uint32_t first; size_t len; } layer;

static int connect_layers(rng_stream *r, layer from, layer to, size_t count, size_t fill,
                          int reverse, ltc_edges *e, uint32_t *pool, uint32_t *pick_buf,
                          uint8_t *reached)
{
  layer outer = reverse ? to : from, inner = reverse ? from : to;
  memset(reached, 0, inner.len);
  for (size_t a = 0; a < outer.len; a++) {
    choose(r, inner.first, inner.len, count, pool, pick_buf);
    for (size_t b = 0; b < count; b++) {
      reached[pick_buf[b] - inner.first] = 1;
      uint32_t o = outer.first + (uint32_t)a, in = pick_buf[b];
      if (ltc_edges_push(e, reverse ? in : o, reverse ? o : in, polarity_half(r)))
        return -1;
    }
  }
  for (size_t b = 0; b < inner.len; b++) {
    if (reached[b])
      continue;
    choose(r, outer.first, outer.len, fill, pool, pick_buf);
    for (size_t a = 0; a < fill; a++) {
      uint32_t in = inner.first + (uint32_t)b, o = pick_buf[a];
      if (ltc_edges_push(e, reverse ? in : o, reverse ? o : in, polarity_half(r)))
        return -1;
    }
  }
  return 0;
}

/* ncps' "mean fan-in" of forgotten neurons: int(a * b / c) clipped to [1, hi]. */
static size_t mean_fill(size_t a, size_t b, size_t c, size_t hi)
{
  size_t f = a * b / c;
  return f < 1 ? 1 : (f > hi ? hi : f);
}

static int gen_ncp(const ember_ltc_wiring_spec *s, rng_stream *r, ltc_edges *syn, ltc_edges *sens,
                   uint8_t *role)
{
  size_t M = s->outputs, C = s->command, I = s->inter, K = s->inputs;
  layer motor = {0, M}, command = {(uint32_t)M, C}, inter = {(uint32_t)(M + C), I};
  layer sensory = {0, K};
  for (size_t j = 0; j < M + C + I; j++)
    role[j] = j < M ? EMBER_LTC_MOTOR : (j < M + C ? EMBER_LTC_COMMAND : EMBER_LTC_INTER);
  size_t big = K + M + C + I;
  uint32_t *pool = malloc(big * sizeof *pool), *buf = malloc(big * sizeof *buf);
  uint8_t *reached = malloc(big);
  int rc = !pool || !buf || !reached ? -1 : 0;
  /* The fill of forgotten inter / command neurons is clipped to the size of the
   * layer it is drawn from (ncps clips the command fill to the command layer,
   * which fails when that exceeds the inter layer). */
  if (!rc)
    rc = connect_layers(r, sensory, inter, s->sensory_fanout, mean_fill(K, s->sensory_fanout, I, K),
                        0, sens, pool, buf, reached);
  if (!rc)
    rc = connect_layers(r, inter, command, s->inter_fanout, mean_fill(I, s->inter_fanout, C, I), 0,
                        syn, pool, buf, reached);
  for (size_t q = 0; !rc && q < s->recurrent_command; q++) {
    uint32_t a = command.first + pick(r, C), b = command.first + pick(r, C);
    rc = ltc_edges_push(syn, a, b, polarity_half(r));
  }
  if (!rc)
    rc = connect_layers(r, command, motor, s->motor_fanin, mean_fill(M, s->motor_fanin, C, M), 1,
                        syn, pool, buf, reached);
  free(pool);
  free(buf);
  free(reached);
  return rc;
}

/* --------------------------------------------------------------- driver --- */

ember_status ltc_wiring_generate(ember_ltc *c, const ember_ltc_wiring_spec *spec, uint64_t seed,
                                 ltc_edges *syn, ltc_edges *sens)
{
  ember_ltc_wiring_spec s;
  ember_status st = resolve(c, spec, &s);
  if (st)
    return st;
  rng_stream r = rng_stream_for(seed, LTC_RNG_OBJECT, RNG_CONNECT, 0);
  int rc;
  if (s.kind == EMBER_LTC_NCP) {
    rc = gen_ncp(&s, &r, syn, sens, c->role);
  } else {
    for (size_t j = 0; j < s.units; j++)
      c->role[j] = j < s.outputs ? EMBER_LTC_MOTOR : EMBER_LTC_INTER;
    rc = s.kind == EMBER_LTC_FULLY_CONNECTED ? gen_dense(&s, &r, syn, sens)
                                             : gen_random(&s, &r, syn, sens);
  }
  return rc ? ltc_fail(c, EMBER_ERR_NOMEM, "out of memory generating the wiring") : EMBER_OK;
}
