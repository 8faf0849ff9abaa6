/*
 * libFuzzer target: vSphere SOAP response bodies through the generated gSOAP deserializers and
 * vsnap's conversion of their results, by way of the client's replay transport (the same path
 * as a live reply, minus the socket).
 *
 * Input: byte 0 picks the scenario (value % 5) and the HTTP status ((value / 5) & 1: 500,
 * else 200); the rest is the response body of the fuzzed exchange. The exchanges before it
 * come from fixtures/soap (read once from $VSNAP_SRC, default "."). Scenarios:
 *   0 RetrieveServiceContent (vsnap__vs_open)
 *   1 Login
 *   2 RetrievePropertiesEx of one VM with devices and layout (vsnap__vs_vm_info)
 *   3 RetrievePropertiesEx of the VM list (vsnap__vs_vm_list)
 *   4 WaitForUpdatesEx of a CreateSnapshot_Task (vsnap__vs_task_wait's TaskInfo reading)
 * Property: a failed call sets an error message; nothing leaks, nothing overreads.
 *
 * Scenarios 2-4 keep one logged-in client per replay folder across inputs, as a long-lived
 * client (a fleet operation over one session) keeps it across replies: opening one costs a
 * fresh 164 KB gSOAP context and two fixture parses, most of an input's time under ASan. A
 * client is kept only while its session state is that of a fresh login (logged in, same key,
 * same secrets, no NotAuthenticated seen), so an input behaves as it would on a new client.
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <dirent.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fuzz.h"
#include "vsphere/internal.h"
#include "vsphere/vsphere.h"

/* One replay folder per scenario and status, its fixed exchanges written once: an input then
 * costs one file write, not a folder rebuilt (the harness, not the client, was the cost). */
static char base[64];
static char dir[10][96];

/* The kept client of folder k (scenarios 2-4), and its state right after login. */
static struct warm {
	vsnap_vs_client *c;
	unsigned int seq;
	size_t nsecrets;
	char *session_key;
} warm[10];

static const char *const op_file[] = {
	"0001-RetrieveServiceContent", "0002-Login", "0003-RetrievePropertiesEx",
	"0003-RetrievePropertiesEx", "0005-WaitForUpdatesEx",
};

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t len = 0, n;

	if (!f)
		return NULL;
	do {
		char *nb = realloc(buf, len + 4097);

		if (!nb) {
			free(buf);
			fclose(f);
			return NULL;
		}
		buf = nb;
		n = fread(buf + len, 1, 4096, f);
		len += n;
	} while (n > 0);
	fclose(f);
	buf[len] = '\0';
	return buf;
}

static void put(const char *d, const char *name, const void *data, size_t len)
{
	char path[160];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", d, name);
	if (!(f = fopen(path, "wb")) || fwrite(data, 1, len, f) != len || fclose(f) != 0)
		abort();
}

static void warm_drop(struct warm *w)
{
	vsnap__vs_close(w->c);
	free(w->session_key);
	memset(w, 0, sizeof(*w));
}

static void remove_dirs(void)
{
	char path[512];

	for (int k = 0; k < 10; k++)
		warm_drop(&warm[k]);

	for (int k = 0; k < 10; k++) {
		DIR *d = opendir(dir[k]);
		struct dirent *e;

		while (d && (e = readdir(d))) {
			if (e->d_name[0] == '.')
				continue;
			if (snprintf(path, sizeof(path), "%s/%s", dir[k], e->d_name) <
			    (int)sizeof(path))
				unlink(path);
		}
		if (d)
			closedir(d);
		rmdir(dir[k]);
	}
	rmdir(base);
}

static void setup(void)
{
	static const char *const files[] = {
		"esx-task-progress/0001-RetrieveServiceContent.resp.xml",
		"esx-task-progress/0002-Login.resp.xml",
		"esx-task-progress/0003-CreateSnapshot_Task.resp.xml",
		"esx-task-progress/0004-CreateFilter.resp.xml",
	};
	const char *src = getenv("VSNAP_SRC");
	const char *tmp = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp";
	char path[4096], *fixture[4];

	for (size_t i = 0; i < 4; i++) {
		snprintf(path, sizeof(path), "%s/fixtures/soap/%s", src ? src : ".", files[i]);
		if (!(fixture[i] = slurp(path))) {
			fprintf(stderr, "fuzz_soap: cannot read %s (set VSNAP_SRC)\n", path);
			abort();
		}
	}
	snprintf(base, sizeof(base), "%s/vsnap-fuzz-soap-XXXXXX", tmp);
	if (!mkdtemp(base))
		abort();
	for (int k = 0; k < 10; k++) {
		int scenario = k % 5;
		const char *d = dir[k];

		snprintf(dir[k], sizeof(dir[k]), "%s/s%d-%d", base, scenario, k < 5 ? 200 : 500);
		if (mkdir(d, 0700) < 0)
			abort();
		if (scenario > 0)
			put(d, "0001-RetrieveServiceContent.resp.xml", fixture[0], strlen(fixture[0]));
		if (scenario > 1)
			put(d, "0002-Login.resp.xml", fixture[1], strlen(fixture[1]));
		if (scenario == 4) {
			put(d, "0003-CreateSnapshot_Task.resp.xml", fixture[2], strlen(fixture[2]));
			put(d, "0004-CreateFilter.resp.xml", fixture[3], strlen(fixture[3]));
		}
		if (k >= 5) {
			snprintf(path, sizeof(path), "%s.status", op_file[scenario]);
			put(d, path, "500\n", 4);
		}
	}
	for (size_t i = 0; i < 4; i++)
		free(fixture[i]);
	atexit(remove_dirs);
}

static void client_options(vsnap_vs_options *opts, const char *replay_dir)
{
	memset(opts, 0, sizeof(*opts));
	opts->url = "https://replay.invalid/sdk";
	opts->user = "root";
	opts->password = "fuzz";
	opts->replay_dir = replay_dir;
	opts->task_timeout_ms = 1000;
}

/* The logged-in client of folder k, rewound to the exchange after Login. A fixture login that
 * fails is the harness's fault, not an input's: it aborts. */
static vsnap_vs_client *warm_get(int k)
{
	struct warm *w = &warm[k];
	vsnap_vs_options opts;

	if (!w->c) {
		client_options(&opts, dir[k]);
		if (vsnap__vs_open(&w->c, &opts) < 0 || vsnap__vs_login(w->c) < 0) {
			fprintf(stderr, "fuzz_soap: the fixture login failed: %s\n",
				vsnap_error_last() ? vsnap_error_last()->message : "?");
			abort();
		}
		w->seq = w->c->seq;
		w->nsecrets = w->c->nsecrets;
		if (w->c->session_key && !(w->session_key = strdup(w->c->session_key)))
			abort();
	}
	w->c->seq = w->seq;
	return w->c;
}

/* Drops the kept client unless the input left it as a fresh login would be. */
static void warm_check(int k)
{
	struct warm *w = &warm[k];
	const vsnap_vs_client *c = w->c;
	int same_key = (!c->session_key && !w->session_key) ||
		(c->session_key && w->session_key && !strcmp(c->session_key, w->session_key));

	if (!c->logged_in || c->notauth_seen || c->nsecrets != w->nsecrets || !same_key)
		warm_drop(w);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	vsnap_vs_options opts;
	vsnap_vs_client *c = NULL;
	char name[64];
	int scenario, k, rc = 0;

	if (size < 1)
		return 0;
	if (!base[0])
		setup();
	scenario = data[0] % 5;
	k = scenario + ((data[0] / 5) & 1) * 5;
	snprintf(name, sizeof(name), "%s.resp.xml", op_file[scenario]);
	put(dir[k], name, data + 1, size - 1);

	if (scenario >= 2) {
		c = warm_get(k);
	} else {
		client_options(&opts, dir[k]);
		rc = vsnap__vs_open(&c, &opts);
		if (rc == 0 && scenario == 1)
			rc = vsnap__vs_login(c);
	}
	if (scenario == 2) {
		vsnap_vs_moref vm = { "VirtualMachine", "vm-1" };
		vsnap_vs_vm_info *info = NULL;

		rc = vsnap__vs_vm_info(&info, c, &vm, VSNAP_VS_INFO_DEVICES | VSNAP_VS_INFO_LAYOUT);
		vsnap__vs_vm_info_free(info);
	} else if (scenario == 3) {
		vsnap_vs_vm *vms = NULL;
		size_t n = 0;

		if ((rc = vsnap__vs_vm_list(&vms, &n, c)) == 0)
			vsnap__vs_vms_free(vms, n);
	} else if (scenario == 4) {
		vsnap_vs_moref vm = { "VirtualMachine", "2" }, snap = { 0 };

		rc = vsnap__vs_snapshot_create(&snap, c, &vm, "s1", NULL, 0, 0);
		vsnap__vs_moref_clear(&snap);
	}
	if (rc < 0) {
		const vsnap_error *e = vsnap_error_last();

		FUZZ_CHECK(e && e->message && *e->message, "error %d without a message", rc);
	}
	if (scenario >= 2)
		warm_check(k);
	else
		vsnap__vs_close(c);
	vsnap_error_clear();
	return 0;
}
