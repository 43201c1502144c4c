/* Spike-timing dependent plasticity on spiking projections: the rule catalogue
 * (pair-based STDP, triplet STDP), attaching a rule to a projection, changing its
 * parameters between runs or on a schedule, and recording the weights.
 *
 * The rate-based rules of LTC circuits live in ember/plasticity.h; nothing here
 * depends on it. See docs/plasticity.md for the equations and semantics. */
#ifndef EMBER_STDP_H
#define EMBER_STDP_H

#include <stddef.h>
#include <stdint.h>
#include "ember/export.h"
#include "ember/network.h"
#include "ember/status.h"

#ifdef __cplusplus
extern "C" {
#endif

/* One parameter of a rule. A parameter with `choices` (a NULL-terminated list of
 * names) takes the index of a choice as its value (e.g. weight_dependence:
 * 0 = "additive", 1 = "multiplicative", 2 = "gutig"). */
typedef struct ember_stdp_param {
  const char *name;
  double def;
  const char *unit;
  double min, max;
  const char *doc;
  const char *const *choices;
} ember_stdp_param;

/* A plasticity rule: a static type object of lib/plasticity/. */
typedef struct ember_stdp_rule ember_stdp_rule;

/* The i-th registered rule, NULL past the end. */
EMBER_API const ember_stdp_rule *ember_stdp_rule_at(size_t i);
/* The rule called name ("stdp", "triplet"), or NULL. */
EMBER_API const ember_stdp_rule *ember_stdp_rule_find(const char *name);
EMBER_API const char *ember_stdp_rule_name(const ember_stdp_rule *r);
EMBER_API size_t ember_stdp_rule_param_count(const ember_stdp_rule *r);
/* Parameter i of r (NULL past the end). */
EMBER_API const ember_stdp_param *ember_stdp_rule_param(const ember_stdp_rule *r, size_t i);
/* Index of the parameter called name, or -1. */
EMBER_API int ember_stdp_rule_param_index(const ember_stdp_rule *r, const char *name);
/* Index of `choice` among p->choices, or -1. */
EMBER_API int ember_stdp_param_choice(const ember_stdp_param *p, const char *choice);

/* Named parameter sets of a rule (the triplet rule: Pfister & Gerstner 2006,
 * Table 3, the rows confirmed by independent sources). The name of set i, NULL past the end. */
EMBER_API const char *ember_stdp_rule_set_name(const ember_stdp_rule *r, size_t i);
/* Writes the values of set `name` for every parameter of r into values
 * (ember_stdp_rule_param_count entries; parameters the set does not fix get their
 * defaults). EMBER_ERR_UNKNOWN for an unknown set. */
EMBER_API ember_status ember_stdp_rule_set_values(const ember_stdp_rule *r, const char *name,
                                                  double *values);

/* Makes proj plastic with `rule`, parameters at their defaults except names[i] =
 * values[i]. Before the first run any rule may be given (again); after it, only
 * the projection's own rule, whose parameters are then changed for the following
 * intervals (traces and weights are kept). Unknown names, values out of range and
 * inconsistent sets (w_min > w_max) are EMBER_ERR_INVALID / EMBER_ERR_UNKNOWN with
 * a message naming the allowed parameters; nothing is changed then. The
 * postsynaptic population must be a neuron population. */
EMBER_API ember_status ember_projection_set_plasticity(ember_projection *proj, const char *rule,
                                                       const char *const *names,
                                                       const double *values, size_t n);
/* The projection's rule, or NULL for a static projection. */
EMBER_API const ember_stdp_rule *ember_projection_plasticity(const ember_projection *proj);
/* The current value of parameter name of the projection's rule. */
EMBER_API ember_status ember_projection_get_plasticity(const ember_projection *proj,
                                                       const char *name, double *value);

/* A learning-rate schedule: called in the main thread at the start of every
 * communication interval [t, t + h) of a run, before any neuron advances. It may
 * call ember_projection_set_plasticity; a non-zero status stops the run with it
 * (the callback should have set a message with ember_network_fail-style text in
 * msg). NULL removes the schedule. */
typedef ember_status (*ember_stdp_schedule_fn)(ember_projection *proj, double t, void *user,
                                               char *msg, size_t msglen);
EMBER_API ember_status ember_projection_set_schedule(ember_projection *proj,
                                                     ember_stdp_schedule_fn fn, void *user);

/* Records the weights of synapses[0..n) (indices within the projection, as in
 * ember_projection_get; NULL = all) every `interval` ms into DIR/weight.h5,
 * /report/<projection label> (see docs/output.md). Before the first run only. */
EMBER_API ember_status ember_projection_record_weights(ember_projection *proj, double interval,
                                                       const size_t *synapses, size_t n);

#ifdef __cplusplus
}
#endif
#endif
