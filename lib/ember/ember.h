/* libember: event-driven simulation of liquid and spiking neural networks.
 * Include this one header; link with `pkg-config --libs ember`. */
#ifndef EMBER_H
#define EMBER_H
#include "ember/status.h"
#include "ember/model.h"
#include "ember/network.h"
#include "ember/output.h"
#include "ember/ltc.h"
#include "ember/plasticity.h"
#include "ember/stdp.h"
#endif
