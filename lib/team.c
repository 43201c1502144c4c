/* The engine's team barrier: spin for a bounded, adaptive time, then sleep
 * (see team.h for why). */
#include <time.h>
#include "team.h"

static double now_ns(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return 1e9 * (double)ts.tv_sec + (double)ts.tv_nsec;
}

static inline void cpu_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#elif defined(__aarch64__)
  __asm__ __volatile__("yield");
#endif
}

void team_init(team_barrier *b, int n)
{
  b->n = n < 1 ? 1 : n > TEAM_MAX ? TEAM_MAX : n;
  atomic_init(&b->arrived, 0);
  atomic_init(&b->gen, 0);
  atomic_init(&b->sleepers, 0);
  pthread_mutex_init(&b->m, NULL);
  pthread_cond_init(&b->c, NULL);
  for (int i = 0; i < TEAM_MAX; i++)
    b->budget[i] = 50000.0;
}

void team_destroy(team_barrier *b)
{
  pthread_mutex_destroy(&b->m);
  pthread_cond_destroy(&b->c);
}

/* Spins until the generation moves on or the budget is spent; 1 if it moved. */
static int spin(team_barrier *b, unsigned g, double budget)
{
  double t0 = 0;
  for (unsigned k = 0;; k++) {
    if (atomic_load(&b->gen) != g)
      return 1;
    cpu_relax();
    if ((k & 63) == 63) {   /* the clock only now and then: ~20 ns a reading */
      double t = now_ns();
      if (t0 == 0)
        t0 = t;
      else if (t - t0 >= budget)
        return 0;
    }
  }
}

void team_wait(team_barrier *b, int tid)
{
  if (b->n == 1)
    return;
  unsigned g = atomic_load(&b->gen);
  if (atomic_fetch_add(&b->arrived, 1) == b->n - 1) {   /* the last one releases */
    atomic_store(&b->arrived, 0);
    atomic_fetch_add(&b->gen, 1);
    if (atomic_load(&b->sleepers)) {
      pthread_mutex_lock(&b->m);
      pthread_cond_broadcast(&b->c);
      pthread_mutex_unlock(&b->m);
    }
    return;
  }
  double *budget = &b->budget[tid];
  if (spin(b, g, *budget)) {
    *budget = *budget * 2 > TEAM_SPIN_MAX_NS ? TEAM_SPIN_MAX_NS : *budget * 2;
    return;
  }
  *budget = *budget / 2 < TEAM_SPIN_MIN_NS ? TEAM_SPIN_MIN_NS : *budget / 2;
  /* sleepers is raised before gen is read again (both sequentially consistent):
   * either the releasing thread sees a sleeper and broadcasts under the lock, or
   * this thread sees the new generation. */
  pthread_mutex_lock(&b->m);
  atomic_fetch_add(&b->sleepers, 1);
  while (atomic_load(&b->gen) == g)
    pthread_cond_wait(&b->c, &b->m);
  atomic_fetch_sub(&b->sleepers, 1);
  pthread_mutex_unlock(&b->m);
}
