/* LTC speed and accuracy measurements (not installed; `make tools/ltc_bench`).
 *
 *   ltc_bench speed [FILE.h5]   steps/s of the fused solver (6 unfolds, batch 1,
 *                               16 inputs, sequences of 1000 steps) for AutoNCP(19, 1)
 *                               and a 128-unit fully connected circuit, or FILE,
 *                               then rk8pd at 1e-8
 *   ltc_bench fused [FILE.h5]   the fused solver only
 *   ltc_bench kernel            the synapse kernel in use (avx512, avx2, generic)
 *
 * LTC_BENCH_KERNEL=avx2 (etc.) chooses the kernel, LTC_BENCH_CPU=1 measures CPU time.
 *   ltc_bench cost [WHAT]       error vs cost (CSV) of fused 1..64 unfolds and
 *                               rkf45 / rk8pd at several tolerances, against rk8pd
 *                               at 1e-13, on AutoNCP(19, 1) with 16 inputs, or
 *                               WHAT = fc128 or FILE.h5 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "ember/ltc.h"

#define T_SEQ 1000

/* Wall time, or this process's CPU time when LTC_BENCH_CPU=1 (comparisons on a
 * busy machine: time slices taken by other processes do not count). */
static double now(void)
{
  static int cpu = -1;
  if (cpu < 0)
    cpu = getenv("LTC_BENCH_CPU") && !strcmp(getenv("LTC_BENCH_CPU"), "1");
  struct timespec ts;
  clock_gettime(cpu ? CLOCK_PROCESS_CPUTIME_ID : CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static void die(ember_ltc *c, ember_status st, const char *what)
{
  fprintf(stderr, "ltc_bench: %s: %s: %s\n", what, ember_strerror(st), ember_ltc_error(c));
  exit(1);
}

/* Input series in [-1, 1], the same for every run. */
static double *make_series(size_t T, size_t K)
{
  double *x = malloc(T * K * sizeof *x);
  for (size_t i = 0; i < T * K; i++)
    x[i] = sin(0.37 * (double)i) * cos(0.011 * (double)i);
  return x;
}

static ember_ltc *circuit(const char *what, size_t k)
{
  ember_ltc *c = ember_ltc_new();
  ember_status st;
  if (!strcmp(what, "autoncp19")) {
    ember_ltc_wiring_spec s = {.kind = EMBER_LTC_AUTO_NCP, .units = 19, .outputs = 1, .inputs = k,
                               .sparsity = 0.5};
    st = ember_ltc_build(c, &s, 1, EMBER_LTC_INIT_SOFTPLUS);
  } else if (!strcmp(what, "fc128")) {
    ember_ltc_wiring_spec s = {.kind = EMBER_LTC_FULLY_CONNECTED, .units = 128, .outputs = 1, .inputs = k};
    st = ember_ltc_build(c, &s, 1, EMBER_LTC_INIT_SOFTPLUS);
  } else {
    st = ember_ltc_load(c, what);
  }
  if (st)
    die(c, st, what);
  return c;
}

/* Sequence steps per second of the current solver, over >= 1 s of runs. */
static double steps_per_s(ember_ltc *c)
{
  size_t K = ember_ltc_inputs(c), M = ember_ltc_outputs(c);
  double *x = make_series(T_SEQ, K), *y = malloc(T_SEQ * M * sizeof *y);
  size_t steps = 0;
  double t0 = now(), t;
  do {
    ember_status st = ember_ltc_reset(c, NULL);
    if (!st)
      st = ember_ltc_run(c, x, NULL, T_SEQ, y, NULL);
    if (st)
      die(c, st, "run");
    steps += T_SEQ;
  } while ((t = now() - t0) < 1.0);
  free(x);
  free(y);
  return (double)steps / t;
}

static void speed(int argc, char **argv, int adaptive)
{
  const char *names[] = {"autoncp19", "fc128"};
  int n = argc > 2 ? 1 : 2;
  for (int i = 0; i < n; i++) {
    const char *what = argc > 2 ? argv[2] : names[i];
    ember_ltc *c = circuit(what, 16);
    ember_ltc_solver_opts o = ember_ltc_solver_defaults();
    if (ember_ltc_set_solver(c, &o))
      die(c, EMBER_ERR_INVALID, "solver");
    printf("%s: N=%zu synapses=%zu sensory=%zu fused/6: %.0f steps/s\n", what, ember_ltc_units(c),
           ember_ltc_synapse_count(c), ember_ltc_sensory_synapse_count(c), steps_per_s(c));
    if (adaptive) {
      o.method = "rk8pd";
      o.abstol = o.reltol = 1e-8;
      ember_ltc_set_solver(c, &o);
      printf("%s: rk8pd 1e-8: %.0f steps/s\n", what, steps_per_s(c));
    }
    ember_ltc_free(c);
  }
}

/* ------------------------------------------------------------------ cost --- */

typedef struct run_result { double err, rhs_per_step, us_per_step; } run_result;

static run_result run_one(ember_ltc *c, const ember_ltc_solver_opts *o, const double *x, size_t T,
                          const double *ref)
{
  size_t N = ember_ltc_units(c);
  double *st = malloc(T * N * sizeof *st);
  ember_status s = ember_ltc_set_solver(c, o);
  if (!s)
    s = ember_ltc_reset(c, NULL);
  double t0 = now();
  if (!s)
    s = ember_ltc_run(c, x, NULL, T, NULL, st);
  double dt = now() - t0;
  if (s)
    die(c, s, o->method);
  run_result r = {0, (double)ember_ltc_rhs_count(c) / (double)T, 1e6 * dt / (double)T};
  for (size_t i = 0; ref && i < T * N; i++)
    r.err = fmax(r.err, fabs(st[i] - ref[i]));
  free(st);
  return r;
}

static void cost(const char *what)
{
  size_t T = 200;
  ember_ltc *c = circuit(what, 16);
  size_t N = ember_ltc_units(c);
  double *x = make_series(T, 16), *ref = malloc(T * N * sizeof *ref);
  ember_ltc_solver_opts o = ember_ltc_solver_defaults();
  o.epsilon = 0;
  o.method = "rk8pd";
  o.abstol = o.reltol = 1e-13;
  if (ember_ltc_set_solver(c, &o) || ember_ltc_reset(c, NULL) ||
      ember_ltc_run(c, x, NULL, T, NULL, ref))
    die(c, EMBER_ERR_SOLVER, "reference");
  printf("solver,setting,max_error,rhs_per_step,us_per_step\n");
  for (int u = 1; u <= 64; u *= 2) {
    o.method = "fused";
    o.ode_unfolds = u;
    run_result r = run_one(c, &o, x, T, ref);
    printf("fused,%d,%.3e,%.1f,%.3f\n", u, r.err, r.rhs_per_step, r.us_per_step);
  }
  const char *methods[] = {"rkf45", "rk8pd"};
  for (int m = 0; m < 2; m++)
    for (double tol = 1e-4; tol >= 1e-11; tol *= 1e-2) {
      o.method = methods[m];
      o.abstol = o.reltol = tol;
      run_result r = run_one(c, &o, x, T, ref);
      printf("%s,%.0e,%.3e,%.1f,%.3f\n", methods[m], tol, r.err, r.rhs_per_step, r.us_per_step);
    }
  free(x);
  free(ref);
  ember_ltc_free(c);
}

int main(int argc, char **argv)
{
  const char *kern = getenv("LTC_BENCH_KERNEL");   /* avx512, avx2, generic */
  if (kern && ember_ltc_set_kernel(kern)) {
    fprintf(stderr, "ltc_bench: kernel %s is not available here\n", kern);
    return 1;
  }
  if (argc >= 2 && !strcmp(argv[1], "speed"))
    speed(argc, argv, 1);
  else if (argc >= 2 && !strcmp(argv[1], "kernel"))
    printf("%s\n", ember_ltc_kernel());
  else if (argc >= 2 && !strcmp(argv[1], "fused"))
    speed(argc, argv, 0);
  else if (argc >= 2 && !strcmp(argv[1], "cost"))
    cost(argc > 2 ? argv[2] : "autoncp19");
  else {
    fprintf(stderr, "usage: ltc_bench speed|fused [FILE.h5] | cost [autoncp19|fc128|FILE.h5]\n");
    return 2;
  }
  return 0;
}
