/* The list of neuron models. Adding a model: its file in lib/models/ and one line
 * here (plus the file in Makefile.am). */
#include <string.h>
#include "ember/model.h"

extern const ember_model ember_lif_curr_exp;
extern const ember_model ember_lif_cond_exp;
extern const ember_model ember_izhikevich;
extern const ember_model ember_adex;
extern const ember_model ember_hh_cond_exp;
extern const ember_model ember_lif_ltc;

static const ember_model *const registry[] = {
  &ember_lif_curr_exp,
  &ember_lif_cond_exp,
  &ember_izhikevich,
  &ember_adex,
  &ember_hh_cond_exp,
  &ember_lif_ltc,
};

const ember_model *ember_model_at(size_t i)
{
  return i < sizeof registry / sizeof registry[0] ? registry[i] : NULL;
}

const ember_model *ember_model_find(const char *name)
{
  for (size_t i = 0; ember_model_at(i); i++)
    if (strcmp(registry[i]->name, name) == 0)
      return registry[i];
  return NULL;
}
