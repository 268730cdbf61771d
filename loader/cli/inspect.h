/* SPDX-License-Identifier: GPL-2.0 */
#ifndef SOCKACCEL_INSPECT_H
#define SOCKACCEL_INSPECT_H

#include "object.h"

/* A program's func_info/line_info counts and CO-RE relocations, as lines
 * (json 0) or as members of its JSON object (json 1). */
void sa_inspect_core(const struct bo_object *o, const struct bo_prog *p, int json);

#endif
