/* `ember info DIR` (what an output directory holds) and `ember models [NAME]`
 * (the neuron models and spike sources, with their parameter tables). */
#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cli.h"
#include "ember/ember.h"

/* ---------------------------------------------------------------- info --- */

/* Neuron count of population `pop` from the provenance entry "populations"
 * ("label:size:kind;..."), or 0 if it is not there. */
static size_t count_from_provenance(const ember_output *o, const char *pop)
{
  const char *s = ember_output_attr(o, "populations");
  size_t len = strlen(pop);
  while (s && *s) {
    if (strncmp(s, pop, len) == 0 && s[len] == ':')
      return (size_t)strtoull(s + len + 1, NULL, 10);
    s = strchr(s, ';');
    s = s ? s + 1 : NULL;
  }
  return 0;
}

/* Neuron count: from the provenance, else the largest id seen in the reports'
 * node ids and the spikes (+1, a lower bound: *exact is then 0). */
static size_t neuron_count(const ember_output *o, const char *pop, uint64_t max_spike_id,
                           int *exact)
{
  size_t n = count_from_provenance(o, pop);
  *exact = n > 0;
  if (n)
    return n;
  uint64_t top = max_spike_id;
  for (size_t r = 0; r < ember_output_report_count(o); r++) {
    ember_report_info ri;
    if (ember_output_report_info(o, r, &ri) || strcmp(ri.population, pop) != 0 || !ri.n_nodes)
      continue;
    uint64_t *ids = malloc(ri.n_nodes * sizeof *ids);
    float *frame = malloc(ri.n_nodes * sizeof *frame);
    if (ids && frame && !ember_output_read_report(o, r, 0, ri.n_frames ? 1 : 0, frame, ids))
      for (size_t k = 0; k < ri.n_nodes; k++)
        top = ids[k] + 1 > top ? ids[k] + 1 : top;
    free(ids);
    free(frame);
  }
  return (size_t)top;
}

/* Simulated duration (ms): "t_stop" (spikes.h5's simulated time at the last
 * flush), else the end of the longest report, else the last spike. *source names
 * where it came from. */
static double duration(const ember_output *o, double last_spike, const char **source)
{
  const char *t = ember_output_attr(o, "t_stop");
  if (t) {
    *source = "simulated time, spikes.h5 t_stop";
    return strtod(t, NULL);
  }
  double d = 0;
  for (size_t r = 0; r < ember_output_report_count(o); r++) {
    ember_report_info ri;
    if (!ember_output_report_info(o, r, &ri) && ri.t_stop > d)
      d = ri.t_stop;
  }
  *source = d > 0 ? "end of the recorded variables" : "time of the last spike, a lower bound";
  return d > 0 ? d : last_spike;
}

static void print_provenance(const ember_output *o)
{
  static const char *const keys[] = {"ember_version", "seed", "threads", "min_delay",
                                     "script_path", "command_line", "solvers"};
  static const char *const labels[] = {"ember version", "seed", "threads", "min_delay (ms)",
                                       "script", "command", "solvers"};
  for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
    const char *v = ember_output_attr(o, keys[i]);
    if (v)
      printf("  %-15s %s\n", labels[i], v);
  }
}

/* Last spike time and largest id of spike population i. */
static int spike_extent(const ember_output *o, size_t i, double *last, uint64_t *top)
{
  double *t = NULL;
  uint64_t *ids = NULL;
  size_t n = 0;
  if (ember_output_read_spikes(o, i, &t, &ids, &n))
    return -1;
  for (size_t k = 0; k < n; k++) {
    *last = t[k] > *last ? t[k] : *last;
    *top = ids[k] + 1 > *top ? ids[k] + 1 : *top;
  }
  free(t);
  free(ids);
  return 0;
}

static void print_spikes(const ember_output *o)
{
  size_t np = ember_output_spike_pop_count(o);
  double last = 0, *lasts = calloc(np + 1, sizeof *lasts);
  uint64_t *tops = calloc(np + 1, sizeof *tops);
  if (!lasts || !tops) {
    free(lasts);
    free(tops);
    return;
  }
  for (size_t i = 0; i < np; i++) {
    spike_extent(o, i, &lasts[i], &tops[i]);
    last = lasts[i] > last ? lasts[i] : last;
  }
  const char *src;
  double dur = duration(o, last, &src);
  printf("  %-15s %.6g ms (%s)\n", "duration", dur, src);
  printf("spikes:\n  %-20s %10s %12s %12s\n", "population", "neurons", "spikes", "rate (Hz)");
  for (size_t i = 0; i < np; i++) {
    const char *name = ember_output_spike_pop_name(o, i);
    int exact;
    size_t n = neuron_count(o, name, tops[i], &exact);
    uint64_t s = ember_output_spike_count(o, i);
    char ns[32], rate[32] = "-";
    snprintf(ns, sizeof ns, "%s%zu", exact ? "" : ">=", n);
    if (n && dur > 0)
      snprintf(rate, sizeof rate, "%.4g", (double)s / (double)n / (dur / 1000.0));
    printf("  %-20s %10s %12llu %12s\n", name, ns, (unsigned long long)s, rate);
  }
  if (np == 0)
    printf("  (no spikes.h5, or no population recorded spikes)\n");
  free(lasts);
  free(tops);
}

/* A synapse-level report has several columns per neuron or names synapses in its
 * element ids; a point-neuron report has one column per neuron and element ids 0. */
static int synapse_level(const ember_output *o, size_t r, size_t nodes, size_t values)
{
  if (nodes != values)
    return 1;
  uint32_t *elem = malloc((values ? values : 1) * sizeof *elem);
  int any = 0;
  if (elem && !ember_output_read_report_mapping(o, r, NULL, NULL, elem))
    for (size_t k = 0; k < values && !any; k++)
      any = elem[k] != 0;
  free(elem);
  return any;
}

static void print_reports(const ember_output *o)
{
  size_t nr = ember_output_report_count(o);
  if (nr == 0)
    return;
  /* "values" are the columns of a frame: one per neuron, or for a synapse-level
   * report (weight, syn_current, current) one per synapse, onto the neurons named after it;
   * weight and current reports are named after their projection. */
  printf("recorded variables:\n  %-10s %-20s %8s %10s %10s  %s\n", "variable", "population", "values",
         "frames", "dt (ms)", "time (ms)");
  for (size_t r = 0; r < nr; r++) {
    ember_report_info ri;
    size_t nodes, values;
    if (ember_output_report_info(o, r, &ri))
      continue;
    char onto[64] = "";
    if (!ember_output_report_mapping(o, r, &nodes, &values) && synapse_level(o, r, nodes, values))
      snprintf(onto, sizeof onto, "  (synapses onto %zu neuron%s)", nodes, nodes == 1 ? "" : "s");
    printf("  %-10s %-20s %8zu %10zu %10.4g  [%g, %g)  %s%s\n", ri.variable, ri.population,
           ri.n_nodes, ri.n_frames, ri.dt, ri.t_start, ri.t_stop, ri.units ? ri.units : "", onto);
  }
}

/* Weight reports are listed with the recorded variables; this lists edges.h5. */
static void print_edges(const ember_output *o)
{
  size_t ne = ember_output_edge_pop_count(o);
  if (ne == 0)
    return;
  printf("edges (edges.h5):\n  %-24s %-14s %-14s %10s\n", "projection", "source", "target", "synapses");
  for (size_t i = 0; i < ne; i++) {
    ember_edge_info ei;
    if (!ember_output_edge_info(o, i, &ei))
      printf("  %-24s %-14s %-14s %10zu\n", ei.name, ei.source, ei.target, ei.n);
  }
}

/* The LTC circuits of DIR/circuits/<label>.h5 (written at the start of a run). */
static void print_circuits(const char *dir)
{
  char path[4096];
  snprintf(path, sizeof path, "%s/circuits", dir);
  DIR *d = opendir(path);
  if (!d)
    return;
  int header = 0;
  for (struct dirent *e; (e = readdir(d)) != NULL;) {
    size_t len = strlen(e->d_name);
    if (len < 4 || strcmp(e->d_name + len - 3, ".h5") != 0)
      continue;
    snprintf(path, sizeof path, "%s/circuits/%s", dir, e->d_name);
    ember_ltc *c = ember_ltc_new();
    if (!header++)
      printf("LTC circuits (circuits/<label>.h5):\n  %-20s %8s %7s %8s %9s %9s\n", "population",
             "neurons", "inputs", "outputs", "synapses", "sensory");
    if (c && !ember_ltc_load(c, path))
      printf("  %-20.*s %8zu %7zu %8zu %9zu %9zu\n", (int)(len - 3), e->d_name, ember_ltc_units(c),
             ember_ltc_inputs(c), ember_ltc_outputs(c), ember_ltc_synapse_count(c),
             ember_ltc_sensory_synapse_count(c));
    else
      printf("  %-20.*s (unreadable: %s)\n", (int)(len - 3), e->d_name, ember_ltc_error(c));
    ember_ltc_free(c);
  }
  closedir(d);
}

int ember_cli_info(int argc, char **argv)
{
  if (argc != 2 || argv[1][0] == '-') {
    int help = argc == 2 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"));
    fprintf(help ? stdout : stderr, "usage: ember info DIR\n"
            "  populations, neurons, spike counts, mean rates and recorded variables of an\n"
            "  output directory (also one being written, or left by a killed run)\n");
    return help ? EMBER_EXIT_OK : EMBER_EXIT_USAGE;
  }
  ember_output *o;
  char msg[512] = "";
  if (ember_output_open(argv[1], &o, msg, sizeof msg)) {
    fprintf(stderr, "ember info: %s\n", msg[0] ? msg : "cannot open the output directory");
    return EMBER_EXIT_RUNTIME;
  }
  printf("%s\n", argv[1]);
  print_provenance(o);
  print_spikes(o);
  print_reports(o);
  print_edges(o);
  print_circuits(argv[1]);
  ember_output_free(o);
  return EMBER_EXIT_OK;
}

/* -------------------------------------------------------------- models --- */

static const char *const source_kinds[] = {"poisson", "spike_array"};

/* The first sentence (or line) of a doc string, for listings. */
static int first_sentence(const char *doc)
{
  const char *end = doc;
  while (*end && *end != '\n' && !(end[0] == '.' && (end[1] == ' ' || end[1] == 0)))
    end++;
  return (int)(end - doc);
}

static void format_range(const ember_param_info *p, char *buf, size_t len)
{
  if (isinf(p->min) && isinf(p->max))
    snprintf(buf, len, "any");
  else if (isinf(p->max))
    snprintf(buf, len, "%s %g", (p->flags & EMBER_RANGE_MIN_OPEN) ? ">" : ">=", p->min);
  else if (isinf(p->min))
    snprintf(buf, len, "%s %g", (p->flags & EMBER_RANGE_MAX_OPEN) ? "<" : "<=", p->max);
  else
    snprintf(buf, len, "%c%g, %g%c", (p->flags & EMBER_RANGE_MIN_OPEN) ? '(' : '[', p->min, p->max,
             (p->flags & EMBER_RANGE_MAX_OPEN) ? ')' : ']');
}

static void print_params(const ember_param_info *ps, size_t n)
{
  printf("parameters:\n  %-14s %10s %-6s %-14s %s\n", "name", "default", "unit", "range", "meaning");
  for (size_t i = 0; i < n; i++) {
    char range[64];
    format_range(&ps[i], range, sizeof range);
    printf("  %-14s %10g %-6s %-14s %s\n", ps[i].name, ps[i].def, ps[i].unit, range, ps[i].doc);
  }
  if (n == 0)
    printf("  (none)\n");
}

static void print_model(const ember_model *m, int ltc)
{
  static const char *const signs[] = {"any sign", ">= 0", "<= 0"};
  printf("%s\n\n%s\n\n", m->name, m->doc);
  print_params(m->params, m->n_params);
  printf("state variables (recordable):\n  %-14s %10s %-6s %s\n", "name", "initial", "unit", "meaning");
  for (size_t i = 0; i < m->n_state; i++)
    printf("  %-14s %10g %-6s %s\n", m->state[i].name, m->state[i].def, m->state[i].unit,
           m->state[i].doc);
  printf("receptors (ember.connect's receptor option):\n");
  for (size_t i = 0; i < m->n_receptors; i++)
    printf("  %-14s weights in %s, %s\n", m->receptors[i].name, m->receptors[i].unit,
           signs[m->receptors[i].sign]);
  if (ltc)
    printf("solver: the circuit's, ember.ltc's third argument (default fused, 6 unfolds); "
           "docs/ltc.md\n");
  else
    printf("default solver: %s\n", ember_solver_defaults(m).method);
}

/* LTC populations: their model object comes from a throwaway one-neuron circuit. */
static int print_ltc(void)
{
  ember_ltc_wiring_spec spec = {.kind = EMBER_LTC_FULLY_CONNECTED, .units = 1, .inputs = 1};
  ember_network *net = ember_network_new(1);
  ember_ltc *c = ember_ltc_new();
  ember_population *pop = NULL;
  if (!net || !c || ember_ltc_build(c, &spec, 1, 0) || ember_ltc_population_new(net, "x", c, &pop)) {
    ember_network_free(net);
    return -1;
  }
  print_model(ember_population_model(pop), 1);
  ember_network_free(net);
  return 0;
}

/* Spike sources have no public type object: their tables come from a throwaway
 * network with one source neuron. */
static int print_source(const char *kind)
{
  ember_network *net = ember_network_new(1);
  ember_population *pop = NULL;
  if (!net || ember_source_population_new(net, "x", 1, kind, &pop)) {
    ember_network_free(net);
    return -1;
  }
  printf("%s (spike source: ember.%s)\n\n", kind, kind);
  size_t n = ember_population_param_count(pop);
  ember_param_info *ps = malloc((n ? n : 1) * sizeof *ps);
  for (size_t i = 0; ps && i < n; i++)
    ps[i] = *ember_population_param_info(pop, i);
  if (ps)
    print_params(ps, n);
  free(ps);
  ember_network_free(net);
  return 0;
}

/* A rate rule for LTC weights (lib/plasticity/): its table. */
static void print_rate_rule(const ember_rate_rule *r)
{
  printf("%s (LTC plasticity: ember.%s{...})\n\n%s\n\n", r->name, r->name, r->doc);
  print_params(r->params, r->n_params);
  for (size_t i = 0; i < r->n_state; i++)
    printf("per-neuron state: %s (%s, initial %g) %s\n", r->state[i].name, r->state[i].unit,
           r->state[i].def, r->state[i].doc);
}

static void list_models(void)
{
  printf("neuron models (ember.population):\n");
  for (size_t i = 0; ember_model_at(i); i++) {
    const ember_model *m = ember_model_at(i);
    printf("  %-16s %.*s\n", m->name, first_sentence(m->doc), m->doc);
  }
  printf("spike sources:\n  %-16s ember.poisson(label, n, {rate =, start =, stop =})\n"
         "  %-16s ember.spike_array(label, {{t, ...}, ...})\n"
         "LTC circuits:\n  %-16s ember.ltc(label, {wiring =, inputs =, ...} [, solver]) (docs/ltc.md)\n"
         "`ember models NAME` shows a model's parameters, state variables and receptors.\n",
         source_kinds[0], source_kinds[1], "ltc");
  printf("rate-based plasticity rules for LTC circuits (ember.hebb{...}, ...):\n");
  for (size_t i = 0; ember_rate_rule_at(i); i++)
    printf("  %-16s %s\n", ember_rate_rule_at(i)->name, ember_rate_rule_at(i)->doc);
}

int ember_cli_models(int argc, char **argv)
{
  if (argc > 2 || (argc == 2 && argv[1][0] == '-')) {
    int help = argc == 2 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"));
    fprintf(help ? stdout : stderr, "usage: ember models [NAME]\n");
    return help ? EMBER_EXIT_OK : EMBER_EXIT_USAGE;
  }
  if (argc == 1) {
    list_models();
    return EMBER_EXIT_OK;
  }
  const ember_model *m = ember_model_find(argv[1]);
  if (m) {
    print_model(m, 0);
    return EMBER_EXIT_OK;
  }
  if (strcmp(argv[1], "ltc") == 0 && print_ltc() == 0)
    return EMBER_EXIT_OK;
  for (size_t i = 0; i < 2; i++)
    if (strcmp(argv[1], source_kinds[i]) == 0 && print_source(argv[1]) == 0)
      return EMBER_EXIT_OK;
  if (ember_rate_rule_find(argv[1])) {
    print_rate_rule(ember_rate_rule_find(argv[1]));
    return EMBER_EXIT_OK;
  }
  fprintf(stderr, "ember models: unknown model '%s'; models:", argv[1]);
  for (size_t i = 0; ember_model_at(i); i++)
    fprintf(stderr, " %s", ember_model_at(i)->name);
  fprintf(stderr, "; spike sources: poisson, spike_array\n");
  return EMBER_EXIT_USAGE;
}
