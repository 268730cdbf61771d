/* SPDX-License-Identifier: GPL-2.0 */
#ifndef SOCKACCEL_JSON_H
#define SOCKACCEL_JSON_H

#include <stdio.h>

/* Print s as a JSON string, quotes included (control bytes as \u00XX). */
void sa_json_str(FILE *f, const char *s);

#endif
