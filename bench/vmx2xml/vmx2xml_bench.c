/*
 * vmx2xml_bench: converts a corpus of .vmx files to domain XML in one process and reports the
 * time per pass, files/s and the peak RSS of the process (getrusage).
 *
 * usage: vmx2xml_bench [-n PASSES] [--datastore-dir '[ds] dir'] [--missing-prefix P] FILE...
 *
 * The files are read into memory once, before timing: a pass measures the translator
 * (.vmx reader, model, XML formatter), not the disk. The first pass is reported on its own
 * (cold: first allocations, page faults), then the best and median of all passes. A file
 * that does not convert is counted and named, not fatal: the figures say how many converted.
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "vsnap/error.h"
#include "vsnap/vmx.h"

typedef struct {
	const char *path;
	char *text;
	size_t len;
} input;

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static int load(input *in, const char *path)
{
	FILE *f = fopen(path, "rb");
	long size;

	in->path = path;
	if (!f || fseek(f, 0, SEEK_END) != 0 || (size = ftell(f)) < 0 || fseek(f, 0, SEEK_SET)) {
		fprintf(stderr, "vmx2xml_bench: cannot read '%s'\n", path);
		if (f)
			fclose(f);
		return -1;
	}
	in->len = (size_t)size;
	if (!(in->text = malloc(in->len + 1)) || fread(in->text, 1, in->len, f) != in->len) {
		fprintf(stderr, "vmx2xml_bench: cannot read '%s'\n", path);
		fclose(f);
		return -1;
	}
	in->text[in->len] = '\0';
	fclose(f);
	return 0;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* One pass over every input; returns the number converted, prints failures when asked. */
static size_t pass(const input *ins, size_t n, const vsnap_vmx_options *opts, int report,
	size_t *out_bytes)
{
	size_t ok = 0;

	for (size_t i = 0; i < n; i++) {
		char *xml = NULL;

		if (vsnap_vmx_to_domain_xml(&xml, NULL, ins[i].text, ins[i].len, opts, 0) == 0) {
			ok++;
			if (out_bytes)
				*out_bytes += strlen(xml);
		} else if (report) {
			fprintf(stderr, "  not converted: %s: %s\n", ins[i].path,
				vsnap_error_last()->message);
		}
		free(xml);
	}
	return ok;
}

int main(int argc, char **argv)
{
	vsnap_vmx_options opts;
	int passes = 20, i;
	input *ins;
	size_t n = 0, ok, out_bytes = 0;
	double *times, total = 0;
	struct rusage ru;

	vsnap_vmx_options_init(&opts, VSNAP_VMX_OPTIONS_VERSION);
	ins = calloc((size_t)argc, sizeof(*ins));
	if (!ins)
		return 1;
	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "-n") == 0 && i + 1 < argc) {
			passes = atoi(argv[++i]);
		} else if (strcmp(argv[i], "--datastore-dir") == 0 && i + 1 < argc) {
			opts.datastore_dir = argv[++i];
		} else if (strcmp(argv[i], "--missing-prefix") == 0 && i + 1 < argc) {
			opts.missing_prefix = argv[++i];
		} else if (argv[i][0] == '-') {
			fprintf(stderr, "usage: vmx2xml_bench [-n PASSES] [--datastore-dir D] "
				"[--missing-prefix P] FILE...\n");
			return 2;
		} else if (load(&ins[n++], argv[i]) < 0) {
			return 1;
		}
	}
	if (n == 0 || passes < 1) {
		fprintf(stderr, "vmx2xml_bench: no input files\n");
		return 2;
	}
	if (!(times = calloc((size_t)passes, sizeof(*times))))
		return 1;
	for (i = 0; i < passes; i++) {
		double t0 = now_ms();

		ok = pass(ins, n, &opts, i == 0, i == 0 ? &out_bytes : NULL);
		times[i] = now_ms() - t0;
		total += times[i];
	}
	getrusage(RUSAGE_SELF, &ru);
	printf("files: %zu, converted: %zu, XML written per pass: %zu bytes\n", n, ok, out_bytes);
	printf("first pass: %.2f ms (%.0f files/s)\n", times[0], (double)n / times[0] * 1e3);
	qsort(times, (size_t)passes, sizeof(*times), cmp_double);
	printf("%d passes: best %.2f ms, median %.2f ms (%.0f files/s), total %.1f ms\n", passes,
		times[0], times[passes / 2], (double)n / times[passes / 2] * 1e3, total);
	printf("peak RSS: %ld KiB\n", ru.ru_maxrss);
	for (size_t k = 0; k < n; k++)
		free(ins[k].text);
	free(ins);
	free(times);
	return ok == n ? 0 : 3;
}
