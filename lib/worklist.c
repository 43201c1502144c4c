/* The engine's list of busy neurons for an interval (see list_work). */
#include <stddef.h>
#include <stdint.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif
#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#define EMBER_AVX_SCAN 1
#endif
#include "internal.h"

/* True when a recorder before r records neuron i in this interval. */
static int listed_by(const ember_population *pop, size_t r, uint32_t i)
{
  for (size_t e = 0; e < r; e++)
    if (pop->rec[e]->col[i] >= 0 && pop->rec[e]->k_begin < pop->rec[e]->k_end)
      return 1;
  return 0;
}

/* Appends to w the neurons i < n whose open step ends before tb (tc[i] < tb, false
 * for NaN as in C), in ascending order; returns how many. This pass over every
 * neuron runs each interval, so it compares several times per instruction (SSE2:
 * two, AVX: four) into a mask per 8 or 16 neurons; only the busy ones cost more
 * than that. */
static size_t list_due_tail(const double *tc, size_t i, size_t n, double tb, uint32_t *w,
                            size_t m)
{
  for (; i < n; i++) {
    w[m] = (uint32_t)i;
    m += tc[i] < tb;
  }
  return m;
}

static size_t list_due_sse2(const double *tc, size_t n, double tb, uint32_t *w)
{
  size_t m = 0, i = 0;
#ifdef __SSE2__
  const __m128d b = _mm_set1_pd(tb);
  for (; i + 8 <= n; i += 8) {
    unsigned bits = (unsigned)_mm_movemask_pd(_mm_cmplt_pd(_mm_loadu_pd(tc + i), b)) |
                    (unsigned)_mm_movemask_pd(_mm_cmplt_pd(_mm_loadu_pd(tc + i + 2), b)) << 2 |
                    (unsigned)_mm_movemask_pd(_mm_cmplt_pd(_mm_loadu_pd(tc + i + 4), b)) << 4 |
                    (unsigned)_mm_movemask_pd(_mm_cmplt_pd(_mm_loadu_pd(tc + i + 6), b)) << 6;
    for (; bits; bits &= bits - 1)
      w[m++] = (uint32_t)(i + (size_t)__builtin_ctz(bits));
  }
#endif
  return list_due_tail(tc, i, n, tb, w, m);
}

#ifdef EMBER_AVX_SCAN
static int have_avx;
__attribute__((constructor)) static void pick_scan(void)
{
  __builtin_cpu_init();
  have_avx = __builtin_cpu_supports("avx");
}

__attribute__((target("avx"))) static size_t list_due_avx(const double *tc, size_t n, double tb,
                                                          uint32_t *w)
{
  size_t m = 0, i = 0;
  const __m256d b = _mm256_set1_pd(tb);
  for (; i + 16 <= n; i += 16) {
    unsigned bits =
        (unsigned)_mm256_movemask_pd(_mm256_cmp_pd(_mm256_loadu_pd(tc + i), b, _CMP_LT_OQ)) |
        (unsigned)_mm256_movemask_pd(_mm256_cmp_pd(_mm256_loadu_pd(tc + i + 4), b, _CMP_LT_OQ)) << 4 |
        (unsigned)_mm256_movemask_pd(_mm256_cmp_pd(_mm256_loadu_pd(tc + i + 8), b, _CMP_LT_OQ)) << 8 |
        (unsigned)_mm256_movemask_pd(_mm256_cmp_pd(_mm256_loadu_pd(tc + i + 12), b, _CMP_LT_OQ)) << 12;
    for (; bits; bits &= bits - 1)
      w[m++] = (uint32_t)(i + (size_t)__builtin_ctz(bits));
  }
  return list_due_tail(tc, i, n, tb, w, m);
}
#endif

static size_t list_due(const double *tc, size_t n, double tb, uint32_t *w)
{
#ifdef EMBER_AVX_SCAN
  if (have_avx)
    return list_due_avx(tc, n, tb, w);
#endif
  return list_due_sse2(tc, n, tb, w);
}

/* Lists in q->work the neurons that may have something to do in [ta, tb): those
 * whose open step ends before tb, those with events, and those with a frame to
 * record (each once). In COBA a quarter of the neurons are busy in an interval,
 * and the parallel loop then visits only those. */
void list_work(ember_population *pop, double tb)
{
  event_queue *q = &pop->queue;
  const double *tc = pop->t_cur;
  uint32_t *w = q->work;
  size_t m = list_due(tc, pop->n, tb, w);
  for (size_t k = 0; k < q->n_touched; k++) {   /* with events, not listed yet */
    uint32_t i = q->touched[k];
    if (!(tc[i] < tb))
      w[m++] = i;
  }
  /* recorded neurons not listed yet: neither due nor with events, nor recorded
   * by an earlier recorder that has frames now */
  for (size_t r = 0; r < pop->n_rec; r++) {
    const recorder *rc = pop->rec[r];
    if (rc->k_begin == rc->k_end)
      continue;
    for (size_t k = 0; k < rc->n_ids; k++) {
      uint32_t i = rc->ids[k];
      if (tc[i] < tb || q->count[i] || listed_by(pop, r, i))
        continue;
      w[m++] = i;
    }
  }
  q->n_work = m;
}
