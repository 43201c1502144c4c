/* Internal: writing SONATA spike and report files (HDF5, SWMR, chunked, compressed).
 *
 * Used by the recorders in record.c. A file is created with all its groups,
 * datasets and attributes, then switched to SWMR mode, then only appended to, so
 * that a reader (h5py with swmr=True, `ember info`) sees everything up to the last
 * flush even if the writer is killed. */
#ifndef EMBER_SONATA_H
#define EMBER_SONATA_H

#include <stddef.h>
#include <stdint.h>
#include "ember/status.h"

typedef struct sonata_file sonata_file;

/* Provenance strings written as root attributes (variable-length UTF-8). */
typedef struct sonata_attr {
  const char *key;
  const char *value;
} sonata_attr;

/* Creates `path` (truncating) with /spikes/<name> for each population:
 * timestamps float64 (units "ms"), node_ids uint64, group attribute sorting =
 * by_time (SONATA enum over uint8), root attributes magic 0x0A7A, version {0, 1}
 * and the provenance strings. On failure writes a message into msg. */
ember_status sonata_spikes_create(const char *path, size_t n_pops, const char *const *names,
                                  const sonata_attr *prov, size_t n_prov,
                                  sonata_file **out, char *msg, size_t msglen);
/* Appends n spikes (time-sorted, after every spike already appended) of population pop. */
ember_status sonata_spikes_append(sonata_file *f, size_t pop, const double *t,
                                  const uint64_t *ids, size_t n);

/* One population of a report file. */
typedef struct sonata_report_pop {
  const char *name;
  size_t n_nodes;
  const uint64_t *node_ids;   /* 0-based ids within the population */
  double t_start, dt;         /* ms */
  /* Synapse-level reports (weights): n_values columns, node k owning columns
   * [index_pointers[k], index_pointers[k + 1]) (n_nodes + 1 entries) whose
   * element ids are element_ids[column]. All zero/NULL for point neurons: one
   * column per node, element id 0. */
  size_t n_values;
  const uint64_t *index_pointers;
  const uint32_t *element_ids;
  const char *units;          /* overrides the file's units for this population */
} sonata_report_pop;

/* Creates `path` with /report/<name>/data float32 [frames x n_nodes] (attribute
 * units), mapping/node_ids, mapping/index_pointers (n+1), a hard link
 * mapping/index_pointer for BMTK, mapping/element_ids (all 0), mapping/time =
 * [t_start, t_start, dt] (units "ms"), root magic/version and provenance. */
ember_status sonata_report_create(const char *path, const char *units, size_t n_pops,
                                  const sonata_report_pop *pops,
                                  const sonata_attr *prov, size_t n_prov,
                                  sonata_file **out, char *msg, size_t msglen);
/* Appends n_frames rows (row-major, n_frames x n_nodes) and moves mapping/time's
 * stop to t_start + frames_total * dt. */
ember_status sonata_report_append(sonata_file *f, size_t pop, const float *frames,
                                  size_t n_frames);

/* One population of SONATA edges (a projection): n edges, row k = synapse k. */
typedef struct sonata_edge_pop {
  const char *name;
  const char *source, *target;      /* node populations */
  size_t n;
  const uint64_t *source_ids, *target_ids;
  const double *weight, *delay;     /* delay in ms */
  const char *receptor, *units;     /* the target receptor and the weights' unit; NULL: not written */
} sonata_edge_pop;

/* Writes `path` (truncating, not SWMR: written whole at once) with
 * /edges/<name>/source_node_id, target_node_id (uint64, attribute
 * node_population), edge_type_id (int64, 0), edge_group_id (uint32, 0),
 * edge_group_index (uint64, row), 0/syn_weight (attribute units), 0/delay
 * (float64, ms), the group's attribute receptor, root
 * magic/version and provenance. On failure writes a message into msg. */
ember_status sonata_edges_write(const char *path, size_t n_pops, const sonata_edge_pop *pops,
                                const sonata_attr *prov, size_t n_prov, char *msg, size_t msglen);

/* Makes everything appended so far durable for readers (H5Dflush on each dataset). */
/* spikes.h5: the simulated time reached (ms), kept in the 1-element dataset
 * /t_stop (attribute units = "ms"); written by the next flush. */
ember_status sonata_set_time(sonata_file *f, double t);
ember_status sonata_flush(sonata_file *f);
/* Flushes and closes; NULL is a no-op. Returns the first error met. */
ember_status sonata_close(sonata_file *f);
/* Writes a printf-style message into the caller's buffer (msg may be NULL) and
 * returns st: the error convention of the functions with a msg argument. */
ember_status sonata_msg(char *msg, size_t msglen, ember_status st, const char *fmt, ...)
  __attribute__((format(printf, 4, 5)));

/* The message of the last failure on f. */
const char *sonata_error(const sonata_file *f);

#endif
