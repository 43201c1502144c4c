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
