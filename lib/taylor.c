/* The Taylor series method with a priori step-size control (see taylor.h). */
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include "taylor.h"

#define TAYLOR_MIN_ORDER 4
#define TAYLOR_MAX_ORDER EMBER_TAYLOR_MAX_ORDER

const double ember_taylor_inverses[EMBER_TAYLOR_MAX_ORDER + 2] = {
  0, 1.0 / 1, 1.0 / 2, 1.0 / 3, 1.0 / 4, 1.0 / 5, 1.0 / 6, 1.0 / 7, 1.0 / 8, 1.0 / 9, 1.0 / 10,
  1.0 / 11, 1.0 / 12, 1.0 / 13, 1.0 / 14, 1.0 / 15, 1.0 / 16, 1.0 / 17, 1.0 / 18, 1.0 / 19,
  1.0 / 20, 1.0 / 21};
/* A step is accepted when the error estimate, which uses only the last two
 * terms of the series, is below this fraction of the tolerance. */
#define TAYLOR_SAFETY 0.5

size_t taylor_order(double abstol, double reltol)
{
  double tol = reltol > 0 ? fmin(abstol, reltol) : abstol;
  double k = ceil(-0.5 * log(tol)) + 1;
  if (!(k >= TAYLOR_MIN_ORDER))
    return TAYLOR_MIN_ORDER;
  return k > TAYLOR_MAX_ORDER ? TAYLOR_MAX_ORDER : (size_t)k;
}

taylor *taylor_new(size_t dim, size_t order, double atol, double rtol)
{
  taylor *T = calloc(1, sizeof *T);
  double *buf = calloc((order + 1) * dim, sizeof *buf);
  if (!T || !buf) {
    free(T);
    free(buf);
    return NULL;
  }
  *T = (taylor){.dim = dim, .order = order, .atol = atol, .rtol = rtol, .c = buf, .own = buf};
  return T;
}

void taylor_free(taylor *T)
{
  if (!T)
    return;
  free(T->own);
  free(T);
}

void taylor_eval(const double *c, size_t dim, size_t order, double tau, double *out)
{
  for (size_t i = 0; i < dim; i++) {
    double s = c[order * dim + i];
    for (size_t k = order; k-- > 0;)
      s = s * tau + c[k * dim + i];
    out[i] = s;
  }
}

/* The error estimate of a step of length h relative to the tolerance (<= 1 is
 * within it): per component, the last two terms of the series over
 * atol + rtol * (|y(0)| + |y'(0)| h), a cheap bound on
 * the size the component reaches in the step. Non-finite coefficients give a
 * non-finite estimate. */
static double tail_error(const taylor *T, double h)
{
  size_t n = T->dim, K = T->order;
  const double *c = T->c;
  double hk = 1, worst = 0;
  for (size_t k = 1; k < K; k++)
    hk *= h;
  for (size_t i = 0; i < n; i++) {
    double y0 = fabs(c[i]), tol = T->atol + T->rtol * (y0 + fabs(c[n + i]) * h);
    double e = (fabs(c[(K - 1) * n + i]) + fabs(c[K * n + i]) * h) * hk;
    worst = fmax(worst, e / tol);
    if (!isfinite(e))
      return e;
  }
  return worst;
}

int taylor_step(taylor *T, const ember_model *m, const ember_neuron_ctx *ctx, double *t,
                double end, double *h, double hmax, double *y)
{
  if (!T->valid) {
    int st = m->taylor(y, T->order, T->c, ctx);
    if (st)
      return st;
  }
  T->valid = 0;   /* after this step c describes the step, not the new point */
  /* Most steps end at the next event: try it, or twice the last proposal, and
   * halve until the estimate accepts (each try is a few multiplications; the
   * error falls by 2^(order-1) per halving, so one or two usually do). */
  double room = end - *t, hh = fmin(room, fmin(2 * *h, hmax));
  /* A non-finite coefficient means the state blows up: take the step, so the
   * caller sees the non-finite state and reports it. */
  double err;
  while ((err = tail_error(T, hh)) > TAYLOR_SAFETY && isfinite(err)) {
    hh *= 0.5;
    if (hh <= 16 * DBL_EPSILON * fmax(1.0, fabs(*t)))
      return -1;
  }
  if (hh < room)
    *h = hh;
  taylor_eval(T->c, T->dim, T->order, hh, y);
  *t = hh == room ? end : *t + hh;
  return 0;
}
