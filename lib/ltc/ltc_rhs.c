/* The LTC right-hand side over the CSR synapse store: sensory drive, synaptic
 * sums, the continuous derivative and the fused (ncps) sub-step.
 *
 * The cost is one sigmoid per synapse per evaluation (a 128-unit dense circuit:
 * 16 384), so everything is built around one kernel, the sums of a block of rows
 *
 *     a_j = sum_q g_q erev_q,  b_j = sum_q g_q,  g_q = w_q / (1 + exp(-sigma_q (pre_src(q) - mu_q)))
 *
 * in three versions with the same arithmetic definition, picked at load time by
 * what the CPU has (ember_ltc_set_kernel overrides):
 *  - "avx512": AVX-512F/VL + FMA intrinsics, eight synapses per instruction;
 *  - "avx2": AVX2 + FMA intrinsics, four synapses per instruction (the same lane
 *    arithmetic as avx512: the same bits);
 *  - "generic": portable C (GCC vectorises it 2-wide on plain x86-64).
 * The sum order is fixed by the row alone: synapse i of a row (storage order)
 * goes to partial sum i mod 8, each partial sum adds its synapses in order, and
 * the eight are combined as ((p0+p4) + (p2+p6)) + ((p1+p5) + (p3+p7)). Every row is
 * computed by one thread with this order, so results are bit-identical for any
 * thread count. generic differs from the others only in rounding (without FMA
 * hardware a multiply-add rounds twice), so bits may differ between machines (or
 * after ember_ltc_set_kernel), not between runs or thread counts on one machine.
 *
 * The sigmoid, per synapse: z = sigma (mu - pre) clamped to +-708 (the sigmoid is
 * then 0 or 1 to double precision); z log2(e) = n + f with n = round(z log2 e) by
 * the 1.5 * 2^52 shifter and f = z log2(e) - n in one FMA (|f| <= 1/2);
 * exp(z) = 2^n P / Q with P / Q the [5/5] Pade approximant of exp(f ln2) (relative
 * error < 8.6e-16), 2^n added to P's exponent bits; then g = w (Q / (Q + 2^n P)):
 * the sigmoid's division also divides by Q. 11 multiply-type operations and one
 * division per synapse (the earlier degree-13 Taylor exp and its division: 20).
 * Every operation is written out (the file is built with -ffp-contract=off: no
 * contraction changes the rounding between kernels). Measured relative error of
 * the sigmoid against long double: < 1.7e-15 for |z| <= 40, < 1.1e-14 up to
 * |z| = 708 (LOG2E's rounding, times |z|, enters f; the sigmoid is then below
 * 1e-17 or within 1e-17 of 1, so its absolute error stays < 1e-30 there).
 * generic takes r = z - n ln2 by Cody-Waite instead (no FMA on plain x86-64):
 * < 1.2e-15 for every z.
 *
 * Small circuits never enter an OpenMP region: its fork costs more than the whole
 * evaluation of a 19-neuron NCP. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_errno.h>
#include "ltc_internal.h"

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#define LTC_X86 1
#endif

#define BLOCK 64   /* rows whose sums are kept on the stack at once */

#define LOG2E 0x1.71547652b82fep0
#define LN2HI 0x1.62e42fee00000p-1   /* ln 2 = LN2HI + LN2LO; n LN2HI is exact */
#define LN2LO 0x1.a39ef35793c76p-33
#define SHIFTER 0x1.8p52
#define ZMAX 708.0

/* The [5/5] Pade approximant of exp(r), P(r) / Q(r) with Q(r) = P(-r),
 * P = E(r^2) + r O(r^2), E = 1 + C2 r^2 + C4 r^4, O = C1 + C3 r^2 + C5 r^4,
 * C_k = (10-k)! 5! / (10! k! (5-k)!). Its relative error on |r| <= ln2 / 2 is
 * below 8.6e-16 (mpmath, with the coefficients rounded to double). The vector
 * kernels evaluate it in f = r / ln2 (|f| <= 1/2), with B_k = C_k ln2^k: f comes
 * from one FMA, z log2(e) - n, where r needs two (Cody-Waite). */
#define C1 0.5
#define C2 (1.0 / 9.0)
#define C3 (1.0 / 72.0)
#define C4 (1.0 / 1008.0)
#define C5 (1.0 / 30240.0)
#define B1 0x1.62e42fefa39efp-2
#define B2 0x1.b551aaa3b5a46p-5
#define B3 0x1.2f205e4adc080p-8
#define B4 0x1.e04116d4ca854p-13
#define B5 0x1.63144fb784852p-18

typedef void sums_fn(const ltc_syn *s, const double *pre, const double *act, size_t j0, size_t j1,
                     double *a, double *b);
/* act[q] = sigmoid(sigma_q (pre_src(q) - mu_q)) for every synapse of s. */
typedef void act_fn(const ltc_syn *s, const double *pre, double *act);
#define INLINE inline __attribute__((always_inline))

/* ---------------------------------------------------------------- generic --- */

/* w / (1 + exp(z)), z = sigma (mu - pre) = -sigma (pre - mu), as
 * w (Q / (Q + 2^n P)) with exp(z) = 2^n P(r) / Q(r), z = n ln2 + r, |r| <= ln2 / 2:
 * the one division serves the approximant and the sigmoid. */
static inline double g_generic(double w, double sigma, double pre, double mu)
{
  double z = sigma * (mu - pre);
  z = z < -ZMAX ? -ZMAX : (z > ZMAX ? ZMAX : z);
  double t = z * LOG2E + SHIFTER;   /* n = round(z / ln2) in its low mantissa bits */
  double n = t - SHIFTER;
  double r = (z - n * LN2HI) - n * LN2LO;   /* Cody-Waite: the first part is exact */
  double r2 = r * r;
  double E = 1.0 + r2 * (C2 + r2 * C4);
  double ro = r * (C1 + r2 * (C3 + r2 * C5));
  double P = E + ro, Q = E - ro;
  uint64_t pb, tb;
  memcpy(&pb, &P, sizeof pb);
  memcpy(&tb, &t, sizeof tb);
  pb += tb << 52;   /* P 2^n: n added to the exponent (the result stays normal) */
  memcpy(&P, &pb, sizeof P);
  return w * (Q / (Q + P));   /* w times the sigmoid: g(1, ...) is the sigmoid alone */
}

double ltc_sigmoid(double x) { return g_generic(1.0, 1.0, x, 0.0); }

/* g in chunks (a loop GCC vectorises: no reduction in it), then the partial sums. */
static INLINE void sums_generic_(const ltc_syn *s, const double *pre, const double *act, size_t j0,
                                  size_t j1, double *a, double *b)
{
  const uint32_t *src = s->src;
  const double *w = s->w, *sg = s->sigma, *mu = s->mu, *er = s->erev;
  double g[64];
  for (size_t j = j0; j < j1; j++) {
    double pa[8] = {0}, pb[8] = {0};
    for (size_t q0 = s->row[j], end = s->row[j + 1], i0 = 0; q0 < end; q0 += 64, i0 += 64) {
      size_t m = end - q0 < 64 ? end - q0 : 64;
      if (act)
        for (size_t i = 0; i < m; i++)
          g[i] = w[q0 + i] * act[q0 + i];
      else
        for (size_t i = 0; i < m; i++)
          g[i] = g_generic(w[q0 + i], sg[q0 + i], pre[src[q0 + i]], mu[q0 + i]);
      for (size_t i = 0; i < m; i++) {   /* i0 is a multiple of 8: lane = i mod 8 */
        pb[i & 7] += g[i];
        pa[i & 7] += g[i] * er[q0 + i];
      }
    }
    a[j - j0] = ((pa[0] + pa[4]) + (pa[2] + pa[6])) + ((pa[1] + pa[5]) + (pa[3] + pa[7]));
    b[j - j0] = ((pb[0] + pb[4]) + (pb[2] + pb[6])) + ((pb[1] + pb[5]) + (pb[3] + pb[7]));
  }
}

static void sums_generic(const ltc_syn *s, const double *pre, const double *act, size_t j0, size_t j1,
                         double *a, double *b)
{
  if (act)
    sums_generic_(s, NULL, act, j0, j1, a, b);
  else
    sums_generic_(s, pre, NULL, j0, j1, a, b);
}

static void act_generic(const ltc_syn *s, const double *pre, double *act)
{
  for (size_t q = 0; q < s->nnz; q++)
    act[q] = g_generic(1.0, s->sigma[q], pre[s->src[q]], s->mu[q]);
}

/* ------------------------------------------------------------------- avx2 --- */

#ifdef LTC_X86
#define AVX2 __attribute__((target("avx2,fma")))

static inline AVX2 __m256d g_avx2(__m256d w, __m256d sigma, __m256d pre, __m256d mu)
{
  __m256d z = _mm256_mul_pd(sigma, _mm256_sub_pd(mu, pre));
  /* max/min return their second operand when one is NaN: NaN stays NaN */
  z = _mm256_min_pd(_mm256_set1_pd(ZMAX), _mm256_max_pd(_mm256_set1_pd(-ZMAX), z));
  __m256d t = _mm256_fmadd_pd(z, _mm256_set1_pd(LOG2E), _mm256_set1_pd(SHIFTER));
  __m256d r = _mm256_fmsub_pd(z, _mm256_set1_pd(LOG2E), _mm256_sub_pd(t, _mm256_set1_pd(SHIFTER)));   /* f */
  __m256d r2 = _mm256_mul_pd(r, r);
  __m256d E = _mm256_fmadd_pd(_mm256_set1_pd(B4), r2, _mm256_set1_pd(B2));
  __m256d O = _mm256_fmadd_pd(_mm256_set1_pd(B5), r2, _mm256_set1_pd(B3));
  E = _mm256_fmadd_pd(E, r2, _mm256_set1_pd(1.0));
  O = _mm256_fmadd_pd(O, r2, _mm256_set1_pd(B1));
  __m256d ro = _mm256_mul_pd(r, O);
  __m256d P = _mm256_add_pd(E, ro), Q = _mm256_sub_pd(E, ro);
  __m256i e = _mm256_add_epi64(_mm256_castpd_si256(P), _mm256_slli_epi64(_mm256_castpd_si256(t), 52));
  return _mm256_mul_pd(w, _mm256_div_pd(Q, _mm256_add_pd(Q, _mm256_castsi256_pd(e))));
}

static inline AVX2 double hsum_avx2(__m256d x0, __m256d x1)
{
  __m256d s = _mm256_add_pd(x0, x1);   /* p_l + p_(l+4) */
  __m128d t = _mm_add_pd(_mm256_castpd256_pd128(s), _mm256_extractf128_pd(s, 1));
  return _mm_cvtsd_f64(_mm_add_sd(t, _mm_unpackhi_pd(t, t)));
}

/* pre at the synapses q .. q+3: contiguous sources load directly. */
static inline AVX2 __m256d pre_avx2(const double *pre, const uint32_t *src, size_t q, const double *pc)
{
  if (pc)
    return _mm256_loadu_pd(pc);
  return _mm256_i32gather_pd(pre, _mm_loadu_si128((const __m128i *)(src + q)), 8);
}

static inline AVX2 __m256d pre_avx2_mask(const double *pre, const uint32_t *src, size_t q, const double *pc,
                                          __m256i m64, __m128i m32)
{
  if (pc)
    return _mm256_maskload_pd(pc, m64);
  __m128i idx = _mm_maskload_epi32((const int *)(src + q), m32);
  return _mm256_mask_i32gather_pd(_mm256_setzero_pd(), pre, idx, _mm256_castsi256_pd(m64), 8);
}

/* g at the synapses q .. q+3 (m64: the lanes in use; masked lanes give g = 0). */
static INLINE AVX2 __m256d gq_avx2(const ltc_syn *s, const double *pre, const double *act, size_t q,
                                   const double *pc, __m256i m64, __m128i m32)
{
  if (act)
    return _mm256_mul_pd(_mm256_maskload_pd(s->w + q, m64), _mm256_maskload_pd(act + q, m64));
  return g_avx2(_mm256_maskload_pd(s->w + q, m64), _mm256_maskload_pd(s->sigma + q, m64),
                pre_avx2_mask(pre, s->src, q, pc, m64, m32), _mm256_maskload_pd(s->mu + q, m64));
}

static INLINE AVX2 __m256d gq4_avx2(const ltc_syn *s, const double *pre, const double *act, size_t q,
                                    const double *pc)
{
  if (act)
    return _mm256_mul_pd(_mm256_loadu_pd(s->w + q), _mm256_loadu_pd(act + q));
  return g_avx2(_mm256_loadu_pd(s->w + q), _mm256_loadu_pd(s->sigma + q), pre_avx2(pre, s->src, q, pc),
                _mm256_loadu_pd(s->mu + q));
}

static INLINE AVX2 void sums_avx2_(const ltc_syn *s, const double *pre, const double *act, size_t j0,
                                   size_t j1, double *a, double *b)
{
  const uint32_t *src = s->src;
  const double *er = s->erev;
  for (size_t j = j0; j < j1; j++) {
    size_t q0 = s->row[j], len = s->row[j + 1] - q0;
    __m256d a0 = _mm256_setzero_pd(), a1 = a0, b0 = a0, b1 = a0;
    /* sources ascend within a row: contiguous iff the span equals the length */
    const double *pc = pre && len && src[q0 + len - 1] - src[q0] == len - 1 ? pre + src[q0] : NULL;
    size_t i = 0;
    for (; i + 8 <= len; i += 8) {
      size_t q = q0 + i;
      __m256d g0 = gq4_avx2(s, pre, act, q, pc ? pc + i : NULL);
      __m256d g1 = gq4_avx2(s, pre, act, q + 4, pc ? pc + i + 4 : NULL);
      b0 = _mm256_add_pd(b0, g0);
      b1 = _mm256_add_pd(b1, g1);
      a0 = _mm256_fmadd_pd(g0, _mm256_loadu_pd(er + q), a0);
      a1 = _mm256_fmadd_pd(g1, _mm256_loadu_pd(er + q + 4), a1);
    }
    /* 1..7 left: masked lanes load 0, so g = 0 there and the sums are unchanged */
    for (; i < len; i += 4) {
      size_t q = q0 + i;
      long long rem = (long long)(len - i);
      __m256i m64 = _mm256_cmpgt_epi64(_mm256_set1_epi64x(rem), _mm256_setr_epi64x(0, 1, 2, 3));
      __m128i m32 = _mm_cmpgt_epi32(_mm_set1_epi32((int)(rem > 4 ? 4 : rem)), _mm_setr_epi32(0, 1, 2, 3));
      __m256d g = gq_avx2(s, pre, act, q, pc ? pc + i : NULL, m64, m32);
      __m256d e = _mm256_maskload_pd(er + q, m64);
      if ((i & 7) == 0) {
        b0 = _mm256_add_pd(b0, g);
        a0 = _mm256_fmadd_pd(g, e, a0);
      } else {
        b1 = _mm256_add_pd(b1, g);
        a1 = _mm256_fmadd_pd(g, e, a1);
      }
    }
    a[j - j0] = hsum_avx2(a0, a1);
    b[j - j0] = hsum_avx2(b0, b1);
  }
}

static AVX2 void sums_avx2(const ltc_syn *s, const double *pre, const double *act, size_t j0, size_t j1,
                           double *a, double *b)
{
  if (act)
    sums_avx2_(s, NULL, act, j0, j1, a, b);
  else
    sums_avx2_(s, pre, NULL, j0, j1, a, b);
}

static AVX2 void act_avx2(const ltc_syn *s, const double *pre, double *act)
{
  for (size_t q = 0; q < s->nnz; q += 4) {
    long long rem = (long long)(s->nnz - q);
    __m256i m64 = _mm256_cmpgt_epi64(_mm256_set1_epi64x(rem), _mm256_setr_epi64x(0, 1, 2, 3));
    __m128i m32 = _mm_cmpgt_epi32(_mm_set1_epi32((int)(rem > 4 ? 4 : rem)), _mm_setr_epi32(0, 1, 2, 3));
    __m256d x = g_avx2(_mm256_set1_pd(1.0), _mm256_maskload_pd(s->sigma + q, m64),
                       pre_avx2_mask(pre, s->src, q, NULL, m64, m32), _mm256_maskload_pd(s->mu + q, m64));
    _mm256_maskstore_pd(act + q, m64, x);
  }
}
#define AVX512 __attribute__((target("avx512f,avx512vl,fma")))

static inline AVX512 __m512d g_avx512(__m512d w, __m512d sigma, __m512d pre, __m512d mu)
{
  __m512d z = _mm512_mul_pd(sigma, _mm512_sub_pd(mu, pre));
  /* max/min return their second operand when one is NaN: NaN stays NaN */
  z = _mm512_min_pd(_mm512_set1_pd(ZMAX), _mm512_max_pd(_mm512_set1_pd(-ZMAX), z));
  __m512d t = _mm512_fmadd_pd(z, _mm512_set1_pd(LOG2E), _mm512_set1_pd(SHIFTER));
  __m512d r = _mm512_fmsub_pd(z, _mm512_set1_pd(LOG2E), _mm512_sub_pd(t, _mm512_set1_pd(SHIFTER)));   /* f */
  __m512d r2 = _mm512_mul_pd(r, r);
  __m512d E = _mm512_fmadd_pd(_mm512_set1_pd(B4), r2, _mm512_set1_pd(B2));
  __m512d O = _mm512_fmadd_pd(_mm512_set1_pd(B5), r2, _mm512_set1_pd(B3));
  E = _mm512_fmadd_pd(E, r2, _mm512_set1_pd(1.0));
  O = _mm512_fmadd_pd(O, r2, _mm512_set1_pd(B1));
  __m512d ro = _mm512_mul_pd(r, O);
  __m512d P = _mm512_add_pd(E, ro), Q = _mm512_sub_pd(E, ro);
  __m512i e = _mm512_add_epi64(_mm512_castpd_si512(P), _mm512_slli_epi64(_mm512_castpd_si512(t), 52));
  return _mm512_mul_pd(w, _mm512_div_pd(Q, _mm512_add_pd(Q, _mm512_castsi512_pd(e))));
}

/* One vector holds the 8 partial sums: ((p0+p4) + (p2+p6)) + ((p1+p5) + (p3+p7)). */
static inline AVX512 double hsum_avx512(__m512d x)
{
  __m256d s = _mm256_add_pd(_mm512_castpd512_pd256(x), _mm512_extractf64x4_pd(x, 1));
  __m128d t = _mm_add_pd(_mm256_castpd256_pd128(s), _mm256_extractf128_pd(s, 1));
  return _mm_cvtsd_f64(_mm_add_sd(t, _mm_unpackhi_pd(t, t)));
}

/* The same lane arithmetic as sums_avx2, eight lanes per instruction: the same bits. */
static INLINE AVX512 void sums_avx512_(const ltc_syn *s, const double *pre, const double *act, size_t j0,
                                       size_t j1, double *a, double *b)
{
  const uint32_t *src = s->src;
  const double *w = s->w, *sg = s->sigma, *mu = s->mu, *er = s->erev;
  for (size_t j = j0; j < j1; j++) {
    size_t q0 = s->row[j], len = s->row[j + 1] - q0;
    __m512d a0 = _mm512_setzero_pd(), b0 = a0;
    const double *pc = pre && len && src[q0 + len - 1] - src[q0] == len - 1 ? pre + src[q0] : NULL;
    for (size_t i = 0; i < len; i += 8) {
      size_t q = q0 + i;
      __mmask8 m = len - i >= 8 ? 0xff : (__mmask8)((1u << (len - i)) - 1);
      __m512d g;
      if (act) {
        g = _mm512_mul_pd(_mm512_maskz_loadu_pd(m, w + q), _mm512_maskz_loadu_pd(m, act + q));
      } else {
        __m512d x;
        if (pc)
          x = _mm512_maskz_loadu_pd(m, pc + i);
        else
          x = _mm512_mask_i32gather_pd(_mm512_setzero_pd(), m,
                                       _mm256_maskz_loadu_epi32(m, src + q), pre, 8);
        g = g_avx512(_mm512_maskz_loadu_pd(m, w + q), _mm512_maskz_loadu_pd(m, sg + q), x,
                     _mm512_maskz_loadu_pd(m, mu + q));
      }
      b0 = _mm512_add_pd(b0, g);
      a0 = _mm512_fmadd_pd(g, _mm512_maskz_loadu_pd(m, er + q), a0);
    }
    a[j - j0] = hsum_avx512(a0);
    b[j - j0] = hsum_avx512(b0);
  }
}

static AVX512 void sums_avx512(const ltc_syn *s, const double *pre, const double *act, size_t j0,
                               size_t j1, double *a, double *b)
{
  if (act)
    sums_avx512_(s, NULL, act, j0, j1, a, b);
  else
    sums_avx512_(s, pre, NULL, j0, j1, a, b);
}

static AVX512 void act_avx512(const ltc_syn *s, const double *pre, double *act)
{
  for (size_t q = 0; q < s->nnz; q += 8) {
    __mmask8 m = s->nnz - q >= 8 ? 0xff : (__mmask8)((1u << (s->nnz - q)) - 1);
    __m512d x = _mm512_mask_i32gather_pd(_mm512_setzero_pd(), m, _mm256_maskz_loadu_epi32(m, s->src + q),
                                         pre, 8);
    x = g_avx512(_mm512_set1_pd(1.0), _mm512_maskz_loadu_pd(m, s->sigma + q), x,
                 _mm512_maskz_loadu_pd(m, s->mu + q));
    _mm512_mask_storeu_pd(act + q, m, x);
  }
}
#endif

/* --------------------------------------------------------------- dispatch --- */

static sums_fn *sums = sums_generic;
static act_fn *acts = act_generic;
static const char *sums_name = "generic";

static int have_avx512(void)
{
#ifdef LTC_X86
  __builtin_cpu_init();
  return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("fma");
#else
  return 0;
#endif
}

static int have_avx2(void)
{
#ifdef LTC_X86
  __builtin_cpu_init();
  return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
#else
  return 0;
#endif
}

__attribute__((constructor)) static void pick_kernel(void) { ember_ltc_set_kernel("auto"); }

ember_status ember_ltc_set_kernel(const char *name)
{
  if (!name || !strcmp(name, "auto"))
    name = have_avx512() ? "avx512" : have_avx2() ? "avx2" : "generic";
  if (!strcmp(name, "generic")) {
    sums = sums_generic;
    acts = act_generic;
    sums_name = "generic";
    return EMBER_OK;
  }
#ifdef LTC_X86
  if (!strcmp(name, "avx2") && have_avx2()) {
    sums = sums_avx2;
    acts = act_avx2;
    sums_name = "avx2";
    return EMBER_OK;
  }
  if (!strcmp(name, "avx512") && have_avx512()) {
    sums = sums_avx512;
    acts = act_avx512;
    sums_name = "avx512";
    return EMBER_OK;
  }
#endif
  return strcmp(name, "avx2") && strcmp(name, "avx512") ? EMBER_ERR_UNKNOWN : EMBER_ERR_INVALID;
}

const char *ember_ltc_kernel(void) { return sums_name; }

static int parallel(const ember_ltc *c) { return c->threads > 1 && c->n >= EMBER_LTC_PARALLEL_MIN; }
static size_t n_blocks(const ember_ltc *c) { return (c->n + BLOCK - 1) / BLOCK; }

/* ------------------------------------------------------------- sensory --- */

/* The input synapses go through the same kernel as the internal ones, with the
 * affine input map x~ = input_w x + input_b as their presynaptic values. They
 * are constant while an input holds, so this runs once per input step, not per
 * sub-step. The plastic solver (ltc_plastic.c) keeps the sensory sigmoids
 * (ltc_sensory_activity) and sums w act with ltc_sensory_sums_act: the same
 * operations in the same order, so a plastic circuit with eta = 0 gives the plain
 * circuit's bits. */

/* x~ into c->a (max(N, K) entries), free at the start of an input step. */
static const double *input_map(ember_ltc *c)
{
  for (size_t k = 0; k < c->k; k++)
    c->a[k] = c->input_w[k] * c->x[k] + c->input_b[k];
  return c->a;
}

/* gse, gs from x~ (act = NULL) or from the activities act. */
static void sensory_sums(ember_ltc *c, const double *xm, const double *act)
{
  if (parallel(c)) {
    size_t nb = n_blocks(c);
#pragma omp parallel for schedule(static) num_threads(c->threads)
    for (size_t ib = 0; ib < nb; ib++) {
      size_t j0 = ib * BLOCK, j1 = j0 + BLOCK < c->n ? j0 + BLOCK : c->n;
      sums(&c->sens, xm, act, j0, j1, c->gse + j0, c->gs + j0);
    }
  } else {
    sums(&c->sens, xm, act, 0, c->n, c->gse, c->gs);
  }
}

void ltc_sensory_update(ember_ltc *c)
{
  sensory_sums(c, input_map(c), NULL);
  c->input_dirty = 0;
}

void ltc_sensory_activity(ember_ltc *c, double *act)
{
  acts(&c->sens, input_map(c), act);
}

void ltc_sensory_sums_act(ember_ltc *c, const double *act) { sensory_sums(c, NULL, act); }

/* ---------------------------------------------------------------- sums --- */

void ltc_syn_sums(const ember_ltc *c, const double *v, double *a, double *b)
{
  if (parallel(c)) {
    size_t nb = n_blocks(c);
#pragma omp parallel for schedule(static) num_threads(c->threads)
    for (size_t ib = 0; ib < nb; ib++) {
      size_t j0 = ib * BLOCK, j1 = j0 + BLOCK < c->n ? j0 + BLOCK : c->n;
      sums(&c->syn, v, NULL, j0, j1, a + j0, b + j0);
    }
  } else {
    sums(&c->syn, v, NULL, 0, c->n, a, b);
  }
}

/* ------------------------------------------------------------ continuous --- */

/* cm dv/dt = gleak (vleak - v) + sum g (erev - v) for the rows [j0, j1). */
static void deriv_block(const ember_ltc *c, const double *v, double *dvdt, size_t j0, size_t j1)
{
  double a[BLOCK], b[BLOCK];
  sums(&c->syn, v, NULL, j0, j1, a, b);
  for (size_t j = j0; j < j1; j++)
    dvdt[j] = (c->gleak[j] * (c->vleak[j] - v[j]) + (a[j - j0] + c->gse[j]) -
               (b[j - j0] + c->gs[j]) * v[j]) / c->cm[j];
}

/* GSL callback, inputs fixed. */
int ltc_rhs(double t, const double *v, double *dvdt, void *circuit)
{
  (void)t;
  ember_ltc *c = circuit;
  c->n_rhs++;
  size_t nb = n_blocks(c);
  if (parallel(c)) {
#pragma omp parallel for schedule(static) num_threads(c->threads)
    for (size_t ib = 0; ib < nb; ib++)
      deriv_block(c, v, dvdt, ib * BLOCK, ib * BLOCK + BLOCK < c->n ? ib * BLOCK + BLOCK : c->n);
  } else {
    for (size_t ib = 0; ib < nb; ib++)
      deriv_block(c, v, dvdt, ib * BLOCK, ib * BLOCK + BLOCK < c->n ? ib * BLOCK + BLOCK : c->n);
  }
  return GSL_SUCCESS;
}

/* ----------------------------------------------------------------- fused --- */

/* ncps' update with the same association of sums:
 * v' = (cm/dt v + gleak vleak + (A + A_s)) / ((cm/dt + gleak) + (B + B_s) + eps). */
static void fused_block(const ember_ltc *c, const double *v, double *vout, double dt, size_t j0, size_t j1)
{
  double a[BLOCK], b[BLOCK], eps = c->opt.epsilon;
  sums(&c->syn, v, NULL, j0, j1, a, b);
  for (size_t j = j0; j < j1; j++) {
    double cm_t = c->cm[j] / dt;
    double num = cm_t * v[j] + c->gleak[j] * c->vleak[j] + (a[j - j0] + c->gse[j]);
    double den = cm_t + c->gleak[j] + (b[j - j0] + c->gs[j]);
    vout[j] = num / (den + eps);
  }
}

void ltc_fused_substep(const ember_ltc *c, const double *v, double *vout, double dt)
{
  size_t nb = n_blocks(c);
  if (parallel(c)) {
#pragma omp parallel for schedule(static) num_threads(c->threads)
    for (size_t ib = 0; ib < nb; ib++)
      fused_block(c, v, vout, dt, ib * BLOCK, ib * BLOCK + BLOCK < c->n ? ib * BLOCK + BLOCK : c->n);
  } else {
    for (size_t ib = 0; ib < nb; ib++)
      fused_block(c, v, vout, dt, ib * BLOCK, ib * BLOCK + BLOCK < c->n ? ib * BLOCK + BLOCK : c->n);
  }
}
