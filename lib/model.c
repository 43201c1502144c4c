/* Model look-ups by name and parameter range checks, shared by every model. */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include "ember/model.h"

int ember_model_param_index(const ember_model *m, const char *name)
{
  for (size_t i = 0; i < m->n_params; i++)
    if (strcmp(m->params[i].name, name) == 0)
      return (int)i;
  return -1;
}

int ember_model_state_index(const ember_model *m, const char *name)
{
  for (size_t i = 0; i < m->n_state; i++)
    if (strcmp(m->state[i].name, name) == 0)
      return (int)i;
  return -1;
}

int ember_model_receptor_index(const ember_model *m, const char *name)
{
  for (size_t i = 0; i < m->n_receptors; i++)
    if (strcmp(m->receptors[i].name, name) == 0)
      return (int)i;
  return -1;
}

/* Writes "[min, max]" with open ends shown as parentheses and infinities as such. */
static void format_range(const ember_param_info *pi, char *buf, size_t len)
{
  snprintf(buf, len, "%c%g, %g%c", (pi->flags & EMBER_RANGE_MIN_OPEN) ? '(' : '[', pi->min,
           pi->max, (pi->flags & EMBER_RANGE_MAX_OPEN) ? ')' : ']');
}

ember_status ember_param_check(const ember_param_info *pi, double v, char *msg, size_t msglen)
{
  int low = (pi->flags & EMBER_RANGE_MIN_OPEN) ? !(v > pi->min) : !(v >= pi->min);
  int high = (pi->flags & EMBER_RANGE_MAX_OPEN) ? !(v < pi->max) : !(v <= pi->max);
  if (isnan(v) || low || high) {
    char range[96];
    format_range(pi, range, sizeof range);
    snprintf(msg, msglen, "parameter '%s' = %g %s is out of range: allowed %s", pi->name, v,
             pi->unit, range);
    return EMBER_ERR_INVALID;
  }
  return EMBER_OK;
}
