/* Internal: what the rate rules share. The common parameters (ember/plasticity.h,
 * EMBER_RATE_*) come first in every rule's table, then the rule's own. */
#ifndef EMBER_RATE_COMMON_H
#define EMBER_RATE_COMMON_H

#include <math.h>
#include "ember/plasticity.h"

/* The common rows of a parameter table; ETA_DEF and ETA_UNIT are the rule's. */
#define RATE_COMMON_PARAMS(ETA_DEF, ETA_UNIT)                                                   \
  [EMBER_RATE_ETA] = {"eta", ETA_DEF, ETA_UNIT, 0, INFINITY, 0,                                 \
                      "learning rate (0 freezes the weights; ember_ltc_set_learning_rate)"},    \
  [EMBER_RATE_ETA_DECAY] = {"eta_decay", INFINITY, "t", 0, INFINITY, EMBER_RANGE_MIN_OPEN,      \
                            "learning-rate schedule eta / (1 + t / eta_decay); inf: constant"}, \
  [EMBER_RATE_W_MAX] = {"w_max", INFINITY, "conductance", 0, INFINITY, 0,                       \
                        "upper bound of a plastic weight (lower bound 0)"},                     \
  [EMBER_RATE_SYNAPSES] = {"synapses", EMBER_RATE_SYN_INTERNAL, "", 0, 2, 0,                    \
                           "which synapses learn: 0 internal, 1 sensory, 2 all "                \
                           "(Lua: \"internal\", \"sensory\", \"all\")"},                        \
  [EMBER_RATE_POST] = {"post", EMBER_RATE_POST_LINEAR, "", 0, 2, 0,                             \
                       "postsynaptic activity y: 0 linear v - vleak, 1 rectified "              \
                       "max(v - vleak, 0), 2 sigmoid(post_sigma (v - post_mu)) "                \
                       "(Lua: \"linear\", \"rectified\", \"sigmoid\")"},                        \
  [EMBER_RATE_POST_SIGMA] = {"post_sigma", 1.0, "1/potential", -INFINITY, INFINITY, 0,          \
                             "slope of the sigmoid postsynaptic activity (post = 2)"},          \
  [EMBER_RATE_POST_MU] = {"post_mu", 0.0, "potential", -INFINITY, INFINITY, 0,                  \
                          "midpoint of the sigmoid postsynaptic activity (post = 2)"}

#endif
