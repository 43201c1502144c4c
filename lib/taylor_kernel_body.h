/* The body of the Taylor event loop (taylor_kernel.c), included once per
 * specialisation: KN and KK are the dimension and the order (constants for the
 * common models and tolerances, so that every loop over them is unrolled, or
 * k->n and k->K), KSFX(name) names this copy's functions. */
/* One component of the polynomial at offset tau. */
static inline double KSFX(horner)(const double *c, size_t n, size_t K, size_t i, double tau)
{
  double s = c[K * n + i];
#pragma GCC unroll 12
  for (size_t k = K; k-- > 0;)
    s = s * tau + c[k * n + i];
  return s;
}

/* Every component at offset tau (the same operations as horner, so the same
 * bits); for 3 components, their chains side by side in registers. */
static inline void KSFX(poly_eval)(const double *c, size_t n, size_t K, double tau, double *out)
{
  if (n != 3) {
    for (size_t i = 0; i < n; i++)
      out[i] = KSFX(horner)(c, n, K, i, tau);
    return;
  }
  double a = c[K * 3], b = c[K * 3 + 1], d = c[K * 3 + 2];
  for (size_t k = K; k-- > 0;) {
    a = a * tau + c[k * 3];
    b = b * tau + c[k * 3 + 1];
    d = d * tau + c[k * 3 + 2];
  }
  out[0] = a;
  out[1] = b;
  out[2] = d;
}

/* The state at ta + tau of the open step, into out (as solver.c's eval_at). */
static void KSFX(eval_at)(const kern *k, double tau, double *out)
{
  if (tau <= 0.0) {
    memcpy(out, k->c, KN * sizeof *out);
    return;
  }
  if (tau >= k->tb - k->ta) {
    memcpy(out, k->y, KN * sizeof *out);
    return;
  }
  KSFX(poly_eval)(k->c, KN, KK, tau, out);
}

/* g at ta + tau: the spike variable minus threshold (which = 0) or its slope. */
static double KSFX(probe_g)(kern *k, double tau, int which)
{
  if (which == 0) {
    double v = tau <= 0.0 ? k->c[k->sv]
             : tau >= k->tb - k->ta ? k->y[k->sv]
             : KSFX(horner)(k->c, KN, KK, k->sv, tau);
    return v - k->th;
  }
  KSFX(eval_at)(k, tau, k->tmp);
  k->m->rhs(k->ta + tau, k->tmp, k->f, &k->j->ctx);
  return k->f[k->sv];
}

static double KSFX(probe_cb)(void *k, double tau, int which)
{
  return KSFX(probe_g)(k, tau, which);
}

/* Illinois regula falsi (root.h), shared with solver.c. */
static double KSFX(locate)(kern *k, double lo, double glo, double hi, double ghi, int which,
                           double sign, double tol)
{
  return root_locate(KSFX(probe_cb), k, lo, glo, hi, ghi, which, sign, tol);
}

/* Offset of an upward threshold crossing inside [ta, tb], or -1. */
static double KSFX(find_crossing)(kern *k)
{
  double len = k->tb - k->ta;
  double ga = k->c[k->sv] - k->th, gb = k->y[k->sv] - k->th;
  if (!(ga < 0))
    return -1;
  if (gb >= 0)
    return KSFX(locate)(k, 0, ga, len, gb, 0, 1, k->root_tol);
  /* v(tau) <= v(0) + sum_k |c_k| len^k on the step: when even that stays below
   * the threshold there is no maximum above it (most steps end here). */
  double bound = 0, pw = 1;
#pragma GCC unroll 12
  for (size_t q = 1; q <= KK; q++) {
    pw *= len;
    bound += fabs(k->c[q * KN + k->sv]) * pw;
  }
  if (ga + bound < 0)
    return -1;
  k->m->rhs(k->tb, k->y, k->f, &k->j->ctx);
  double db = k->f[k->sv];
  if (!(db < 0))
    return -1;
  k->m->rhs(k->ta, k->c, k->f, &k->j->ctx);
  double da = k->f[k->sv];
  if (!(da > 0))
    return -1;
  double tmax = KSFX(locate)(k, 0, da, len, db, 1, -1, dmax(k->root_tol, 1e-4 * len));
  double gmax = KSFX(probe_g)(k, tmax, 0);
  return gmax >= 0 ? KSFX(locate)(k, 0, ga, tmax, gmax, 0, 1, k->root_tol) : -1;
}

/* The error estimate of a step of length h over the tolerance (<= 1: within
 * it): per component, the last term of the series, |c_K| h^K, against
 * (atol + rtol (|y(0)| + |y'(0)| h)) / 2. The last term over-estimates the error
 * of the order-K polynomial (the first term left out, c_(K+1) h^(K+1), is
 * smaller by about h / (K tau) for a time constant tau); taylor.c's estimate,
 * the last two terms, was stricter still, by h^(K-1) against h^K, and made steps
 * shorter for no measurable gain (docs/engine.md: accuracy). -1 if the estimate
 * is not finite (the step is then taken and the non-finite state reported). */
static inline double KSFX(err_ratio)(const kern *k, double h)
{
  size_t n = KN, K = KK;
  const double *c = k->c;
  double hk = h;
#pragma GCC unroll 12
  for (size_t i = 1; i < K; i++)
    hk *= h;
  double q = 0;
#pragma GCC unroll 4
  for (size_t i = 0; i < n; i++) {
    double tol = k->T->atol + k->T->rtol * (fabs(c[i]) + fabs(c[n + i]) * h);
    double e = fabs(c[K * n + i]) * hk;
    if (!isfinite(e))
      return -1;
    double r = e / (0.5 * tol);
    q = r > q ? r : q;
  }
  return q;
}

/* q^(1/K), by square roots for K = 8. */
static inline double KSFX(root_k)(double q, size_t K)
{
  if (K == 8)
    return sqrt(sqrt(sqrt(q)));
  return pow(q, 1.0 / (double)K);
}

/* One step from tb, ending at lim at the latest: the coefficients at tb, the
 * step length (the next stop, or twice the last proposal, or what the estimate
 * allows: the error grows as h^K, so a rejected length h is replaced by
 * 0.9 h / ratio^(1/K) and checked again), the state at its end. */
static ember_status KSFX(take_step)(kern *k, double lim, char *msg, size_t len)
{
  neuron_job *j = k->j;
  double t = k->tb;
  k->ta = t;
  int st = k->m->taylor(k->y, KK, k->c, &j->ctx);
  if (st)
    return fail_step(k, st, t, msg, len);
  double room = lim - t, hh = dmin(room, dmin(2 * *j->h, k->hmax));
  for (;;) {
    double q = KSFX(err_ratio)(k, hh);
    if (!(q > 1) || !isfinite(q))
      break;
    hh *= 0.9 / KSFX(root_k)(q, KK);
    if (hh <= 16 * DBL_EPSILON * dmax(1.0, fabs(t)))
      return fail_step(k, -1, t, msg, len);
  }
  if (hh < room)
    *j->h = hh;
  KSFX(poly_eval)(k->c, KN, KK, hh, k->y);
  k->tb = hh == room ? lim : t + hh;
  for (size_t i = 0; i < KN; i++)
    if (!isfinite(k->y[i]))
      return fail_nonfinite(k, msg, len);
  return EMBER_OK;
}

#include "event_loop_body.h"
