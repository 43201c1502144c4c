/* Advancing an LTC circuit over one input step: ncps' fused semi-implicit Euler,
 * or a GSL adaptive stepper on the continuous ODE (the whole circuit is one
 * system: every neuron is coupled to the others continuously). */
#include <math.h>
#include <string.h>
#include <gsl/gsl_errno.h>
#include "ltc_internal.h"

/* Explicit steppers only: the implicit ones need a Jacobian, dense N x N. */
static const struct { const char *name; const gsl_odeiv2_step_type *const *type; } steppers[] = {
  {"rk2", &gsl_odeiv2_step_rk2},     {"rk4", &gsl_odeiv2_step_rk4},
  {"rkf45", &gsl_odeiv2_step_rkf45}, {"rkck", &gsl_odeiv2_step_rkck},
  {"rk8pd", &gsl_odeiv2_step_rk8pd},
};

void ltc_solver_free(ember_ltc *c)
{
  if (c->evolve)
    gsl_odeiv2_evolve_free(c->evolve);
  if (c->control)
    gsl_odeiv2_control_free(c->control);
  if (c->step)
    gsl_odeiv2_step_free(c->step);
  c->evolve = NULL;
  c->control = NULL;
  c->step = NULL;
}

static const gsl_odeiv2_step_type *find_stepper(const char *name)
{
  for (size_t i = 0; i < sizeof steppers / sizeof *steppers; i++)
    if (!strcmp(name, steppers[i].name))
      return *steppers[i].type;
  return NULL;
}

/* Allocates the GSL objects for c->opt (all of them here, none while stepping). */
ember_status ltc_solver_setup(ember_ltc *c)
{
  ltc_solver_free(c);
  c->fused = !strcmp(c->opt.method, "fused");
  if (c->fused || c->n == 0)
    return EMBER_OK;
  const gsl_odeiv2_step_type *T = find_stepper(c->opt.method);
  size_t dim = c->n + ltc_plastic_dim(c);   /* plastic weights join the ODE state */
  c->sys = (gsl_odeiv2_system){c->plastic ? ltc_plastic_rhs : ltc_rhs, NULL, dim, c};
  c->step = gsl_odeiv2_step_alloc(T, dim);
  c->control = gsl_odeiv2_control_y_new(c->opt.abstol, c->opt.reltol);
  c->evolve = gsl_odeiv2_evolve_alloc(dim);
  if (!c->step || !c->control || !c->evolve) {
    ltc_solver_free(c);
    return ltc_fail(c, EMBER_ERR_NOMEM, "out of memory for the %s solver", c->opt.method);
  }
  c->h = 1e-3;   /* as ember_ltc_reset */
  return EMBER_OK;
}

ember_status ember_ltc_set_solver(ember_ltc *c, const ember_ltc_solver_opts *o)
{
  ember_ltc_solver_opts d = ember_ltc_solver_defaults();
  ember_ltc_solver_opts n = o ? *o : d;
  if (!n.method)
    n.method = d.method;
  if (strcmp(n.method, "fused") && !find_stepper(n.method))
    return ltc_fail(c, EMBER_ERR_UNKNOWN, "unknown LTC solver '%s' (fused rk2 rk4 rkf45 rkck rk8pd)",
                    n.method);
  if (n.ode_unfolds < 1)
    return ltc_fail(c, EMBER_ERR_INVALID, "ode_unfolds = %d must be >= 1", n.ode_unfolds);
  if (!(n.epsilon >= 0))
    return ltc_fail(c, EMBER_ERR_INVALID, "epsilon = %g must be >= 0", n.epsilon);
  if (!(n.abstol >= 0 && n.reltol >= 0 && n.abstol + n.reltol > 0))
    return ltc_fail(c, EMBER_ERR_INVALID, "abstol = %g, reltol = %g: both >= 0, not both 0",
                    n.abstol, n.reltol);
  if (!(n.max_step >= 0))
    return ltc_fail(c, EMBER_ERR_INVALID, "max_step = %g must be >= 0", n.max_step);
  snprintf(c->method, sizeof c->method, "%s", n.method);
  n.method = c->method;
  c->opt = n;
  return ltc_solver_setup(c);
}

/* --------------------------------------------------------------- advance --- */

static void advance_fused(ember_ltc *c, double elapsed)
{
  double dt = elapsed / c->opt.ode_unfolds;
  for (int u = 0; u < c->opt.ode_unfolds; u++) {
    ltc_fused_substep(c, c->v, c->vtmp, dt);
    double *t = c->v;   /* Jacobi update: the new state replaces the old at once */
    c->v = c->vtmp;
    c->vtmp = t;
  }
  c->n_rhs += (uint64_t)c->opt.ode_unfolds;
}

/* Integrates over [0, elapsed) in step-local time: the system is autonomous
 * while the input holds, and local time keeps the end point exact. */
static ember_status advance_gsl(ember_ltc *c, double elapsed, int input_changed)
{
  if (input_changed) {   /* a discontinuity: no stepper state carries over */
    gsl_odeiv2_step_reset(c->step);
    gsl_odeiv2_evolve_reset(c->evolve);
  }
  double t = 0;
  if (c->opt.max_step > 0 && c->h > c->opt.max_step)
    c->h = c->opt.max_step;
  while (t < elapsed) {
    int rc = gsl_odeiv2_evolve_apply(c->evolve, c->control, c->step, &c->sys, &t, elapsed, &c->h, c->v);
    if (rc != GSL_SUCCESS)
      return ltc_fail(c, EMBER_ERR_SOLVER, "%s failed at t = %g: %s", c->method, c->t + t,
                      gsl_strerror(rc));
    if (c->opt.max_step > 0 && c->h > c->opt.max_step)
      c->h = c->opt.max_step;
  }
  return EMBER_OK;
}

ember_status ltc_advance(ember_ltc *c, double elapsed)
{
  int changed = c->input_dirty;
  if (changed)
    ltc_sensory_update(c);
  ember_status st = EMBER_OK;
  if (c->plastic)
    st = ltc_plastic_advance(c, elapsed, changed);
  else if (c->fused)
    advance_fused(c, elapsed);
  else
    st = advance_gsl(c, elapsed, changed);
  if (st)
    return st;
  c->t += elapsed;
  for (size_t j = 0; j < c->n; j++)
    if (!isfinite(c->v[j]))
      return ltc_fail(c, EMBER_ERR_NONFINITE, "neuron %zu: v = %g at t = %g", j, c->v[j], c->t);
  return EMBER_OK;
}
