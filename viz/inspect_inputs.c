/* The inspector's "strongest inputs right now" and the LTC time constant.
 *
 * LTC neuron j (a population with a circuit): every synapse i -> j ranked by
 * |I| with I = w sigma(sigma (v_i - mu)) (erev - v_j) at the playhead's frame
 * of v.h5, and tau_j = cm_j / (gleak_j + sum_i w sigma(...)), the liquid time
 * constant without the input synapses (the inputs are not in the files). When v
 * is not recorded for the sources, the synapses are ranked by w x polarity.
 *
 * Spiking neuron (edges.h5 has projections onto it): each synapse's drive
 *     d = w(t) * sum over the presynaptic spikes s with 0 <= t - (s + delay) <= 5 tau
 *             of exp(-(t - s - delay) / tau),
 * the weight (weight.h5 at the playhead, else edges.h5; live: the last sample)
 * times an exponential synaptic kernel of the spikes that have arrived, negative
 * for an inhibitory receptor (whose conductance weights are positive); tau = the
 * post population's tau_syn_E (excitatory) or tau_syn_I (inhibitory) when its
 * parameters are known (live runs), else 5 ms. Synapses are ranked by |d|; those with d = 0 are left out,
 * and so are projections whose presynaptic spikes are not in the output (the
 * inspector names that population). */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "circuit.h"
#include "inspect.h"
#include "weights.h"

enum { KERNEL_TAUS = 5 };

/* Keeps the VZ_INSPECT_INPUTS largest |value| in out->input, sorted. */
static void offer(vz_inspect *out, const char *pop, uint32_t id, double value, double w)
{
  if (!isfinite(value) || value == 0)
    return;
  size_t n = out->n_inputs, k = n < VZ_INSPECT_INPUTS ? n : VZ_INSPECT_INPUTS - 1;
  if (n == VZ_INSPECT_INPUTS && fabs(value) <= fabs(out->input[k].value))
    return;
  while (k > 0 && fabs(out->input[k - 1].value) < fabs(value)) {
    out->input[k] = out->input[k - 1];
    k--;
  }
  out->input[k] = (vz_input){pop, id, value, w};
  if (n < VZ_INSPECT_INPUTS)
    out->n_inputs++;
}

static void ltc_inputs(const vz_circuit *c, const vz_view *v, vz_inspect *out)
{
  double *state = malloc((c->n + 1) * sizeof *state);
  if (!state)
    return;
  int have = vz_circuit_v_at(c, v->t_now, state);
  int currents = have;
  for (size_t k = 0; k < c->n_syn; k++)
    if (c->syn[k].dst == out->id && !isfinite(vz_synapse_current(&c->syn[k], state)))
      currents = 0;
  out->inputs_what = currents ? "current" : "weight";
  out->inputs_unit = currents ? "cm v/ms" : "";
  for (size_t k = 0; k < c->n_syn; k++) {
    const vz_synapse *s = &c->syn[k];
    if (s->dst != out->id)
      continue;
    out->n_incoming++;
    offer(out, c->label, s->src, currents ? vz_synapse_current(s, state) : s->w * s->polarity, s->w);
  }
  if (have)
    out->tau = vz_circuit_tau(c, out->id, state);
  free(state);
}

/* The post population's synaptic time constant for weights of sign `sign`. */
static double tau_syn(const vz_pop *post, uint32_t id, int negative)
{
  const char *want = negative ? "tau_syn_I" : "tau_syn_E";
  for (size_t k = 0; k < post->n_params; k++)
    if (!strcmp(post->param_names[k], want) && id < post->size)
      return post->params[k * post->size + id];
  return 5.0;
}

/* The drive of every synapse of p onto neuron id from the spikes of pre. */
static void proj_inputs(vz_proj *p, const vz_pop *pre, const vz_pop *post, const vz_view *v, vz_inspect *out)
{
  const float *w = vz_proj_weights_at(p, v->t_now);
  size_t a = p->in_ptr[out->id], b = p->in_ptr[out->id + 1];
  out->n_incoming += b - a;
  /* head[src] -> the synapses from src onto id, chained through next[]. */
  long *head = malloc((p->n_pre + 1) * sizeof *head), *next = malloc((b - a + 1) * sizeof *next);
  double *drive = calloc(b - a + 1, sizeof *drive), reach = 0;
  if (!head || !next || !drive)
    goto done;
  for (size_t i = 0; i < p->n_pre; i++)
    head[i] = -1;
  int sign = vz_proj_sign(p);   /* an inhibitory receptor's positive weights inhibit */
  for (size_t q = a; q < b; q++) {
    uint32_t k = p->in_idx[q];
    next[q - a] = head[p->src[k]];
    head[p->src[k]] = (long)(q - a);
    reach = fmax(reach, p->delay[k] + KERNEL_TAUS * tau_syn(post, out->id, sign * w[k] < 0));
  }
  for (size_t s = vz_pop_lower(pre, v->t_now - reach), e = vz_pop_lower(pre, v->t_now + 1e-12); s < e; s++)
    for (long q = pre->id[s] < p->n_pre ? head[pre->id[s]] : -1; q >= 0; q = next[q]) {
      uint32_t k = p->in_idx[a + (size_t)q];
      double tau = tau_syn(post, out->id, sign * w[k] < 0), age = v->t_now - pre->t[s] - p->delay[k];
      if (age >= 0 && age <= KERNEL_TAUS * tau)
        drive[q] += exp(-age / tau);
    }
  for (size_t q = a; q < b; q++) {
    uint32_t k = p->in_idx[q];
    double signed_w = sign < 0 ? -fabs(w[k]) : w[k];
    offer(out, pre->name, p->src[k], signed_w * drive[q - a], w[k]);
  }
  out->tau_syn = tau_syn(post, out->id, 0);
done:
  free(head);
  free(next);
  free(drive);
}

static int pop_index(const vz_store *st, const char *name)
{
  for (size_t i = 0; name && i < st->n_pops; i++)
    if (!strcmp(st->pops[i].name, name))
      return (int)i;
  return -1;
}

void vz_inspect_inputs(const vz_store *st, const vz_view *v, vz_inspect *out)
{
  const vz_pop *post = &st->pops[v->sel_pop];
  const vz_circuit *c = vz_store_circuit_of(st, post->name);
  if (c && out->id < c->n) {
    static const char *const names[] = {"cm", "gleak", "vleak"};
    const double *vals[] = {c->cm, c->gleak, c->vleak};
    for (size_t k = 0; !out->n_params && k < 3; k++) {   /* from the circuit file */
      out->param_name[k] = names[k];
      out->param_unit[k] = "";
      out->param[k] = vals[k][out->id];
    }
    out->n_params = out->n_params ? out->n_params : 3;
    ltc_inputs(c, v, out);
    return;
  }
  for (size_t i = 0; st->weights && i < st->weights->n; i++) {
    vz_proj *p = &st->weights->proj[i];
    int pre = pop_index(st, p->pre);
    if (!p->post || strcmp(p->post, post->name) || out->id >= p->n_post)
      continue;
    out->inputs_what = "drive";
    out->inputs_unit = p->units;
    if (pre < 0) {   /* its spikes were not recorded: the synapses still count */
      out->n_incoming += p->in_ptr[out->id + 1] - p->in_ptr[out->id];
      size_t len = strlen(out->inputs_missing);
      snprintf(out->inputs_missing + len, sizeof out->inputs_missing - len, "%s%s", len ? ", " : "",
               p->pre ? p->pre : p->label);
      continue;
    }
    proj_inputs(p, &st->pops[pre], post, v, out);
  }
}
