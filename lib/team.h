/* Internal: the barrier of the engine's persistent thread team (lib/team.c).
 *
 * A run with several threads meets twice per communication interval, 10 000
 * intervals per simulated second of COBA. One OpenMP parallel region per interval
 * (fork, join) made 2 threads slower than 1: with the short spin `ember run` sets
 * (GOMP_SPINCOUNT=1000, see sim/main.c) every hand-over went through a futex sleep
 * and wake-up. The team instead keeps one region for the whole run, and its
 * barrier spins for a bounded, adaptive time before it sleeps: a wait that ends
 * while spinning doubles the thread's budget (up to TEAM_SPIN_MAX_NS), one that has
 * to sleep halves it (down to TEAM_SPIN_MIN_NS). On a quiet machine the threads
 * hand over in well under a microsecond; when the partner thread has no core (a
 * busy or oversubscribed machine) the budget falls within a few intervals and the
 * barrier sleeps at once, so spinning never takes the core its partner needs for
 * long (GNU OpenMP's default spin made such runs 15-70 times slower). */
#ifndef EMBER_TEAM_H
#define EMBER_TEAM_H

#include <pthread.h>
#include <stdatomic.h>

#define TEAM_SPIN_MIN_NS 1000.0
#define TEAM_SPIN_MAX_NS 200000.0
#define TEAM_MAX 1024

typedef struct team_barrier {
  int n;                      /* threads that meet */
  atomic_int arrived;
  atomic_uint gen;            /* +1 each time all n have arrived */
  atomic_int sleepers;
  pthread_mutex_t m;
  pthread_cond_t c;
  double budget[TEAM_MAX];    /* each thread's spin budget (ns) */
} team_barrier;

void team_init(team_barrier *b, int n);
void team_destroy(team_barrier *b);
/* Waits until all n threads have called it; tid in [0, n). The last thread to
 * arrive releases the others. Everything written before by any thread is visible
 * after it to all. */
void team_wait(team_barrier *b, int tid);

#endif
