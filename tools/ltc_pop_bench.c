/* The cost of running an LTC circuit as a network population against the
 * standalone API: a 19-neuron AutoNCP (16 inputs, fused, 6 unfolds) over a
 * series of 1000 steps of 1 ms, both ways, same circuit and inputs; prints
 * microseconds per step and the largest difference of the final states.
 * `make tools/ltc_pop_bench && tools/ltc_pop_bench [repeats]` */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include "ember/ember.h"

static double now(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static ember_ltc *circuit(void)
{
  ember_ltc_wiring_spec spec = {.kind = EMBER_LTC_AUTO_NCP, .units = 19, .outputs = 1, .inputs = 16,
                                .sparsity = 0.5};
  ember_ltc *c = ember_ltc_new();
  if (!c || ember_ltc_build(c, &spec, 11, 0)) {
    fprintf(stderr, "build failed\n");
    exit(1);
  }
  return c;
}

int main(int argc, char **argv)
{
  int reps = argc > 1 ? atoi(argv[1]) : 200;
  enum { T = 1000, K = 16, N = 19 };
  double *x = malloc(T * K * sizeof *x), *t = malloc(T * sizeof *t), va[N], vb[N];
  for (int i = 0; i < T * K; i++)
    x[i] = sin(0.7 * i) * cos(0.13 * i);
  for (int i = 0; i < T; i++)
    t[i] = i;
  ember_ltc *c = circuit();
  double best_a = INFINITY, best_b = INFINITY;
  for (int r = 0; r < reps; r++) {
    ember_ltc_reset(c, NULL);
    double w0 = now();
    ember_ltc_run(c, x, NULL, T, NULL, NULL);
    best_a = fmin(best_a, now() - w0);
  }
  ember_ltc_get_v(c, va);
  ember_ltc_free(c);
  for (int r = 0; r < reps; r++) {
    ember_network *net = ember_network_new(1);
    ember_population *pop;
    ember_series *s;
    if (ember_ltc_population_new(net, "ncp", circuit(), &pop) ||
        ember_series_new(net, K, T, x, t, T, &s) || ember_series_feed(s, pop) ||
        ember_network_run(net, 0)) {   /* the first run fixes the structure; not timed */
      fprintf(stderr, "%s\n", ember_network_error(net));
      return 1;
    }
    double w0 = now();
    ember_network_run(net, T);
    best_b = fmin(best_b, now() - w0);
    ember_population_get(pop, "v", vb);
    ember_network_free(net);
  }
  double d = 0;
  for (int j = 0; j < N; j++)
    d = fmax(d, fabs(va[j] - vb[j]));
  printf("AutoNCP(19, 1), 16 inputs, fused 6 unfolds, %d steps, best of %d:\n", T, reps);
  printf("  standalone ember_ltc_run : %7.2f us/step\n", 1e6 * best_a / T);
  printf("  network population       : %7.2f us/step (1 ms intervals)\n", 1e6 * best_b / T);
  printf("  overhead                 : %7.2f us/step (x%.2f); max |v_network - v_standalone| = %.3g\n",
         1e6 * (best_b - best_a) / T, best_b / best_a, d);
  free(x);
  free(t);
  return 0;
}
