/* Internal: what the leaky integrate-and-fire models share. PyNN's common LIF
 * parameters come first, in this order, in every LIF model's table; the derived
 * reciprocals follow the model's own parameters; threshold, reset and the
 * refractory period are the same functions for all (v is state variable 0). */
#ifndef EMBER_LIF_COMMON_H
#define EMBER_LIF_COMMON_H

#include <math.h>
#include "ember/model.h"

enum {
  LIF_CM, LIF_TAU_M, LIF_TAU_REFRAC, LIF_TAU_SYN_E, LIF_TAU_SYN_I,
  LIF_V_REST, LIF_V_RESET, LIF_V_THRESH, LIF_I_OFFSET, LIF_N_COMMON
};

/* Offsets of the derived values after a model's n_params parameters. */
enum { LIF_INV_TAU_M, LIF_INV_CM, LIF_INV_TAU_E, LIF_INV_TAU_I, LIF_N_DERIVED };

/* The common rows of a parameter table; SYN names the synapse kind in the docs
 * ("current" or "conductance"). PyNN's defaults (cells.py). */
#define LIF_COMMON_PARAMS(SYN)                                                              \
  [LIF_CM] = {"cm", 1.0, "nF", 0, INFINITY, EMBER_RANGE_MIN_OPEN, "membrane capacitance"}, \
  [LIF_TAU_M] = {"tau_m", 20.0, "ms", 0, INFINITY, EMBER_RANGE_MIN_OPEN,                   \
                 "membrane time constant"},                                                \
  [LIF_TAU_REFRAC] = {"tau_refrac", 0.1, "ms", 0, INFINITY, 0, "refractory period"},       \
  [LIF_TAU_SYN_E] = {"tau_syn_E", 5.0, "ms", 0, INFINITY, EMBER_RANGE_MIN_OPEN,            \
                     "decay time of the excitatory " SYN},                                 \
  [LIF_TAU_SYN_I] = {"tau_syn_I", 5.0, "ms", 0, INFINITY, EMBER_RANGE_MIN_OPEN,            \
                     "decay time of the inhibitory " SYN},                                 \
  [LIF_V_REST] = {"v_rest", -65.0, "mV", -INFINITY, INFINITY, 0, "resting potential"},     \
  [LIF_V_RESET] = {"v_reset", -65.0, "mV", -INFINITY, INFINITY, 0,                         \
                   "potential after a spike"},                                             \
  [LIF_V_THRESH] = {"v_thresh", -50.0, "mV", -INFINITY, INFINITY, 0, "spike threshold"},   \
  [LIF_I_OFFSET] = {"i_offset", 0.0, "nA", -INFINITY, INFINITY, 0, "constant injected current"}

/* Checks v_reset < v_thresh and writes the reciprocals after the n_params
 * parameters. */
ember_status lif_prepare(double *p, size_t n_params, char *msg, size_t len);
double lif_threshold(const double *p);
double lif_refractory_period(const double *p);
void lif_reset(double y[], const ember_neuron_ctx *ctx);

#endif
