/* The run loop.
 *
 * Time advances in communication intervals of length h = the smallest delay.
 * Within an interval no spike emitted in it can arrive (every delay is >= h), so
 * every neuron advances independently and in parallel, integrating exactly from
 * event to event. At the end of the interval the spikes of all threads are merged,
 * put in a canonical order (population, neuron, time), recorded, and delivered
 * into the target populations' queues at the interval of their arrival time
 * t_spike + delay. The canonical order makes every queue, and therefore every
 * result, the same for any number of threads. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#ifdef _OPENMP
#include <omp.h>
#endif
#include "internal.h"
#include "ltc_pop.h"
#include "solver.h"
#include "sources/source.h"

void spike_buf_push(spike_buf *b, double t, uint32_t pop, uint32_t id)
{
  if (b->n == b->cap) {
    size_t cap = b->cap ? 2 * b->cap : 1024;
    spike_rec *v = realloc(b->v, cap * sizeof *v);
    if (!v) {
      b->oom = 1;
      return;
    }
    b->v = v;
    b->cap = cap;
  }
  b->v[b->n++] = (spike_rec){t, pop, id};
}

static double wall_now(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* --------------------------------------------------------------- set-up --- */

void engine_free(ember_network *net)
{
  for (int t = 0; net->ws && t < net->n_ws; t++) {
    for (size_t p = 0; net->ws[t].solver && p < net->n_pops; p++)
      solver_ws_free(net->ws[t].solver[p]);
    free(net->ws[t].solver);
    free(net->ws[t].spikes.v);
  }
  free(net->ws);
  net->ws = NULL;
  free(net->merged);
}

static ember_status alloc_workspaces(ember_network *net)
{
  net->n_ws = net->threads;
  net->ws = calloc((size_t)net->n_ws, sizeof *net->ws);
  if (!net->ws)
    return EMBER_ERR_NOMEM;
  for (int t = 0; t < net->n_ws; t++) {
    net->ws[t].solver = calloc(net->n_pops, sizeof(solver_ws *));
    if (!net->ws[t].solver)
      return EMBER_ERR_NOMEM;
    for (size_t p = 0; p < net->n_pops; p++) {
      ember_population *pop = net->pops[p];
      if (pop->model && !pop->ltc &&
          !(net->ws[t].solver[p] = solver_ws_new(pop->skind, pop->model, &pop->solver)))
        return EMBER_ERR_NOMEM;
    }
  }
  for (size_t p = 0; p < net->n_pops; p++) {   /* each neuron's open step */
    ember_population *pop = net->pops[p];
    if (!pop->model || pop->ltc)
      continue;
    pop->n_pending = solver_pending(pop->skind, &pop->solver);
    if (!(pop->y_prev = calloc(pop->n * pop->n_state * pop->n_pending, sizeof *pop->y_prev)))
      return EMBER_ERR_NOMEM;
  }
  return EMBER_OK;
}

/* Lists each population's outgoing projections, for delivery. */
static ember_status link_projections(ember_network *net)
{
  for (size_t i = 0; i < net->n_projs; i++) {
    ember_population *pre = net->projs[i]->pre;
    ember_projection **o = realloc(pre->out, (pre->n_out + 1) * sizeof *o);
    if (!o)
      return EMBER_ERR_NOMEM;
    pre->out = o;
    o[pre->n_out++] = net->projs[i];
  }
  return EMBER_OK;
}

static ember_status check_delays(ember_network *net, double *max_delay)
{
  *max_delay = net->h;
  for (size_t i = 0; i < net->n_projs; i++) {
    ember_projection *p = net->projs[i];
    if (p->graded)   /* a graded current has no delay */
      continue;
    if (p->n_syn && p->min_delay < net->h)
      return net_fail(net, EMBER_ERR_INVALID, "%s has a delay of %g ms, below min_delay = %g ms",
                      p->label, p->min_delay, net->h);
    *max_delay = fmax(*max_delay, p->max_delay);
  }
  return EMBER_OK;
}

/* Fixes the structure at the first run: interval, queues, workspaces, files. */
static ember_status freeze(ember_network *net)
{
  if (net->n_pops == 0)
    return net_fail(net, EMBER_ERR_STATE, "the network has no populations to simulate");
  net->h = ember_network_min_delay(net);
  double max_delay;
  ember_status st = check_delays(net, &max_delay);
  if (st || (st = ltc_net_check(net)))
    return st;
  /* +3, not +2: max_delay / h a hair below an integer must not wrap the ring. */
  net->n_slots = (size_t)floor(max_delay / net->h) + 3;
  /* Past this point a failure leaves half-built queues and links: the network
   * is marked failed rather than retried (which would link projections twice). */
  net->frozen = 1;
  net->slice = (int64_t)floor(net->t / net->h);
  for (size_t p = 0; !st && p < net->n_pops; p++)
    if (net->pops[p]->model && queue_init(&net->pops[p]->queue, net->pops[p]->n, net->n_slots))
      st = net_fail(net, EMBER_ERR_NOMEM, "out of memory for event queues");
  if (!st && (link_projections(net) || alloc_workspaces(net)))
    st = net_fail(net, EMBER_ERR_NOMEM, "out of memory for solver workspaces");
  if (!st)
    st = stdp_setup(net);
  if (!st)
    st = record_open(net);   /* no silent runs without the output that was asked for */
  if (!st)
    st = ltc_net_freeze(net);
  if (st)
    net->failed = 1;
  return st;
}

/* --------------------------------------------------------------- timing --- */

static double slice_start(const ember_network *net, int64_t k) { return (double)k * net->h; }

/* The interval containing t, by the same arithmetic that defines interval
 * bounds, so that slice_start(k) <= t < slice_start(k + 1) holds exactly. */
static int64_t slice_of(const ember_network *net, double t)
{
  int64_t k = (int64_t)floor(t / net->h);
  if (slice_start(net, k + 1) <= t)
    k++;
  else if (slice_start(net, k) > t)
    k--;
  return k;
}

/* ------------------------------------------------------------- advance --- */

/* Fills the job for neuron i of a neuron population. */
static void make_job(ember_population *pop, size_t i, const ember_event *ev, size_t n_ev,
                     neuron_job *job)
{
  job->y = pop->state + i * pop->n_state;
  job->t_cur = &pop->t_cur[i];
  job->t_prev = &pop->t_prev[i];
  job->y_prev = pop->y_prev + i * pop->n_state * pop->n_pending;
  job->ctx.p = pop->params + i * pop->row;
  job->ctx.i_ext = pop->i_ext[i];
  job->ctx.refractory = 0;
  job->h = &pop->h[i];
  job->refr_until = &pop->refr_until[i];
  job->ev = ev;
  job->n_ev = n_ev;
  job->pop = pop->index;
  job->id = (uint32_t)i;
  job->label = pop->label;
  job->stdp = pop->stdp_in;
  job->n_samples = 0;
  for (size_t r = 0; r < pop->n_rec; r++) {
    recorder *rc = pop->rec[r];
    if (rc->col[i] < 0 || rc->k_begin == rc->k_end)
      continue;
    job->samples[job->n_samples++] = (sample_req){
      .dst = rc->buf + (rc->k_begin - rc->buf_first) * rc->n_ids + (size_t)rc->col[i],
      .stride = rc->n_ids, .t0 = rc->t_start, .dt = rc->interval,
      .k = rc->k_begin, .k_end = rc->k_end, .k_base = rc->k_begin, .var = rc->var};
  }
}

/* Keeps the failure of the lowest (population, neuron): the one reported must not
 * depend on which thread met its failure first. */
static void note_failure(thread_ws *w, ember_status st, const char *msg, uint32_t pop, uint32_t id)
{
  double key = (double)pop * 4294967296.0 + id;
  if (w->err && w->err_t <= key)
    return;
  w->err = st;
  w->err_t = key;
  snprintf(w->msg, sizeof w->msg, "%s", msg);
}

/* True when neuron i has nothing to do in [ta, tb): no event, its open step
 * already reaches past tb, and no frame of it to record. Most neurons are in
 * this state in most intervals of a network with short delays. */
static int idle(const ember_population *pop, size_t i, size_t n_ev, double tb)
{
  if (n_ev || pop->t_cur[i] < tb)
    return 0;
  for (size_t r = 0; r < pop->n_rec; r++)
    if (pop->rec[r]->col[i] >= 0 && pop->rec[r]->k_begin < pop->rec[r]->k_end)
      return 0;
  return 1;
}

static void advance_neurons(ember_population *pop, thread_ws *w, double ta, double tb)
{
  solver_ws *ws = w->solver[pop->index];
  const event_queue *q = &pop->queue;
  char msg[512];
  /* nowait: populations are independent within an interval (each neuron is
   * written by one thread, spikes go to per-thread buffers), so the only barrier
   * needed is the one closing the parallel region. */
  #pragma omp for schedule(dynamic, 64) nowait
  for (size_t i = 0; i < pop->n; i++) {
    size_t a = q->offsets[i], b = q->offsets[i + 1];
    while (b > a && q->sorted[b - 1].t >= tb)   /* events past a run's end wait */
      b--;
    if (idle(pop, i, b - a, tb))
      continue;
    neuron_job job;
    make_job(pop, i, q->sorted + a, b - a, &job);
    ember_status st = solver_advance(ws, &job, ta, tb, &w->spikes, msg, sizeof msg);
    pop->i_ext[i] = job.ctx.i_ext;
    if (st)
      note_failure(w, st, msg, pop->index, (uint32_t)i);
  }
}

/* Ends every neuron's last step exactly at the network's time. */
static void settle_all(ember_network *net)
{
  #pragma omp parallel num_threads(net->n_ws)
  {
    int t = 0;
#ifdef _OPENMP
    t = omp_get_thread_num();
#endif
    for (size_t p = 0; p < net->n_pops; p++) {
      ember_population *pop = net->pops[p];
      if (!pop->model || pop->ltc)
        continue;
      #pragma omp for schedule(static)
      for (size_t i = 0; i < pop->n; i++) {
        neuron_job job;
        make_job(pop, i, NULL, 0, &job);
        job.n_samples = 0;
        solver_settle(net->ws[t].solver[p], &job, net->t);
      }
    }
  }
}

static void emit_sources(ember_population *pop, thread_ws *w, double ta, double tb)
{
  #pragma omp for schedule(static) nowait
  for (size_t i = 0; i < pop->n; i++)
    pop->source->emit(pop, i, ta, tb, &w->spikes);
}

/* Advances every population over [ta, tb). */
static void advance_all(ember_network *net, double ta, double tb)
{
  size_t spiking = 0;   /* only LTC circuits: no parallel region to open */
  for (size_t p = 0; p < net->n_pops; p++)
    spiking += !net->pops[p]->ltc;
  if (!spiking)
    return;
  #pragma omp parallel num_threads(net->n_ws)
  {
    int t = 0;
#ifdef _OPENMP
    t = omp_get_thread_num();
#endif
    thread_ws *w = &net->ws[t];
    for (size_t p = 0; p < net->n_pops; p++) {
      ember_population *pop = net->pops[p];
      if (pop->ltc)   /* advanced before, by ltc_net_advance */
        continue;
      if (pop->model)
        advance_neurons(pop, w, ta, tb);
      else
        emit_sources(pop, w, ta, tb);
    }
  }
}

/* ------------------------------------------------------------ exchange --- */

static int spike_order(const void *a, const void *b)
{
  const spike_rec *x = a, *y = b;
  if (x->pop != y->pop)
    return x->pop < y->pop ? -1 : 1;
  if (x->id != y->id)
    return x->id < y->id ? -1 : 1;
  return (x->t > y->t) - (x->t < y->t);
}

/* Gathers the threads' spikes into net->merged in canonical order. */
static ember_status merge_spikes(ember_network *net, size_t *n_out)
{
  size_t n = 0;
  for (int t = 0; t < net->n_ws; t++) {
    if (net->ws[t].spikes.oom)
      return net_fail(net, EMBER_ERR_NOMEM, "out of memory for spikes");
    n += net->ws[t].spikes.n;
  }
  spike_rec *m = net_grow(net->merged, &net->merged_cap, n ? n : 1, sizeof *m);
  if (!m)
    return net_fail(net, EMBER_ERR_NOMEM, "out of memory for spikes");
  net->merged = m;
  n = 0;
  for (int t = 0; t < net->n_ws; t++) {
    if (net->ws[t].spikes.n)
      memcpy(m + n, net->ws[t].spikes.v, net->ws[t].spikes.n * sizeof *m);
    n += net->ws[t].spikes.n;
    net->ws[t].spikes.n = 0;
  }
  qsort(m, n, sizeof *m, spike_order);
  for (size_t i = 0; i < n; i++)
    net->pops[m[i].pop]->spike_count++;
  *n_out = n;
  return EMBER_OK;
}

/* Queues every synaptic event caused by the spikes, at t_spike + delay. */
static ember_status deliver(ember_network *net, const spike_rec *s, size_t n)
{
  for (size_t i = 0; i < n; i++) {
    ember_population *pre = net->pops[s[i].pop];
    for (size_t o = 0; o < pre->n_out; o++) {
      ember_projection *pj = pre->out[o];
      event_queue *q = &pj->post->queue;
      /* events that carry the synapse's index instead of its weight: plastic (the
       * weight is read on arrival), or its current is recorded per synapse (LTC) */
      uint32_t tag = pj->stdp ? pj->stdp_receptor : pj->crec ? EMBER_RECEPTOR_SYNAPSE + pj->index : 0;
      for (size_t k = pj->row[s[i].id]; k < pj->row[s[i].id + 1]; k++) {
        double t = s[i].t + (pj->delay ? (double)pj->delay[k] : pj->delay_const);
        int64_t slot = slice_of(net, t);
        if (slot <= net->slice)        /* rounding at an interval edge */
          slot = net->slice + 1;
        ember_event ev = {t, pj->weight[k], pj->target[k], (uint32_t)pj->receptor};
        if (tag)
          ev.w = (double)k, ev.receptor = tag;
        if (queue_push(q, slot, &ev))
          return net_fail(net, EMBER_ERR_NOMEM, "out of memory for events");
      }
    }
  }
  return EMBER_OK;
}

/* ----------------------------------------------------------------- run --- */

static ember_status take_queues(ember_network *net, double ta, double tb)
{
  ember_status pst = stdp_begin_interval(net, ta, tb);
  if (pst)
    return pst;
  for (size_t c = 0; c < net->n_currents; c++)
    if (current_schedule(net->currents[c], ta, tb, net->slice))
      return net_fail(net, EMBER_ERR_NOMEM, "out of memory for events");
  ember_status lst = ltc_net_schedule(net, ta, net->slice);   /* schedules; graded currents from ta */
  if (lst)
    return lst;
  for (size_t p = 0; p < net->n_pops; p++) {
    ember_population *pop = net->pops[p];
    if (pop->model && queue_take(&pop->queue, net->slice))
      return net_fail(net, EMBER_ERR_NOMEM, "out of memory for events");
    ember_status st = record_begin_slice(pop, ta, tb);
    if (st)
      return st;
  }
  return EMBER_OK;
}

static ember_status first_failure(ember_network *net)
{
  thread_ws *best = NULL;
  for (int t = 0; t < net->n_ws; t++)
    if (net->ws[t].err && (!best || net->ws[t].err_t < best->err_t))
      best = &net->ws[t];
  if (!best)
    return EMBER_OK;
  net->failed = 1;
  return net_fail(net, best->err, "%s", best->msg);
}

/* One interval [ta, tb); tb is the interval's end or the end of the run. */
static ember_status step_interval(ember_network *net, double ta, double tb, int at_end,
                                  uint64_t *spikes)
{
  ember_status st = take_queues(net, ta, tb);
  if (st || (st = ltc_net_advance(net, ta, tb)))   /* LTC circuits: each one ODE system */
    return st;
  advance_all(net, ta, tb);
  size_t n = 0;
  if ((st = first_failure(net)))
    return st;
  /* From here on the neurons are past ta: a failure leaves the network unusable. */
  if (!st)
    st = merge_spikes(net, &n);
  if (!st && !at_end)
    for (size_t p = 0; p < net->n_pops && !st; p++)
      if (net->pops[p]->model && queue_requeue_from(&net->pops[p]->queue, net->slice, tb))
        st = net_fail(net, EMBER_ERR_NOMEM, "out of memory for events");
  if (!st)
    st = deliver(net, net->merged, n);
  if (!st)
    st = record_spikes(net, net->merged, n);
  if (st) {
    net->failed = 1;
    return st;
  }
  *spikes += n;
  net->t = tb;
  if (at_end)
    net->slice++;
  if (net->observer) {
    ember_interval iv = {ta, tb, net->merged, n};
    if (net->observer(&iv, net->observer_user))
      net->stop_requested = 1;
  }
  return record_end_slice(net, 0);
}

void ember_network_set_observer(ember_network *net, ember_observer_fn fn, void *user)
{
  net->observer = fn;
  net->observer_user = user;
}

static void report_progress(ember_network *net, double t_stop, double wall0, uint64_t spikes,
                            double *next)
{
  double now = wall_now();
  if (!net->progress || now < *next)
    return;
  ember_progress p = {net->t, t_stop, now - wall0, spikes};
  net->progress(&p, net->progress_user);
  *next = now + net->progress_every;
}

static ember_status check_runnable(ember_network *net, double duration)
{
  if (!(duration >= 0) || !isfinite(duration))
    return net_fail(net, EMBER_ERR_INVALID, "run: duration must be a finite number of ms >= 0, got %g",
                    duration);
  if (net->failed)
    return net_fail(net, EMBER_ERR_STATE, "run: a previous run failed; the network cannot continue");
  if (net->closed)
    return net_fail(net, EMBER_ERR_STATE, "run: the output was closed; the network cannot continue");
  ember_status st = net->frozen ? EMBER_OK : freeze(net);
  for (size_t p = 0; !st && p < net->n_pops; p++)
    st = pop_prepare(net->pops[p]);
  return st;
}

ember_status ember_network_run(ember_network *net, double duration)
{
  ember_status st = check_runnable(net, duration);
  if (st)
    return st;
  net->stop_requested = 0;
  double t_stop = net->t + duration, wall0 = wall_now(), next_report = wall0;
  uint64_t spikes = 0;
  while (!st && net->t < t_stop) {
    double end = slice_start(net, net->slice + 1);
    if (end <= net->t) {            /* t sits on the boundary: next interval */
      net->slice++;
      continue;
    }
    int whole = end <= t_stop;
    st = step_interval(net, net->t, whole ? end : t_stop, whole, &spikes);
    report_progress(net, t_stop, wall0, spikes, &next_report);
    if (!st && net->stop_requested)
      st = net_fail(net, EMBER_ERR_INTERRUPTED, "run interrupted at t = %.6g ms", net->t);
  }
  if (!net->failed)
    settle_all(net);
  ember_status fl = record_end_slice(net, 1);   /* keep what was recorded, whatever happened */
  if (!st && fl)
    st = fl;
  if (net->progress) {
    ember_progress p = {net->t, t_stop, wall_now() - wall0, spikes};
    net->progress(&p, net->progress_user);
  }
  return st;
}
