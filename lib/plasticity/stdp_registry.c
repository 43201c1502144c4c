/* The list of spike-timing plasticity rules and their parameter tables. Adding a
 * rule: its file in lib/plasticity/ and one line here (plus Makefile.am). */
#include <string.h>
#include "../internal.h"
#include "stdp_rule.h"

static const ember_stdp_rule *const registry[] = {
  &ember_stdp_pair,
  &ember_stdp_triplet,
};

const ember_stdp_rule *ember_stdp_rule_at(size_t i)
{
  return i < sizeof registry / sizeof registry[0] ? registry[i] : NULL;
}

const ember_stdp_rule *ember_stdp_rule_find(const char *name)
{
  for (size_t i = 0; name && ember_stdp_rule_at(i); i++)
    if (strcmp(registry[i]->name, name) == 0)
      return registry[i];
  return NULL;
}

const char *ember_stdp_rule_name(const ember_stdp_rule *r) { return r->name; }
size_t ember_stdp_rule_param_count(const ember_stdp_rule *r) { return r->n_params; }

const ember_stdp_param *ember_stdp_rule_param(const ember_stdp_rule *r, size_t i)
{
  return i < r->n_params ? &r->params[i] : NULL;
}

int ember_stdp_rule_param_index(const ember_stdp_rule *r, const char *name)
{
  for (size_t i = 0; name && i < r->n_params; i++)
    if (strcmp(r->params[i].name, name) == 0)
      return (int)i;
  return -1;
}

int ember_stdp_param_choice(const ember_stdp_param *p, const char *choice)
{
  for (int i = 0; p->choices && choice && p->choices[i]; i++)
    if (strcmp(p->choices[i], choice) == 0)
      return i;
  return -1;
}

const char *ember_stdp_rule_set_name(const ember_stdp_rule *r, size_t i)
{
  return i < r->n_sets ? r->sets[i].name : NULL;
}

ember_status ember_stdp_rule_set_values(const ember_stdp_rule *r, const char *name, double *values)
{
  const stdp_set *s = NULL;
  for (size_t i = 0; name && i < r->n_sets; i++)
    if (strcmp(r->sets[i].name, name) == 0)
      s = &r->sets[i];
  if (!s)
    return EMBER_ERR_UNKNOWN;
  for (size_t i = 0; i < r->n_params; i++)
    values[i] = r->params[i].def;
  for (size_t k = 0; k < STDP_MAX_SET && s->v[k].name; k++)
    values[ember_stdp_rule_param_index(r, s->v[k].name)] = s->v[k].value;
  return EMBER_OK;
}
