/* The visualizer's data model: populations with their spikes (time-ordered, for
 * binned drawing) and state traces of single neurons. Filled by a source (an output
 * directory or a live run); read by the panels. Single-threaded: only the window's
 * thread touches a store. */
#ifndef EMBER_VIZ_STORE_H
#define EMBER_VIZ_STORE_H

#include <stddef.h>
#include <stdint.h>

/* One population: its identity, its spikes, and (when a live run tells us) the
 * parameter values of every neuron. */
typedef struct vz_pop {
  char *name;
  char *kind;               /* model name, "poisson", ... or "" when unknown */
  size_t size;              /* neurons; grows with the largest id seen if unknown */
  int size_known;           /* size came from the network or the provenance */
  size_t row0;              /* first row of this population in the stacked raster */
  uint32_t color;           /* ARGB */
  double *t;                /* spike times (ms), non-decreasing */
  uint32_t *id;
  size_t n, cap;
  size_t n_params;          /* parameter table, live runs only (0 otherwise) */
  char **param_names, **param_units;
  double *params;           /* n_params x size, row p holds parameter p of every neuron */
  struct vz_pyr *pyr;       /* pre-binned counts for wide windows (pyramid.h), or NULL */
  struct vz_nidx *nidx;     /* spikes by neuron (the inspector's), built on first use */
} vz_pop;

/* The trace of one state variable of one neuron, sampled at t0 + k*dt (a report)
 * or at given times (a live run samples at interval ends). */
typedef struct vz_trace {
  size_t pop;
  uint32_t id;
  char *var, *units;
  double t0, dt;            /* dt > 0: regular frames; dt == 0: times in t[] */
  float *v;
  double *t;                /* only when dt == 0 */
  size_t n, cap;
  int src_index;            /* the source's own handle (report index, ...) */
  size_t src_column;
} vz_trace;

struct vz_circuit;
struct vz_weights;

typedef struct vz_store {
  vz_pop *pops;
  size_t n_pops;
  vz_trace *traces;
  size_t n_traces;
  double t_begin, t_end;    /* ms: the data covers [t_begin, t_end) */
  uint64_t total_spikes;
  struct vz_circuit **circuits;   /* LTC circuits (circuit.h), owned */
  size_t n_circuits;
  struct vz_weights *weights;     /* projections' weights (weights.h), owned; may be NULL */
} vz_store;

/* A new empty store; NULL if out of memory. vz_store_free(NULL) does nothing. */
vz_store *vz_store_new(void);
void vz_store_free(vz_store *s);

/* Index of population `name`, adding it (size may be 0 = unknown, kind NULL)
 * when missing; -1 if out of memory. Rows are re-stacked. */
int vz_store_pop(vz_store *s, const char *name, const char *kind, size_t size);
/* Sets a population's size (e.g. once the network tells it) and re-stacks rows. */
void vz_store_set_size(vz_store *s, size_t pop, size_t size);
/* Total rows of the stacked raster (sum of the population sizes). */
size_t vz_store_rows(const vz_store *s);
/* The population and neuron at stacked row `row`; -1 if past the end. */
int vz_store_row_neuron(const vz_store *s, size_t row, uint32_t *id);

/* Takes ownership of circuit c; -1 (c freed) if out of memory. */
int vz_store_add_circuit(vz_store *s, struct vz_circuit *c);
/* The circuit of population `name`, or NULL. */
struct vz_circuit *vz_store_circuit_of(const vz_store *s, const char *name);

/* Appends n spikes, sorted by time and not earlier than those already held (the
 * caller sorts). Unknown sizes grow to the largest id. 0, or -1 if out of memory. */
int vz_store_add_spikes(vz_store *s, size_t pop, const double *t, const uint32_t *id, size_t n);
/* Index of the first spike of pop at or after t (binary search). */
size_t vz_pop_lower(const vz_pop *p, double t);
/* Spikes of pop in [t0, t1); of neuron id only when id >= 0. */
size_t vz_pop_count(const vz_pop *p, double t0, double t1, long id);

/* Spikes of neuron id of p through a per-neuron index (positions of its spikes
 * in p->t, time-ordered), built on the first call (one pass over p's spikes)
 * and brought up to date with the spikes added since at every later call, so a
 * query costs O(log(spikes of the neuron)) plus the new spikes. The index is a
 * cache: p is const for everything else. */
/* Spikes of neuron id in [t0, t1). */
size_t vz_pop_neuron_count(const vz_pop *p, uint32_t id, double t0, double t1);
/* Its last spike at or before t; NAN if none. */
double vz_pop_neuron_last(const vz_pop *p, uint32_t id, double t);
void vz_nidx_free(struct vz_nidx *x);

/* Stores a copy of the parameter table (names, units, n_params x size values). */
int vz_store_set_params(vz_store *s, size_t pop, size_t n_params, const char *const *names,
                        const char *const *units, const double *values);

/* The trace of (pop, id, var), adding an empty one with the given axis when
 * missing (dt == 0: irregular times). Returns its index, -1 if out of memory. */
int vz_store_trace(vz_store *s, size_t pop, uint32_t id, const char *var, const char *units,
                   double t0, double dt);
/* Index of the trace of (pop, id, var); var NULL: the first of that neuron. -1 if none. */
int vz_store_find_trace(const vz_store *s, size_t pop, uint32_t id, const char *var);
/* Appends n samples (t used only for irregular traces). 0, or -1 if out of memory. */
int vz_trace_add(vz_trace *tr, const float *v, const double *t, size_t n);
/* Time of sample k. */
double vz_trace_time(const vz_trace *tr, size_t k);
/* Index of the first sample at or after t. */
size_t vz_trace_lower(const vz_trace *tr, double t);
/* The sample at or before t (linear search free); NAN when t is outside the trace. */
double vz_trace_value_at(const vz_trace *tr, double t);

#endif
