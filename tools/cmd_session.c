/*
 * Commands about the connection itself: `logout` (end the saved ESX session), `batch`
 * (commands from stdin) and virsh's 'cmd1; cmd2' form, all over one connection.
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "cli.h"

#include <stdlib.h>
#include <string.h>

/* One command's words, split virsh's way (see cli_run_line). */
typedef struct {
	char **argv;
	int argc, cap;
	char *word;            /* the word being built */
	size_t len, size;
	int in_word;
} words;

static int word_char(words *w, char c)
{
	if (w->len + 2 > w->size) {
		size_t size = w->size ? w->size * 2 : 64;
		char *p = realloc(w->word, size);

		if (!p)
			return -1;
		w->word = p;
		w->size = size;
	}
	w->word[w->len++] = c;
	w->word[w->len] = '\0';
	w->in_word = 1;
	return 0;
}

static int word_end(words *w)
{
	char *copy;

	if (!w->in_word)
		return 0;
	if (w->argc + 2 > w->cap) {
		int cap = w->cap ? w->cap * 2 : 8;
		char **p = realloc(w->argv, (size_t)cap * sizeof(*p));

		if (!p)
			return -1;
		w->argv = p;
		w->cap = cap;
	}
	if (!(copy = strdup(w->word ? w->word : "")))
		return -1;
	w->argv[w->argc++] = copy;
	w->argv[w->argc] = NULL;
	w->len = 0;
	if (w->word)
		w->word[0] = '\0';
	w->in_word = 0;
	return 0;
}

static void words_reset(words *w)
{
	for (int i = 0; i < w->argc; i++)
		free(w->argv[i]);
	w->argc = 0;
	w->len = 0;
	w->in_word = 0;
}

static int run_words(cli_ctx *ctx, words *w)
{
	int rc;

	if (w->argc == 0)
		return CLI_OK;
	if (strcmp(w->argv[0], "batch") == 0)
		rc = cli_usage("batch", "'batch' cannot run inside a batch");
	else
		rc = cli_run_argv(ctx, w->argc, w->argv);
	cli_progress_done();
	words_reset(w);
	return rc;
}

/*
 * virsh's quoting: words split at blanks; ';' and newlines end a command; 'single quotes'
 * keep everything; "double quotes" and a backslash outside quotes escape one character; a
 * word starting with '#' starts a comment up to the end of the line.
 */
int cli_run_line(cli_ctx *ctx, const char *line)
{
	words w = { 0 };
	char quote = 0;
	int rc = CLI_OK, oom = 0;
	const char *p;

	for (p = line; *p && rc == CLI_OK && !oom; p++) {
		char c = *p;

		if (quote == '\'') {
			if (c == '\'')
				quote = 0;
			else
				oom = word_char(&w, c);
		} else if (quote == '"') {
			if (c == '"')
				quote = 0;
			else if (c == '\\' && p[1])
				oom = word_char(&w, *++p);
			else
				oom = word_char(&w, c);
		} else if (c == '\'' || c == '"') {
			quote = c;
			w.in_word = 1;
		} else if (c == '\\' && p[1]) {
			oom = word_char(&w, *++p);
		} else if (c == '#' && !w.in_word) {
			while (p[1] && p[1] != '\n')
				p++;
		} else if (c == ' ' || c == '\t') {
			oom = word_end(&w);
		} else if (c == ';' || c == '\n') {
			if (!(oom = word_end(&w)))
				rc = run_words(ctx, &w);
		} else {
			oom = word_char(&w, c);
		}
	}
	if (quote && rc == CLI_OK && !oom)
		rc = cli_usage(NULL, "unterminated %c quote in '%s'", quote, line);
	else if (rc == CLI_OK && !oom && !(oom = word_end(&w)))
		rc = run_words(ctx, &w);
	if (oom) {
		fprintf(stderr, "error: out of memory\n");
		rc = CLI_ERROR;
	}
	words_reset(&w);
	free(w.argv);
	free(w.word);
	return rc;
}

static int cmd_batch(cli_ctx *ctx, int argc, char **argv)
{
	char *line = NULL;
	size_t size = 0;
	int rc = CLI_OK;

	if (cli_parse("batch", argc, argv, NULL, 0, NULL, 0) < 0)
		return CLI_USAGE;
	while (rc == CLI_OK && getline(&line, &size, stdin) >= 0)
		rc = cli_run_line(ctx, line);
	free(line);
	return rc;
}

static int cmd_logout(cli_ctx *ctx, int argc, char **argv)
{
	int rc;

	if (cli_parse("logout", argc, argv, NULL, 0, NULL, 0) < 0)
		return CLI_USAGE;
	if ((rc = cli_connect(ctx)))
		return rc;
	rc = vsnap_conn_session_end(ctx->conn) ? cli_fail(NULL) : CLI_OK;
	/* The session is over: a later command of a batch connects again. */
	cli_disconnect(ctx);
	if (rc == CLI_OK && !ctx->quiet)
		printf("Logged out; the saved session is removed\n");
	return rc;
}

const cli_command cli_session_commands[] = {
	{ "batch", NULL, "",
	  "Reads commands from standard input, one or more per line (separated by ';'), and runs "
	  "them over one connection, as virsh's shell does; quoting as in virsh. Stops at the "
	  "first command that fails and exits with its status. The same runs for one argument "
	  "holding commands: vsnap 'snapshot-list web; snapshot-create-as web s1'.",
	  cmd_batch },
	{ "logout", NULL, "",
	  "Ends the ESX/vCenter session now and removes its saved copy (see --no-session-cache "
	  "in vsnap(1)); the next command logs in again. QEMU: nothing to do.",
	  cmd_logout },
	{ NULL, NULL, NULL, NULL, NULL },
};
