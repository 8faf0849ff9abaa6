/*
 * progress.c: one progress for a composite operation. Drivers register
 * vsnap__conn_progress; outside a composite it passes reports through unchanged. Inside one
 * (begin ... next ... end), step i of n maps a task's 0-100 onto [100*i/n, 100*(i+1)/n]
 * and every report carries the composite's name, so a caller sees one operation move from
 * 0 to 100 however many tasks it takes.
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "core/driver.h"

void vsnap__conn_progress(int percent, const char *what, void *payload)
{
	vsnap_conn *conn = payload;
	unsigned int n = conn->progress_steps, i = conn->progress_step;

	if (!conn->opts.progress_cb)
		return;
	if (conn->progress_what && n) {
		/* A task without a percentage still says which step the whole is at. */
		int p = percent < 0 ? 0 : percent > 100 ? 100 : percent;
		if (i >= n)
			i = n - 1;
		percent = (int)((100u * i + (unsigned int)p) / n);
		what = conn->progress_what;
	}
	conn->opts.progress_cb(percent, what, conn->opts.progress_payload);
}

void vsnap__progress_begin(vsnap_conn *conn, const char *what, unsigned int steps)
{
	conn->progress_what = what;
	conn->progress_step = 0;
	conn->progress_steps = steps;
}

void vsnap__progress_next(vsnap_conn *conn)
{
	conn->progress_step++;
}

void vsnap__progress_end(vsnap_conn *conn)
{
	conn->progress_what = NULL;
	conn->progress_step = conn->progress_steps = 0;
}
