/* Internal, included once by expint_kernel.c (after cpar, vinf_of, em1 and
 * decays): the fit of solver "expint" and its dense output. See
 * expint_kernel.h for the method; here, how one evaluation is computed.
 *
 * fit(q, st, h, co, y, nd): one step of length h from st (the quartic's
 * coefficients into co, the state at h into y, the nodes into nd; returns the
 * error estimate). live_eval(q, c, tau, out): v inside a LIVE step. */
#ifndef EMBER_EXPINT_FIT_H
#define EMBER_EXPINT_FIT_H

/* Four doubles side by side (GCC's vector extension; the AVX2 build, see
 * fit_avx2; expint_lanes.h has the same lanes for other CPUs). The lanes of a
 * fit are its nodes t = h/4 .. h or the psi_k, k = 1 .. 4: independent work
 * whose dependency chains then overlap (a fit is bound by the latency of its
 * longest chain more than by its instruction count). */
typedef double v4d __attribute__((vector_size(32)));

static const v4d NODE = {1, 2, 3, 4};

/* psi_k(x) = x integral_0^1 e^(-x (1 - th)) th^k dth, k = 0 .. NDEG: the integral
 * of (s / x)^k against e^(-(x - s)) over [0, x]. psi_0 = 1 - e^(-x) and
 * psi_k = 1 - (k / x) psi_(k-1), which upwards loses a factor k / x of accuracy
 * per step: it serves from x = 4 (0.1 % of COBA's fits). Below, psi_1 .. psi_4
 * side by side, one lane each, as x P_k(x), P_k = k! sum_m (-x)^m / (k + m + 1)!
 * by its Taylor polynomial of degree 11 around the middle of the interval of
 * width 1/2 that holds x (|P_k^(n)| / n! <= k! / (k + n + 1)!: the terms left
 * out are below 1.3e-18 relative on [0, 4), computed in exact arithmetic
 * against quadrature), by Estrin's scheme (depth 4 instead of a chain of 11);
 * then psi_0 = x (1 - psi_1), downwards and stable. Returns e^(-x); psi_0 into
 * *p0, psi_1 .. psi_4 into *pk. */
#include "expint_psi.h"


/* From x = 4 (and for no number): upwards from libm's expm1. Apart and cold, so
 * that the registers of the fit around it need not be saved for the call. */
static __attribute__((noinline, cold)) double psi_far(double x, double *p0, double pk[4])
{
  double ix = 1.0 / x, ps0 = -expm1(-x);
  pk[0] = 1.0 - ix * ps0;
  pk[1] = 1.0 - 2.0 * ix * pk[0];
  pk[2] = 1.0 - 3.0 * ix * pk[1];
  pk[3] = 1.0 - 4.0 * ix * pk[2];
  *p0 = ps0;
  return 1.0 - ps0;
}

static inline __attribute__((always_inline)) double psi(double x, double *p0, v4d *pk)
{
  if (__builtin_expect(!(x >= 0.0 && x < 4.0), 0)) {
    double far[4], em = psi_far(x, p0, far);
    memcpy(pk, far, sizeof far);
    return em;
  }
  int j = (int)(2.0 * x);
  const v4d *c = (const v4d *)psi_taylor[j];
  double t = x - (0.5 * j + 0.25), t2 = t * t, t4 = t2 * t2, t8 = t4 * t4;
  v4d e0 = c[0] + c[1] * t, e1 = c[2] + c[3] * t, e2 = c[4] + c[5] * t, e3 = c[6] + c[7] * t,
      e4 = c[8] + c[9] * t, e5 = c[10] + c[11] * t;
  v4d f0 = e0 + e1 * t2, f1 = e2 + e3 * t2, f2 = e4 + e5 * t2;
  v4d ps = x * ((f0 + f1 * t4) + f2 * t8);
  *pk = ps;
  *p0 = x * (1.0 - ps[0]);
  return 1.0 - *p0;
}

/* em1 lane by lane, for |x| < 1/4 in every lane: the same series, its
 * coefficients stored four times over (an operand from memory then needs no
 * broadcast). Vectors go by pointer: GCC warns that passing them by value
 * depends on AVX. */
#define L4(c) {c, c, c, c}
static const v4d em1_c[14] = {
  L4(0), L4(1.0), L4(1.0 / 2), L4(1.0 / 6), L4(1.0 / 24), L4(1.0 / 120), L4(1.0 / 720),
  L4(1.0 / 5040), L4(1.0 / 40320), L4(1.0 / 362880), L4(1.0 / 3628800), L4(1.0 / 39916800),
  L4(1.0 / 479001600), L4(1.0 / 6227020800.0),
};
#undef L4

static inline __attribute__((always_inline)) void em1v(const v4d *xp, v4d *out)
{
  const v4d *c = em1_c, x = *xp;
  __asm__("" : "+r"(c));   /* else GCC folds the table into scalar constants and broadcasts */
  v4d x2 = x * x, x4 = x2 * x2, x8 = x4 * x4;
  v4d p1 = c[1] + c[2] * x, p3 = c[3] + c[4] * x, p5 = c[5] + c[6] * x, p7 = c[7] + c[8] * x;
  v4d q1 = p1 + p3 * x2, q5 = p5 + p7 * x2;
  v4d p9 = c[9] + c[10] * x, p11 = c[11] + c[12] * x;
  v4d q9 = p9 + p11 * x2 + c[13] * x4;
  *out = x * ((q1 + q5 * x4) + q9 * x8);
}

/* The nodes of a fit: beta, g_e, g_i, v_inf at t = n h / 4, and e^(-B). */
typedef struct nodes {
  double beta[5], ge[5], gi[5], vinf[5], em;
} nodes;

/* 1 - e^(-t_n / tau) at the nodes t_n = n s, n = 1 .. 4, for the rate r = 1/tau. */
static __attribute__((noinline, cold)) void node_decays_far(double x, double f[4])
{
  for (int n = 0; n < 4; n++)
    f[n] = -em1(-(n + 1) * x);
}

static inline __attribute__((always_inline)) void node_decays(double r, double s, v4d *f)
{
  double x = s * r;
  if (__builtin_expect(4.0 * x < 0.25, 1)) {
    v4d mx = -x * NODE;
    em1v(&mx, f);
    *f = -*f;
  } else {
    double far[4];
    node_decays_far(x, far);
    memcpy(f, far, sizeof far);
  }
}

/* Both, with one series when one time constant is twice the other (as decays). */
static inline __attribute__((always_inline)) void node_decays2(double ie, double ii, double s,
                                                               v4d *fE, v4d *fI)
{
  if (ii == ie) {
    node_decays(ie, s, fE);
    *fI = *fE;
  } else if (ie == 2.0 * ii) {
    node_decays(ii, s, fI);
    *fE = *fI * (2.0 - *fI);
  } else if (ii == 2.0 * ie) {
    node_decays(ie, s, fE);
    *fI = *fE * (2.0 - *fE);
  } else {
    node_decays(ie, s, fE);
    node_decays(ii, s, fI);
  }
}

/* One step of length h from the state s (v, g_e, g_i >= 0): the quartic's
 * coefficients and B into co[0 .. 6), the state at h into y, the nodes into nd
 * (st, co, y and nd do not overlap);
 * returns the error estimate (the quartic minus the cubic at h).
 *
 * The quartic through (0, d0), (x1, d1), .., (1, d4) in Newton's form is
 * sum_j D_j N_j(th), D_j the divided differences, N_0 = 1, N_j = th (th - x1) ..
 * (th - x_(j-1)); v at h is v0 e^(-B) + sum_j D_j I_j with I_j = N_j's monomial
 * coefficients against psi_1 .. psi_4 (I_0 = psi_0). The I_j need only the
 * nodes and B, so they are ready when the divided differences are; the monomial
 * coefficients co (dense output of a LIVE step) are computed beside, off
 * that path, and the error estimate is |D_4 I_4|. The reciprocals of the node
 * spacings are B / (beta_j - beta_i), ready with the v_inf at the nodes. */
/* What the lanes of a fit give its scalar rest: v_inf at the nodes 0 .. 4, beta at
 * the nodes 1 .. 4 (b[3] = B), B over the node spacings 1 apart (r1: r10, r21,
 * r32, r43) and 2 and more apart (r2: r20, r31, r42, r30; r41), psi_0 .. psi_4
 * of B and e^(-B). */
typedef struct fit_mid {
  double d0, vi[4], b[4], r1[4], r2[4], r41, ps0, pk[4], em;
} fit_mid;

/* The rest of a fit from the lanes' results m (see fit_body). */
static inline __attribute__((always_inline)) double
fit_tail(const fit_mid *m, double v0, double *co, double *y, nodes *nd)
{
  double d0 = m->d0, B = m->b[3], iB = 1.0 / B;
  double x1 = m->b[0] * iB, x2 = m->b[1] * iB, x3 = m->b[2] * iB;
  /* Newton's divided differences on 0, x1, x2, x3, 1. */
  double v1 = m->vi[0], v2 = m->vi[1], v3 = m->vi[2], v4 = m->vi[3];
  double d1 = (v1 - d0) * m->r1[0], e2 = (v2 - v1) * m->r1[1], e3 = (v3 - v2) * m->r1[2],
         e4 = (v4 - v3) * m->r1[3];
  double d2 = (e2 - d1) * m->r2[0], f3 = (e3 - e2) * m->r2[1], f4 = (e4 - e3) * m->r2[2];
  double d3 = (f3 - d2) * m->r2[3], g4 = (f4 - f3) * m->r41;
  double d4 = g4 - d3;   /* / (1 - 0) */
  /* N_4 = th (th - x1)(th - x2)(th - x3) = th^4 + w3 th^3 + w2 th^2 + w1 th. */
  double x12 = x1 * x2, w1 = -x12 * x3, w2 = x12 + x1 * x3 + x2 * x3, w3 = -(x1 + x2 + x3);
  double ps0 = m->ps0, ps1 = m->pk[0], ps2 = m->pk[1], ps3 = m->pk[2], ps4 = m->pk[3], em = m->em;
  double I2 = ps2 - x1 * ps1, I3 = ps3 - (x1 + x2) * ps2 + x12 * ps1;
  double I4 = w1 * ps1 + w2 * ps2 + w3 * ps3 + ps4;
  nd->em = em;
  /* a(th) = d0 + th (d1 + (th - x1)(d2 + (th - x2)(d3 + (th - x3) d4))) */
  double p0 = d3 - x3 * d4, p1 = d4;                                  /* d3 + (th - x3) d4 */
  double s0 = d2 - x2 * p0, s1 = p0 - x2 * p1, s2 = p1;               /* d2 + (th - x2) p */
  co[0] = d0; co[1] = d1 - x1 * s0; co[2] = s0 - x1 * s1; co[3] = s1 - x1 * s2; co[4] = s2;
  co[5] = B;
  y[CE_V] = (v0 * em + d0 * ps0) + ((d1 * ps1 + d2 * I2) + (d3 * I3 + d4 * I4));
  return fabs(d4 * I4);
}

static inline __attribute__((always_inline)) double
fit_body(const cpar *q, const double *st, double h, double *co, double *y, nodes *nd)
{
  double v0 = st[CE_V], ge0 = st[CE_GE], gi0 = st[CE_GI], s = 0.25 * h;
  fit_mid m;
  v4d fE, fI;
  node_decays2(q->ie, q->ii, s, &fE, &fI);
  double ae = q->icm * ge0 * q->te, ai = q->icm * gi0 * q->ti, ht = s * q->itm;
  v4d ge = ge0 - ge0 * fE, gi = gi0 - gi0 * fI;
  v4d beta = ht * NODE + ae * fE + ai * fI;
  v4d vi = (q->c0 + q->cE * ge + q->cI * gi) / (q->itm + q->icm * (ge + gi));
  double d0 = vinf_of(q, ge0, gi0);
  double b1 = beta[0], b2 = beta[1], b3 = beta[2], B = beta[3];
  v4d r1 = B / (beta - (v4d){0, b1, b2, b3});        /* r10, r21, r32, r43 */
  v4d r2 = B / (v4d){b2, b3 - b1, B - b2, b3};         /* r20, r31, r42, r30 */
  m.r41 = B / (B - b1);
  nd->beta[0] = 0, nd->ge[0] = ge0, nd->gi[0] = gi0, nd->vinf[0] = d0;
  memcpy(nd->beta + 1, &beta, sizeof beta);
  memcpy(nd->ge + 1, &ge, sizeof ge);
  memcpy(nd->gi + 1, &gi, sizeof gi);
  memcpy(nd->vinf + 1, &vi, sizeof vi);
  y[CE_GE] = ge[3];   /* now: the vectors need not live on (y is none of st, co, nd) */
  y[CE_GI] = gi[3];
  m.d0 = d0;
  for (int l = 0; l < 4; l++)
    m.vi[l] = vi[l], m.b[l] = beta[l], m.r1[l] = r1[l], m.r2[l] = r2[l];
  v4d pk;
  m.em = psi(B, &m.ps0, &pk);
  for (int l = 0; l < 4; l++)
    m.pk[l] = pk[l];
  return fit_tail(&m, v0, co, y, nd);
}

#include "expint_lanes.h"

/* The fit and the dense output twice: in four-double vectors for AVX2 (an
 * operation one instruction) and lane by lane for any other CPU
 * (expint_lanes.h), picked at load time by what the CPU has;
 * EMBER_EXPINT_KERNEL=generic forces the second. Neither uses FMA (target "avx2"
 * alone does not allow contraction), so both give the same bits
 * (tests/test_condexp.c checks it). */
#if defined(__x86_64__) && defined(__GNUC__)
#define EXPINT_AVX2 __attribute__((target("avx2")))

static int use_avx2;

__attribute__((constructor)) static void pick_fit(void)
{
  const char *e = getenv("EMBER_EXPINT_KERNEL");
  __builtin_cpu_init();
  use_avx2 = __builtin_cpu_supports("avx2") && !(e && !strcmp(e, "generic"));
}
#endif

static __attribute__((noinline)) double
fit_generic(const cpar *q, const double *st, double h, double *co, double *y, nodes *nd)
{
  return fit_lanes(q, st, h, co, y, nd);
}

#ifdef EXPINT_AVX2
static __attribute__((noinline)) EXPINT_AVX2 double
fit_avx2(const cpar *q, const double *st, double h, double *co, double *y, nodes *nd)
{
  return fit_body(q, st, h, co, y, nd);
}
#endif

static inline double fit(const cpar *q, const double *st, double h, double *co, double *y, nodes *nd)
{
#ifdef EXPINT_AVX2
  if (use_avx2)
    return fit_avx2(q, st, h, co, y, nd);
#endif
  return fit_generic(q, st, h, co, y, nd);
}

/* v at tau inside a LIVE step: beta(tau) in closed form, then the quartic
 * restricted to [0, beta(tau)] (its coefficients scaled by r^k, r = beta / B)
 * against the exponential. 1 - e^(-x) by em1, so that beta keeps its relative
 * accuracy in short steps. */
static inline __attribute__((always_inline)) void
live_body(const cpar *q, const double *c, double tau, double *out)
{
  double fE, fI, beta = live_beta(q, c, tau, &fE, &fI);
  double r = beta / c[8], r2 = r * r, ps0;
  v4d pk;
  double em = psi(beta, &ps0, &pk);
  v4d a = (v4d){c[4], c[5], c[6], c[7]} * (v4d){r, r2, r2 * r, r2 * r2} * pk;
  double ak[4] = {a[0], a[1], a[2], a[3]};
  live_state(c, em, ps0, ak, fE, fI, out);
}

static __attribute__((noinline)) void
live_generic(const cpar *q, const double *c, double tau, double *out)
{
  live_lanes(q, c, tau, out);
}

#ifdef EXPINT_AVX2
static __attribute__((noinline)) EXPINT_AVX2 void
live_avx2(const cpar *q, const double *c, double tau, double *out)
{
  live_body(q, c, tau, out);
}
#endif

static void live_eval(const cpar *q, const double *c, double tau, double *out)
{
#ifdef EXPINT_AVX2
  if (use_avx2) {
    live_avx2(q, c, tau, out);
    return;
  }
#endif
  live_generic(q, c, tau, out);
}

#endif
