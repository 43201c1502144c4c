/* Internal: counter-based random streams. A stream is a key derived from (seed,
 * stream id, element); its n-th draw is a hash of (key, n). Draws therefore never
 * depend on which thread asks or in which order other streams are used. */
#ifndef EMBER_RNG_H
#define EMBER_RNG_H

#include <stdint.h>
#include <string.h>
#include <math.h>

typedef struct rng_stream {
  uint64_t key;
  uint64_t ctr;
} rng_stream;

/* Stream purposes, so that two uses of one object never share draws. */
enum {
  RNG_INIT_PARAM = 1,   /* set_param with a distribution */
  RNG_INIT_STATE,       /* set_state with a distribution */
  RNG_CONNECT,          /* connector draws */
  RNG_WEIGHT,
  RNG_DELAY,
  RNG_SOURCE            /* spike sources at run time */
};

/* splitmix64's finaliser: a bijective 64-bit mixer with good avalanche. */
static inline uint64_t rng_mix(uint64_t z)
{
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

/* The stream for (seed, object, purpose, element); object identifies the
 * population or projection, element the neuron or pre-synaptic row. */
rng_stream rng_stream_for(uint64_t seed, uint64_t object, uint64_t purpose, uint64_t element);

static inline uint64_t rng_u64(rng_stream *r)
{
  r->ctr++;
  return rng_mix(r->key + r->ctr * 0x9e3779b97f4a7c15ULL);
}

/* Uniform on [0, 1) with 53 random bits. */
static inline double rng_uniform(rng_stream *r)
{
  return (double)(rng_u64(r) >> 11) * 0x1p-53;
}

/* Geometric gaps floor(log1p(-u) / log1p(-p)) for uniform u (fixed_probability's
 * skips): a table-driven log with a bound on its error, and libm's formula only
 * when the quotient lies within that bound of an integer, so the gaps are the
 * formula's to the bit at about half its cost. */
#define RNG_GEOM_TABLE 256
typedef struct rng_geom {
  double log_q;                        /* log1p(-p) < 0 */
  double inv_log_q;                    /* 1 / log_q */
  double tol;                          /* error bound on log(v) (absolute) / |log_q| */
  double log_c[RNG_GEOM_TABLE];        /* log(c_k), c_k = 1 + (k + 1/2) / 256 */
  double inv_c[RNG_GEOM_TABLE];        /* 1 / c_k */
} rng_geom;

void rng_geom_init(rng_geom *g, double p);   /* 0 < p < 1 */
double rng_geom_gap_exact(const rng_geom *g, double u);   /* libm's formula */

/* log(v) for a normal v > 0: v = 2^e m, m in [1, 2), log m = log c_k + log(m / c_k)
 * with c_k the centre of m's 1/256-wide bin, so |r| = |m / c_k - 1| <= 1/512 and
 * four terms of the series do (remainder below r^5 / 5 < 6e-15). */
static inline double rng_fast_log(const rng_geom *g, double v)
{
  uint64_t b;
  memcpy(&b, &v, sizeof b);
  int e = (int)(b >> 52) - 1023;
  int k = (int)(b >> 44) & (RNG_GEOM_TABLE - 1);
  uint64_t mb = (b & 0x000fffffffffffffULL) | 0x3ff0000000000000ULL;
  double m;
  memcpy(&m, &mb, sizeof m);
  double r = m * g->inv_c[k] - 1.0;
  double s = r * (1.0 + r * (-1.0 / 2 + r * (1.0 / 3 + r * (-1.0 / 4))));
  return (double)e * M_LN2 + g->log_c[k] + s;
}

static inline double rng_geom_gap_of(const rng_geom *g, double u)
{
  double v = 1.0 - u;                          /* exact for u a multiple of 2^-53 */
  double x = rng_fast_log(g, v) * g->inv_log_q; /* >= 0 up to the error */
  /* tol >= 1e-12 (1 + |log v|) / |log_q| for x >= 0; x < tol goes to libm. */
  double tol = g->tol + 1e-12 * x;
  if (x >= tol && x < 0x1p52) {
    double n = (double)(int64_t)x;             /* floor(x), x > 0 */
    if (x - n >= tol && n + 1.0 - x >= tol)    /* x +- tol in one integer: the gap */
      return n;
  }
  return rng_geom_gap_exact(g, u);
}

/* The gap for u in [0, 1), a multiple of 2^-53 (as rng_uniform draws). */
static inline double rng_geom_gap(const rng_geom *g, rng_stream *r)
{
  return rng_geom_gap_of(g, rng_uniform(r));
}

double rng_normal(rng_stream *r);                 /* standard normal */
double rng_exponential(rng_stream *r, double rate); /* mean 1/rate */

#endif
