/* The list of rate-based plasticity rules for LTC weights. Adding a rule: its
 * file in lib/plasticity/ and one line here (plus the file in Makefile.am). */
#include <string.h>
#include "ember/plasticity.h"

extern const ember_rate_rule ember_rate_hebb;
extern const ember_rate_rule ember_rate_oja;
extern const ember_rate_rule ember_rate_bcm;

static const ember_rate_rule *const registry[] = {
  &ember_rate_hebb,
  &ember_rate_oja,
  &ember_rate_bcm,
};

const ember_rate_rule *ember_rate_rule_at(size_t i)
{
  return i < sizeof registry / sizeof registry[0] ? registry[i] : NULL;
}

const ember_rate_rule *ember_rate_rule_find(const char *name)
{
  for (size_t i = 0; name && ember_rate_rule_at(i); i++)
    if (strcmp(registry[i]->name, name) == 0)
      return registry[i];
  return NULL;
}

int ember_rate_rule_param_index(const ember_rate_rule *r, const char *name)
{
  for (size_t i = 0; name && i < r->n_params; i++)
    if (strcmp(r->params[i].name, name) == 0)
      return (int)i;
  return -1;
}

int ember_rate_choice(const char *param, const char *value)
{
  static const char *const syn[] = {"internal", "sensory", "all", NULL};
  static const char *const post[] = {"linear", "rectified", "sigmoid", NULL};
  const char *const *list = !param ? NULL : !strcmp(param, "synapses") ? syn
                                          : !strcmp(param, "post")     ? post : NULL;
  for (int i = 0; list && value && list[i]; i++)
    if (!strcmp(list[i], value))
      return i;
  return -1;
}
