/* SPDX-License-Identifier: GPL-2.0 */
/*
 * prom.h: the state of an install in Prometheus' text exposition format
 * (version 0.0.4): `run --metrics` serves it, `status --prometheus` prints it.
 * Every name starts with sockaccel_; counters end in _total.
 */
#ifndef SOCKACCEL_PROM_H
#define SOCKACCEL_PROM_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "accel/accel.h"

/* What only the agent knows; NULL for `status`. */
struct sa_prom_agent {
	uint64_t repairs;	/* reinstalls after something undid the install */
	uint64_t scrapes;	/* metrics requests answered */
};

/* The exposition text into buf (NUL-terminated when cap > 0); returns the
 * length it needs, like snprintf: a result >= cap means buf was too small. */
size_t sa_prom_format(char *buf, size_t cap, const struct sa_status *s,
		      const struct sa_prom_agent *agent);
/* The same, written to f; 0 or -errno. */
int sa_prom_write(FILE *f, const struct sa_status *s, const struct sa_prom_agent *agent);

#endif
