/* Weight recording (DIR/weight.h5, a synapse-level SONATA report) and the network
 * export (DIR/edges.h5, SONATA edges written when the output opens and rewritten
 * with the final weights when it closes, if any can have changed). Layouts: docs/output.md. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#ifdef __linux__
#include <sys/mman.h>
#endif
#include "stdp_net.h"

void wrec_free(wrec *r)
{
  if (!r)
    return;
  free(r->node_ids);
  free(r->ptr);
  free(r->syn);
  free(r->node_of);
  free(r->done);
  free(r->buf);
  free(r);
}

/* (post, synapse) keys packed in one uint64 sort as "by post, then by synapse". */
static int cmp_u64(const void *a, const void *b)
{
  uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
  return (x > y) - (x < y);
}

/* Fills r's columns from the synapse list (NULL = all), grouped by neuron. */
static ember_status build_columns(ember_projection *proj, wrec *r, const size_t *syn, size_t n)
{
  size_t m = syn ? n : proj->n_syn;
  uint64_t *key = malloc((m ? m : 1) * sizeof *key);
  r->syn = malloc((m ? m : 1) * sizeof *r->syn);
  r->node_ids = malloc((m ? m : 1) * sizeof *r->node_ids);
  r->ptr = malloc((m + 1) * sizeof *r->ptr);
  r->node_of = malloc((proj->post->n ? proj->post->n : 1) * sizeof *r->node_of);
  if (!key || !r->syn || !r->node_ids || !r->ptr || !r->node_of) {
    free(key);
    return net_fail(proj->net, EMBER_ERR_NOMEM, "out of memory");
  }
  for (size_t i = 0; i < m; i++) {
    size_t k = syn ? syn[i] : i;
    key[i] = ((uint64_t)proj->target[k] << 32) | (uint64_t)k;
  }
  qsort(key, m, sizeof *key, cmp_u64);
  for (size_t j = 0; j < proj->post->n; j++)
    r->node_of[j] = -1;
  for (size_t i = 0; i < m; i++) {
    if (i && key[i] == key[i - 1])
      continue;   /* duplicates in the list count once */
    uint32_t post = (uint32_t)(key[i] >> 32);
    if (r->n_nodes == 0 || r->node_ids[r->n_nodes - 1] != post) {
      r->node_of[post] = (int32_t)r->n_nodes;
      r->node_ids[r->n_nodes] = post;
      r->ptr[r->n_nodes++] = r->n_cols;
    }
    r->syn[r->n_cols++] = (uint32_t)key[i];
  }
  r->ptr[r->n_nodes] = r->n_cols;
  free(key);
  return EMBER_OK;
}

ember_status ember_projection_record_weights(ember_projection *proj, double interval,
                                             const size_t *synapses, size_t n)
{
  ember_network *net = proj->net;
  ember_status st = net_check_mutable(net, "recording weights");
  if (st)
    return st;
  if (proj->wrec)
    return net_fail(net, EMBER_ERR_INVALID, "the weights of %s are already recorded", proj->label);
  if (!(interval > 0) || !isfinite(interval))
    return net_fail(net, EMBER_ERR_INVALID, "record weight: interval must be a finite number of ms > 0, "
                    "got %g", interval);
  if (synapses && n == 0)
    return net_fail(net, EMBER_ERR_INVALID, "record weight: the list of synapses of %s is empty", proj->label);
  if (proj->n_syn > UINT32_MAX)
    return net_fail(net, EMBER_ERR_INVALID, "record weight: %s has too many synapses", proj->label);
  for (size_t i = 0; synapses && i < n; i++)
    if (synapses[i] >= proj->n_syn)
      return net_fail(net, EMBER_ERR_INVALID, "record weight: synapse %zu is out of range for %s "
                      "(synapses 0..%zu)", synapses[i], proj->label, proj->n_syn ? proj->n_syn - 1 : 0);
  if (!synapses && proj->n_syn == 0)
    return net_fail(net, EMBER_ERR_INVALID, "record weight: %s has no synapses", proj->label);
  wrec *r = calloc(1, sizeof *r);
  if (!r)
    return net_fail(net, EMBER_ERR_NOMEM, "out of memory");
  r->interval = interval;
  if ((st = build_columns(proj, r, synapses, n))) {
    wrec_free(r);
    return st;
  }
  proj->wrec = r;
  return EMBER_OK;
}

/* Buffers for at least two intervals and about 1 MiB, like the state recorders. */
ember_status wrec_setup(ember_projection *proj)
{
  wrec *r = proj->wrec;
  size_t per_slice = (size_t)ceil(proj->net->h / r->interval) + 2;
  size_t by_size = (256u * 1024u) / r->n_cols;
  r->buf_cap = 2 * per_slice > by_size ? 2 * per_slice : by_size;
  r->buf = calloc(r->buf_cap * r->n_cols, sizeof *r->buf);
  r->done = calloc(r->n_nodes, sizeof *r->done);
  r->t_start = proj->net->t;
  if (!r->buf || !r->done)
    return net_fail(proj->net, EMBER_ERR_NOMEM, "out of memory for recording buffers");
  return EMBER_OK;
}

/* The first frame k with t_start + k interval >= t. */
static uint64_t frame_at_or_after(const wrec *r, double t)
{
  if (t <= r->t_start)
    return 0;
  uint64_t k = (uint64_t)ceil((t - r->t_start) / r->interval);
  while (k > 0 && r->t_start + (double)(k - 1) * r->interval >= t)
    k--;
  while (r->t_start + (double)k * r->interval < t)
    k++;
  return k;
}

static ember_status write_frames(ember_network *net, ember_projection *proj)
{
  wrec *r = proj->wrec;
  ember_status st = EMBER_OK;
  if (r->buf_frames && net->weight_file &&
      (st = sonata_report_append(net->weight_file, r->file_pop, r->buf, r->buf_frames)))
    net_fail(net, st, "%s", sonata_error(net->weight_file));
  r->buf_first += r->buf_frames;
  r->buf_frames = 0;
  return st;
}

ember_status wrec_begin(ember_projection *proj, double tb)
{
  wrec *r = proj->wrec;
  r->k_end = frame_at_or_after(r, tb);
  if (r->buf_frames + (r->k_end - (r->buf_first + r->buf_frames)) > r->buf_cap)
    return write_frames(proj->net, proj);
  return EMBER_OK;
}

void wrec_catch_up(const ember_projection *proj, uint32_t post, double t)
{
  wrec *r = proj->wrec;
  int32_t g = r->node_of[post];
  if (g < 0)
    return;
  for (; r->done[g] < r->k_end; r->done[g]++) {
    if (r->t_start + (double)r->done[g] * r->interval >= t)
      break;
    float *row = r->buf + (r->done[g] - r->buf_first) * r->n_cols;
    for (uint64_t c = r->ptr[g]; c < r->ptr[g + 1]; c++)
      row[c] = (float)stdp_weight(proj, r->syn[c]);
  }
}

ember_status stdp_end_interval(ember_network *net)
{
  ember_status st = net->frozen ? stdp_drain_all(net, net->t) : EMBER_OK;
  if (st)
    return st;
  for (size_t i = 0; net->frozen && i < net->n_projs; i++) {
    wrec *r = net->projs[i]->wrec;
    if (!r)
      continue;
    for (size_t g = 0; g < r->n_nodes; g++)
      wrec_catch_up(net->projs[i], (uint32_t)r->node_ids[g], net->t);
    uint64_t done = r->n_nodes ? r->done[0] : r->k_end;
    for (size_t g = 1; g < r->n_nodes; g++)   /* equal unless the run stopped early */
      done = r->done[g] < done ? r->done[g] : done;
    r->buf_frames = (size_t)(done - r->buf_first);
  }
  return EMBER_OK;
}

/* ---------------------------------------------------------------- files --- */

static ember_status open_weights(ember_network *net, const sonata_attr *a, size_t n_attrs)
{
  sonata_report_pop rp[256];
  size_t n = 0;
  for (size_t i = 0; i < net->n_projs && n < 256; i++) {
    ember_projection *proj = net->projs[i];
    wrec *r = proj->wrec;
    if (!r)
      continue;
    r->file_pop = n;
    rp[n++] = (sonata_report_pop){.name = proj->label, .n_nodes = r->n_nodes, .node_ids = r->node_ids,
                                  .t_start = r->t_start, .dt = r->interval, .n_values = r->n_cols,
                                  .index_pointers = r->ptr, .element_ids = r->syn,
                                  .units = proj->post->model->receptors[proj->receptor].unit};
  }
  if (n == 0)
    return EMBER_OK;
  char path[4096], msg[512];
  snprintf(path, sizeof path, "%s/weight.h5", net->outdir);
  ember_status st = sonata_report_create(path, "", n, rp, a, n_attrs, &net->weight_file, msg, sizeof msg);
  return st ? net_fail(net, st, "%s", msg) : EMBER_OK;
}

/* DIR/edges.h5 with every projection and its current weights. */
/* A buffer for edges.h5's columns, which are written once and freed: 10 MB for
 * COBA's 320 000 synapses, first touched page by page. In 2 MB pages where the
 * kernel offers them on request (transparent huge pages in "madvise" mode, as
 * on Debian), which takes 2 500 page faults off a COBA run (~30 ms here, a
 * twentieth of its whole run). Freed with free(). */
static void *column_alloc(size_t bytes)
{
#if defined(__linux__) && defined(MADV_HUGEPAGE)
  const size_t huge = (size_t)2 << 20;
  void *p = NULL;
  if (bytes >= huge && !posix_memalign(&p, huge, (bytes + huge - 1) / huge * huge)) {
    madvise(p, (bytes + huge - 1) / huge * huge, MADV_HUGEPAGE);   /* a hint: may fail */
    return p;
  }
#endif
  return malloc(bytes);
}

static ember_status write_edges(ember_network *net, const sonata_attr *a, size_t n_attrs)
{
  size_t n = net->n_projs, total = 0;
  if (n == 0)
    return EMBER_OK;
  for (size_t i = 0; i < n; i++)
    total += net->projs[i]->n_syn;
  sonata_edge_pop *ep = calloc(n, sizeof *ep);
  uint64_t *ids = column_alloc((2 * total + 1) * sizeof *ids);
  double *wd = column_alloc((2 * total + 1) * sizeof *wd);
  ember_status st = EMBER_OK;
  if (!ep || !ids || !wd)
    st = net_fail(net, EMBER_ERR_NOMEM, "out of memory writing edges.h5");
  size_t off = 0;
  for (size_t i = 0; !st && i < n; i++) {
    ember_projection *proj = net->projs[i];
    uint64_t *src = ids + 2 * off, *tgt = src + proj->n_syn;
    double *w = wd + 2 * off, *d = w + proj->n_syn;
    for (size_t pre = 0; pre < proj->pre->n; pre++)
      for (size_t k = proj->row[pre]; k < proj->row[pre + 1]; k++)
        src[k] = pre;
    /* One simple loop per column (they vectorise): 320 000 synapses for COBA. */
    for (size_t k = 0; k < proj->n_syn; k++)
      tgt[k] = proj->target[k];
    if (proj->stdp)
      for (size_t k = 0; k < proj->n_syn; k++)
        w[k] = stdp_weight(proj, k);
    else
      for (size_t k = 0; k < proj->n_syn; k++)
        w[k] = proj->weight[k];
    if (proj->delay)
      for (size_t k = 0; k < proj->n_syn; k++)
        d[k] = proj->delay[k];
    else
      for (size_t k = 0; k < proj->n_syn; k++)
        d[k] = proj->delay_const;
    const ember_model *m = proj->post->model;
    const ember_receptor_info *ri = m && proj->receptor < m->n_receptors ? &m->receptors[proj->receptor] : NULL;
    ep[i] = (sonata_edge_pop){proj->label, proj->pre->label, proj->post->label, proj->n_syn,
                              src, tgt, w, d, ri ? ri->name : NULL, ri ? ri->unit : NULL};
    off += proj->n_syn;
  }
  if (!st) {
    char path[4096], msg[512];
    snprintf(path, sizeof path, "%s/edges.h5", net->outdir);
    if ((st = sonata_edges_write(path, n, ep, a, n_attrs, msg, sizeof msg)))
      net_fail(net, st, "%s", msg);
  }
  free(ep);
  free(ids);
  free(wd);
  return st;
}

ember_status stdp_open_output(ember_network *net, const sonata_attr *a, size_t n_attrs)
{
  ember_status st = open_weights(net, a, n_attrs);
  if (!st && !(st = write_edges(net, a, n_attrs)))
    net->edges_stale = 0;
  return st;
}

ember_status stdp_flush(ember_network *net)
{
  ember_status st = EMBER_OK;
  for (size_t i = 0; !st && i < net->n_projs; i++)
    if (net->projs[i]->wrec)
      st = write_frames(net, net->projs[i]);
  if (!st && net->weight_file && (st = sonata_flush(net->weight_file)))
    net_fail(net, st, "%s", sonata_error(net->weight_file));
  return st;
}

ember_status stdp_close_output(ember_network *net, const sonata_attr *a, size_t n_attrs)
{
  if (!net->frozen || !net->outdir)
    return EMBER_OK;
  ember_status st = net->weight_file ? stdp_flush(net) : EMBER_OK;
  ember_status c = sonata_close(net->weight_file);
  net->weight_file = NULL;
  if (!st && c)
    st = net_fail(net, c, "closing weight.h5 failed");
  /* edges.h5 is rewritten only when a weight can differ from what it holds: a
   * plastic projection, or weights set after the output opened. Writing 320 000
   * synapses costs as much as 30 ms of COBA. */
  int plastic = net->edges_stale;
  for (size_t i = 0; i < net->n_projs; i++)
    plastic |= net->projs[i]->stdp != NULL;
  ember_status e = plastic ? write_edges(net, a, n_attrs) : EMBER_OK;
  return st ? st : e;
}
