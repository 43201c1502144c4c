/* Internal: counter-based random streams. A stream is a key derived from (seed,
 * stream id, element); its n-th draw is a hash of (key, n). Draws therefore never
 * depend on which thread asks or in which order other streams are used. */
#ifndef EMBER_RNG_H
#define EMBER_RNG_H

#include <stdint.h>

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

double rng_normal(rng_stream *r);                 /* standard normal */
double rng_exponential(rng_stream *r, double rate); /* mean 1/rate */

#endif
