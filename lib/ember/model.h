/* The neuron model interface: one `static const ember_model` type object per model.
 *
 * A model describes one neuron: its state variables, its parameters (names, units,
 * defaults, valid ranges), its right-hand side, and what happens at a threshold
 * crossing and at an incoming event. The engine owns everything else: time,
 * events, solvers, recording. Adding a model is one new file in lib/models/ and one
 * line in lib/models/registry.c. */
#ifndef EMBER_MODEL_H
#define EMBER_MODEL_H

#include <stddef.h>
#include "ember/export.h"
#include "ember/status.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Flags on a parameter's valid range. */
enum {
  EMBER_RANGE_MIN_OPEN = 1u << 0, /* value must be > min (not >=) */
  EMBER_RANGE_MAX_OPEN = 1u << 1  /* value must be < max (not <=) */
};

/* One parameter: name, default, unit, valid range [min, max] and a one-line doc. */
typedef struct ember_param_info {
  const char *name;
  double def;
  const char *unit;
  double min, max;
  unsigned flags;
  const char *doc;
} ember_param_info;

/* One state variable; `def` is its initial value unless set with initialize. */
typedef struct ember_state_info {
  const char *name;
  const char *unit;
  double def;
  const char *doc;
} ember_state_info;

/* Weight sign a receptor accepts (PyNN: conductances are positive, current-based
 * inhibition is a negative current). */
typedef enum ember_sign { EMBER_SIGN_ANY, EMBER_SIGN_NONNEG, EMBER_SIGN_NONPOS } ember_sign;

typedef struct ember_receptor_info {
  const char *name;   /* "excitatory", "inhibitory", ... */
  const char *unit;   /* unit of a weight on this receptor: "nA" or "uS" */
  ember_sign sign;
} ember_receptor_info;

/* What the right-hand side and the event handlers see of one neuron besides its
 * state: its parameter row (parameters then derived values, see n_derived), the
 * current injected by current sources (nA), and whether it is refractory. */
typedef struct ember_neuron_ctx {
  const double *p;
  double i_ext;
  int refractory;
} ember_neuron_ctx;

/* The model type object. Callbacks return 0 on success; rhs/jacobian follow GSL's
 * convention (GSL_SUCCESS, or a GSL error code). All fields except the spiking
 * ones (threshold, spike_var, reset, refractory_period) are required. */
typedef struct ember_model {
  const char *name;
  const char *doc;                        /* one paragraph: equations and reference */

  size_t n_state;
  const ember_state_info *state;
  size_t n_params;
  const ember_param_info *params;
  size_t n_derived;                       /* extra doubles after the parameters */
  size_t n_receptors;
  const ember_receptor_info *receptors;

  /* Cross-parameter checks (e.g. v_reset < v_thresh) and derived values, written
   * into p[n_params .. n_params + n_derived). On failure writes a message naming the
   * parameters into msg and returns EMBER_ERR_INVALID. May be NULL. */
  ember_status (*prepare)(double *p, char *msg, size_t msglen);

  /* dy/dt; `params` is a const ember_neuron_ctx *. GSL's signature. */
  int (*rhs)(double t, const double y[], double dydt[], void *params);
  /* Jacobian dfdy (row-major n_state x n_state) and dfdt; needed by the implicit
   * GSL steppers. May be NULL, then implicit steppers are refused. */
  int (*jacobian)(double t, const double y[], double *dfdy, double dfdt[], void *params);

  /* Spiking: a spike is an upward crossing of y[spike_var] through threshold(p).
   * threshold == NULL means the model never spikes. */
  double (*threshold)(const double *p);
  size_t spike_var;
  /* Applied at the spike time; may be NULL (e.g. Hodgkin-Huxley). */
  void (*reset)(double y[], const ember_neuron_ctx *ctx);
  /* Refractory period (ms) after a spike; NULL means none. While refractory the
   * rhs sees ctx->refractory = 1 and no threshold crossing is looked for. */
  double (*refractory_period)(const double *p);

  /* An incoming spike on `receptor` with `weight` (units of the receptor). */
  void (*on_event)(double y[], size_t receptor, double weight, const ember_neuron_ctx *ctx);

  /* Optional closed-form propagation of the state by dt >= 0 from y (in place).
   * Offered to users as solver "exact". May be NULL. */
  void (*exact)(double dt, double y[], const ember_neuron_ctx *ctx);

  /* Optional Taylor coefficients of the solution through y, as long as no event
   * arrives: c[k * n_state + i] = (1/k!) d^k y_i/dt^k at the current point, for
   * k = 0 .. order (so c[0 .. n_state) = y). Offered as solver "taylor" (and its
   * default where there is no exact solution). Returns 0 or a GSL error code.
   * May be NULL. */
  int (*taylor)(const double y[], size_t order, double c[], const ember_neuron_ctx *ctx);
} ember_model;

/* The highest order the taylor solver asks for, and 1/k for k = 1 .. that order
 * (index 0 holds 0), so that Taylor recurrences need no divisions. */
#define EMBER_TAYLOR_MAX_ORDER 20
EMBER_API extern const double ember_taylor_inverses[EMBER_TAYLOR_MAX_ORDER + 2];

/* Registry. Returns NULL for an unknown name. */
EMBER_API const ember_model *ember_model_find(const char *name);
/* The i-th registered model (NULL past the end): for listings and docs. */
EMBER_API const ember_model *ember_model_at(size_t i);

/* Index of a parameter / state variable / receptor by name, or -1. */
EMBER_API int ember_model_param_index(const ember_model *m, const char *name);
EMBER_API int ember_model_state_index(const ember_model *m, const char *name);
EMBER_API int ember_model_receptor_index(const ember_model *m, const char *name);

/* Checks one value against the parameter's range; on failure writes a message that
 * names the parameter, the value and the allowed range. */
EMBER_API ember_status ember_param_check(const ember_param_info *pi, double value,
                                         char *msg, size_t msglen);

#ifdef __cplusplus
}
#endif
#endif
