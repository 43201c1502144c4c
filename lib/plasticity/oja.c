/* oja: Oja's rule, Hebbian growth normalised by the square of the output.
 *
 *   dw/dt = eta (x y - y^2 w)
 *
 * For a linear neuron y = sum_i w_i x_i it makes the weight vector converge to
 * the unit principal eigenvector of the input correlation matrix <x x^T>
 * (docs/plasticity_rate.md: when an LTC neuron is such a neuron). The weights
 * stay in [0, w_max] (ncps' weights are conductances), so the principal
 * eigenvector is reached when it has no negative component (always for inputs
 * x >= 0, by Perron-Frobenius).
 *
 *   name  default  unit         range  meaning
 *   eta   1e-3     1/(t y^2)    >= 0   learning rate
 *   (and the common rows: w_max, synapses, post, post_sigma, post_mu)
 *
 * Reference: Oja E (1982) A simplified neuron model as a principal component
 * analyzer. J Math Biol 15:267-273. */
#include "rate_common.h"

enum { N_PARAMS = EMBER_RATE_N_COMMON };

static const ember_param_info params[N_PARAMS] = {
  RATE_COMMON_PARAMS(1e-3, "1/(t y^2)"),
};

static double dw(const double *p, double x, double y, double w, const double *s)
{
  (void)s;
  return p[EMBER_RATE_ETA] * (x * y - y * y * w);
}

const ember_rate_rule ember_rate_oja = {
  .name = "oja",
  .doc = "Oja's rule: dw/dt = eta (x y - y^2 w) (Oja 1982)",
  .n_params = N_PARAMS, .params = params,
  .n_state = 0, .state = NULL,
  .prepare = NULL, .init = NULL, .dw = dw, .ds = NULL,
};
