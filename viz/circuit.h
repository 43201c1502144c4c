/* LTC circuits for the circuit view: the structure and parameters of a saved
 * circuit (DIR/circuits/<label>.h5, docs/ltc.md), its recorded states v over
 * time, and what the view and the inspector compute from them — synaptic
 * currents, liquid time constants and the node layout by layer. Pure data and
 * arithmetic (no drawing), so that tests can check the numbers. */
#ifndef EMBER_VIZ_CIRCUIT_H
#define EMBER_VIZ_CIRCUIT_H

#include <stddef.h>
#include <stdint.h>

/* Circuits larger than this are listed but not drawn (their parameter matrices
 * are read dense, N x N). */
#define VZ_CIRCUIT_MAX 1024

/* Layers of the circuit view, left to right. */
enum { VZ_LAYER_SENSORY, VZ_LAYER_INTER, VZ_LAYER_COMMAND, VZ_LAYER_MOTOR, VZ_N_LAYERS };

typedef struct vz_synapse {
  uint32_t src, dst;        /* neuron ids (sensory: src is the input channel) */
  int polarity;             /* +1 / -1 from the wiring */
  double w, sigma, mu, erev;
} vz_synapse;

typedef struct vz_circuit {
  char *label;              /* the population's label (file stem) */
  size_t n, k, m;           /* neurons, input channels, motor neurons */
  int *layer;               /* VZ_LAYER_* of each neuron */
  size_t *rank;             /* position of each neuron within its layer (by id) */
  size_t count[VZ_N_LAYERS];   /* neurons per layer (sensory: input channels) */
  double *cm, *gleak, *vleak;
  vz_synapse *syn, *sens;   /* synapses by destination, sensory synapses */
  size_t n_syn, n_sens;
  /* Recorded v: frames x n (NAN for neurons the report lacks), at t0 + f*dt (ms). */
  float *v;
  size_t n_frames, cap_frames;
  double t0, dt;
  double *ft;               /* live runs: the time of each frame (NULL: t0 + f dt) */
  long *col_of;             /* column of each neuron in the v report, or -1 */
  size_t n_cols;            /* columns of the v report */
  int all_recorded;         /* every neuron has a column in the v report */
  char units[32];           /* of v ("mV" by convention) */
  double vmax;              /* max |v| over the recorded frames (colour scale) */
} vz_circuit;

/* Loads the circuit saved at path for population `label`. NULL and a message
 * on failure (a circuit above VZ_CIRCUIT_MAX neurons is a failure too). */
vz_circuit *vz_circuit_load(const char *path, const char *label, char *msg, size_t msglen);
struct ember_ltc;
/* The same from a circuit in memory (e.g. an LTC population's, in a live run:
 * call it where the network may be read). */
vz_circuit *vz_circuit_from_ltc(const struct ember_ltc *l, const char *label, char *msg, size_t msglen);
/* Frees c; NULL does nothing. */
void vz_circuit_free(vz_circuit *c);

/* Declares which neuron each column of the v report holds (ids of the report;
 * columns of other neurons are ignored) and the time axis; resets the frames. */
int vz_circuit_set_report(vz_circuit *c, const uint64_t *ids, size_t n_cols, double t0, double dt,
                          const char *units);
/* Appends n_frames rows of the report (n_frames x n_cols, the ids given to
 * set_report). 0, or -1 if out of memory. */
int vz_circuit_add_frames(vz_circuit *c, const float *rows, size_t n_frames);
/* Appends one frame of all n neurons sampled at time t (live runs: irregular
 * times, non-decreasing). 0, or -1 if out of memory. */
int vz_circuit_add_sample(vz_circuit *c, const float *v, double t);
/* v of every neuron at time t (the frame at or before t) into v (n values, NAN
 * where unknown). Returns 1 if the frame exists, 0 if t is outside the data. */
int vz_circuit_v_at(const vz_circuit *c, double t, double *v);

/* Current of synapse s at state v: w sigma(sigma (v_src - mu)) (erev - v_dst),
 * in units of cm x v per ms (docs/viz.md). NAN when either v is unknown. */
double vz_synapse_current(const vz_synapse *s, const double *v);
/* Its conductance w sigma(sigma (v_src - mu)); NAN when v_src is unknown. */
double vz_synapse_conductance(const vz_synapse *s, const double *v);
/* The liquid time constant of neuron j at state v without the sensory synapses
 * (the inputs are not in the files): cm / (gleak + sum of synaptic conductances).
 * NAN if a presynaptic v is unknown. */
double vz_circuit_tau(const vz_circuit *c, size_t j, const double *v);

/* Node position of neuron j (or of input channel j with sensory = 1) as
 * fractions of the panel's inner area: *fx in (0, 1) left to right by layer,
 * *fy in (0, 1) top to bottom within the layer. */
void vz_circuit_node_pos(const vz_circuit *c, size_t j, int sensory, double *fx, double *fy);

#endif
