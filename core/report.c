/*
 * report.c: snapshot audit (include/vsnap/fleet.h): one row per snapshot of an inventory,
 * filtered by age, size and name, formatted as a table, JSON or OpenMetrics text. Pure: all it
 * needs was read with the inventory.
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/error.h"
#include "core/fleet.h"
#include "core/fleet_text.h"
#include "core/forest.h"

struct vsnap_report {
	const vsnap_inventory *inv;
	vsnap_report_row *rows;
	char **paths;               /* owned; rows[i].path points here */
	size_t n, cap;
};

void vsnap__json_string(vsnap__strbuf *b, const char *s)
{
	if (!s) {
		vsnap__strbuf_append(b, "null");
		return;
	}
	vsnap__strbuf_append(b, "\"");
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p == '"' || *p == '\\')
			vsnap__strbuf_appendf(b, "\\%c", *p);
		else if (*p == '\n')
			vsnap__strbuf_append(b, "\\n");
		else if (*p < 0x20)
			vsnap__strbuf_appendf(b, "\\u%04x", *p);
		else
			vsnap__strbuf_append_chars(b, (char)*p, 1);
	}
	vsnap__strbuf_append(b, "\"");
}

void vsnap__label_value(vsnap__strbuf *b, const char *s)
{
	vsnap__strbuf_append(b, "\"");
	for (const char *p = s ? s : ""; *p; p++) {
		if (*p == '"' || *p == '\\')
			vsnap__strbuf_appendf(b, "\\%c", *p);
		else if (*p == '\n')
			vsnap__strbuf_append(b, "\\n");
		else
			vsnap__strbuf_append_chars(b, *p, 1);
	}
	vsnap__strbuf_append(b, "\"");
}

/* Every snapshot of inventory domain i as a row (paths malloc'ed in rows[k].path). */
int vsnap__report_rows(vsnap_report_row **rows, size_t *n, const vsnap_inventory *inv,
	size_t i, long long now)
{
	const vsnap_forest *f = vsnap_inventory_forest(inv, i);
	size_t count = f ? vsnap_forest_count(f) : 0;
	vsnap_report_row *r;

	*rows = NULL;
	*n = 0;
	if (!count)
		return 0;
	if (!(r = calloc(count, sizeof(*r))))
		return vsnap__error_oom();
	for (size_t k = 0; k < count; k++) {
		const vsnap_snapshot *s = vsnap_forest_at(f, k);
		char *path = NULL;

		if (vsnap_snapshot_path(&path, s) < 0) {
			while (k--)
				free((char *)r[k].path);
			free(r);
			return vsnap__error_oom();
		}
		r[k].domain = vsnap_inventory_name(inv, i);
		r[k].name = vsnap_snapshot_name(s);
		r[k].path = path;
		r[k].id = vsnap_snapshot_id(s);
		r[k].creation_time = vsnap_snapshot_creation_time(s);
		r[k].age_seconds = now - r[k].creation_time;
		r[k].bytes = vsnap_inventory_snapshot_bytes(inv, i, s);
		r[k].quiesced = vsnap_snapshot_quiesced(s);
		r[k].current = vsnap_snapshot_is_current(s);
		r[k].state = vsnap_snapshot_state(s);
	}
	*rows = r;
	*n = count;
	return 0;
}

static int keep_row(const vsnap_report_row *r, const vsnap_report_options *o)
{
	if (o->min_age_seconds && r->age_seconds < o->min_age_seconds)
		return 0;
	if (o->min_bytes && r->bytes < o->min_bytes)
		return 0;
	return !o->name_glob || vsnap__glob_match(o->name_glob, r->name);
}

static int append(vsnap_report *rep, const vsnap_report_row *row)
{
	if (rep->n == rep->cap) {
		size_t cap = rep->cap ? rep->cap * 2 : 64;
		vsnap_report_row *r = realloc(rep->rows, cap * sizeof(*r));
		char **p = r ? realloc(rep->paths, cap * sizeof(*p)) : NULL;

		if (r)
			rep->rows = r;
		if (!r || !p)
			return vsnap__error_oom();
		rep->paths = p;
		rep->cap = cap;
	}
	rep->paths[rep->n] = (char *)row->path;
	rep->rows[rep->n++] = *row;
	return 0;
}

int vsnap_report_build(vsnap_report **out, const vsnap_inventory *inv,
	const vsnap_report_options *opts)
{
	vsnap_report_options o = VSNAP_REPORT_OPTIONS_INIT;
	vsnap_report *rep;
	int rc = 0;

	if (out)
		*out = NULL;
	if (!out || !inv)
		return vsnap__error_set(VSNAP_EINVALID, VSNAP_ERRCLASS_INVALID,
			"building a report: no output or no inventory given");
	if (opts && opts->version != VSNAP_REPORT_OPTIONS_VERSION)
		return vsnap__error_set(VSNAP_EINVALID, VSNAP_ERRCLASS_INVALID,
			"report options version %u is not %u", opts->version,
			VSNAP_REPORT_OPTIONS_VERSION);
	if (opts)
		o = *opts;
	if (!o.now)
		o.now = (long long)time(NULL);
	if (!(rep = calloc(1, sizeof(*rep))))
		return vsnap__error_oom();
	rep->inv = inv;
	for (size_t i = 0; i < vsnap_inventory_count(inv) && rc == 0; i++) {
		vsnap_report_row *rows = NULL;
		size_t n = 0;

		rc = vsnap__report_rows(&rows, &n, inv, i, o.now);
		for (size_t k = 0; k < n; k++) {
			if (rc == 0 && keep_row(&rows[k], &o))
				rc = append(rep, &rows[k]);
			else
				free((char *)rows[k].path);
		}
		free(rows);
	}
	if (rc < 0) {
		vsnap_report_free(rep);
		return rc;
	}
	*out = rep;
	return 0;
}

void vsnap_report_free(vsnap_report *rep)
{
	if (!rep)
		return;
	for (size_t i = 0; i < rep->n; i++)
		free(rep->paths[i]);
	free(rep->paths);
	free(rep->rows);
	free(rep);
}

size_t vsnap_report_count(const vsnap_report *rep)
{
	return rep ? rep->n : 0;
}

const vsnap_report_row *vsnap_report_at(const vsnap_report *rep, size_t i)
{
	return rep && i < rep->n ? &rep->rows[i] : NULL;
}

/* ---- formats ---- */

static void format_json(vsnap__strbuf *b, const vsnap_report *rep)
{
	vsnap__strbuf_append(b, "[");
	for (size_t i = 0; i < rep->n; i++) {
		const vsnap_report_row *r = &rep->rows[i];

		vsnap__strbuf_append(b, i ? ",\n {\"domain\": " : "\n {\"domain\": ");
		vsnap__json_string(b, r->domain);
		vsnap__strbuf_append(b, ", \"name\": ");
		vsnap__json_string(b, r->name);
		vsnap__strbuf_append(b, ", \"path\": ");
		vsnap__json_string(b, r->path);
		vsnap__strbuf_append(b, ", \"id\": ");
		vsnap__json_string(b, r->id);
		vsnap__strbuf_appendf(b, ", \"creationTime\": %lld, \"ageSeconds\": %lld, "
			"\"bytes\": ", r->creation_time, r->age_seconds);
		if (r->bytes < 0)
			vsnap__strbuf_append(b, "null");
		else
			vsnap__strbuf_appendf(b, "%lld", r->bytes);
		vsnap__strbuf_appendf(b, ", \"quiesced\": %s, \"current\": %s, \"state\": \"%s\"}",
			r->quiesced < 0 ? "null" : r->quiesced ? "true" : "false",
			r->current ? "true" : "false", vsnap_snapshot_state_name(r->state));
	}
	vsnap__strbuf_append(b, rep->n ? "\n]\n" : "]\n");
}

static void format_table(vsnap__strbuf *b, const vsnap_report *rep)
{
	int wd = 6, wp = 4;

	for (size_t i = 0; i < rep->n; i++) {
		int d = (int)strlen(rep->rows[i].domain), p = (int)strlen(rep->rows[i].path);

		wd = d > wd ? d : wd;
		wp = p > wp ? p : wp;
	}
	vsnap__strbuf_appendf(b, "%-*s  %-*s  %-25s  %10s  %14s  %-8s  %s\n", wd, "Domain", wp,
		"Path", "Creation Time", "Age (d)", "Bytes", "Quiesced", "Current");
	for (size_t i = 0; i < rep->n; i++) {
		const vsnap_report_row *r = &rep->rows[i];
		char when[32] = "?", bytes[24] = "-";
		time_t t = (time_t)r->creation_time;
		struct tm tm;

		if (gmtime_r(&t, &tm))
			strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S +0000", &tm);
		if (r->bytes >= 0)
			snprintf(bytes, sizeof(bytes), "%lld", r->bytes);
		vsnap__strbuf_appendf(b, "%-*s  %-*s  %-25s  %10.1f  %14s  %-8s  %s\n", wd,
			r->domain, wp, r->path, when, (double)r->age_seconds / 86400.0, bytes,
			r->quiesced < 0 ? "?" : r->quiesced ? "yes" : "no", r->current ? "yes" : "no");
	}
}

/* One gauge family: HELP, TYPE and a sample per domain of the inventory. */
static void gauge(vsnap__strbuf *b, const vsnap_report *rep, const char *name,
	const char *help, int what)
{
	vsnap__strbuf_appendf(b, "# HELP %s %s\n# TYPE %s gauge\n", name, help, name);
	/* Rows come grouped by domain in inventory order, with the inventory's name pointer. */
	for (size_t i = 0, k = 0; i < vsnap_inventory_count(rep->inv); i++) {
		const char *dom = vsnap_inventory_name(rep->inv, i);
		long long count = 0, oldest = 0, bytes = 0;

		for (; k < rep->n && rep->rows[k].domain == dom; k++) {
			const vsnap_report_row *r = &rep->rows[k];

			count++;
			oldest = r->age_seconds > oldest ? r->age_seconds : oldest;
			bytes += r->bytes > 0 ? r->bytes : 0;
		}
		if (vsnap_inventory_error(rep->inv, i, NULL))
			continue;
		vsnap__strbuf_appendf(b, "%s{domain=", name);
		vsnap__label_value(b, dom);
		vsnap__strbuf_appendf(b, "} %lld\n", what == 0 ? count : what == 1 ? oldest : bytes);
	}
}

int vsnap_report_format(char **out, const vsnap_report *rep, int format)
{
	vsnap__strbuf b = VSNAP__STRBUF_INIT;

	if (out)
		*out = NULL;
	if (!out || !rep)
		return vsnap__error_set(VSNAP_EINVALID, VSNAP_ERRCLASS_INVALID,
			"formatting a report: no output or no report given");
	switch (format) {
	case VSNAP_REPORT_TABLE:
		format_table(&b, rep);
		break;
	case VSNAP_REPORT_JSON:
		format_json(&b, rep);
		break;
	case VSNAP_REPORT_OPENMETRICS:
		gauge(&b, rep, "vsnap_snapshots", "Snapshots of the domain that pass the filters.",
			0);
		gauge(&b, rep, "vsnap_snapshot_oldest_age_seconds",
			"Age of the domain's oldest such snapshot (0: none).", 1);
		gauge(&b, rep, "vsnap_snapshot_bytes",
			"Bytes the domain's such snapshots take on the datastore or disk.", 2);
		vsnap__strbuf_append(&b, "# EOF\n");
		break;
	default:
		return vsnap__error_set(VSNAP_EINVALID, VSNAP_ERRCLASS_INVALID,
			"unknown report format %d", format);
	}
	return vsnap__strbuf_detach(out, &b);
}
