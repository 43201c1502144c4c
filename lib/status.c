/* Names of the status codes. */
#include "ember/status.h"

const char *ember_strerror(ember_status st)
{
  switch (st) {
  case EMBER_OK: return "success";
  case EMBER_ERR_NOMEM: return "out of memory";
  case EMBER_ERR_INVALID: return "invalid value";
  case EMBER_ERR_UNKNOWN: return "unknown name";
  case EMBER_ERR_STATE: return "not allowed now";
  case EMBER_ERR_SOLVER: return "solver failure";
  case EMBER_ERR_NONFINITE: return "non-finite state";
  case EMBER_ERR_IO: return "input/output error";
  case EMBER_ERR_INTERRUPTED: return "interrupted";
  }
  return "unknown status";
}
