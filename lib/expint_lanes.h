/* Internal, included once by expint_fit.h: the four lanes of a fit (and of
 * its dense output) for the generic build, as loops of four under OpenMP's simd
 * directive instead of four-double vectors. Without AVX, GCC keeps such vectors
 * in memory (each operation two SSE2 instructions between loads and stores: a
 * fit took 89 ns where main's scalar fit took 43); these loops run two lanes
 * per SSE2 instruction in registers (50 ns), and without OpenMP one at a time.
 * Every lane does the IEEE operations of the vector version in the same order
 * (no FMA, no reassociation), so both builds give the same bits
 * (tests/test_condexp.c checks it). The scalar rest is fit_tail, shared. */
#ifndef EMBER_EXPINT_LANES_H
#define EMBER_EXPINT_LANES_H

#ifdef _OPENMP
#define LANES _Pragma("omp simd") for (int l = 0; l < 4; l++)
#else
#define LANES for (int l = 0; l < 4; l++)
#endif

static const double node_n[4] = {1, 2, 3, 4};

/* em1v lane by lane. */
static inline __attribute__((always_inline)) void em1_lanes(const double xa[4], double out[4])
{
  const double *c = (const double *)em1_c;   /* lane 0 of each coefficient vector */
  LANES {
    double x = xa[l], x2 = x * x, x4 = x2 * x2, x8 = x4 * x4;
    double p1 = c[4] + c[8] * x, p3 = c[12] + c[16] * x, p5 = c[20] + c[24] * x,
           p7 = c[28] + c[32] * x;
    double q1 = p1 + p3 * x2, q5 = p5 + p7 * x2;
    double p9 = c[36] + c[40] * x, p11 = c[44] + c[48] * x;
    double q9 = p9 + p11 * x2 + c[52] * x4;
    out[l] = x * ((q1 + q5 * x4) + q9 * x8);
  }
}

/* node_decays lane by lane. */
static inline __attribute__((always_inline)) void node_decays_lanes(double r, double s, double f[4])
{
  double x = s * r, mx[4];
  if (__builtin_expect(4.0 * x < 0.25, 1)) {
    LANES mx[l] = -x * node_n[l];
    em1_lanes(mx, f);
    LANES f[l] = -f[l];
  } else {
    node_decays_far(x, f);
  }
}

/* node_decays2 lane by lane. */
static inline __attribute__((always_inline)) void node_decays2_lanes(double ie, double ii, double s,
                                                                     double fE[4], double fI[4])
{
  if (ii == ie) {
    node_decays_lanes(ie, s, fE);
    memcpy(fI, fE, 4 * sizeof *fI);
  } else if (ie == 2.0 * ii) {
    node_decays_lanes(ii, s, fI);
    LANES fE[l] = fI[l] * (2.0 - fI[l]);
  } else if (ii == 2.0 * ie) {
    node_decays_lanes(ie, s, fE);
    LANES fI[l] = fE[l] * (2.0 - fE[l]);
  } else {
    node_decays_lanes(ie, s, fE);
    node_decays_lanes(ii, s, fI);
  }
}

/* psi lane by lane. */
static inline __attribute__((always_inline)) double psi_lanes(double x, double *p0, double pk[4])
{
  if (__builtin_expect(!(x >= 0.0 && x < 4.0), 0))
    return psi_far(x, p0, pk);
  int j = (int)(2.0 * x);
  const double (*c)[4] = psi_taylor[j];
  double t = x - (0.5 * j + 0.25), t2 = t * t, t4 = t2 * t2, t8 = t4 * t4;
  LANES {
    double e0 = c[0][l] + c[1][l] * t, e1 = c[2][l] + c[3][l] * t, e2 = c[4][l] + c[5][l] * t,
           e3 = c[6][l] + c[7][l] * t, e4 = c[8][l] + c[9][l] * t, e5 = c[10][l] + c[11][l] * t;
    double f0 = e0 + e1 * t2, f1 = e2 + e3 * t2, f2 = e4 + e5 * t2;
    pk[l] = x * ((f0 + f1 * t4) + f2 * t8);
  }
  *p0 = x * (1.0 - pk[0]);
  return 1.0 - *p0;
}

/* fit_body lane by lane. */
static inline __attribute__((always_inline)) double
fit_lanes(const cpar *q, const double *st, double h, double *co, double *y, nodes *nd)
{
  double v0 = st[CE_V], ge0 = st[CE_GE], gi0 = st[CE_GI], s = 0.25 * h;
  double fE[4], fI[4], ge[4], gi[4], sp1[4], sp2[4];
  fit_mid m;
  node_decays2_lanes(q->ie, q->ii, s, fE, fI);
  double ae = q->icm * ge0 * q->te, ai = q->icm * gi0 * q->ti, ht = s * q->itm;
  double c0 = q->c0, cE = q->cE, cI = q->cI, itm = q->itm, icm = q->icm;
  LANES {
    ge[l] = ge0 - ge0 * fE[l];
    gi[l] = gi0 - gi0 * fI[l];
    m.b[l] = ht * node_n[l] + ae * fE[l] + ai * fI[l];
    m.vi[l] = (c0 + cE * ge[l] + cI * gi[l]) / (itm + icm * (ge[l] + gi[l]));
  }
  m.d0 = vinf_of(q, ge0, gi0);
  double b1 = m.b[0], b2 = m.b[1], b3 = m.b[2], B = m.b[3];
  sp1[0] = b1, sp1[1] = b2 - b1, sp1[2] = b3 - b2, sp1[3] = B - b3;
  sp2[0] = b2, sp2[1] = b3 - b1, sp2[2] = B - b2, sp2[3] = b3;
  LANES {
    m.r1[l] = B / sp1[l];
    m.r2[l] = B / sp2[l];
  }
  m.r41 = B / (B - b1);
  nd->beta[0] = 0, nd->ge[0] = ge0, nd->gi[0] = gi0, nd->vinf[0] = m.d0;
  memcpy(nd->beta + 1, m.b, sizeof m.b);
  memcpy(nd->ge + 1, ge, sizeof ge);
  memcpy(nd->gi + 1, gi, sizeof gi);
  memcpy(nd->vinf + 1, m.vi, sizeof m.vi);
  y[CE_GE] = ge[3];
  y[CE_GI] = gi[3];
  m.em = psi_lanes(B, &m.ps0, m.pk);
  return fit_tail(&m, v0, co, y, nd);
}

/* What both builds of live_body share: beta(tau) in closed form, with the
 * conductances' decay factors fE, fI ... */
static inline __attribute__((always_inline)) double
live_beta(const cpar *q, const double *c, double tau, double *fE, double *fI)
{
  decays(&q->ie, &q->ii, tau, fE, fI);
  return q->itm * tau + q->icm * (c[CE_GE] * q->te * *fE + c[CE_GI] * q->ti * *fI);
}

/* ... and the state at tau from the four scaled terms a[k] of the quartic. */
static inline __attribute__((always_inline)) void
live_state(const double *c, double em, double ps0, const double a[4], double fE, double fI,
           double *out)
{
  out[CE_V] = (c[CE_V] * em + c[3] * ps0) + ((a[0] + a[1]) + (a[2] + a[3]));
  out[CE_GE] = c[CE_GE] * (1.0 - fE);
  out[CE_GI] = c[CE_GI] * (1.0 - fI);
}

/* live_body lane by lane. */
static inline __attribute__((always_inline)) void
live_lanes(const cpar *q, const double *c, double tau, double *out)
{
  double fE, fI, beta = live_beta(q, c, tau, &fE, &fI);
  double r = beta / c[8], r2 = r * r, ps0, pk[4];
  double em = psi_lanes(beta, &ps0, pk);
  double rk[4] = {r, r2, r2 * r, r2 * r2}, a[4];
  LANES a[l] = c[4 + l] * rk[l] * pk[l];
  live_state(c, em, ps0, a, fE, fI, out);
}

#undef LANES
#endif
