/* A known output directory for the visualizer's tests, written with the SONATA
 * writer itself (lib/sonata_write.c is compiled into the test):
 *   population "a": 10 neurons (lif_curr_exp), population "b": 5 neurons (poisson);
 *   spikes FIX_SPIKES (time ms, population, id), all in distinct pixel columns;
 *   v.h5: neuron 2 of "a", dt = 1 ms from 0, v = -70 + 0.1 k mV for 200 frames. */
#ifndef EMBER_TEST_VIZ_FIXTURE_H
#define EMBER_TEST_VIZ_FIXTURE_H

#include <stdlib.h>
#include <string.h>
#include "sonata.h"

typedef struct fix_spike {
  double t;
  int pop;
  uint64_t id;
} fix_spike;

static const fix_spike FIX_SPIKES[] = {
  {10.0, 0, 3}, {25.0, 0, 3}, {40.0, 0, 0}, {55.0, 0, 3}, {70.0, 0, 9}, {85.0, 0, 3},
  {150.0, 0, 5},   /* after the window of the tests (t_now = 100 ms) */
  {12.5, 1, 1}, {47.5, 1, 4}, {90.0, 1, 0}};
#define FIX_N_SPIKES (sizeof FIX_SPIKES / sizeof *FIX_SPIKES)
#define FIX_FRAMES 200

/* Writes the fixture into dir; 0 on success. */
static int fixture_write(const char *dir)
{
  char path[1024], msg[256];
  sonata_attr prov[] = {{"populations", "a:10:lif_curr_exp;b:5:poisson"}};
  const char *names[] = {"a", "b"};
  sonata_file *f;
  snprintf(path, sizeof path, "%s/spikes.h5", dir);
  if (sonata_spikes_create(path, 2, names, prov, 1, &f, msg, sizeof msg))
    return -1;
  for (size_t k = 0; k < FIX_N_SPIKES; k++)
    sonata_spikes_append(f, (size_t)FIX_SPIKES[k].pop, &FIX_SPIKES[k].t, &FIX_SPIKES[k].id, 1);
  if (sonata_close(f))
    return -1;
  uint64_t node = 2;
  sonata_report_pop rp = {.name = "a", .n_nodes = 1, .node_ids = &node, .t_start = 0.0, .dt = 1.0};
  snprintf(path, sizeof path, "%s/v.h5", dir);
  if (sonata_report_create(path, "mV", 1, &rp, prov, 1, &f, msg, sizeof msg))
    return -1;
  float v[FIX_FRAMES];
  for (int k = 0; k < FIX_FRAMES; k++)
    v[k] = (float)(-70.0 + 0.1 * k);
  sonata_report_append(f, 0, v, FIX_FRAMES);
  return sonata_close(f) ? -1 : 0;
}

#endif
