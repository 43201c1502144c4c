/* The parts the leaky integrate-and-fire models share (see lif_common.h). */
#include <stdio.h>
#include "lif_common.h"

ember_status lif_prepare(double *p, size_t n_params, char *msg, size_t len)
{
  if (!(p[LIF_V_RESET] < p[LIF_V_THRESH])) {
    snprintf(msg, len, "v_reset (%g mV) must be below v_thresh (%g mV)", p[LIF_V_RESET],
             p[LIF_V_THRESH]);
    return EMBER_ERR_INVALID;
  }
  double *d = p + n_params;   /* reciprocals, so the right-hand sides multiply */
  d[LIF_INV_TAU_M] = 1.0 / p[LIF_TAU_M];
  d[LIF_INV_CM] = 1.0 / p[LIF_CM];
  d[LIF_INV_TAU_E] = 1.0 / p[LIF_TAU_SYN_E];
  d[LIF_INV_TAU_I] = 1.0 / p[LIF_TAU_SYN_I];
  return EMBER_OK;
}

double lif_threshold(const double *p) { return p[LIF_V_THRESH]; }
double lif_refractory_period(const double *p) { return p[LIF_TAU_REFRAC]; }
void lif_reset(double y[], const ember_neuron_ctx *ctx) { y[0] = ctx->p[LIF_V_RESET]; }
