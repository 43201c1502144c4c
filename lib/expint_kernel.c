/* Solver "expint" for lif_cond_exp (see expint_kernel.h).
 *
 * The neuron's open step is [ta, tb]: its description c (the neuron's y_prev,
 * from its second double on) and the state y at tb. c[0 .. 3) is the state at
 * ta; c[-1] (KIND) says what the rest holds:
 *   LIVE   c[3 .. 8) the quartic's coefficients a_0 .. a_4 in theta = beta / B,
 *          c[8] = B = beta(tb - ta);
 *   REFR   nothing: v is clamped, the conductances decay;
 *   TAYLOR c[3 k + i], k <= K: the Taylor coefficients (negative conductances);
 *   LAZY   nothing yet: a step proved free of threshold crossings but not
 *          computed, and y is not its end state (see take_step);
 *   DONE   (after a LAZY step was cut) y holds the state where it was cut.
 * ta == tb means there is no step: y alone is the state. */
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "expint_kernel.h"
#include "models/lif_cond_exp.h"
#include "root.h"

extern const ember_model ember_lif_cond_exp;

enum { LIVE = 0, REFR = 1, TAYLOR = 2, LAZY = 3, DONE = 4 };
#define NDEG 4   /* degree of the interpolant of v_inf */

int expint_supports(const ember_model *m) { return m == &ember_lif_cond_exp; }

/* The kind, then at most K + 1 blocks (TAYLOR): 3 K + 4 doubles of 3 K + 6. */
size_t expint_pending(size_t K) { return K + 2; }

/* The kind of the open step sits just before its start state, in the same
 * cache line (a neuron visit reads both). */
#define KIND(c) ((c)[-1])

static inline double dmax(double a, double b) { return a > b ? a : b; }
static inline double dmin(double a, double b) { return a < b ? a : b; }

/* The parameters a step needs, from the neuron's. */
typedef struct cpar {
  double itm, icm, ie, ii, te, ti;   /* 1/tau_m, 1/cm, 1/tau_E, 1/tau_I, tau_E, tau_I */
  double c0, cE, cI;                 /* b v_inf = c0 + cE g_e + cI g_i */
} cpar;

static inline cpar cpar_of(const ember_neuron_ctx *ctx)
{
  const double *p = ctx->p;
  cpar q;
  q.itm = p[CE_INV_TAU_M];
  q.icm = p[CE_INV_CM];
  q.ie = p[CE_INV_TAU_E];
  q.ii = p[CE_INV_TAU_I];
  q.te = p[LIF_TAU_SYN_E];
  q.ti = p[LIF_TAU_SYN_I];
  q.c0 = p[LIF_V_REST] * q.itm + (p[LIF_I_OFFSET] + ctx->i_ext) * q.icm;
  q.cE = p[CE_E_REV_E] * q.icm;
  q.cI = p[CE_E_REV_I] * q.icm;
  return q;
}

static inline double vinf_of(const cpar *q, double ge, double gi)
{
  return (q->c0 + q->cE * ge + q->cI * gi) / (q->itm + q->icm * (ge + gi));
}

/* e^x - 1. The exponentials of a step's nodes (a quarter of a step, at most
 * max_step / (4 tau_syn): 1/20 at the defaults and COBA's 5 ms) and most of
 * those inside a step have |x| < 1/4: there the series, cut where the first
 * term left out is below 1e-17 relative (to x^9 below 1/16, to x^13 below
 * 1/4), within 3.3e-16 relative in all (libm: 1.4e-16); libm's expm1
 * elsewhere. By Estrin's scheme, because a Horner chain is as long in latency
 * as libm's whole call (measured: fewer instructions, no faster). */
static inline double em1(double x)
{
  static const double c[14] = {   /* 1 / k! */
    0, 1.0, 1.0 / 2, 1.0 / 6, 1.0 / 24, 1.0 / 120, 1.0 / 720, 1.0 / 5040, 1.0 / 40320,
    1.0 / 362880, 1.0 / 3628800, 1.0 / 39916800, 1.0 / 479001600, 1.0 / 6227020800.0,
  };
  double ax = fabs(x);
  double x2 = x * x, x4 = x2 * x2, x8 = x4 * x4;
  double p1 = c[1] + c[2] * x, p3 = c[3] + c[4] * x, p5 = c[5] + c[6] * x,
         p7 = c[7] + c[8] * x;
  double q1 = p1 + p3 * x2, q5 = p5 + p7 * x2;
  if (ax < 0.0625)
    return x * ((q1 + q5 * x4) + c[9] * x8);
  if (!(ax < 0.25))
    return expm1(x);
  double p9 = c[9] + c[10] * x, p11 = c[11] + c[12] * x;
  double q9 = p9 + p11 * x2 + c[13] * x4;
  return x * ((q1 + q5 * x4) + q9 * x8);
}

/* dE = 1 - e^(-s / tau_E) and dI = 1 - e^(-s / tau_I), one exponential when
 * one time constant is twice the other (COBA: 5 and 10 ms), as
 * 1 - e^(-2y) = d (2 - d) with d = 1 - e^(-y), which keeps its relative
 * accuracy for small d. */
static inline void decays(const double *ie, const double *ii, double s, double *dE, double *dI)
{
  if (*ii == *ie) {
    *dE = *dI = -em1(-s * *ie);
  } else if (*ie == 2.0 * *ii) {
    double d = -em1(-s * *ii);
    *dI = d;
    *dE = d * (2.0 - d);
  } else if (*ii == 2.0 * *ie) {
    double d = -em1(-s * *ie);
    *dE = d;
    *dI = d * (2.0 - d);
  } else {
    *dE = -em1(-s * *ie);
    *dI = -em1(-s * *ii);
  }
}

#include "expint_fit.h"

/* The tolerance of a step of length h from v0 with slope dv (half of it, as
 * the Taylor kernel's). */
static inline double half_tol(double atol, double rtol, double v0, double dv, double h)
{
  return 0.5 * (atol + rtol * (fabs(v0) + fabs(dv) * h));
}

static inline double slope0(const cpar *q, const double *st, double vinf0)
{
  return (q->itm + q->icm * (st[CE_GE] + st[CE_GI])) * (vinf0 - st[CE_V]);
}

/* The state at tau of a LAZY step from st: steps of the same control as
 * take_step's, none longer than hmax, the first one as long as it may be. */
static void lazy_eval(const cpar *q, double atol, double rtol, double hmax, const double *st,
                      double tau, double *out)
{
  double s[CE_N_STATE], y[CE_N_STATE], co[6], done = 0, h = dmin(tau, hmax);
  nodes nd;
  memcpy(s, st, sizeof s);
  for (;;) {
    double rem = tau - done;
    h = dmin(h, rem);
    double e = fit(q, s, h, co, y, &nd);
    double r = e / half_tol(atol, rtol, s[CE_V], slope0(q, s, nd.vinf[0]), h);
    if (r > 1 && h > 16 * DBL_EPSILON * dmax(1.0, tau)) {
      h *= 0.9 / sqrt(sqrt(r));
      continue;
    }
    memcpy(s, y, sizeof s);
    if (h == rem)
      break;
    done += h;
    h = dmin(2 * h, hmax);
  }
  memcpy(out, s, sizeof s);
}

/* A refractory stretch of length s from st: v clamped, the conductances decay
 * exactly (one exponential when one time constant is twice the other). */
static inline void refr_eval(double ie, double ii, const double *st, double s, double *out)
{
  double dE, dI;
  decays(&ie, &ii, s, &dE, &dI);
  out[CE_V] = st[CE_V];
  out[CE_GE] = st[CE_GE] - st[CE_GE] * dE;
  out[CE_GI] = st[CE_GI] - st[CE_GI] * dI;
}

void expint_eval(const ember_neuron_ctx *ctx, const double *pending, size_t K, double atol,
                 double rtol, double hmax, double tau, double *out)
{
  const double *c = pending + 1;
  if (tau <= 0.0) {
    memcpy(out, c, CE_N_STATE * sizeof *out);
    return;
  }
  cpar q = cpar_of(ctx);
  switch ((int)KIND(c)) {
  case LIVE:
    live_eval(&q, c, tau, out);
    break;
  case LAZY:
    lazy_eval(&q, atol, rtol, hmax, c, tau, out);
    break;
  case REFR:
    refr_eval(q.ie, q.ii, c, tau, out);
    break;
  default:
    taylor_eval(c, CE_N_STATE, K, tau, out);
  }
}

int expint_lazy(const double *pending) { return pending[0] == LAZY; }

/* ------------------------------------------------------------ the kernel --- */

typedef struct kern {
  taylor *T;
  const ember_model *m;
  size_t K, sv;
  double hmax, root_tol, th;
  int spiking, resets;
  neuron_job *j;
  double *y, *c, *tmp, *f;
  double ta, tb, end;
  cpar q;                  /* of the current step (c0 changes with i_ext at events) */
  nodes nd;                /* of the last LIVE step */
} kern;

#define KN CE_N_STATE
#define KSFX(f) f##_ei

static ember_status fail_step(kern *k, int st, double t, char *msg, size_t len)
{
  snprintf(msg, len, "population '%s' neuron %u: solver expint failed at t = %.9g ms: %s",
           k->j->label, k->j->id, t, st < 0 ? "step size underflow" : "model error");
  return EMBER_ERR_SOLVER;
}

static ember_status check_finite(kern *k, char *msg, size_t len)
{
  size_t i = 0;
  while (i < KN && isfinite(k->y[i]))
    i++;
  if (i == KN)
    return EMBER_OK;
  snprintf(msg, len, "population '%s' neuron %u: state variable '%s' became %g in the step "
           "from t = %.9g ms (last finite state) to t = %.9g ms", k->j->label, k->j->id,
           k->m->state[i].name, k->y[i], k->ta, k->tb);
  return EMBER_ERR_NONFINITE;
}

static void KSFX(eval_at)(const kern *k, double tau, double *out)
{
  if (tau <= 0.0) {
    memcpy(out, k->c, KN * sizeof *out);
    return;
  }
  int lazy = KIND(k->c) == LAZY;
  if (tau >= k->tb - k->ta && !lazy) {
    memcpy(out, k->y, KN * sizeof *out);
    return;
  }
  expint_eval(&k->j->ctx, k->c - 1, k->K, k->T->atol, k->T->rtol, k->hmax, dmin(tau, k->tb - k->ta),
              out);
  if (lazy && out == k->y)   /* cut: y is now the state there (collapse follows) */
    KIND(k->c) = DONE;
}

/* Before the loop takes y as the state at tb: a LAZY step's end is computed
 * only now. */
static void KSFX(sync)(kern *k)
{
  if (KIND(k->c) == LAZY && k->tb > k->ta) {
    KSFX(eval_at)(k, k->tb - k->ta, k->y);
    KIND(k->c) = DONE;
  }
}

/* Whether v stays below threshold over [0, H] from c: the bound of live_below
 * over the whole stretch, from the conductances at its ends. */
static int lazy_ok(kern *k, double H)
{
  const cpar *q = &k->q;
  const double *c = k->c;
  double *key = k->T->memo_key, *f = k->T->memo_f;
  if (!(key[0] == H && key[1] == q->ie && key[2] == q->ii)) {
    decays(&q->ie, &q->ii, H, &f[0], &f[1]);
    key[0] = H, key[1] = q->ie, key[2] = q->ii;
  }
  double fE = f[0], fI = f[1];
  double ge0 = c[CE_GE], gi0 = c[CE_GI], ge1 = ge0 - ge0 * fE, gi1 = gi0 - gi0 * fI;
  double S = dmax(dmax(vinf_of(q, ge0, gi0), vinf_of(q, ge1, gi1)),
                  dmax(vinf_of(q, ge0, gi1), vinf_of(q, ge1, gi0)));
  if (S < k->th)
    return 1;
  double B = q->itm * H + q->icm * (ge0 * q->te * fE + gi0 * q->ti * fI);
  return S + (c[CE_V] - S) * exp(-B) < k->th;
}

/* Whether v_inf stays below threshold from tb on, as long as no event comes:
 * then so does v, which starts below. With
 *   P = b (v_inf - th) = a g_e + b g_i + c,
 *   a = (e_rev_E - th) / cm >= 0, b = (e_rev_I - th) / cm <= 0,
 * P along the decay is a g_e0 e^(-t/tau_E) + b g_i0 e^(-t/tau_I) + c. When
 * tau_E <= tau_I its positive part decays no slower than its negative part, so
 * P' changes sign at most once, from - to +: no interior maximum, and the
 * supremum over t >= 0 is max(P(0), c). A recorded neuron keeps short LAZY
 * steps, since each frame evaluates its step from the start. */
static int lazy_forever(const kern *k)
{
  const cpar *q = &k->q;
  double ge = k->c[CE_GE], gi = k->c[CE_GI];
  double a = q->cE - k->th * q->icm, b = q->cI - k->th * q->icm, c = q->c0 - k->th * q->itm;
  if (k->j->n_samples || !(a >= 0 && b <= 0) || !(q->ie >= q->ii || ge == 0 || gi == 0))
    return 0;
  return c < 0 && a * ge + b * gi + c < 0 && k->c[CE_V] < k->th;
}

/* A LAZY step that v_inf proves free of crossings for good is left open this
 * many max_steps: a neuron without events is then visited rarely, and the cut
 * at its next event computes the stretch in steps of max_step. */
#define FAR_STEPS 64

/* Whether the step from tb that take_step would take towards lim (past the
 * segment's end) may be left LAZY, and up to where. */
static int lazy_until(kern *k, double lim, double *until)
{
  double t = k->tb;
  if (lazy_forever(k)) {
    *until = dmax(lim, t + FAR_STEPS * k->hmax);
    return 1;
  }
  *until = lim;
  return lazy_ok(k, lim - t);
}

static inline double live_step(kern *k, double h)
{
  return fit(&k->q, k->c, h, k->c + 3, k->y, &k->nd);
}

/* A Taylor step (negative conductances), as taylor_kernel_body.h's take_step. */
static int taylor_step(kern *k, double *hh)
{
  neuron_job *j = k->j;
  size_t K = k->K, n = KN;
  int st = k->m->taylor(k->y, K, k->c, &j->ctx);
  if (st)
    return st;
  for (;;) {
    double hk = pow(*hh, (double)K), q = 0;
    for (size_t i = 0; i < n; i++) {
      double tol = k->T->atol + k->T->rtol * (fabs(k->c[i]) + fabs(k->c[n + i]) * *hh);
      q = dmax(q, fabs(k->c[K * n + i]) * hk / (0.5 * tol));
    }
    if (!(q > 1) || !isfinite(q))
      break;
    *hh *= 0.9 / pow(q, 1.0 / (double)K);
    if (*hh <= 16 * DBL_EPSILON * dmax(1.0, fabs(k->tb)))
      return -1;
  }
  KIND(k->c) = TAYLOR;
  taylor_eval(k->c, CE_N_STATE, K, *hh, k->y);
  return 0;
}

/* One step from tb, ending at lim at the latest. LIVE steps start from the last
 * accepted length doubled (the error grows as about h^5: a rejected length h is
 * replaced by 0.9 h / ratio^(1/4) and tried again). */
static ember_status KSFX(take_step)(kern *k, double lim, char *msg, size_t len)
{
  neuron_job *j = k->j;
  KSFX(sync)(k);
  double t = k->tb, room = lim - t;
  k->ta = t;
  memcpy(k->c, k->y, KN * sizeof *k->c);
  double hh = dmin(room, dmin(2 * *j->h, k->hmax));
  if (j->ctx.refractory) {   /* v clamped, the conductances exact: one step */
    hh = room;
    KIND(k->c) = REFR;
    refr_eval(j->ctx.p[CE_INV_TAU_E], j->ctx.p[CE_INV_TAU_I], k->c, hh, k->y);
  } else if (!(k->c[CE_GE] >= 0 && k->c[CE_GI] >= 0)) {
    int st = taylor_step(k, &hh);
    if (st)
      return fail_step(k, st, t, msg, len);
    if (hh < room)
      *j->h = hh;
  } else {
    k->q = cpar_of(&j->ctx);
    /* A step past the segment's end (the last of an interval) is mostly cut
     * back by the next event: when the bound proves it free of crossings it is
     * left LAZY, and the cut computes the state at the event directly. */
    double until;
    if (lim > k->end && lazy_until(k, lim, &until)) {
      KIND(k->c) = LAZY;
      k->tb = until;
      return EMBER_OK;
    }
    double v0 = k->c[CE_V], atol = k->T->atol, rtol = k->T->rtol;
    for (;;) {
      double e = live_step(k, hh);
      double r = e / half_tol(atol, rtol, v0, slope0(&k->q, k->c, k->nd.vinf[0]), hh);
      if (!(r > 1))
        break;
      hh *= 0.9 / sqrt(sqrt(r));
      if (hh <= 16 * DBL_EPSILON * dmax(1.0, fabs(t)))
        return fail_step(k, -1, t, msg, len);
    }
    KIND(k->c) = LIVE;
    if (hh < room)
      *j->h = hh;
  }
  k->tb = hh == room ? lim : t + hh;
  return check_finite(k, msg, len);
}

/* g at ta + tau: v minus threshold (which = 0) or its slope. */
static double probe_ei(void *kv, double tau, int which)
{
  kern *k = kv;
  KSFX(eval_at)(k, tau, k->tmp);
  if (which == 0)
    return k->tmp[k->sv] - k->th;
  k->m->rhs(k->ta + tau, k->tmp, k->f, &k->j->ctx);
  return k->f[k->sv];
}

/* The largest v_inf over a stretch where the conductances go from (ea, ia) to
 * (eb, ib): v_inf is linear-fractional in (g_e, g_i) with a positive
 * denominator, and the conductances are monotone, so the supremum is at a
 * corner of the box they sweep. */
static inline double vinf_sup(const cpar *q, double va, double vb, double ea, double ia,
                              double eb, double ib)
{
  return dmax(dmax(va, vb), dmax(vinf_of(q, ea, ib), vinf_of(q, eb, ia)));
}

/* Whether v stays below threshold on the LIVE step just taken, proved rather
 * than estimated. dv/dbeta = v_inf - v with v_inf <= S on a stretch gives
 * v(beta) <= S + (v(beta_0) - S) e^(-(beta - beta_0)): a bound that rises
 * monotonically towards S. First S over the whole step, then, if that is not
 * enough, the bound carried through the four quarters with each its own S (the
 * membrane lags v_inf, so v_inf may touch threshold while v cannot). */
static int live_below(const kern *k)
{
  const cpar *q = &k->q;
  const double *ge = k->nd.ge, *gi = k->nd.gi, *vi = k->nd.vinf, *beta = k->nd.beta;
  double v0 = k->c[CE_V];
  double S = vinf_sup(q, vi[0], vi[4], ge[0], gi[0], ge[4], gi[4]);
  if (S + (v0 - S) * k->nd.em < k->th)
    return 1;
  double u = v0;
#pragma GCC unroll 4
  for (int n = 0; n < 4; n++) {
    S = vinf_sup(q, vi[n], vi[n + 1], ge[n], gi[n], ge[n + 1], gi[n + 1]);
    u = S + (u - S) * exp(beta[n] - beta[n + 1]);
    if (!(u < k->th))
      return 0;
  }
  return 1;
}

/* How closely a crossing past the segment's end is bracketed (ms): the step
 * then ends at most this much before it. */
#define AHEAD_TOL 1e-3

/* The step's crossing lies past the segment's end, in (te, len]. Cut back to
 * the end, the neuron would be visited in every interval up to the crossing,
 * each time with a new step and a new look (in COBA five visits per spike).
 * Instead the step is shortened to end just before the crossing, below
 * threshold: the neuron is visited next in the interval where it ends (a new
 * step from there finds and fires the crossing) or at an event before. Returns
 * -1 (no crossing in the shortened step), or len when the crossing was not
 * bracketed closely enough from below (the step is then cut back to the end). */
static double ahead_ei(kern *k, double te, double ge, double len, double gb)
{
  double tol = dmax(k->root_tol, AHEAD_TOL);
  double lo = root_locate(probe_ei, k, te, ge, len, gb, 0, 1, tol) - tol;
  if (!(lo > te))
    return len;
  KSFX(eval_at)(k, lo, k->tmp);
  if (!(k->tmp[k->sv] < k->th) || !isfinite(k->tmp[k->sv]))
    return len;
  memcpy(k->y, k->tmp, KN * sizeof *k->y);
  k->tb = k->ta + lo;
  return -1;
}

/* Offset of an upward threshold crossing inside [ta, tb], or -1. */
static double KSFX(find_crossing)(kern *k)
{
  double len = k->tb - k->ta;
  double ga = k->c[CE_V] - k->th, gb = k->y[CE_V] - k->th;
  if (!(ga < 0))
    return -1;
  if (gb >= 0) {
    /* A crossing after the segment's end is not fired now (the next interval's
     * events may come first): one look at the end tells, then ahead_ei. */
    double te = k->end - k->ta;
    if (te < len) {
      double ge = probe_ei(k, te, 0);
      if (ge < 0)
        return ahead_ei(k, te, ge, len, gb);
      gb = ge;
      len = te;
    }
    return root_locate(probe_ei, k, 0, ga, len, gb, 0, 1, k->root_tol);
  }
  int kind = (int)KIND(k->c);
  if (kind == REFR || kind == LAZY)
    return -1;
  if (kind == LIVE && live_below(k))
    return -1;
  if (kind == TAYLOR) {
    double bound = 0, pw = 1;
    for (size_t i = 1; i <= k->K; i++) {
      pw *= len;
      bound += fabs(k->c[i * KN + CE_V]) * pw;
    }
    if (ga + bound < 0)
      return -1;
  }
  double db = probe_ei(k, len, 1);
  if (!(db < 0))
    return -1;
  double da = probe_ei(k, 0, 1);
  if (!(da > 0))
    return -1;
  double tmax = root_locate(probe_ei, k, 0, da, len, db, 1, -1, dmax(k->root_tol, 1e-4 * len));
  double gmax = probe_ei(k, tmax, 0);
  return gmax >= 0 ? root_locate(probe_ei, k, 0, ga, tmax, gmax, 0, 1, k->root_tol) : -1;
}

#define KSYNC(k) KSFX(sync)(k)
#include "event_loop_body.h"

/* ------------------------------------------------------- the usual job --- */

/* Most jobs in a network are the same: a neuron neither refractory nor
 * recorded, whose open step is a LAZY one that reaches past its first event,
 * with one or two events, each reached by one fit, and a LAZY step again at
 * the end. quick_run does for them exactly what run_ei does (the same calls in
 * the same order, so the same bits), without the general loop's bookkeeping,
 * and hands over to run_from as soon as anything else comes up (a step
 * take_step would shorten, a possible crossing, a spike, a non-finite state),
 * in the state the general loop has at that point. */
#define QUICK_DONE ((size_t)-1)
#define QUICK_NONE ((size_t)-2)   /* not started: run_ei does the whole job */

/* The state at tb after the event loop's level check: ta == tb, c == y. */
static inline void settle_at_tb(kern *k)
{
  k->ta = k->tb;
  memcpy(k->c, k->y, KN * sizeof *k->c);
}

/* segment(t, t) from the settled state when take_step takes the whole stretch
 * as one LIVE step and find_crossing proves it free of crossings (live_below);
 * otherwise 0, with the state left as it was. */
static int quick_step(kern *k, double t)
{
  double room = t - k->tb, v0 = k->y[CE_V];
  if (KSFX(negligible)(k->tb, t) || !(room <= dmin(2 * *k->j->h, k->hmax)) ||
      !(k->y[CE_GE] >= 0 && k->y[CE_GI] >= 0))
    return 0;
  k->end = t;
  k->q = cpar_of(&k->j->ctx);
  double e = live_step(k, room);
  double r = e / half_tol(k->T->atol, k->T->rtol, v0, slope0(&k->q, k->c, k->nd.vinf[0]), room);
  int fine = r <= 1 && isfinite(k->y[CE_V]) && isfinite(k->y[CE_GE]) && isfinite(k->y[CE_GI]);
  if (fine && v0 < k->th)   /* find_crossing looks only from below threshold */
    fine = k->y[CE_V] < k->th && live_below(k);
  if (!fine) {
    memcpy(k->y, k->c, KN * sizeof *k->y);
    return 0;
  }
  KIND(k->c) = LIVE;
  k->tb = t;
  return 1;
}

/* integrate(t1, overshoot) from the settled state when take_step leaves its
 * first step LAZY; otherwise 0, the state as it was. */
static int quick_lazy(kern *k, double t1)
{
  double lim = dmax(t1, k->tb + k->hmax);
  if (KSFX(negligible)(k->tb, t1) || !(lim > t1) ||
      !(k->y[CE_GE] >= 0 && k->y[CE_GI] >= 0))
    return 0;
  k->end = t1;
  k->q = cpar_of(&k->j->ctx);
  double until;
  if (!lazy_until(k, lim, &until))
    return 0;
  KIND(k->c) = LAZY;
  k->tb = until;
  return 1;
}

/* The events from e on that arrive by tb, then the level check; 1 if it fired. */
static int quick_events(kern *k, size_t *e, spike_buf *sink)
{
  neuron_job *j = k->j;
  for (; *e < j->n_ev && j->ev[*e].t <= k->tb; (*e)++)
    neuron_event(j, k->m, k->y, &j->ev[*e]);
  settle_at_tb(k);   /* level_check, with nothing to synchronise */
  if (k->y[CE_V] >= k->th) {
    KSFX(fire)(k, k->tb, sink);
    return 1;
  }
  return 0;
}

/* A refractory neuron whose refractory period outlasts the interval: its
 * events only add to the conductances (cuts of its REFR step, which reaches
 * the period's end), then one REFR step from the last event to the period's
 * end, as run_ei does. Returns as quick_run. */
static size_t quick_refr(kern *k, double t0, double t1)
{
  neuron_job *j = k->j;
  size_t n = j->n_ev, e = 0;
  double ru = *j->refr_until, ie = j->ctx.p[CE_INV_TAU_E], ii = j->ctx.p[CE_INV_TAU_I];
  if (!n || !(t1 < ru) || KIND(k->c) != REFR || !(k->tb >= ru) || !(dmax(j->ev[0].t, t0) > k->ta))
    return QUICK_NONE;
  while (e < n) {
    /* the first event cuts the step; a later one ends a step from the one
     * before, which the segment collapses when it is within rounding */
    double stop = dmax(j->ev[e].t, t0);
    if (!e || !KSFX(negligible)(k->tb, stop))
      refr_eval(ie, ii, k->c, stop - k->ta, k->y);
    k->tb = stop;
    settle_at_tb(k);
    for (; e < n && j->ev[e].t <= k->tb; e++)
      neuron_event(j, k->m, k->y, &j->ev[e]);
    settle_at_tb(k);   /* level_check: refractory, so only the collapse */
  }
  if (KSFX(negligible)(k->tb, t1))
    return n;
  refr_eval(ie, ii, k->c, ru - k->tb, k->y);
  if (!(isfinite(k->y[CE_GE]) && isfinite(k->y[CE_GI]))) {
    memcpy(k->y, k->c, KN * sizeof *k->y);
    return n;
  }
  KIND(k->c) = REFR;
  k->tb = ru;
  return QUICK_DONE;
}

/* Returns QUICK_DONE when the job is done, or the event run_from goes on from;
 * QUICK_NONE when it did not start. Only from a
 * LAZY step: a neuron with a LIVE step or a settled one is near threshold
 * (its bound failed, or a crossing lay just past the last interval), where the
 * short path mostly fails and repeats the general loop's step (measured). */
static size_t quick_run(kern *k, double t0, double t1, spike_buf *sink)
{
  neuron_job *j = k->j;
  size_t n = j->n_ev, e = 0;
  if (j->ctx.refractory && !j->n_samples)
    return quick_refr(k, t0, t1);
  if (j->ctx.refractory || j->n_samples || !(k->tb > k->ta) || KIND(k->c) != LAZY)
    return QUICK_NONE;
  double stop = n ? dmax(j->ev[0].t, t0) : t1;
  if (!(stop > k->ta) || (!n && !(k->tb < t1)))
    return QUICK_NONE;
  if (stop < k->tb) {
    /* cut: eval_at's expint_eval, then the collapse (nothing to synchronise) */
    k->q = cpar_of(&j->ctx);
    lazy_eval(&k->q, k->T->atol, k->T->rtol, k->hmax, k->c, stop - k->ta, k->y);
    KIND(k->c) = DONE;
    k->tb = stop;
    settle_at_tb(k);
  } else {
    KSFX(sync)(k);   /* the LAZY step ends first: its end, as take_step starts */
    settle_at_tb(k);
    if (n && stop > k->tb && !quick_step(k, stop))
      return 0;
  }
  while (e < n) {
    if (quick_events(k, &e, sink))
      return e;
    if (e == n)
      break;
    stop = dmax(j->ev[e].t, t0);
    if (stop > k->tb && !quick_step(k, stop))
      return e;
  }
  return k->tb < t1 && !quick_lazy(k, t1) ? n : QUICK_DONE;
}

ember_status expint_advance(taylor *T, const ember_model *m, double hmax, double root_tol,
                            double *scratch, neuron_job *job, double t0, double t1,
                            spike_buf *sink, char *msg, size_t msglen)
{
  kern k;   /* field by field: the node arrays need no clearing */
  k.T = T; k.m = m; k.K = T->order; k.sv = m->spike_var;
  k.hmax = hmax; k.root_tol = root_tol; k.th = m->threshold(job->ctx.p);
  k.spiking = 1; k.resets = 1;
  k.j = job; k.y = job->y; k.c = job->y_prev + 1; k.tmp = scratch; k.f = scratch + m->n_state;
  k.ta = *job->t_prev; k.tb = *job->t_cur; k.end = k.tb;
  if (k.ta == k.tb)   /* the state may have been set between runs */
    memcpy(k.c, k.y, KN * sizeof *k.c);
  job->ctx.refractory = k.ta < *job->refr_until;
  size_t e = quick_run(&k, t0, t1, sink);
  ember_status st = EMBER_OK;
  if (e == QUICK_NONE)
    st = run_ei(&k, t0, t1, sink, msg, msglen);
  else if (e != QUICK_DONE)
    st = run_from_ei(&k, e, t0, t1, sink, msg, msglen);
  if (st)
    return st;
  *job->t_prev = k.ta;
  *job->t_cur = k.tb;
  return EMBER_OK;
}
