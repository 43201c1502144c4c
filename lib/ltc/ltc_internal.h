/* Internal: the body of ember_ltc and the functions shared by lib/ltc/ files. */
#ifndef EMBER_LTC_INTERNAL_H
#define EMBER_LTC_INTERNAL_H

#include <stddef.h>
#include <stdint.h>
#include <gsl/gsl_odeiv2.h>
#include "ember/ltc.h"

#define LTC_HIDDEN __attribute__((visibility("hidden")))

/* Synapses onto each neuron, sorted by destination then source (CSR by row =
 * destination). One destination's sums are then one thread's sequential loop in
 * a fixed order: the same bits for any thread count. */
typedef struct ltc_syn {
  size_t n_rows;       /* N destinations */
  size_t nnz;
  size_t *row;         /* n_rows + 1 offsets */
  uint32_t *src;       /* presynaptic neuron or input channel */
  int8_t *pol;         /* the wiring's polarity */
  double *w, *sigma, *mu, *erev;
} ltc_syn;

/* A wiring before it becomes a CSR: synapse triplets in any order. */
typedef struct ltc_edges {
  size_t n, cap;
  uint32_t *src, *dest;
  int8_t *pol;
} ltc_edges;

struct ember_ltc {
  size_t n, k, m;
  uint8_t *role;                 /* ember_ltc_role per neuron */
  double *gleak, *vleak, *cm;    /* N: conductance, potential, capacitance (ncps units) */
  ltc_syn syn;                   /* neuron -> neuron */
  ltc_syn sens;                  /* input channel -> neuron */
  double *input_w, *input_b;     /* K */
  double *output_w, *output_b;   /* M */

  /* state */
  double t;
  double *v;                     /* N */
  double *x;                     /* K raw inputs */
  int input_dirty;               /* gs/gse must be recomputed from x */
  double *gs, *gse;              /* N: sensory conductance and conductance x erev */
  double *a, *b;                 /* scratch: sum w s erev, sum w s (N); a has max(N, K) for x~ */
  double *vtmp;                  /* N: the fused solver's next state */

  /* solver */
  ember_ltc_solver_opts opt;
  char method[16];
  int fused;
  gsl_odeiv2_system sys;
  gsl_odeiv2_step *step;
  gsl_odeiv2_control *control;
  gsl_odeiv2_evolve *evolve;
  double h;                      /* GSL step proposal, kept between input steps */
  int threads;
  uint64_t n_rhs;                /* right-hand side evaluations, for cost measurements */

  struct ltc_plastic *plastic;   /* rate-based plasticity (ltc_plastic.c), or NULL */
  /* Conductances from outside the circuit (an LTC population's spike-driven and
   * LTC -> LTC synapses, lib/ltc_pop.c). The plastic right-hand side recomputes the
   * sensory drive from its trial weights, then calls this to add them to gs/gse
   * (t local to the integration call). NULL: none. */
  void (*ext_drive)(struct ember_ltc *c, double t, void *user);
  void *ext_user;

  char err[512];
};

/* ltc_circuit.c */
LTC_HIDDEN ember_status ltc_fail(ember_ltc *c, ember_status st, const char *fmt, ...)
  __attribute__((format(printf, 3, 4)));
LTC_HIDDEN void ltc_clear(ember_ltc *c);
LTC_HIDDEN ember_status ltc_alloc(ember_ltc *c, size_t n, size_t k, size_t m);

/* ltc_wiring.c: generates the edges of spec; roles[N] filled. */
LTC_HIDDEN ember_status ltc_wiring_generate(ember_ltc *c, const ember_ltc_wiring_spec *spec,
                                            uint64_t seed, ltc_edges *syn, ltc_edges *sens);
LTC_HIDDEN ember_status ltc_wiring_sizes(ember_ltc *c, const ember_ltc_wiring_spec *spec,
                                         size_t *n, size_t *k, size_t *m);
LTC_HIDDEN int ltc_edges_push(ltc_edges *e, uint32_t src, uint32_t dest, int8_t pol);
LTC_HIDDEN void ltc_edges_free(ltc_edges *e);

/* ltc_params.c */
LTC_HIDDEN ember_status ltc_syn_from_edges(ltc_syn *s, size_t n_rows, const ltc_edges *e);
LTC_HIDDEN void ltc_syn_free(ltc_syn *s);
LTC_HIDDEN void ltc_params_randomize(ember_ltc *c, uint64_t seed, unsigned flags);
/* Index of synapse (src, dest) in s, or -1. */
LTC_HIDDEN ptrdiff_t ltc_syn_find(const ltc_syn *s, uint32_t src, uint32_t dest);

/* ltc_rhs.c */
LTC_HIDDEN void ltc_sensory_update(ember_ltc *c);
/* The sensory sigmoids act[sens.nnz] for the current input; gse, gs from them
 * and the current sensory weights (the bits of ltc_sensory_update). */
LTC_HIDDEN void ltc_sensory_activity(ember_ltc *c, double *act);
LTC_HIDDEN void ltc_sensory_sums_act(ember_ltc *c, const double *act);
LTC_HIDDEN void ltc_syn_sums(const ember_ltc *c, const double *v, double *a, double *b);
LTC_HIDDEN int ltc_rhs(double t, const double *v, double *dvdt, void *circuit);
LTC_HIDDEN double ltc_sigmoid(double x);
LTC_HIDDEN void ltc_fused_substep(const ember_ltc *c, const double *v, double *vout, double dt);

/* ltc_solve.c */
LTC_HIDDEN ember_status ltc_solver_setup(ember_ltc *c);
LTC_HIDDEN void ltc_solver_free(ember_ltc *c);
LTC_HIDDEN ember_status ltc_advance(ember_ltc *c, double elapsed);

/* ltc_plastic.c: rate-based plasticity on the weights (ember/plasticity.h). */
LTC_HIDDEN void ltc_plastic_free(ember_ltc *c);
LTC_HIDDEN size_t ltc_plastic_dim(const ember_ltc *c);   /* extra ODE dimensions, or 0 */
LTC_HIDDEN int ltc_plastic_rhs(double t, const double *y, double *dydt, void *circuit);
LTC_HIDDEN ember_status ltc_plastic_advance(ember_ltc *c, double elapsed, int input_changed);
LTC_HIDDEN void ltc_plastic_fused_begin(ember_ltc *c, int input_changed);
LTC_HIDDEN ember_status ltc_plastic_fused_step(ember_ltc *c, double t, double dt);
LTC_HIDDEN void ltc_plastic_reset(ember_ltc *c);
/* 1 if the sensory weights learn: every weight update rewrites gs/gse to the
 * sensory drive alone. */
LTC_HIDDEN int ltc_plastic_sensory(const ember_ltc *c);

#endif
