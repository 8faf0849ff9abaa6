/* Helpers of the QEMU backend tests. SPDX-License-Identifier: GPL-2.0-or-later */
#include "qemu_test.h"
#include "qemudrv/qmp.h"
#include "xml/domain_def.h"

#include <sys/wait.h>

int qt_sh(const char *fmt, ...)
{
	char *cmd = NULL;
	va_list ap;
	int st;

	va_start(ap, fmt);
	if (vasprintf(&cmd, fmt, ap) < 0)
		fail_msg("out of memory");
	va_end(ap);
	st = system(cmd);
	free(cmd);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128;
}

int qt_have_qemu(void)
{
	if (qt_sh("command -v qemu-system-x86_64 >/dev/null && command -v qemu-img >/dev/null && "
			"command -v qemu-io >/dev/null") != 0) {
		fprintf(stderr, "SKIP: qemu-system-x86_64, qemu-img or qemu-io not installed\n");
		return 0;
	}
	return 1;
}

void qt_setup(qt_env *e, int ndisks, const char *extra)
{
	char *xml = NULL;
	const char *tmp = getenv("TMPDIR");

	memset(e, 0, sizeof(*e));
	snprintf(e->dir, sizeof(e->dir), "%s/vsq.XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(e->dir))
		fail_msg("mkdtemp failed");
	snprintf(e->uri, sizeof(e->uri), "qemu:///embed?root=%s/root", e->dir);
	const char *names[] = { "vda", "vdb" };
	char disks[2048] = "";
	for (int i = 0; i < ndisks; i++) {
		char one[512];
		assert_int_equal(qt_sh("qemu-img create -q -f qcow2 %s/%s.qcow2 64M && "
			"qemu-io -f qcow2 -c 'write -P 0xaa 0 1M' %s/%s.qcow2 >/dev/null",
			e->dir, names[i], e->dir, names[i]), 0);
		snprintf(one, sizeof(one), "<disk type='file' device='disk'><driver name='qemu' "
			"type='qcow2'/><source file='%s/%s.qcow2'/><target dev='%s' bus='virtio'/>"
			"</disk>", e->dir, names[i], names[i]);
		strcat(disks, one);
	}
	assert_true(asprintf(&xml, "<domain type='qemu'><name>d</name><memory unit='MiB'>128"
		"</memory><vcpu>1</vcpu><os><type arch='x86_64'>hvm</type></os><devices>%s%s"
		"</devices></domain>", disks, extra ? extra : "") > 0);
	assert_ok(vsnap_conn_open(&e->conn, e->uri, NULL));
	assert_ok(vsnap_domain_define(&e->dom, e->conn, xml, 0));
	free(xml);
}

void qt_teardown(qt_env *e)
{
	if (e->dom && qt_state(e) != VSNAP_DOMAIN_SHUTOFF)
		vsnap_domain_destroy(e->dom, 0);
	vsnap_domain_free(e->dom);
	vsnap_conn_close(e->conn);
	if (e->dir[0])
		qt_sh("rm -rf '%s'", e->dir);
	memset(e, 0, sizeof(*e));
}

static int cm_setup(void **state, int ndisks)
{
	qt_env *e = calloc(1, sizeof(*e));

	assert_non_null(e);
	qt_setup(e, ndisks, NULL);
	*state = e;
	return 0;
}

int qt_cm_setup1(void **state)
{
	return cm_setup(state, 1);
}

int qt_cm_setup2(void **state)
{
	return cm_setup(state, 2);
}

int qt_cm_teardown(void **state)
{
	qt_teardown(*state);
	free(*state);
	*state = NULL;
	return 0;
}

char *qt_disk_file(qt_env *e, const char *target)
{
	char *xml = NULL, *file = NULL;
	vsnap_domain_def *def = NULL;

	assert_ok(vsnap_domain_get_xml(&xml, e->dom, 0));
	assert_ok(vsnap__domain_def_parse(&def, xml, 0));
	for (size_t i = 0; i < def->ndisks; i++)
		if (!strcmp(def->disks[i]->target_dev, target))
			file = strdup(def->disks[i]->src_file);
	vsnap__domain_def_free(def);
	free(xml);
	assert_non_null(file);
	return file;
}

int qt_pattern_file(const char *file, int pattern)
{
	/* qemu-io prints "read 1048576/..." even after "Pattern verification failed": both
	 * the read line and the absence of that failure are needed. */
	return qt_sh("out=$(qemu-io -r -U -f qcow2 -c 'read -P 0x%02x 0 1M' '%s' 2>&1) && "
		"printf '%%s' \"$out\" | grep -q 'read 1048576' && "
		"! printf '%%s' \"$out\" | grep -q 'Pattern verification failed'", pattern, file) == 0;
}

void qt_write_file(const char *file, int pattern)
{
	assert_int_equal(qt_sh("qemu-io -f qcow2 -c 'write -P 0x%02x 0 1M' '%s' >/dev/null",
		pattern, file), 0);
}

/* HMP qemu-io through QMP; returns the monitor's output. */
static char *hmp_qemu_io(qt_env *e, const char *target, const char *cmd)
{
	char path[600], *args = NULL, *out = NULL;
	vsnap_qmp *q = NULL;
	qjson *ret = NULL;

	snprintf(path, sizeof(path), "%s/root/run/d.qmp", e->dir);
	assert_ok(vsnap__qmp_open(&q, path, 5000, NULL));
	/* -d: through the guest device's own block backend (it does not share writes). */
	assert_true(asprintf(&args, "{\"command-line\":\"qemu-io -d /machine/peripheral/%s/virtio-backend \\\"%s\\\"\"}", target,
		cmd) > 0);
	assert_ok(vsnap__qmp_run(&ret, q, "human-monitor-command", args));
	out = strdup(ret && ret->str ? ret->str : "");
	vsnap__json_free(ret);
	vsnap__qmp_close(q);
	free(args);
	return out;
}

/* HMP qemu-io prints its results on QEMU's stdout, not the monitor: writes are checked by
 * reading the image files afterwards (-U), after a flush so QEMU's qcow2 caches are on disk. */
static void hmp_ok(qt_env *e, const char *target, const char *cmd)
{
	char *out = hmp_qemu_io(e, target, cmd);
	if (strstr(out, "rror"))
		fail_msg("online qemu-io '%s' on %s failed: %s", cmd, target, out);
	free(out);
}

void qt_write_online(qt_env *e, const char *target, int pattern)
{
	char cmd[64];
	snprintf(cmd, sizeof(cmd), "write -P 0x%02x 0 1M", pattern);
	hmp_ok(e, target, cmd);
	hmp_ok(e, target, "flush");
}

int qt_pattern_online(qt_env *e, const char *target, int pattern)
{
	hmp_ok(e, target, "flush");
	char *f = qt_disk_file(e, target);
	int ok = qt_pattern_file(f, pattern);
	free(f);
	return ok;
}

int qt_state(qt_env *e)
{
	vsnap_domain_info info;
	int st;

	assert_ok(vsnap_domain_get_info(&info, e->dom));
	st = info.state;
	vsnap_domain_info_clear(&info);
	return st;
}

int qt_pattern(qt_env *e, const char *target, int pattern)
{
	if (qt_state(e) != VSNAP_DOMAIN_SHUTOFF)
		return qt_pattern_online(e, target, pattern);
	char *f = qt_disk_file(e, target);
	int ok = qt_pattern_file(f, pattern);
	free(f);
	return ok;
}

int qt_count(qt_env *e)
{
	vsnap_forest *f = NULL;
	int n;

	assert_ok(vsnap_forest_get(&f, e->dom));
	n = (int)vsnap_forest_count(f);
	vsnap_forest_free(f);
	return n;
}

const char *qt_current(qt_env *e, char *buf, size_t n)
{
	vsnap_forest *f = NULL;
	vsnap_snapshot *c;

	assert_ok(vsnap_forest_get(&f, e->dom));
	c = vsnap_forest_current(f);
	snprintf(buf, n, "%s", c ? vsnap_snapshot_name(c) : "");
	vsnap_forest_free(f);
	return buf;
}
