/* Where the visualizer's data come from: an output directory (replay, --follow) or
 * a live run (the observer hook). A source is a type object of operations plus a
 * small shared header, like the library's models; the window's loop polls it. */
#ifndef EMBER_VIZ_SOURCE_H
#define EMBER_VIZ_SOURCE_H

#include <stddef.h>
#include <stdint.h>
#include "store.h"

typedef struct vz_source vz_source;

typedef struct vz_source_ops {
  const char *name;
  /* Moves new data into the store. Returns 1 if anything changed, else 0. */
  int (*poll)(vz_source *src, vz_store *st);
  /* The user selected neuron id of population pop (pop < 0: none): the source
   * loads or starts sampling that neuron's traces. May be NULL. */
  void (*select)(vz_source *src, vz_store *st, int pop, uint32_t id);
  /* Live runs: pause or resume the simulation itself. May be NULL. */
  void (*set_paused)(vz_source *src, int paused);
  /* Live runs: cap the simulation at rtf times real time (0: no cap). May be NULL. */
  void (*set_speed)(vz_source *src, double rtf);
  /* The window is closing: ask the producer to stop. May be NULL. */
  void (*quit)(vz_source *src);
  /* Live runs: the projections (indices in store->weights) whose weights the
   * window shows now (weight view, inspector); they are sampled. May be NULL. */
  void (*want_weights)(vz_source *src, const size_t *proj, size_t n);
  void (*free)(vz_source *src);
} vz_source_ops;

/* The part of every source the window reads directly. */
struct vz_source {
  const vz_source_ops *ops;
  int live;            /* 1: a simulation in this process */
  int growing;         /* 1 while more data may arrive (live run, --follow) */
  char state[96];      /* "running", "finished", "waiting for DIR", ... */
  double wall_rtf;     /* measured real-time factor, live runs (0: unknown) */
  double wall_sps;     /* measured spikes per wall second, live runs */
};

/* An output directory. follow = 0: read once (replay); 1: re-read every half
 * second while the files grow (a run writing them in SWMR mode). NULL and a
 * message on failure (in follow mode a missing or empty directory is not a
 * failure: the source waits for it). */
vz_source *vz_file_source_new(const char *dir, int follow, vz_store *st, char *msg,
                              size_t msglen);

/* Calls src->ops->free; NULL does nothing. */
void vz_source_free(vz_source *src);

#endif
