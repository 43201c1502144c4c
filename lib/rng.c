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
