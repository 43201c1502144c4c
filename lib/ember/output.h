/* Reading an output directory (spikes.h5 and <variable>.h5 SONATA files):
 * for `ember info`, tests, and the visualizer's replay. */
#ifndef EMBER_OUTPUT_H
#define EMBER_OUTPUT_H

#include <stddef.h>
#include <stdint.h>
#include "ember/export.h"
#include "ember/status.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct ember_output ember_output;

/* Opens every *.h5 SONATA file in `dir` read-only, in SWMR-read mode so that a
 * file still being written, or left by a killed writer, opens with all data up to
 * its last flush. On failure *out is NULL and, if msg != NULL, a message is written. */
EMBER_API ember_status ember_output_open(const char *dir, ember_output **out,
                                         char *msg, size_t msglen);
EMBER_API void ember_output_free(ember_output *o);

/* Root attribute (provenance) of spikes.h5 or, if absent there, of the first report;
 * NULL if none. The string lives as long as o. */
EMBER_API const char *ember_output_attr(const ember_output *o, const char *key);

/* Spike populations in spikes.h5 (0 if there is no spikes file). */
EMBER_API size_t ember_output_spike_pop_count(const ember_output *o);
EMBER_API const char *ember_output_spike_pop_name(const ember_output *o, size_t i);
EMBER_API uint64_t ember_output_spike_count(const ember_output *o, size_t i);
/* Reads all spikes of population i; *times and *ids are malloc'ed (caller frees),
 * *n their length. */
EMBER_API ember_status ember_output_read_spikes(const ember_output *o, size_t i,
                                                double **times, uint64_t **ids, size_t *n);

/* Reads spikes [first, first + count) of population i into the caller's arrays
 * (count doubles and count ids): for readers that follow a growing file and read
 * only what is new. first + count must not exceed ember_output_spike_count. */
EMBER_API ember_status ember_output_read_spike_range(const ember_output *o, size_t i,
                                                     uint64_t first, size_t count,
                                                     double *times, uint64_t *ids);

/* Reports: one per (variable file, population). */
EMBER_API size_t ember_output_report_count(const ember_output *o);
typedef struct ember_report_info {
  const char *variable;     /* file stem, e.g. "v" */
  const char *population;
  const char *units;
  size_t n_nodes, n_frames;
  double t_start, t_stop, dt;   /* ms; frames at t_start + k*dt < t_stop */
} ember_report_info;
EMBER_API ember_status ember_output_report_info(const ember_output *o, size_t i,
                                                ember_report_info *info);
/* Reads frames [first, first + count) of report i into data (count x n_nodes floats)
 * and, if node_ids != NULL, the node ids (n_nodes). */
EMBER_API ember_status ember_output_read_report(const ember_output *o, size_t i,
                                                size_t first, size_t count, float *data,
                                                uint64_t *node_ids);

/* Synapse-level reports (weight.h5: node = postsynaptic neuron, element = synapse).
 * n_nodes: mapping/node_ids; n_values: columns of data (the n_nodes of
 * ember_report_info). For a point-neuron report the two are equal. */
EMBER_API ember_status ember_output_report_mapping(const ember_output *o, size_t i,
                                                   size_t *n_nodes, size_t *n_values);
/* Reads node_ids (n_nodes), index_pointers (n_nodes + 1: node k owns columns
 * [p[k], p[k + 1])) and element_ids (n_values); any may be NULL. */
EMBER_API ember_status ember_output_read_report_mapping(const ember_output *o, size_t i,
                                                        uint64_t *node_ids,
                                                        uint64_t *index_pointers,
                                                        uint32_t *element_ids);

/* Edges (edges.h5): one population per projection, row k = synapse k. */
EMBER_API size_t ember_output_edge_pop_count(const ember_output *o);
typedef struct ember_edge_info {
  const char *name;             /* projection label */
  const char *source, *target;  /* node populations */
  size_t n;                     /* edges */
  const char *receptor;         /* the receptor of the targets ("excitatory", ...), "" if unknown */
  const char *units;            /* of the weights, "" if unknown */
} ember_edge_info;
EMBER_API ember_status ember_output_edge_info(const ember_output *o, size_t i,
                                              ember_edge_info *info);
/* Reads rows [first, first + count) of edge population i: source and target ids,
 * weights (the receptor's unit) and delays (ms); any pointer may be NULL. */
EMBER_API ember_status ember_output_read_edges(const ember_output *o, size_t i, size_t first,
                                               size_t count, uint64_t *source, uint64_t *target,
                                               double *weight, double *delay);

#ifdef __cplusplus
}
#endif
#endif
