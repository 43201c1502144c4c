/* Counter-based random streams (see rng.h). */
#include <math.h>
#include "rng.h"

rng_stream rng_stream_for(uint64_t seed, uint64_t object, uint64_t purpose, uint64_t element)
{
  /* Each field goes through the mixer before the next is folded in, so that
   * nearby (object, element) pairs get unrelated keys. */
  uint64_t k = rng_mix(seed + 0x632be59bd9b4e019ULL);
  k = rng_mix(k ^ (object * 0x8cb92ba72f3d8dd7ULL + purpose));
  k = rng_mix(k ^ (element + 0x2545f4914f6cdd1dULL));
  rng_stream r = {k, 0};
  return r;
}

/* Box-Muller without a cached second value: the stream stays a pure function of
 * its counter, at the cost of one extra uniform per normal. */
double rng_normal(rng_stream *r)
{
  double u1 = 1.0 - rng_uniform(r); /* (0, 1]: log is finite */
  double u2 = rng_uniform(r);
  return sqrt(-2.0 * log(u1)) * cos(2.0 * M_PI * u2);
}

double rng_exponential(rng_stream *r, double rate)
{
  return -log1p(-rng_uniform(r)) / rate;
}

/* ---------------------------------------------------------- geometric gaps --- */

void rng_geom_init(rng_geom *g, double p)
{
  g->log_q = log1p(-p);
  g->inv_log_q = 1.0 / g->log_q;
  for (int k = 0; k < RNG_GEOM_TABLE; k++) {
    double c = 1.0 + (k + 0.5) / RNG_GEOM_TABLE;
    g->log_c[k] = log(c);
    g->inv_c[k] = 1.0 / c;
  }
  /* rng_fast_log's error is below 1e-14 (1 + |log v|) (its series' remainder, 6e-15,
   * and a few roundings of numbers below 40); libm's log1p is within an ulp, the
   * quotients within two: a bound of 1e-12 (1 + |log v|) leaves a wide margin and
   * still sends only about one draw in 10^9 to libm. */
  g->tol = 1e-12 / -g->log_q;
}

double rng_geom_gap_exact(const rng_geom *g, double u)
{
  return floor(log1p(-u) / g->log_q);
}
