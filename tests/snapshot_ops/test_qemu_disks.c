/*
 * <disks> in <domainsnapshot> on QEMU (seed 001: a subset of disks): snapshot='no',
 * 'internal' and 'external' with a chosen file, offline and running, and each combination
 * libvirt's rules make impossible, refused before anything changes (no file made, no tag,
 * no metadata). Two qcow2 disks, vda and vdb, 0xaa in both.
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "qemu/qemu_test.h"

static int has_tag(const char *file, const char *tag)
{
	return qt_sh("qemu-img snapshot -l '%s' | grep -q ' %s '", file, tag) == 0;
}

static int create(qt_env *e, const char *body, unsigned int flags)
{
	char *xml = NULL;
	int rc;

	assert_true(asprintf(&xml, "<domainsnapshot><name>x</name>%s</domainsnapshot>", body) > 0);
	rc = vsnap_snapshot_create_xml(NULL, e->dom, xml, flags);
	free(xml);
	return rc;
}

/* The snapshot's <disks> as the library reports it: "vda:external:FILE vdb:no". */
static void disks_of(qt_env *e, const char *name, char *out, size_t size)
{
	vsnap_forest *f = NULL;
	vsnap_snapshot *s = NULL;
	static const char *loc[] = { "default", "no", "internal", "external", "manual" };

	out[0] = '\0';
	assert_ok(vsnap_forest_get(&f, e->dom));
	assert_ok(vsnap_forest_lookup(&s, f, name));
	for (size_t i = 0; i < vsnap_snapshot_disk_count(s); i++) {
		const char *file = vsnap_snapshot_disk_file(s, i);
		size_t len = strlen(out);
		snprintf(out + len, size - len, "%s%s:%s%s%s", i ? " " : "",
			vsnap_snapshot_disk_name(s, i), loc[vsnap_snapshot_disk_location(s, i)],
			file ? ":" : "", file ? file : "");
	}
	vsnap_forest_free(f);
}

static void offline_subsets(void **state)
{
	qt_env *e = *state;
	char *a = qt_disk_file(e, "vda"), *b = qt_disk_file(e, "vdb"), *now;
	char want[1024], got[1024], chosen[512];

	/* Internal on vdb only: the tag is in vdb, not in vda. */
	assert_ok(create(e, "<disks><disk name='vda' snapshot='no'/>"
		"<disk name='vdb' snapshot='internal'/></disks>", 0));
	assert_false(has_tag(a, "x"));
	assert_true(has_tag(b, "x"));
	disks_of(e, "x", got, sizeof(got));
	assert_string_equal(got, "vda:no vdb:internal");
	qt_write_file(a, 0xbb);
	qt_write_file(b, 0xbb);
	assert_ok(vsnap_snapshot_revert(e->dom, "x", 0));
	assert_true(qt_pattern_file(a, 0xbb));   /* not part of the snapshot: kept */
	assert_true(qt_pattern_file(b, 0xaa));
	assert_ok(vsnap_snapshot_delete(e->dom, "x", 0));

	/* External on vda into a file of our choosing, vdb left out. */
	snprintf(chosen, sizeof(chosen), "%s/chosen.qcow2", e->dir);
	char body[1024];
	snprintf(body, sizeof(body), "<disks><disk name='vda' snapshot='external'><driver "
		"type='qcow2'/><source file='%s'/></disk><disk name='vdb' snapshot='no'/></disks>",
		chosen);
	assert_ok(create(e, body, VSNAP_SNAPSHOT_CREATE_DISK_ONLY));
	now = qt_disk_file(e, "vda");
	assert_string_equal(now, chosen);
	free(now);
	now = qt_disk_file(e, "vdb");
	assert_string_equal(now, b);
	free(now);
	assert_int_equal(qt_sh("qemu-img info -U '%s' | grep -q 'backing file: %s'", chosen, a), 0);
	snprintf(want, sizeof(want), "vda:external:%s vdb:no", chosen);
	disks_of(e, "x", got, sizeof(got));
	assert_string_equal(got, want);
	qt_write_file(chosen, 0xcc);
	assert_ok(vsnap_snapshot_revert(e->dom, "x", 0));
	assert_true(qt_pattern(e, "vda", 0xbb));
	assert_true(qt_pattern_file(a, 0xbb));
	free(a);
	free(b);
}

/* Each impossible combination: the error, and nothing made. */
static void offline_refusals(void **state)
{
	qt_env *e = *state;
	char body[1024], path[512];

	/* Mixing internal and external in one snapshot. */
	assert_int_equal(create(e, "<disks><disk name='vda' snapshot='internal'/>"
		"<disk name='vdb' snapshot='external'/></disks>", 0), VSNAP_EUNSUPPORTED);
	assert_non_null(strstr(vsnap_error_last()->message, "mixing"));
	/* The chosen overlay exists: refused unless reused. */
	snprintf(path, sizeof(path), "%s/taken.qcow2", e->dir);
	assert_int_equal(qt_sh("qemu-img create -q -f qcow2 '%s' 64M", path), 0);
	snprintf(body, sizeof(body), "<disks><disk name='vda' snapshot='external'><source "
		"file='%s'/></disk><disk name='vdb' snapshot='no'/></disks>", path);
	assert_int_equal(create(e, body, VSNAP_SNAPSHOT_CREATE_DISK_ONLY), VSNAP_EEXISTS);
	assert_non_null(strstr(vsnap_error_last()->message, "--reuse-external"));
	/* Not absolute (refused by the parser, as libvirt's); not qcow2; a disk the domain lacks; memory of a shut-off domain;
	 * memory in a disk-only snapshot. */
	assert_int_equal(create(e, "<disks><disk name='vda' snapshot='external'><source "
		"file='rel.qcow2'/></disk></disks>", VSNAP_SNAPSHOT_CREATE_DISK_ONLY), VSNAP_EPARSE);
	assert_non_null(strstr(vsnap_error_last()->message, "must be absolute"));
	assert_int_equal(create(e, "<disks><disk name='vda' snapshot='external'><driver "
		"type='raw'/></disk></disks>", VSNAP_SNAPSHOT_CREATE_DISK_ONLY), VSNAP_EUNSUPPORTED);
	assert_int_equal(create(e, "<disks><disk name='vdz' snapshot='internal'/></disks>", 0),
		VSNAP_EINVALID);
	assert_int_equal(create(e, "<memory snapshot='internal'/>", 0), VSNAP_EOPERATION);
	assert_int_equal(create(e, "<memory snapshot='internal'/>",
		VSNAP_SNAPSHOT_CREATE_DISK_ONLY), VSNAP_EINVALID);
	/* Every disk left out. */
	assert_int_equal(create(e, "<disks><disk name='vda' snapshot='no'/><disk name='vdb' "
		"snapshot='no'/></disks>", 0), VSNAP_EINVALID);
	assert_int_equal(qt_count(e), 0);
	assert_int_equal(qt_sh("ls '%s' | grep -v -e '^vd[ab].qcow2$' -e '^taken.qcow2$' "
		"-e '^root$' | grep -q .", e->dir), 1);
	char *a = qt_disk_file(e, "vda");
	assert_false(has_tag(a, "x"));
	free(a);

	/* --reuse-external takes the existing file (put on top of the current image). */
	assert_ok(create(e, body, VSNAP_SNAPSHOT_CREATE_DISK_ONLY |
		VSNAP_SNAPSHOT_CREATE_REUSE_EXT));
	char *now = qt_disk_file(e, "vda");
	assert_string_equal(now, path);
	free(now);
	assert_true(qt_pattern(e, "vda", 0xaa));
}

/* Running: an external subset (one QMP transaction over vda only), and the checkpoint rules:
 * memory needs every writable disk; internal memory needs internal disks; QEMU takes no
 * internal disk-only snapshot of a running domain. */
static void online_subsets_and_refusals(void **state)
{
	qt_env *e = *state;
	char *b = qt_disk_file(e, "vdb"), *now, got[1024];

	assert_ok(vsnap_domain_start(e->dom, 0));
	assert_int_equal(create(e, "<disks><disk name='vdb' snapshot='no'/></disks>", 0),
		VSNAP_EINVALID);
	assert_non_null(strstr(vsnap_error_last()->message, "memory"));
	assert_int_equal(create(e, "<memory snapshot='internal'/><disks><disk name='vda' "
		"snapshot='external'/><disk name='vdb' snapshot='external'/></disks>", 0),
		VSNAP_EUNSUPPORTED);
	assert_int_equal(create(e, "<disks><disk name='vda' snapshot='internal'/><disk "
		"name='vdb' snapshot='no'/></disks>", VSNAP_SNAPSHOT_CREATE_DISK_ONLY),
		VSNAP_EUNSUPPORTED);
	assert_int_equal(qt_count(e), 0);

	qt_write_online(e, "vda", 0xbb);
	assert_ok(create(e, "<disks><disk name='vdb' snapshot='no'/></disks>",
		VSNAP_SNAPSHOT_CREATE_DISK_ONLY));
	assert_int_equal(qt_state(e), VSNAP_DOMAIN_RUNNING);
	now = qt_disk_file(e, "vdb");
	assert_string_equal(now, b);
	free(now);
	disks_of(e, "x", got, sizeof(got));
	assert_non_null(strstr(got, "vda:external:"));
	assert_non_null(strstr(got, "vdb:no"));
	qt_write_online(e, "vda", 0xcc);
	assert_ok(vsnap_snapshot_revert(e->dom, "x", VSNAP_SNAPSHOT_REVERT_FORCE));
	assert_int_equal(qt_state(e), VSNAP_DOMAIN_SHUTOFF);
	assert_true(qt_pattern(e, "vda", 0xbb));
	free(b);
}

#define T2(fn) cmocka_unit_test_setup_teardown(fn, qt_cm_setup2, qt_cm_teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T2(offline_subsets),
		T2(offline_refusals),
		T2(online_subsets_and_refusals),
	};
	if (!qt_have_qemu())
		return 77;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
