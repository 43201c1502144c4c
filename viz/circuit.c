/* LTC circuits for the circuit view (see circuit.h): loaded through the public
 * ember_ltc API, kept as flat synapse lists with their parameters, plus the
 * recorded v frames. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "ember/ltc.h"
#include "circuit.h"

void vz_circuit_free(vz_circuit *c)
{
  if (!c)
    return;
  free(c->label);
  free(c->layer);
  free(c->rank);
  free(c->col_of);
  free(c->cm);
  free(c->gleak);
  free(c->vleak);
  free(c->syn);
  free(c->sens);
  free(c->v);
  free(c->ft);
  free(c);
}

static int layer_of(ember_ltc_role r)
{
  return r == EMBER_LTC_MOTOR ? VZ_LAYER_MOTOR : r == EMBER_LTC_COMMAND ? VZ_LAYER_COMMAND : VZ_LAYER_INTER;
}

/* Copies the synapses (structure from the wiring, values from the dense
 * matrices [src * n + dst]) into out. */
static int copy_synapses(const ember_ltc *l, int sensory, size_t count, size_t n, vz_synapse *out)
{
  const char *names[2][4] = {{"w", "sigma", "mu", "erev"},
                             {"sensory_w", "sensory_sigma", "sensory_mu", "sensory_erev"}};
  size_t rows = sensory ? ember_ltc_inputs(l) : n;
  double *m = malloc((rows * n + 1) * 4 * sizeof *m);
  int bad = !m;
  for (int p = 0; !bad && p < 4; p++)
    bad = ember_ltc_get_param(l, names[sensory][p], m + (size_t)p * rows * n) != EMBER_OK;
  for (size_t k = 0; !bad && k < count; k++) {
    vz_synapse *s = &out[k];
    bad = (sensory ? ember_ltc_sensory_synapse(l, k, &s->src, &s->dst, &s->polarity)
                   : ember_ltc_synapse(l, k, &s->src, &s->dst, &s->polarity)) != EMBER_OK;
    size_t at = (size_t)s->src * n + s->dst;
    s->w = m[at];
    s->sigma = m[rows * n + at];
    s->mu = m[2 * rows * n + at];
    s->erev = m[3 * rows * n + at];
  }
  free(m);
  return bad ? -1 : 0;
}

/* A loaded file does not say which wiring made it (ember_ltc_role_of knows
 * motor neurons only), so the NCP layers are found from the synapses: in an NCP
 * the command neurons are exactly the non-motor neurons that synapse onto a
 * motor neuron, and only inter neurons receive the inputs. When that reading
 * does not fit (every non-motor neuron would be command, or a command neuron
 * gets an input) the circuit is not an NCP: its non-motor neurons stay inter. */
static void infer_command(vz_circuit *c)
{
  int fits = 1, inter_left = 0;
  for (size_t k = 0; k < c->n_syn; k++)
    if (c->layer[c->syn[k].dst] == VZ_LAYER_MOTOR && c->layer[c->syn[k].src] == VZ_LAYER_INTER)
      c->layer[c->syn[k].src] = VZ_LAYER_COMMAND;
  for (size_t k = 0; k < c->n_sens; k++)
    fits &= c->layer[c->sens[k].dst] != VZ_LAYER_COMMAND;
  for (size_t j = 0; j < c->n; j++)
    inter_left |= c->layer[j] == VZ_LAYER_INTER;
  for (size_t j = 0; !(fits && inter_left) && j < c->n; j++)
    if (c->layer[j] == VZ_LAYER_COMMAND)
      c->layer[j] = VZ_LAYER_INTER;
}

/* Fills c from the loaded circuit l. 0, or -1 with a message. */
static int fill(vz_circuit *c, const ember_ltc *l, char *msg, size_t msglen)
{
  size_t n = c->n = ember_ltc_units(l);
  c->k = ember_ltc_inputs(l);
  c->m = ember_ltc_outputs(l);
  c->n_syn = ember_ltc_synapse_count(l);
  c->n_sens = ember_ltc_sensory_synapse_count(l);
  c->layer = calloc(n + 1, sizeof *c->layer);
  c->rank = calloc(n + 1, sizeof *c->rank);
  c->col_of = calloc(n + 1, sizeof *c->col_of);
  c->cm = malloc((n + 1) * sizeof *c->cm);
  c->gleak = malloc((n + 1) * sizeof *c->gleak);
  c->vleak = malloc((n + 1) * sizeof *c->vleak);
  c->syn = calloc(c->n_syn + 1, sizeof *c->syn);
  c->sens = calloc(c->n_sens + 1, sizeof *c->sens);
  if (!c->layer || !c->rank || !c->col_of || !c->cm || !c->gleak || !c->vleak || !c->syn || !c->sens) {
    snprintf(msg, msglen, "out of memory");
    return -1;
  }
  if (ember_ltc_get_param(l, "cm", c->cm) || ember_ltc_get_param(l, "gleak", c->gleak)
      || ember_ltc_get_param(l, "vleak", c->vleak) || copy_synapses(l, 0, c->n_syn, n, c->syn)
      || copy_synapses(l, 1, c->n_sens, n, c->sens)) {
    snprintf(msg, msglen, "cannot read the parameters of circuit '%s'", c->label);
    return -1;
  }
  c->count[VZ_LAYER_SENSORY] = c->k;
  for (size_t j = 0; j < n; j++) {
    c->col_of[j] = -1;
    c->layer[j] = layer_of(ember_ltc_role_of(l, j));
  }
  infer_command(c);
  for (size_t j = 0; j < n; j++)
    c->rank[j] = c->count[c->layer[j]]++;
  return 0;
}

vz_circuit *vz_circuit_from_ltc(const ember_ltc *l, const char *label, char *msg, size_t msglen)
{
  vz_circuit *c = calloc(1, sizeof *c);
  if (!c || !(c->label = strdup(label))) {
    snprintf(msg, msglen, "out of memory");
    goto fail;
  }
  if (ember_ltc_units(l) > VZ_CIRCUIT_MAX) {
    snprintf(msg, msglen, "circuit '%s': %zu neurons, the circuit view draws up to %d", label,
             ember_ltc_units(l), VZ_CIRCUIT_MAX);
    goto fail;
  }
  if (fill(c, l, msg, msglen))
    goto fail;
  c->t0 = 0;
  c->dt = 1;
  return c;
fail:
  vz_circuit_free(c);
  return NULL;
}

vz_circuit *vz_circuit_load(const char *path, const char *label, char *msg, size_t msglen)
{
  ember_ltc *l = ember_ltc_new();
  vz_circuit *c = NULL;
  if (!l)
    snprintf(msg, msglen, "out of memory");
  else if (ember_ltc_load(l, path) != EMBER_OK)
    snprintf(msg, msglen, "%s: %s", path, ember_ltc_error(l));
  else
    c = vz_circuit_from_ltc(l, label, msg, msglen);
  ember_ltc_free(l);
  return c;
}

/* ------------------------------------------------------------ frames --- */

int vz_circuit_set_report(vz_circuit *c, const uint64_t *ids, size_t n_cols, double t0, double dt,
                          const char *units)
{
  c->n_cols = n_cols;
  size_t found = 0;
  for (size_t j = 0; j < c->n; j++)
    c->col_of[j] = -1;
  for (size_t q = 0; q < n_cols; q++)
    if (ids[q] < c->n && c->col_of[ids[q]] < 0) {
      c->col_of[ids[q]] = (long)q;
      found++;
    }
  c->all_recorded = found == c->n;
  c->n_frames = 0;
  c->t0 = t0;
  c->dt = dt > 0 ? dt : 1;
  c->vmax = 0;
  snprintf(c->units, sizeof c->units, "%s", units ? units : "");
  return 0;
}

int vz_circuit_add_frames(vz_circuit *c, const float *rows, size_t n_frames)
{
  if (c->n_frames + n_frames > c->cap_frames) {
    size_t cap = c->cap_frames ? c->cap_frames : 256;
    while (cap < c->n_frames + n_frames)
      cap *= 2;
    float *v = realloc(c->v, cap * (c->n ? c->n : 1) * sizeof *v);
    if (!v)
      return -1;
    c->v = v;
    c->cap_frames = cap;
  }
  for (size_t f = 0; f < n_frames; f++) {
    float *dst = c->v + (c->n_frames + f) * c->n;
    for (size_t j = 0; j < c->n; j++) {
      dst[j] = c->col_of[j] < 0 ? NAN : rows[f * c->n_cols + (size_t)c->col_of[j]];
      if (isfinite(dst[j]) && fabs(dst[j]) > c->vmax)
        c->vmax = fabs(dst[j]);
    }
  }
  c->n_frames += n_frames;
  return 0;
}

int vz_circuit_add_sample(vz_circuit *c, const float *v, double t)
{
  if (c->n_frames == c->cap_frames) {
    size_t cap = c->cap_frames ? 2 * c->cap_frames : 256;
    float *nv = realloc(c->v, cap * (c->n ? c->n : 1) * sizeof *nv);
    if (nv)
      c->v = nv;
    double *nt = nv ? realloc(c->ft, cap * sizeof *nt) : NULL;
    if (!nt)
      return -1;
    c->ft = nt;
    c->cap_frames = cap;
  }
  memcpy(c->v + c->n_frames * c->n, v, c->n * sizeof *v);
  for (size_t j = 0; j < c->n; j++)
    if (isfinite(v[j]) && fabs(v[j]) > c->vmax)
      c->vmax = fabs(v[j]);
  c->ft[c->n_frames++] = t;
  c->all_recorded = 1;
  snprintf(c->units, sizeof c->units, "mV");
  return 0;
}

/* The last sampled frame at or before t, or -1 (irregular times). */
static double frame_of_time(const vz_circuit *c, double t)
{
  size_t lo = 0, hi = c->n_frames;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (c->ft[mid] <= t)
      lo = mid + 1;
    else
      hi = mid;
  }
  return (double)lo - 1;
}

int vz_circuit_v_at(const vz_circuit *c, double t, double *v)
{
  double f = c->ft ? frame_of_time(c, t) : floor((t - c->t0) / c->dt + 1e-9);
  int ok = c->n_frames && f >= 0 && f < (double)c->n_frames;
  /* Past the last frame the last one holds (a run ends between frames). */
  if (c->n_frames && f >= (double)c->n_frames && f < (double)c->n_frames + 1.5)
    ok = 1, f = (double)c->n_frames - 1;
  for (size_t j = 0; j < c->n; j++)
    v[j] = ok ? c->v[(size_t)f * c->n + j] : NAN;
  return ok;
}

/* --------------------------------------------------------- observables --- */

double vz_synapse_conductance(const vz_synapse *s, const double *v)
{
  double x = v[s->src];
  return s->w / (1.0 + exp(-s->sigma * (x - s->mu)));
}

double vz_synapse_current(const vz_synapse *s, const double *v)
{
  return vz_synapse_conductance(s, v) * (s->erev - v[s->dst]);
}

double vz_circuit_tau(const vz_circuit *c, size_t j, const double *v)
{
  double g = c->gleak[j];
  for (size_t k = 0; k < c->n_syn; k++)
    if (c->syn[k].dst == j)
      g += vz_synapse_conductance(&c->syn[k], v);
  return c->cm[j] / g;
}

void vz_circuit_node_pos(const vz_circuit *c, size_t j, int sensory, double *fx, double *fy)
{
  int layer = sensory ? VZ_LAYER_SENSORY : c->layer[j], col = 0, cols = 0;
  size_t rank = sensory ? j : c->rank[j], count = c->count[layer];
  for (int l = 0; l < VZ_N_LAYERS; l++)   /* empty layers take no column */
    if (c->count[l]) {
      col += l < layer;
      cols++;
    }
  *fx = (col + 0.5) / (cols ? cols : 1);
  *fy = (rank + 0.5) / (double)(count ? count : 1);
}
