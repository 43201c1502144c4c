/* The event loop of one neuron, shared by the kernels that keep their open step
 * in the neuron's own storage (taylor_kernel_body.h, expint_kernel.c). Included
 * once per specialisation, after the kernel has defined:
 *   a struct kern with fields j, m, y, c, ta, tb, th, sv, resets, spiking, hmax, tmp,
 *     end (y: the state at tb; c[0 .. KN): the state at ta; end: set here to the
 *     point the current segment must reach, for find_crossing),
 *   KN (the dimension) and KSFX(name) (this copy's names),
 *   KSFX(eval_at)(k, tau, out): the state at ta + tau of the open step,
 *   KSFX(take_step)(k, lim, msg, len): one step from tb ending at lim at the latest,
 *   KSFX(find_crossing)(k): the offset of an upward crossing inside the step, or -1,
 * and optionally KSYNC(k), called before y is taken as the state at tb.
 * The decisions (where steps start and end, which crossing fires, what is
 * sampled) are those of solver.c's loop, documented in docs/engine.md. */
/* No step any more: y at t is the state. */
static inline void KSFX(collapse)(kern *k, double t)
{
#ifdef KSYNC
  KSYNC(k);   /* the kernel's hook: make y the state at tb if it is not yet */
#endif
  k->ta = k->tb = t;
  memcpy(k->c, k->y, KN * sizeof *k->y);
}

/* Samples in [.., upto) of the open step. */
static void KSFX(sample_frames)(kern *k, double upto)
{
  neuron_job *j = k->j;
  for (size_t r = 0; r < j->n_samples; r++) {
    sample_req *s = &j->samples[r];
    for (; s->k < s->k_end; s->k++) {
      double ts = s->t0 + (double)s->k * s->dt;
      if (ts >= upto)
        break;
      KSFX(eval_at)(k, ts - k->ta, k->tmp);
      s->dst[(s->k - s->k_base) * s->stride] = (float)k->tmp[s->var];
    }
  }
}

/* Inline: most neurons record nothing, and the call alone was measurable. */
static inline void KSFX(sample_step)(kern *k, double upto)
{
  if (k->j->n_samples)
    KSFX(sample_frames)(k, upto);
}

static void KSFX(fire)(kern *k, double t, spike_buf *sink)
{
  neuron_spike(k->j, k->m, k->y, t, sink);
  KSFX(collapse)(k, t);
}

static void KSFX(level_check)(kern *k, double t, spike_buf *sink)
{
  KSFX(collapse)(k, t);
  if (k->resets && !k->j->ctx.refractory && k->y[k->sv] >= k->th)
    KSFX(fire)(k, t, sink);
}

/* Moves the neuron back to te inside its open step. */
static void KSFX(cut)(kern *k, double te)
{
  KSFX(eval_at)(k, te - k->ta, k->y);
  KSFX(collapse)(k, te);
}

/* Whether the stretch from t to end is within rounding of nothing (a segment
 * then moves the state to end without a step). */
static inline int KSFX(negligible)(double t, double end)
{
  return end - t <= 16 * DBL_EPSILON * dmax(1.0, fabs(t));
}

/* As solver.c's segment: steps from tb to end, the last one possibly to lim. */
static ember_status KSFX(segment)(kern *k, double end, double lim, int detect, spike_buf *sink,
                            char *msg, size_t len)
{
  while (k->tb < end) {
    if (KSFX(negligible)(k->tb, end)) {
      KSFX(collapse)(k, end);
      break;
    }
    k->end = end;
    ember_status st = KSFX(take_step)(k, lim, msg, len);
    if (st)
      return st;
    double tau = detect ? KSFX(find_crossing)(k) : -1;
    if (tau >= 0 && k->ta + tau < end) {
      double tf = k->ta + tau;
      KSFX(sample_step)(k, tf);
      KSFX(eval_at)(k, tau, k->y);
      KSFX(fire)(k, tf, sink);
      return EMBER_OK;
    }
    KSFX(sample_step)(k, k->tb);
    if (tau >= 0)
      KSFX(cut)(k, end);
  }
  return EMBER_OK;
}

static ember_status KSFX(integrate)(kern *k, double end, int overshoot, spike_buf *sink, char *msg,
                              size_t len)
{
  neuron_job *j = k->j;
  while (k->tb < end) {
    ember_status st;
    if (j->ctx.refractory) {
      double ru = *j->refr_until, stop = dmin(end, ru);
      if ((st = KSFX(segment)(k, stop, overshoot ? ru : stop, 0, sink, msg, len)))
        return st;
      if (k->tb >= ru && k->tb <= end) {
        j->ctx.refractory = 0;
        KSFX(level_check)(k, k->tb, sink);
      }
    } else {
      double lim = overshoot ? dmax(end, k->tb + k->hmax) : end;
      if ((st = KSFX(segment)(k, end, lim, k->spiking, sink, msg, len)))
        return st;
    }
  }
  return EMBER_OK;
}

/* The loop of taylor_advance from its e-th event on, in the state the loop
 * itself has when it comes to that event (after the level check of the
 * previous one). */
static ember_status KSFX(run_from)(kern *k, size_t e, double t0, double t1, spike_buf *sink,
                                   char *msg, size_t msglen)
{
  neuron_job *job = k->j;
  for (;;) {
    int last = e == job->n_ev;
    double stop = last ? t1 : dmax(job->ev[e].t, t0);
    KSFX(sample_step)(k, dmin(stop, k->tb));
    if (!last && stop < k->tb)
      KSFX(cut)(k, stop);
    ember_status st = KSFX(integrate)(k, stop, last, sink, msg, msglen);
    if (st)
      return st;
    if (last)
      break;
    for (; e < job->n_ev && job->ev[e].t <= k->tb; e++)
      neuron_event(job, k->m, k->y, &job->ev[e]);
    KSFX(level_check)(k, k->tb, sink);
  }
  return EMBER_OK;
}

/* The loop of taylor_advance, after its set-up. */
static ember_status KSFX(run)(kern *k, double t0, double t1, spike_buf *sink, char *msg,
                              size_t msglen)
{
  if (k->ta == k->tb)
    KSFX(level_check)(k, k->tb, sink);
  return KSFX(run_from)(k, 0, t0, t1, sink, msg, msglen);
}
