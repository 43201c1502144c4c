/* psi(z(t)) by Taylor-mode differentiation (see taylor_ad.h). */
#include "taylor_ad.h"
#include "taylor_psi_table.h"

/* Terms of row j that matter for |z0| < 1.5: the rest add less than 1e-17 of the
 * coefficient's scale (2 pi)^-j (tools/psi_taylor_table.py prints the minimum,
 * 27 for j = 0 to 57 for j = 20). */
static inline size_t psi_terms(size_t j)
{
  size_t len = 30 + 2 * j;
  return len < PSI_TAB_M ? len : PSI_TAB_M;
}

double tad_psi_start(tad_psi *s, double z0, size_t K)
{
  s->z[0] = z0;
  s->near = fabs(z0) < TAD_PSI_NEAR;
  if (!s->near) {
    s->d0 = expm1(z0);
    s->e[0] = s->d0 + 1.0;
    s->p[0] = z0 / s->d0;
    return s->p[0];
  }
  for (size_t j = 0; j <= K; j++) {   /* a_j = sum_m T[j][m] z0^m, by Horner */
    size_t len = psi_terms(j);
    double a = psi_tab[j][len - 1];
    for (size_t m = len - 1; m-- > 0;)
      a = a * z0 + psi_tab[j][m];
    s->a[j] = a;
  }
  s->p[0] = s->a[0];
  return s->p[0];
}

double tad_psi_next(tad_psi *s, double zk, size_t k)
{
  s->z[k] = zk;
  if (!s->near) {
    s->e[k] = tad_exp_lin(s->z, 1.0, s->e, k);
    double acc = zk;   /* (e^z - 1) psi = z: e^z - 1 has coefficients d0, e_1, e_2, ... */
    for (size_t j = 1; j <= k; j++)
      acc -= s->e[j] * s->p[k - j];
    s->p[k] = acc / s->d0;
    return s->p[k];
  }
  /* d = z - z_0 has d_0 = 0, so d^j starts at t^j: coefficient k of d^j for
   * j = 1..k, then psi_k = sum_j a_j (d^j)_k. */
  s->pw[1][k] = zk;
  double acc = s->a[1] * zk;
  for (size_t j = 2; j <= k; j++) {
    double c = 0.0;
    for (size_t i = 1; i <= k - j + 1; i++)
      c += s->z[i] * s->pw[j - 1][k - i];
    s->pw[j][k] = c;
    acc += s->a[j] * c;
  }
  s->p[k] = acc;
  return acc;
}
