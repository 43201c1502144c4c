/* Internal: the layout of lif_cond_exp's state and parameters, shared by the
 * model (lif_cond_exp.c) and its exponential integrator (expint_kernel.c). */
#ifndef EMBER_LIF_COND_EXP_H
#define EMBER_LIF_COND_EXP_H

#include "lif_common.h"

enum { CE_V, CE_GE, CE_GI, CE_N_STATE };
enum { CE_E_REV_E = LIF_N_COMMON, CE_E_REV_I, CE_N_PARAMS };
/* The derived reciprocals follow the parameters (lif_prepare). */
enum {
  CE_INV_TAU_M = CE_N_PARAMS + LIF_INV_TAU_M, CE_INV_CM = CE_N_PARAMS + LIF_INV_CM,
  CE_INV_TAU_E = CE_N_PARAMS + LIF_INV_TAU_E, CE_INV_TAU_I = CE_N_PARAMS + LIF_INV_TAU_I
};

#endif
