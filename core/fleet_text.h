/*
 * fleet_text.h: text helpers of the fleet formatters (JSON strings, byte and age units).
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef VSNAP_CORE_FLEET_TEXT_H
#define VSNAP_CORE_FLEET_TEXT_H

#include "core/strbuf.h"

/* Appends `s` as a JSON string literal, or null when `s` is NULL. */
void vsnap__json_string(vsnap__strbuf *b, const char *s);
/* Appends `s` as an OpenMetrics label value (quotes, backslashes, newlines escaped). */
void vsnap__label_value(vsnap__strbuf *b, const char *s);

#endif
