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
#include "team.h"

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

/* The parts of a job that are the same for every neuron of a population. */
static void job_init(const ember_population *pop, neuron_job *job)
{
  job->pop = pop->index;
  job->label = pop->label;
  job->stdp = pop->stdp_in;
  job->ctx.p = pop->params;  /* a uniform population's jobs all read row 0 */
  job->ctx.refractory = 0;   /* the solver sets it from refr_until */
  job->n_samples = 0;        /* stays 0 without recorders */
}

/* The frames neuron i has to record in this interval, for its job. */
static void job_samples(const ember_population *pop, size_t i, neuron_job *job)
{
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

/* Where a population's neurons keep their storage: read once per interval, not
 * once per job (the solver call in between would make the compiler reload it). */
typedef struct pop_layout {
  double *state, *t_cur, *t_prev, *y_prev, *params, *i_ext, *h, *refr_until;
  size_t n_state, n_yprev, row, n_rec;   /* row: the parameter stride, 0 when uniform */
} pop_layout;

static pop_layout layout_of(const ember_population *pop)
{
  return (pop_layout){pop->state, pop->t_cur, pop->t_prev, pop->y_prev, pop->params, pop->i_ext,
                      pop->h, pop->refr_until, pop->n_state, pop->n_state * pop->n_pending,
                      pop->params_uniform ? 0 : pop->row, pop->n_rec};   /* uniform: all read row 0 */
}

/* The rest of the job for neuron i (after job_init for its population). Runs
 * once per busy neuron and interval, so it is inlined; the recorders are looked
 * at only when the population has any. */
static inline __attribute__((always_inline)) void job_neuron(const ember_population *pop, const pop_layout *L, size_t i,
                              const ember_event *ev, size_t n_ev, int uniform, neuron_job *job)
{
  job->y = L->state + i * L->n_state;
  job->t_cur = L->t_cur + i;
  job->t_prev = L->t_prev + i;
  job->y_prev = L->y_prev + i * L->n_yprev;
  if (!uniform)   /* else set once, by job_init */
    job->ctx.p = L->params + i * L->row;
  job->ctx.i_ext = L->i_ext[i];
  job->h = L->h + i;
  job->refr_until = L->refr_until + i;
  job->ev = ev;
  job->n_ev = n_ev;
  job->id = (uint32_t)i;
  if (L->n_rec)
    job_samples(pop, i, job);
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

/* Advances the k-th neuron of the work list over [ta, tb). `partial`: tb is not
 * the interval's end (a run stops inside it), so some events may wait. `check`:
 * partial, or the population records; else every listed neuron is due or has
 * events (list_work) and none is idle. `uniform`: every neuron reads parameter
 * row 0 (job_init set it). */
static inline __attribute__((always_inline)) void advance_one(
    ember_population *pop, const pop_layout *L, solver_ws *ws, const solver_direct *D,
    thread_ws *w, neuron_job *job,
    size_t k, double ta, double tb, int partial, int check, int uniform, char *msg, size_t msglen)
{
  const event_queue *q = &pop->queue;
  size_t i = q->work[k], n_ev = q->count[i];
  const ember_event *ev = q->run[i];
  while (partial && n_ev && ev[n_ev - 1].t >= tb)   /* events past a run's end wait */
    n_ev--;
  if (check && idle(pop, i, n_ev, tb))
    return;
  job_neuron(pop, L, i, ev, n_ev, uniform, job);
  ember_status st = D->kernel ? D->kernel(D->T, D->m, D->hmax, D->root_tol, D->scratch, job, ta, tb,
                                          &w->spikes, msg, msglen)
                              : solver_advance(ws, job, ta, tb, &w->spikes, msg, msglen);
  L->i_ext[i] = job->ctx.i_ext;
  if (st)
    note_failure(w, st, msg, pop->index, (uint32_t)i);
}

static void advance_neurons(ember_population *pop, thread_ws *w, double ta, double tb)
{
  solver_ws *ws = w->solver[pop->index];
  const pop_layout L = layout_of(pop);
  const solver_direct D = solver_direct_of(ws);   /* the kernel, called directly */
  const ember_network *net = pop->net;
  /* the interval's events all arrive before its end (arrival_slot) */
  const int partial = tb < slice_start(net, net->slice + 1), check = partial || L.n_rec;
  size_t n = pop->queue.n_work;
  char msg[512];
  neuron_job job;
  job_init(pop, &job);
#ifdef _OPENMP
  if (omp_get_num_threads() > 1) {
    /* nowait: populations are independent within an interval (each neuron is
     * written by one thread, spikes go to per-thread buffers), so the only
     * barrier needed is the one closing the parallel region. static: the work
     * list is in neuron order, so a neuron mostly stays with one thread from one
     * interval to the next, and its state in that core's cache (dynamic, 16 was
     * 1.24-1.27 s against 1.20-1.26 s for 1 s of COBA at 2 threads). */
    #pragma omp for schedule(static) nowait
    for (size_t k = 0; k < n; k++)
      advance_one(pop, &L, ws, &D, w, &job, k, ta, tb, partial, check, 0, msg, sizeof msg);
    return;
  }
#endif
  /* One thread: no work-sharing calls, and the usual cases (no checks; uniform
   * parameters or not) as loops of their own, with the flags as constants in the
   * inlined advance_one. */
  if (!check && L.row == 0)
    for (size_t k = 0; k < n; k++)
      advance_one(pop, &L, ws, &D, w, &job, k, ta, tb, 0, 0, 1, msg, sizeof msg);
  else if (!check)
    for (size_t k = 0; k < n; k++)
      advance_one(pop, &L, ws, &D, w, &job, k, ta, tb, 0, 0, 0, msg, sizeof msg);
  else
    for (size_t k = 0; k < n; k++)
      advance_one(pop, &L, ws, &D, w, &job, k, ta, tb, partial, 1, 0, msg, sizeof msg);
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
      neuron_job job;
      job_init(pop, &job);
      const pop_layout L = layout_of(pop);
      #pragma omp for schedule(static)
      for (size_t i = 0; i < pop->n; i++) {
        job_neuron(pop, &L, i, NULL, 0, 0, &job);
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

/* One thread's share of advancing every population over [ta, tb), inside a
 * parallel region (or alone). */
static void advance_pops(ember_network *net, thread_ws *w, double ta, double tb)
{
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

static size_t spiking_pops(const ember_network *net)
{
  size_t n = 0;
  for (size_t p = 0; p < net->n_pops; p++)
    n += !net->pops[p]->ltc;
  return n;
}

/* Advances every population over [ta, tb), in a parallel region of its own. */
static void advance_all(ember_network *net, double ta, double tb)
{
  if (!spiking_pops(net))   /* only LTC circuits: no parallel region to open */
    return;
  if (net->n_ws == 1) {   /* no parallel region for one thread */
    advance_pops(net, &net->ws[0], ta, tb);
    return;
  }
  #pragma omp parallel num_threads(net->n_ws) if(net->n_ws > 1)
  {
    int t = 0;
#ifdef _OPENMP
    t = omp_get_thread_num();
#endif
    advance_pops(net, &net->ws[t], ta, tb);
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

/* The interval an event arriving at t is queued in. */
static int64_t arrival_slot(const ember_network *net, double t)
{
  int64_t slot = slice_of(net, t);
  return slot <= net->slice ? net->slice + 1 : slot;   /* rounding at an interval edge */
}

/* Queues the events of one spike along one projection, at t_spike + delay. */
static ember_status deliver_row(ember_network *net, ember_projection *pj, const spike_rec *s)
{
  size_t k0 = pj->row[s->id], k1 = pj->row[s->id + 1];
  event_queue *q = &pj->post->queue;
  /* one arrival time, weights as they are: one slot, one copy loop */
  if (!pj->delay && !pj->stdp && !pj->crec && k1 > k0) {
    double t = s->t + pj->delay_const;
    ember_event *e = queue_push_n(q, arrival_slot(net, t), k1 - k0);
    if (!e)
      return net_fail(net, EMBER_ERR_NOMEM, "out of memory for events");
    uint32_t rc = (uint32_t)pj->receptor;
    for (size_t k = k0; k < k1; k++)
      *e++ = (ember_event){t, pj->weight[k], pj->target[k], rc};
    return EMBER_OK;
  }
  /* events that carry the synapse's index instead of its weight: plastic (the
   * weight is read on arrival), or its current is recorded per synapse (LTC) */
  uint32_t tag = pj->stdp ? pj->stdp_receptor : pj->crec ? EMBER_RECEPTOR_SYNAPSE + pj->index : 0;
  for (size_t k = k0; k < k1; k++) {
    double t = s->t + (pj->delay ? (double)pj->delay[k] : pj->delay_const);
    ember_event ev = {t, pj->weight[k], pj->target[k], (uint32_t)pj->receptor};
    if (tag)
      ev.w = (double)k, ev.receptor = tag;
    if (queue_push(q, arrival_slot(net, t), &ev))
      return net_fail(net, EMBER_ERR_NOMEM, "out of memory for events");
  }
  return EMBER_OK;
}

/* Queues every synaptic event caused by the spikes, in their canonical order. */
static ember_status deliver(ember_network *net, const spike_rec *s, size_t n)
{
  for (size_t i = 0; i < n; i++) {
    ember_population *pre = net->pops[s[i].pop];
    for (size_t o = 0; o < pre->n_out; o++) {
      ember_status st = deliver_row(net, pre->out[o], &s[i]);
      if (st)
        return st;
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

/* The state of a run between its intervals. */
typedef struct run_ctl {
  double t_stop, wall0, next_report;
  uint64_t spikes;
  double ta, tb;   /* the interval being run; tb is its end or the end of the run */
  int whole;       /* tb is the interval's end */
  ember_status st;
} run_ctl;

static void report_progress(ember_network *net, double t_stop, double wall0, uint64_t spikes,
                            double *next);

/* Picks the next interval and makes its queues and lists of work (serial part
 * before the neurons advance); 0 when the run is over or has failed. */
static int interval_begin(ember_network *net, run_ctl *c)
{
  while (!c->st && net->t < c->t_stop) {
    double end = slice_start(net, net->slice + 1);
    if (end <= net->t) {            /* t sits on the boundary: next interval */
      net->slice++;
      continue;
    }
    c->whole = end <= c->t_stop;
    c->ta = net->t;
    c->tb = c->whole ? end : c->t_stop;
    ember_status st = take_queues(net, c->ta, c->tb);
    if (st || (st = ltc_net_advance(net, c->ta, c->tb))) {   /* LTC circuits: each one ODE system */
      c->st = st;
      return 0;
    }
    for (size_t p = 0; p < net->n_pops; p++)
      if (net->pops[p]->model && !net->pops[p]->ltc)
        list_work(net->pops[p], c->tb);
    return 1;
  }
  return 0;
}

/* The serial part after the neurons advanced: failures, spike exchange,
 * recording, observer and progress. */
static void interval_end(ember_network *net, run_ctl *c)
{
  double tb = c->tb;
  size_t n = 0;
  ember_status st = first_failure(net);
  if (!st) {
    /* From here on the neurons are past ta: a failure leaves the network unusable. */
    st = merge_spikes(net, &n);
    if (!st && !c->whole)
      for (size_t p = 0; p < net->n_pops && !st; p++)
        if (net->pops[p]->model && queue_requeue_from(&net->pops[p]->queue, net->slice, tb))
          st = net_fail(net, EMBER_ERR_NOMEM, "out of memory for events");
    if (!st)
      st = deliver(net, net->merged, n);
    if (!st)
      st = record_spikes(net, net->merged, n);
    if (st) {
      net->failed = 1;
    } else {
      c->spikes += n;
      net->t = tb;
      if (c->whole)
        net->slice++;
      if (net->observer) {
        ember_interval iv = {c->ta, tb, net->merged, n};
        if (net->observer(&iv, net->observer_user))
          net->stop_requested = 1;
      }
      st = record_end_slice(net, 0);
    }
  }
  c->st = st;
  report_progress(net, c->t_stop, c->wall0, c->spikes, &c->next_report);
  if (!c->st && net->stop_requested)
    c->st = net_fail(net, EMBER_ERR_INTERRUPTED, "run interrupted at t = %.6g ms", net->t);
}

/* Several threads and no LTC circuit (whose solvers open parallel regions of
 * their own): one parallel region for the whole run. Thread 0 does the serial
 * parts; the team meets at two barriers per interval (lib/team.h). */
static void run_team(ember_network *net, run_ctl *c)
{
  team_barrier *b = malloc(sizeof *b);
  if (!b) {
    c->st = net_fail(net, EMBER_ERR_NOMEM, "out of memory");
    return;
  }
  int go = 0;
  #pragma omp parallel num_threads(net->n_ws)
  {
    int t = 0;
#ifdef _OPENMP
    t = omp_get_thread_num();
    #pragma omp master
    team_init(b, omp_get_num_threads());
    #pragma omp barrier
#endif
    for (;;) {
      if (t == 0)
        go = interval_begin(net, c);
      team_wait(b, t);
      if (!go)
        break;
      advance_pops(net, &net->ws[t], c->ta, c->tb);
      team_wait(b, t);
      if (t == 0)
        interval_end(net, c);
    }
  }
  team_destroy(b);
  free(b);
}

static int use_team(const ember_network *net)
{
  if (net->n_ws < 2 || !spiking_pops(net))
    return 0;
  for (size_t p = 0; p < net->n_pops; p++)
    if (net->pops[p]->ltc)
      return 0;
  return 1;
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
  run_ctl c = {.t_stop = net->t + duration, .wall0 = wall_now()};
  c.next_report = c.wall0;
  if (use_team(net)) {
    run_team(net, &c);
  } else {
    while (interval_begin(net, &c)) {
      advance_all(net, c.ta, c.tb);
      interval_end(net, &c);
    }
  }
  st = c.st;
  if (!net->failed)
    settle_all(net);
  ember_status fl = record_end_slice(net, 1);   /* keep what was recorded, whatever happened */
  if (!st && fl)
    st = fl;
  if (net->progress) {
    ember_progress p = {net->t, c.t_stop, wall_now() - c.wall0, c.spikes};
    net->progress(&p, net->progress_user);
  }
  return st;
}
