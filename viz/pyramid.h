/* Pre-binned spike counts for wide raster windows. A level counts one
 * population's spikes in time bins of VZ_PYR_DT0 * 2^a ms and row groups of 2^b
 * neurons; the raster asks for the coarsest level whose bins are no larger than
 * a pixel in both directions, so a frame costs about one addition per pixel
 * instead of one per spike. Levels are built on first use and extended with the
 * spikes that arrived since (live runs, --follow). */
#ifndef EMBER_VIZ_PYRAMID_H
#define EMBER_VIZ_PYRAMID_H

#include <stddef.h>
#include <stdint.h>
#include "store.h"

#define VZ_PYR_DT0 0.125   /* ms: the finest time bin */
#define VZ_PYR_LEVELS 6    /* levels kept per population (the oldest is dropped) */

typedef struct vz_pyr_level {
  int a, b;                /* bin = VZ_PYR_DT0 * 2^a ms, group = 2^b rows */
  double origin, dt;       /* ms: bin k is [origin + k dt, origin + (k+1) dt) */
  size_t group, n_groups;  /* rows per group, groups (of the size at build) */
  size_t n_bins, cap_bins;
  uint16_t *cnt;           /* n_bins x n_groups, saturating at 65535 */
  size_t consumed;         /* spikes of the population counted so far */
  size_t size;             /* the population's size when built */
  uint64_t used;           /* frame stamp of the last use */
} vz_pyr_level;

typedef struct vz_pyr {
  vz_pyr_level lv[VZ_PYR_LEVELS];
  size_t n;
  uint64_t clock;
} vz_pyr;

/* The level (a, b) of p, built or brought up to date; NULL if a or b < 0, if it
 * would hold more bins than max_bins, or if out of memory. */
const vz_pyr_level *vz_pyr_get(vz_pop *p, int a, int b, size_t max_bins);
/* Frees p's levels (the vz_pyr itself too); NULL does nothing. */
void vz_pyr_free(vz_pyr *pyr);

#endif
