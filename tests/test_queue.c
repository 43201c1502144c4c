/* The event queue (lib/queue.c, compiled in): a take gives every neuron its
 * events as one run, sorted by time with ties in delivery order, whether the
 * neuron has one event (read in place) or several (grouped); the list of
 * neurons with events is in first-delivery order; counts go back to zero at the
 * next take; events at or after a stop are put back in delivery order. Checked
 * against a reference built by brute force from the same pushes. */
#include <stdlib.h>
#include <string.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include "queue.h"

enum { N = 50, SLOTS = 4 };

static uint64_t lcg(uint64_t *s)
{
  *s = *s * 6364136223846793005ull + 1442695040888963407ull;
  return *s >> 33;
}

/* Neuron i's events from a delivery-ordered list: by time, ties in delivery
 * order (a stable selection, written independently of queue.c's sorts). */
static size_t reference_run(const ember_event *ev, size_t n, uint32_t i, ember_event *out)
{
  size_t m = 0;
  for (size_t k = 0; k < n; k++)
    if (ev[k].target == i)
      out[m++] = ev[k];
  for (size_t a = 0; a < m; a++) {   /* stable: pick the earliest smallest each time */
    size_t best = a;
    for (size_t b = a + 1; b < m; b++)
      if (out[b].t < out[best].t)
        best = b;
    ember_event x = out[best];
    memmove(out + a + 1, out + a, (best - a) * sizeof *out);
    out[a] = x;
  }
  return m;
}

/* Compares the take of q with the delivery-ordered events ev[0..n). */
static void check_take(const event_queue *q, const ember_event *ev, size_t n)
{
  ember_event want[256];
  uint8_t seen[N] = {0};
  size_t nt = 0;
  for (size_t k = 0; k < n; k++)   /* first-delivery order */
    if (!seen[ev[k].target]) {
      seen[ev[k].target] = 1;
      assert_true(nt < q->n_touched);
      assert_int_equal(q->touched[nt++], ev[k].target);
    }
  assert_int_equal(q->n_touched, nt);
  for (uint32_t i = 0; i < N; i++) {
    size_t m = reference_run(ev, n, i, want);
    assert_int_equal(q->count[i], m);
    if (m)
      assert_memory_equal(q->run[i], want, m * sizeof *want);
  }
  assert_int_equal(q->n_taken, n);
  assert_memory_equal(q->taken, ev, n * sizeof *ev);
}

/* Random traffic: a few neurons with many events and time ties, most with one
 * or none, over many takes so that every buffer is handed round the ring. */
static void test_take_matches_reference(void **state)
{
  event_queue q;
  assert_int_equal(queue_init(&q, N, SLOTS), EMBER_OK);
  static ember_event sent[SLOTS][256];
  size_t n_sent[SLOTS] = {0};
  uint64_t seed = 42;
  size_t multi = 0;
  for (int64_t slice = 0; slice < 200; slice++) {
    /* deliver into the next slots, then take this one */
    for (int64_t d = 1; d < SLOTS; d++) {
      size_t s = (size_t)((slice + d) % SLOTS), k = lcg(&seed) % 20;
      for (size_t e = 0; e < k && n_sent[s] < 256; e++) {
        uint32_t tg = (uint32_t)(lcg(&seed) % 4 == 0 ? lcg(&seed) % 3 : lcg(&seed) % N);
        double t = (double)(slice + d) + 0.125 * (double)(lcg(&seed) % 8);   /* ties */
        ember_event ev = {t, (double)(slice * 1000 + (int64_t)n_sent[s]), tg, (uint32_t)(e % 2)};
        if (e % 3 == 0) {
          assert_int_equal(queue_push(&q, slice + d, &ev), EMBER_OK);
        } else {
          ember_event *p = queue_push_n(&q, slice + d, 1);
          assert_non_null(p);
          *p = ev;
        }
        sent[s][n_sent[s]++] = ev;
      }
    }
    size_t s = (size_t)(slice % SLOTS);
    assert_int_equal(queue_take(&q, slice), EMBER_OK);
    check_take(&q, sent[s], n_sent[s]);
    for (uint32_t i = 0; i < N; i++)
      multi += q.count[i] > 1;
    n_sent[s] = 0;
  }
  assert_true(multi > 100);   /* the grouped path was exercised */
  queue_free(&q);
}

/* A run that stops inside an interval puts back the events at or after the stop,
 * in delivery order; the next take of that slot sees exactly them. */
static void test_requeue(void **state)
{
  event_queue q;
  assert_int_equal(queue_init(&q, N, SLOTS), EMBER_OK);
  ember_event ev[6] = {{5.75, 1, 3, 0}, {5.25, 2, 7, 0}, {5.5, 3, 3, 1},
                       {5.25, 4, 3, 0}, {5.5, 5, 7, 1}, {5.9, 6, 9, 0}};
  for (int k = 0; k < 6; k++)
    assert_int_equal(queue_push(&q, 5, &ev[k]), EMBER_OK);
  assert_int_equal(queue_take(&q, 5), EMBER_OK);
  check_take(&q, ev, 6);
  assert_int_equal(queue_requeue_from(&q, 5, 5.5), EMBER_OK);
  ember_event later[4] = {ev[0], ev[2], ev[4], ev[5]};
  assert_int_equal(queue_take(&q, 5), EMBER_OK);
  check_take(&q, later, 4);
  assert_int_equal(q.count[7], 1);
  assert_int_equal(q.count[3], 2);
  queue_free(&q);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_take_matches_reference),
    cmocka_unit_test(test_requeue),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
