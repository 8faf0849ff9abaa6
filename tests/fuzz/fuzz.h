/*
 * Helpers shared by the libFuzzer targets of tests/fuzz. A target defines
 * LLVMFuzzerTestOneInput(); it is linked either with libFuzzer (VSNAP_FUZZ=ON) or with
 * replay_main.c, which runs it over the regression inputs of fixtures/fuzz/ under cmocka.
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef VSNAP_TESTS_FUZZ_H
#define VSNAP_TESTS_FUZZ_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vsnap/error.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/*
 * A property every input must keep (e.g. "formatted XML parses again"). A broken one is a
 * bug like a crash: say which and abort, so libFuzzer saves the input and a replay test fails.
 */
#define FUZZ_CHECK(cond, ...) do { \
		if (!(cond)) { \
			const vsnap_error *e_ = vsnap_error_last(); \
			fprintf(stderr, "%s:%d: property broken: %s: ", __FILE__, __LINE__, #cond); \
			fprintf(stderr, __VA_ARGS__); \
			fprintf(stderr, " (last error: %s)\n", e_ && e_->message ? e_->message : "none"); \
			abort(); \
		} \
	} while (0)

/* The input as a NUL-terminated string (parsers take C strings); NULL when out of memory. */
static inline char *fuzz_strndup(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);

	if (s) {
		memcpy(s, data, size);
		s[size] = '\0';
	}
	return s;
}

#endif
