/* Status codes returned by every libember call that can fail. */
#ifndef EMBER_STATUS_H
#define EMBER_STATUS_H

#include "ember/export.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Every fallible call returns one of these. EMBER_OK is zero so `if (st)` reads
 * as "if it failed". The object the call was made on (usually the network) keeps
 * a detailed message; ember_strerror() only names the class of failure. */
typedef enum ember_status {
  EMBER_OK = 0,
  EMBER_ERR_NOMEM,        /* an allocation failed */
  EMBER_ERR_INVALID,      /* a value is out of range or of the wrong kind */
  EMBER_ERR_UNKNOWN,      /* no model, parameter, variable or method by that name */
  EMBER_ERR_STATE,        /* the call is not allowed now (e.g. adding after the first run) */
  EMBER_ERR_SOLVER,       /* the ODE solver failed (step size underflow, GSL error) */
  EMBER_ERR_NONFINITE,    /* a neuron's state became NaN or infinite */
  EMBER_ERR_IO,           /* a file could not be opened, read or written */
  EMBER_ERR_INTERRUPTED   /* the run was stopped by ember_network_request_stop() */
} ember_status;

/* A short, static description of the status (never NULL). */
EMBER_API const char *ember_strerror(ember_status st);

#ifdef __cplusplus
}
#endif
#endif
