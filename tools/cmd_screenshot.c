/* Screenshots: virsh's `screenshot`, and `snapshot-screenshot` for the one a snapshot keeps.
 * SPDX-License-Identifier: GPL-2.0-or-later */
#include "snapshot_target.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* virsh's default: "<domain>-<YYYY-MM-DD-HH:MM:SS>.<ext>" in the current directory. */
static char *default_name(const char *stem, const char *ext, int with_time)
{
	char stamp[64] = "", *name = NULL;
	time_t now = time(NULL);
	struct tm tm;

	if (with_time && localtime_r(&now, &tm))
		strftime(stamp, sizeof(stamp), "-%Y-%m-%d-%H:%M:%S", &tm);
	if (asprintf(&name, "%s%s.%s", stem, stamp, ext) < 0)
		return NULL;
	return name;
}

/* Writes the image to `file` ("-": standard output). Prints its own error. */
static int write_image(const char *file, const unsigned char *data, size_t len)
{
	int fd = strcmp(file, "-") ? open(file, O_WRONLY | O_CREAT | O_TRUNC, 0666) : 1;
	size_t done = 0;

	if (fd < 0) {
		fprintf(stderr, "error: cannot create '%s': %s\n", file, strerror(errno));
		return -1;
	}
	while (done < len) {
		ssize_t w = write(fd, data + done, len - done);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			fprintf(stderr, "error: cannot write '%s': %s\n", file, strerror(errno));
			if (fd != 1)
				close(fd);
			return -1;
		}
		done += (size_t)w;
	}
	if (fd != 1 && close(fd) < 0) {
		fprintf(stderr, "error: cannot write '%s': %s\n", file, strerror(errno));
		return -1;
	}
	return 0;
}

/* Saves, then says where as virsh does (or as JSON). Frees data. */
static int save(cli_ctx *ctx, const char *given, const char *stem, int with_time,
	unsigned char *data, size_t len, const char *mime)
{
	char *name = given ? NULL : default_name(stem, vsnap_image_extension(mime), with_time);
	const char *file = given ? given : name;
	int rc = CLI_OK;

	if (!file) {
		fprintf(stderr, "error: out of memory\n");
		rc = CLI_ERROR;
	} else if (write_image(file, data, len) < 0) {
		rc = CLI_ERROR;
	} else if (!strcmp(file, "-")) {
		/* the image is the output */
	} else if (ctx->json) {
		printf("{\"file\": ");
		cli_json_string(stdout, file);
		printf(", \"type\": ");
		cli_json_string(stdout, mime);
		printf(", \"bytes\": %zu}\n", len);
	} else if (!ctx->quiet) {
		printf("Screenshot saved to %s, with type of %s\n", file, mime);
	}
	vsnap_buffer_free(data);
	free(name);
	return rc;
}

static int cmd_screenshot(cli_ctx *ctx, int argc, char **argv)
{
	cli_opt o[] = { OPTV("file"), OPTV("screen") };
	char *pos[2], *end = NULL;
	vsnap_domain *dom = NULL;
	unsigned char *data = NULL;
	size_t len = 0;
	const char *mime = NULL, *file, *screen_text;
	unsigned long screen = 0;
	int n = cli_parse(argv[0], argc, argv, o, NOPTS(o), pos, 2), rc;

	if (n < 0)
		return CLI_USAGE;
	if (n < 1)
		return cli_usage(argv[0], "%s: a domain is required", argv[0]);
	file = value(o, NOPTS(o), "file");
	if (n > 1 && file)
		return cli_usage(argv[0], "the file is given twice");
	if (n > 1)
		file = pos[1];
	if ((screen_text = value(o, NOPTS(o), "screen"))) {
		errno = 0;
		screen = strtoul(screen_text, &end, 10);
		if (errno || !*screen_text || *end || screen_text[0] == '-' || screen > 4096)
			return cli_usage(argv[0], "--screen needs a screen number, not '%s'",
				screen_text);
	}
	if ((rc = cli_domain(&dom, ctx, pos[0])))
		return rc;
	if (vsnap_domain_screenshot(&data, &len, &mime, dom, (unsigned int)screen, 0)) {
		vsnap_domain_free(dom);
		return cli_fail(NULL);
	}
	rc = save(ctx, file, vsnap_domain_name(dom), 1, data, len, mime);
	vsnap_domain_free(dom);
	return rc;
}

static int cmd_snapshot_screenshot(cli_ctx *ctx, int argc, char **argv)
{
	cli_opt o[] = { OPT("current"), OPTV("file") };
	char *pos[3], *stem = NULL;
	target t;
	unsigned char *data = NULL;
	size_t len = 0;
	const char *mime = NULL, *file, *key;
	int n = cli_parse(argv[0], argc, argv, o, NOPTS(o), pos, 3), rc;
	int current = seen(o, NOPTS(o), "current"), nfile = current ? 1 : 2;

	if (n < 0)
		return CLI_USAGE;
	file = value(o, NOPTS(o), "file");
	if (n > nfile + 1)
		return cli_usage(argv[0], "%s: too many arguments", argv[0]);
	if (n > nfile && file)
		return cli_usage(argv[0], "the file is given twice");
	if (n > nfile)
		file = pos[nfile];
	if ((rc = resolve(&t, ctx, argv[0], n > nfile ? nfile : n, pos, current)))
		return rc;
	/* The id names the snapshot even where several share its name (ESX). */
	key = vsnap_snapshot_id(t.snap) ? vsnap_snapshot_id(t.snap) : vsnap_snapshot_name(t.snap);
	if (vsnap_snapshot_screenshot(&data, &len, &mime, t.dom, key, 0)) {
		target_free(&t);
		return cli_fail(NULL);
	}
	if (asprintf(&stem, "%s-%s", vsnap_domain_name(t.dom), vsnap_snapshot_name(t.snap)) < 0)
		stem = NULL;
	/* A '/' of a snapshot name would make the default name a path. */
	for (char *p = stem; p && *p; p++)
		if (*p == '/')
			*p = '_';
	rc = save(ctx, file, stem ? stem : "snapshot", 0, data, len, mime);
	free(stem);
	target_free(&t);
	return rc;
}

const cli_command cli_screenshot_commands[] = {
	{ "screenshot", NULL, "DOMAIN [FILE] [--file FILE] [--screen N]",
	  "Take a screenshot of the running domain's console (QEMU: screendump of its <video>\n"
	  "device; ESX: CreateScreenshot_Task) and store it in FILE (\"-\": standard output;\n"
	  "default DOMAIN-YYYY-MM-DD-HH:MM:SS.png). --screen picks a head (default 0).",
	  cmd_screenshot },
	{ "snapshot-screenshot", NULL, "DOMAIN (SNAPSHOT | --current) [FILE] [--file FILE]",
	  "Store the screenshot kept with a snapshot in FILE (\"-\": standard output; default\n"
	  "DOMAIN-SNAPSHOT.png). QEMU keeps one with a checkpoint of a running domain, ESX and\n"
	  "VMware Workstation with every snapshot of a running VM.",
	  cmd_snapshot_screenshot },
	{ NULL, NULL, NULL, NULL, NULL },
};
