/* The neuron inspector: what the side panel shows about the selected neuron,
 * computed apart from drawing so that tests can check the values themselves. */
#ifndef EMBER_VIZ_INSPECT_H
#define EMBER_VIZ_INSPECT_H

#include <stddef.h>
#include <stdint.h>
#include "app.h"

#define VZ_INSPECT_MAX 24
#define VZ_INSPECT_INPUTS 8

/* One incoming synapse of the selected neuron, ranked by |value|. */
typedef struct vz_input {
  const char *pop;           /* presynaptic population */
  uint32_t id;
  double value;              /* LTC: current; spiking: drive (see inputs_what) */
  double w;                  /* its weight */
} vz_input;

typedef struct vz_inspect {
  int valid;                 /* 0: nothing selected */
  const char *pop, *kind;
  uint32_t id;
  size_t pop_size;
  uint64_t spikes;           /* spikes of this neuron in the data so far */
  double rate;               /* Hz: spikes over the data's duration */
  size_t spikes_window;      /* spikes in the visible time window */
  double rate_window;        /* Hz */
  double last_spike;         /* ms, at or before t_now; NAN if none */
  size_t n_params;           /* known only for live runs */
  const char *param_name[VZ_INSPECT_MAX], *param_unit[VZ_INSPECT_MAX];
  double param[VZ_INSPECT_MAX];
  double tau;                /* ms: the membrane time constant where the model has one, else NAN */
  size_t n_values;           /* state at t_now from the neuron's traces */
  const char *var[VZ_INSPECT_MAX], *var_unit[VZ_INSPECT_MAX];
  double value[VZ_INSPECT_MAX];
  /* Strongest inputs at the playhead (inspect_inputs.c), largest |value| first. */
  size_t n_inputs, n_incoming;   /* shown, and synapses onto the neuron in all */
  vz_input input[VZ_INSPECT_INPUTS];
  const char *inputs_what;       /* "current", "weight" or "drive"; NULL: none known */
  const char *inputs_unit;
  double tau_syn;                /* ms: the kernel of the spiking drive */
  char inputs_missing[96];       /* presynaptic populations whose spikes are not in the output */
} vz_inspect;

/* Fills out for the view's selection. */
void vz_inspect_fill(const vz_store *st, const vz_view *v, vz_inspect *out);
/* The strongest inputs (and, for LTC neurons, tau) of out's neuron: called
 * by vz_inspect_fill. */
void vz_inspect_inputs(const vz_store *st, const vz_view *v, vz_inspect *out);
/* Draws the inspector panel into r. */
void vz_inspect_draw(vz_app *app, SDL_Rect r);

#endif
