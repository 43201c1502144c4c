/* Coupling of LTC populations with the rest of the network at each interval
 * start (docs/ltc.md): the populations' schedules (e.g. a learning rate that
 * follows time), the LTC -> LTC sigmoid synapses (conductances held over the
 * interval) and the graded currents from LTC neurons into spiking populations
 * (w times the readout y for motor neurons, v for the others, held over the
 * interval and delivered as a change of injected current at ta). */
#include <stdio.h>
#include <string.h>
#include "ltc/ltc_internal.h"
#include "ltc_pop.h"

ember_status ember_ltc_population_set_schedule(ember_population *pop, ember_ltc_schedule_fn fn,
                                               void *user)
{
  if (!pop || !pop->ltc)
    return pop ? net_fail(pop->net, EMBER_ERR_INVALID, "%s: a schedule needs an LTC population",
                          pop->label) : EMBER_ERR_INVALID;
  pop->ltc->sched = fn;
  pop->ltc->sched_user = user;
  return EMBER_OK;
}

/* -------------------------------------------------------- graded currents --- */

/* The value an LTC neuron sends to spiking targets: the readout for motor
 * neurons, v for the others. */
static double graded_value(const ember_ltc *c, size_t i)
{
  return i < c->m ? c->output_w[i] * c->v[i] + c->output_b[i] : c->v[i];
}

/* LTC -> LTC: the held conductances of every receiving population for the
 * interval starting now, from the presynaptic v at ta (projections and
 * presynaptic neurons in order: the same sums for any thread count). */
static void schedule_sigmoid(ember_network *net)
{
  for (size_t i = 0; i < net->n_pops; i++) {
    ltc_pop *p = net->pops[i]->ltc;
    if (p && p->has_sig) {
      memcpy(p->ss0, p->hse, p->c->n * sizeof *p->ss0);   /* the previous values, to see a jump */
      memcpy(p->sse0, p->hsi, p->c->n * sizeof *p->sse0);
      memset(p->hse, 0, p->c->n * sizeof *p->hse);
      memset(p->hsi, 0, p->c->n * sizeof *p->hsi);
    }
  }
  for (size_t q = 0; q < net->n_projs; q++) {
    ember_projection *pj = net->projs[q];
    if (!pj->sigmoid)
      continue;
    const ember_ltc *c = pj->pre->ltc->c;
    double *g = pj->receptor == 0 ? pj->post->ltc->hse : pj->post->ltc->hsi;
    ltc_crec *cr = pj->crec ? pj->crec->ext : NULL;   /* per-synapse currents recorded */
    for (size_t i = 0; i < pj->pre->n; i++) {
      double s = ltc_sigmoid(pj->sig_sigma * (c->v[i] - pj->sig_mu));
      for (size_t k = pj->row[i]; k < pj->row[i + 1]; k++) {
        g[pj->target[k]] += (double)pj->weight[k] * s;
        if (cr && cr->col_of[k] >= 0)
          cr->g[cr->col_of[k]] = (double)pj->weight[k] * s;
      }
    }
  }
  for (size_t i = 0; i < net->n_pops; i++) {
    ltc_pop *p = net->pops[i]->ltc;
    if (p && p->has_sig && (memcmp(p->ss0, p->hse, p->c->n * sizeof *p->hse) ||
                            memcmp(p->sse0, p->hsi, p->c->n * sizeof *p->hsi)))
      p->reset = 1;   /* the drive jumps at ta: no GSL history carries over */
  }
}

/* The populations' own schedules (e.g. a learning rate that follows time), in
 * population order, before anything of the interval is computed. */
static ember_status run_schedules(ember_network *net, double ta)
{
  char msg[512];
  for (size_t q = 0; q < net->n_pops; q++) {
    ltc_pop *p = net->pops[q]->ltc;
    if (!p || !p->sched)
      continue;
    msg[0] = 0;
    ember_status st = p->sched(net->pops[q], ta, p->sched_user, msg, sizeof msg);
    if (st)
      return net_fail(net, st, "%s", msg[0] ? msg : "an LTC population's schedule failed");
  }
  return EMBER_OK;
}

ember_status ltc_net_schedule(ember_network *net, double ta, int64_t slice)
{
  ember_status st = run_schedules(net, ta);
  if (st)
    return st;
  schedule_sigmoid(net);
  for (size_t q = 0; q < net->n_projs; q++) {
    ember_projection *pj = net->projs[q];
    if (!pj->graded || pj->sigmoid)
      continue;
    const ember_ltc *c = pj->pre->ltc->c;
    size_t np = pj->post->n;
    double *cur = pj->graded_i, *prev = cur + np;
    memset(cur, 0, np * sizeof *cur);
    for (size_t i = 0; i < pj->pre->n; i++) {   /* storage order: the same sums for any threads */
      double y = graded_value(c, i);
      for (size_t k = pj->row[i]; k < pj->row[i + 1]; k++)
        cur[pj->target[k]] += (double)pj->weight[k] * y;
    }
    for (size_t j = 0; j < np; j++) {
      if (cur[j] == prev[j])
        continue;
      ember_event ev = {ta, cur[j] - prev[j], (uint32_t)j, EMBER_RECEPTOR_CURRENT};
      if (queue_push(&pj->post->queue, slice, &ev))
        return net_fail(net, EMBER_ERR_NOMEM, "out of memory for events");
      prev[j] = cur[j];
    }
  }
  return EMBER_OK;
}
