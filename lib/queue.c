/* Per-population event queues (see queue.h). */
#include <stdlib.h>
#include <string.h>
#include "queue.h"

ember_status queue_init(event_queue *q, size_t n_targets, size_t n_slots)
{
  memset(q, 0, sizeof *q);
  size_t n = n_targets ? n_targets : 1;
  q->slots = calloc(n_slots, sizeof *q->slots);
  q->count = calloc(n, sizeof *q->count);
  q->run = calloc(n, sizeof *q->run);
  q->end = calloc(n, sizeof *q->end);
  q->touched = calloc(n, sizeof *q->touched);
  q->work = calloc(n, sizeof *q->work);
  q->multi = calloc(n, sizeof *q->multi);
  if (!q->slots || !q->count || !q->run || !q->end || !q->touched || !q->work || !q->multi) {
    queue_free(q);
    return EMBER_ERR_NOMEM;
  }
  q->n_slots = n_slots;
  q->n_targets = n_targets;
  return EMBER_OK;
}

void queue_free(event_queue *q)
{
  if (!q)
    return;
  for (size_t i = 0; q->slots && i < q->n_slots; i++)
    free(q->slots[i].ev);
  free(q->slots);
  free(q->count);
  free(q->run);
  free(q->end);
  free(q->touched);
  free(q->work);
  free(q->multi);
  free(q->taken);
  free(q->runs);
  free(q->dup);
  memset(q, 0, sizeof *q);
}

static event_slot *slot_of(event_queue *q, int64_t slice)
{
  return &q->slots[(size_t)(slice % (int64_t)q->n_slots)];
}

/* Doubles the capacity; slots reach their steady size within the first few
 * intervals and then never allocate again. */
static ember_status reserve(ember_event **v, size_t *cap, size_t need)
{
  if (need <= *cap)
    return EMBER_OK;
  size_t nc = *cap ? *cap : 256;
  while (nc < need)
    nc *= 2;
  ember_event *nv = realloc(*v, nc * sizeof *nv);
  if (!nv)
    return EMBER_ERR_NOMEM;
  *v = nv;
  *cap = nc;
  return EMBER_OK;
}

ember_status queue_push(event_queue *q, int64_t slice, const ember_event *ev)
{
  event_slot *s = slot_of(q, slice);
  if (s->n == s->cap && reserve(&s->ev, &s->cap, s->n + 1))
    return EMBER_ERR_NOMEM;
  s->ev[s->n++] = *ev;
  return EMBER_OK;
}

ember_event *queue_push_n(event_queue *q, int64_t slice, size_t n)
{
  event_slot *s = slot_of(q, slice);
  if (s->n + n > s->cap && reserve(&s->ev, &s->cap, s->n + n))
    return NULL;
  ember_event *e = s->ev + s->n;
  s->n += n;
  return e;
}

/* Within one neuron's run: a stable insertion sort by time. Runs are short (a
 * neuron receives a handful of events per interval), so this beats qsort and,
 * unlike it, keeps ties in delivery order. */
static void sort_run(ember_event *e, size_t n)
{
  for (size_t i = 1; i < n; i++) {
    ember_event x = e[i];
    size_t j = i;
    while (j > 0 && e[j - 1].t > x.t) {
      e[j] = e[j - 1];
      j--;
    }
    e[j] = x;
  }
}

/* The neurons with several events: their events copied into q->runs, grouped by
 * neuron (each one's first event, then the later ones from q->dup, which lists
 * them in delivery order, so the runs keep delivery order) and sorted by time
 * within each neuron. Costs in proportion to these events only. */
static ember_status group_multi(event_queue *q, size_t nm, size_t nd)
{
  if (reserve(&q->runs, &q->runs_cap, nm + nd))
    return EMBER_ERR_NOMEM;
  uint32_t *restrict cnt = q->count;
  size_t *restrict next = q->end;
  const uint32_t *restrict multi = q->multi;
  const ember_event **restrict run = q->run;
  ember_event *restrict out = q->runs;
  const ember_event *restrict ev = q->taken;
  size_t sum = 0;
  for (size_t m = 0; m < nm; m++) {
    uint32_t t = multi[m];
    out[sum] = *run[t];
    next[t] = sum + 1;
    sum += cnt[t];
  }
  for (size_t d = 0; d < nd; d++) {
    const ember_event *e = &ev[q->dup[d]];
    out[next[e->target]++] = *e;
  }
  for (size_t m = 0; m < nm; m++) {
    uint32_t t = multi[m];
    ember_event *r = out + next[t] - cnt[t];
    sort_run(r, cnt[t]);
    run[t] = r;
  }
  return EMBER_OK;
}

ember_status queue_take(event_queue *q, int64_t slice)
{
  event_slot *s = slot_of(q, slice);
  /* The slot's events become this interval's, in place: the slot takes the
   * previous interval's buffer (empty now), so nothing is copied. */
  ember_event *ev = s->ev;
  size_t n = s->n, cap = s->cap;
  s->ev = q->taken;
  s->cap = q->taken_cap;
  s->n = 0;
  q->taken = ev;
  q->taken_cap = cap;
  q->n_taken = n;
  /* restrict: the arrays never overlap, and saying so keeps their pointers and
   * the counts in registers across the stores */
  uint32_t *restrict cnt = q->count;
  const ember_event **restrict run = q->run;
  uint32_t *restrict touched = q->touched, *restrict multi = q->multi;
  for (size_t m = 0; m < q->n_touched; m++)   /* the last take's counts back to zero */
    cnt[touched[m]] = 0;
  if (n > q->dup_cap) {   /* doubling as the slots: only while the traffic grows */
    size_t nc = q->dup_cap ? q->dup_cap : 256;
    while (nc < n)
      nc *= 2;
    size_t *d = realloc(q->dup, nc * sizeof *d);
    if (!d)
      return EMBER_ERR_NOMEM;
    q->dup = d;
    q->dup_cap = nc;
  }
  size_t *restrict dup = q->dup;
  /* A neuron with one event (most of them) reads it where it is. */
  size_t nt = 0, nm = 0, nd = 0;
  for (size_t i = 0; i < n; i++) {
    uint32_t t = ev[i].target, c = cnt[t]++;
    if (c == 0) {
      touched[nt++] = t;
      run[t] = ev + i;
    } else {
      dup[nd++] = i;
      if (c == 1)
        multi[nm++] = t;
    }
  }
  q->n_touched = nt;
  return nm ? group_multi(q, nm, nd) : EMBER_OK;
}

ember_status queue_requeue_from(event_queue *q, int64_t slice, double t)
{
  /* the slot holds another buffer than q->taken since queue_take */
  for (size_t i = 0; i < q->n_taken; i++)
    if (q->taken[i].t >= t && queue_push(q, slice, &q->taken[i]))
      return EMBER_ERR_NOMEM;
  return EMBER_OK;
}
