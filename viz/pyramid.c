/* Pre-binned spike counts (see pyramid.h). */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "pyramid.h"

void vz_pyr_free(vz_pyr *pyr)
{
  if (!pyr)
    return;
  for (size_t i = 0; i < pyr->n; i++)
    free(pyr->lv[i].cnt);
  free(pyr);
}

/* Room for bins [0, want) (zeroed); 0, or -1 if out of memory. */
static int reserve(vz_pyr_level *L, size_t want)
{
  if (want <= L->cap_bins)
    return 0;
  size_t cap = L->cap_bins ? L->cap_bins : 1024;
  while (cap < want)
    cap *= 2;
  uint16_t *c = realloc(L->cnt, cap * L->n_groups * sizeof *c);
  if (!c)
    return -1;
  memset(c + L->cap_bins * L->n_groups, 0, (cap - L->cap_bins) * L->n_groups * sizeof *c);
  L->cnt = c;
  L->cap_bins = cap;
  return 0;
}

/* Counts the spikes of p not yet counted. 0, or -1 if out of memory. */
static int extend(vz_pyr_level *L, const vz_pop *p)
{
  if (L->consumed == p->n)
    return 0;
  double last = p->t[p->n - 1];
  size_t need = (size_t)floor((last - L->origin) / L->dt) + 1;
  if (reserve(L, need))
    return -1;
  for (size_t k = L->consumed; k < p->n; k++) {
    double b = floor((p->t[k] - L->origin) / L->dt);
    size_t bin = b < 0 ? 0 : (size_t)b, g = p->id[k] / L->group;
    if (g >= L->n_groups)
      continue;
    uint16_t *c = &L->cnt[bin * L->n_groups + g];
    *c += *c < UINT16_MAX;
  }
  L->n_bins = need > L->n_bins ? need : L->n_bins;
  L->consumed = p->n;
  return 0;
}

/* A new level slot: a free one, else the least recently used. */
static vz_pyr_level *slot(vz_pyr *pyr)
{
  if (pyr->n < VZ_PYR_LEVELS)
    return &pyr->lv[pyr->n++];
  vz_pyr_level *old = &pyr->lv[0];
  for (size_t i = 1; i < pyr->n; i++)
    old = pyr->lv[i].used < old->used ? &pyr->lv[i] : old;
  free(old->cnt);
  return old;
}

const vz_pyr_level *vz_pyr_get(vz_pop *p, int a, int b, size_t max_bins)
{
  if (a < 0 || b < 0 || a > 40 || b > 30 || !p->n || !p->size)
    return NULL;
  if (!p->pyr && !(p->pyr = calloc(1, sizeof *p->pyr)))
    return NULL;
  vz_pyr *pyr = p->pyr;
  vz_pyr_level *L = NULL;
  for (size_t i = 0; i < pyr->n && !L; i++)
    if (pyr->lv[i].a == a && pyr->lv[i].b == b)
      L = &pyr->lv[i];
  if (L && L->size != p->size) {   /* a population that grew: count again */
    free(L->cnt);
    memset(L, 0, sizeof *L);
    L->a = -1;
  }
  double dt = VZ_PYR_DT0 * ldexp(1.0, a);
  size_t group = (size_t)1 << b, groups = (p->size + group - 1) / group;
  double span = p->t[p->n - 1] - p->t[0];
  if (((span / dt) + 2) * (double)groups > (double)max_bins)
    return NULL;
  if (!L || L->a < 0) {
    L = L ? L : slot(pyr);
    memset(L, 0, sizeof *L);
    L->a = a;
    L->b = b;
    L->dt = dt;
    L->origin = floor(p->t[0] / dt) * dt;
    L->group = group;
    L->n_groups = groups;
    L->size = p->size;
  }
  if (extend(L, p)) {
    free(L->cnt);
    memset(L, 0, sizeof *L);
    L->a = -1;
    return NULL;
  }
  L->used = ++pyr->clock;
  return L;
}
