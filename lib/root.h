/* Internal: the root finder shared by the generic solver loop (solver.c) and the
 * Taylor event kernel (taylor_kernel_body.h), so both locate threshold crossings
 * and maxima with the same arithmetic. */
#ifndef EMBER_ROOT_H
#define EMBER_ROOT_H

#include <math.h>

/* g(tau) of the caller's step: the spike variable minus threshold (which = 0) or its
 * slope (which = 1), at offset tau from the step start. */
typedef double (*root_probe)(void *ctx, double tau, int which);

/* Finds tau in (lo, hi] where g goes from < 0 to >= 0 (sign = +1) or from > 0 to
 * <= 0 (sign = -1), to within tol; returns the right end of the final bracket.
 * Illinois' variant of regula falsi, with each trial point kept at least tol/2
 * inside the bracket so the bracket always shrinks. Crossings are rare (one per
 * spike), so the indirect call costs nothing measurable. */
static inline double root_locate(root_probe g, void *ctx, double lo, double glo, double hi,
                                 double ghi, int which, double sign, double tol)
{
  int last = 0;
  glo *= sign;
  ghi *= sign;
  for (int it = 0; it < 200 && hi - lo > tol; it++) {
    double x = (ghi - glo) > 0 ? lo - glo * (hi - lo) / (ghi - glo) : 0.5 * (lo + hi);
    x = fmin(fmax(x, lo + 0.5 * tol), hi - 0.5 * tol);
    double gx = sign * g(ctx, x, which);
    if (gx >= 0) {
      hi = x, ghi = gx;
      if (last == 1)
        glo *= 0.5;
      last = 1;
    } else {
      lo = x, glo = gx;
      if (last == -1)
        ghi *= 0.5;
      last = -1;
    }
  }
  return hi;
}

#endif
