/* The neuron inspector (see inspect.h): spike counts and rates from the store,
 * parameters (live runs) and the traced state at the playhead. */
#include <math.h>
#include <string.h>
#include "draw.h"
#include "inspect.h"

/* Parameter rows of the selected neuron, and tau_m if it is one of them. */
static void fill_params(const vz_pop *p, uint32_t id, vz_inspect *out)
{
  out->tau = NAN;
  for (size_t k = 0; k < p->n_params && out->n_params < VZ_INSPECT_MAX; k++) {
    size_t i = out->n_params++;
    out->param_name[i] = p->param_names[k];
    out->param_unit[i] = p->param_units[k];
    out->param[i] = p->params[k * p->size + id];
    if (strcmp(p->param_names[k], "tau_m") == 0 || strcmp(p->param_names[k], "tau") == 0)
      out->tau = out->param[i];
  }
}

void vz_inspect_fill(const vz_store *st, const vz_view *v, vz_inspect *out)
{
  memset(out, 0, sizeof *out);
  out->last_spike = out->tau = NAN;
  if (v->sel_pop < 0 || (size_t)v->sel_pop >= st->n_pops)
    return;
  const vz_pop *p = &st->pops[v->sel_pop];
  uint32_t id = v->sel_id;
  out->valid = 1;
  out->pop = p->name;
  out->kind = p->kind;
  out->id = id;
  out->pop_size = p->size;
  /* Through the per-neuron index: O(log(spikes of the neuron)) per frame. */
  out->spikes = vz_pop_neuron_count(p, id, -INFINITY, INFINITY);
  double dur = st->t_end - st->t_begin;
  out->rate = dur > 0 ? (double)out->spikes / (dur / 1000.0) : 0.0;
  double t0 = vz_view_t0(v);
  out->spikes_window = vz_pop_neuron_count(p, id, t0, v->t_now + 1e-12);
  out->rate_window = v->span > 0 ? (double)out->spikes_window / (v->span / 1000.0) : 0.0;
  out->last_spike = vz_pop_neuron_last(p, id, v->t_now);
  if (id < p->size)
    fill_params(p, id, out);
  for (size_t i = 0; i < st->n_traces && out->n_values < VZ_INSPECT_MAX; i++) {
    const vz_trace *tr = &st->traces[i];
    if (tr->pop != (size_t)v->sel_pop || tr->id != id)
      continue;
    size_t k = out->n_values++;
    out->var[k] = tr->var;
    out->var_unit[k] = tr->units;
    out->value[k] = vz_trace_value_at(tr, v->t_now);
  }
  vz_inspect_inputs(st, v, out);
}

/* One "name  value unit" row; returns the next y. */
static int row(vz_app *app, SDL_Rect r, int y, const char *name, const char *value)
{
  vz_text(app->small, app->canvas, r.x + 10, y, VZ_DIM, name);
  vz_text(app->small, app->canvas, r.x + 130, y, VZ_TEXT, value);
  return y + vz_font_height(app->small);
}

/* The strongest inputs: "pop[id]  +value unit". Returns the next y. */
static int inputs(vz_app *app, SDL_Rect r, int y, const vz_inspect *in)
{
  if (!in->inputs_what)
    return y;
  char buf[128], name[96];
  y += 6;
  snprintf(buf, sizeof buf, "strongest inputs now (%s%s%s, %zu of %zu)", in->inputs_what,
           in->inputs_unit && in->inputs_unit[0] ? ", " : "", in->inputs_unit ? in->inputs_unit : "",
           in->n_inputs, in->n_incoming);
  vz_text(app->small, app->canvas, r.x + 10, y, VZ_AXIS, buf);
  y += vz_font_height(app->small);
  for (size_t k = 0; k < in->n_inputs; k++) {
    snprintf(name, sizeof name, "%s[%u]", in->input[k].pop, (unsigned)in->input[k].id);
    snprintf(buf, sizeof buf, "%+.4g", in->input[k].value);
    vz_text(app->small, app->canvas, r.x + 10, y, VZ_DIM, name);
    vz_text(app->small, app->canvas, r.x + 130, y, in->input[k].value >= 0 ? VZ_POS : VZ_NEG, buf);
    y += vz_font_height(app->small);
  }
  if (!in->n_inputs && !in->inputs_missing[0])
    y = row(app, r, y, "", strcmp(in->inputs_what, "drive") ? "none" : "no spike arrived lately");
  if (in->inputs_missing[0]) {
    y = row(app, r, y, "not recorded:", in->inputs_missing);
    y = row(app, r, y, "", "(their spikes: record them)");
  }
  return y;
}

void vz_inspect_draw(vz_app *app, SDL_Rect r)
{
  vz_inspect in;
  vz_inspect_fill(app->store, &app->view, &in);
  vz_fill(app->canvas, r, VZ_PANEL);
  vz_vline(app->canvas, r.x, r.y, r.y + r.h - 1, VZ_GRID);
  if (!in.valid)
    return;
  char buf[128];
  int y = r.y + 8;
  uint32_t c = app->store->pops[app->view.sel_pop].color;
  vz_fill(app->canvas, (SDL_Rect){r.x + 10, y + 4, 10, 10}, c);
  vz_textf(app->font, app->canvas, r.x + 26, y, VZ_TEXT, "%s[%u]", in.pop, (unsigned)in.id);
  y += vz_font_height(app->font) + 4;
  y = row(app, r, y, "model", in.kind[0] ? in.kind : "(not in the output)");
  snprintf(buf, sizeof buf, "%zu neurons", in.pop_size);
  y = row(app, r, y, "population", buf);
  if (strcmp(in.kind, "ltc") != 0) {   /* LTC neurons do not spike */
    snprintf(buf, sizeof buf, "%llu  (%.3g Hz)", (unsigned long long)in.spikes, in.rate);
    y = row(app, r, y, app->src->growing ? "spikes so far" : "spikes in run", buf);
    snprintf(buf, sizeof buf, "%zu  (%.3g Hz)", in.spikes_window, in.rate_window);
    y = row(app, r, y, "in view", buf);
    if (isnan(in.last_spike))
      snprintf(buf, sizeof buf, "none before t");
    else
      snprintf(buf, sizeof buf, "%.4g ms ago (%.6g)", app->view.t_now - in.last_spike, in.last_spike);
    y = row(app, r, y, "last spike", buf);
  }
  if (!isnan(in.tau)) {
    snprintf(buf, sizeof buf, "%.4g %s", in.tau, strcmp(in.kind, "ltc") ? "ms" : "ms (liquid)");
    y = row(app, r, y, "time constant", buf);
  }
  y = inputs(app, r, y, &in);
  y += 6;
  vz_text(app->small, app->canvas, r.x + 10, y, VZ_AXIS, "state at the playhead");
  y += vz_font_height(app->small);
  for (size_t k = 0; k < in.n_values; k++) {
    if (isnan(in.value[k]))
      snprintf(buf, sizeof buf, "-");
    else
      snprintf(buf, sizeof buf, "%.5g %s", in.value[k], in.var_unit[k]);
    y = row(app, r, y, in.var[k], buf);
  }
  if (!in.n_values)
    y = row(app, r, y, "", "not recorded");
  y += 6;
  vz_text(app->small, app->canvas, r.x + 10, y, VZ_AXIS, "parameters");
  y += vz_font_height(app->small);
  for (size_t k = 0; k < in.n_params && y < r.y + r.h - 16; k++) {
    snprintf(buf, sizeof buf, "%.5g %s", in.param[k], in.param_unit[k]);
    y = row(app, r, y, in.param_name[k], buf);
  }
  if (!in.n_params)
    row(app, r, y, "", app->src->live ? "(a spike source)" : "not in the output files");
}
