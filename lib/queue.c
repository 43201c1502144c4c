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
  q->first = calloc(n, sizeof *q->first);
  q->touched = calloc(n, sizeof *q->touched);
  q->work = calloc(n, sizeof *q->work);
  q->multi = calloc(n, sizeof *q->multi);
  if (!q->slots || !q->count || !q->first || !q->touched || !q->work || !q->multi) {
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
  free(q->first);
  free(q->touched);
  free(q->work);
  free(q->multi);
  free(q->sorted);
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

ember_status queue_take(event_queue *q, int64_t slice)
{
  event_slot *s = slot_of(q, slice);
  if (reserve(&q->sorted, &q->sorted_cap, s->n))
    return EMBER_ERR_NOMEM;
  /* restrict: the arrays never overlap, and saying so keeps their pointers and
   * the counts in registers across the stores */
  uint32_t *restrict cnt = q->count;
  size_t *restrict end = q->first;
  uint32_t *restrict touched = q->touched, *restrict multi = q->multi;
  ember_event *restrict sorted = q->sorted;
  const ember_event *restrict ev = s->ev;
  const size_t n = s->n;
  for (size_t m = 0; m < q->n_touched; m++)   /* the last take's counts back to zero */
    cnt[touched[m]] = 0;
  size_t nt = 0;
  for (size_t i = 0; i < n; i++) {
    uint32_t t = ev[i].target;
    touched[nt] = t;
    nt += cnt[t]++ == 0;
  }
  /* Runs in the order of `touched`; end[i] = the end of neuron i's run. The
   * neurons with several events are listed: only their runs need sorting. */
  size_t sum = 0, nm = 0;
  for (size_t m = 0; m < nt; m++) {
    uint32_t t = touched[m], c = cnt[t];
    sum += c;
    end[t] = sum;
    multi[nm] = t;
    nm += c > 1;
  }
  /* Counting sort, backwards: each event goes to the last free place of its
   * neuron's run, so the runs keep delivery order (stable) and end[i] ends at the
   * start of run i. */
  for (size_t i = n; i-- > 0;)
    sorted[--end[ev[i].target]] = ev[i];
  for (size_t m = 0; m < nm; m++)
    sort_run(sorted + end[multi[m]], cnt[multi[m]]);
  q->n_touched = nt;
  q->n_sorted = n;
  s->n = 0;
  return EMBER_OK;
}

ember_status queue_requeue_from(event_queue *q, int64_t slice, double t)
{
  for (size_t i = 0; i < q->n_sorted; i++)
    if (q->sorted[i].t >= t && queue_push(q, slice, &q->sorted[i]))
      return EMBER_ERR_NOMEM;
  return EMBER_OK;
}
