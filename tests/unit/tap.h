/* SPDX-License-Identifier: GPL-2.0 */
/* tap.h: the Test Anything Protocol for the C unit tests, run by prove. */
#ifndef SA_TAP_H
#define SA_TAP_H

#include <stdio.h>

static int tap_n, tap_failed;

#define ok(cond, ...)							\
	({								\
		int _c = !!(cond);					\
		printf("%sok %d - ", _c ? "" : "not ", ++tap_n);	\
		printf(__VA_ARGS__);					\
		printf("\n");						\
		if (!_c) {						\
			tap_failed++;					\
			printf("#   failed at %s:%d: %s\n", __FILE__, __LINE__, #cond); \
		}							\
		_c;							\
	})

#define diag(...) (printf("# "), printf(__VA_ARGS__), printf("\n"))

static inline int done_testing(void)
{
	printf("1..%d\n", tap_n);
	return tap_failed ? 1 : 0;
}

#endif
