/*
 * Regression tests of the QEMU backend for defects found in review: each test names the
 * defect it guards against. Real qemu-img / qemu-system-x86_64, as the other QEMU tests.
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "qemu_test.h"

#include <sys/stat.h>

static int teardown(void **state)
{
	qt_env *e = *state;
	/* A QEMU a failed test left under another root of this scratch dir: stop it by pid. */
	qt_sh("for p in '%s'/a,b/run/*.pid; do [ -f \"$p\" ] && kill $(cat \"$p\") 2>/dev/null; "
		"done; true", e->dir);
	return qt_cm_teardown(state);
}

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "re");
	char *buf = calloc(1, 4096);
	if (f) {
		size_t n = fread(buf, 1, 4095, f);
		buf[n] = '\0';
		fclose(f);
	}
	return buf;
}

/* Defect: an external checkpoint's memory file that already exists was truncated by
 * `cat > file` and recorded as a file vsnap created (so a later cleanup could delete it). */
static void memory_file_exists(void **state)
{
	qt_env *e = *state;
	char mem[600], *xml = NULL, *list = NULL, *text;

	snprintf(mem, sizeof(mem), "%s/precious.dat", e->dir);
	assert_int_equal(qt_sh("printf 'user data' > '%s'", mem), 0);
	assert_ok(vsnap_domain_start(e->dom, 0));
	assert_true(asprintf(&xml, "<domainsnapshot><name>m1</name><memory snapshot='external' "
		"file='%s'/></domainsnapshot>", mem) > 0);
	assert_int_equal(vsnap_snapshot_create_xml(NULL, e->dom, xml, 0), VSNAP_EEXISTS);
	assert_non_null(strstr(vsnap_error_last()->message, mem));
	text = slurp(mem);
	assert_string_equal(text, "user data");
	free(text);
	assert_true(asprintf(&list, "%s/root/domains/d.files", e->dir) > 0);
	text = slurp(list);
	assert_null(strstr(text, "precious.dat"));
	free(text);
	/* Nothing changed: still on the original image, no snapshot. */
	char *f = qt_disk_file(e, "vda");
	assert_non_null(strstr(f, "/vda.qcow2"));
	free(f);
	assert_int_equal(qt_count(e), 0);
	free(list);
	free(xml);
}

/* Defect: when saving the memory state failed after the disks had switched to their new
 * overlays, the definition still named the old images although QEMU wrote to the overlays:
 * writes after the failure were lost on the next start, and the overlays were garbage. */
static void memory_save_fails_after_switch(void **state)
{
	qt_env *e = *state;

	assert_ok(vsnap_domain_start(e->dom, 0));
	qt_write_online(e, "vda", 0xbb);
	/* /proc exists, but no file can be created in it: cat fails inside QEMU's migration. */
	int rc = vsnap_snapshot_create_xml(NULL, e->dom, "<domainsnapshot><name>m1</name>"
		"<memory snapshot='external' file='/proc/vsnap-review.mem'/></domainsnapshot>", 0);
	assert_int_not_equal(rc, 0);
	assert_int_equal(qt_state(e), VSNAP_DOMAIN_RUNNING);
	/* Whatever the domain writes now must survive a restart. */
	qt_write_online(e, "vda", 0xcc);
	assert_ok(vsnap_domain_destroy(e->dom, 0));
	assert_true(qt_pattern(e, "vda", 0xcc));
	/* A later operation's cleanup must not take the image away either. */
	assert_ok(vsnap_snapshot_create(NULL, e->dom, "s2", NULL, 0));
	assert_ok(vsnap_snapshot_delete(e->dom, "s2", 0));
	assert_true(qt_pattern(e, "vda", 0xcc));
}

/* Defect: deleting an internal snapshot whose tag lives in a read-only backing image of the
 * running domain removed the metadata first and then failed, so the advised retry after
 * destroying the domain found no snapshot, and the tag stayed in the image for good. */
static void delete_internal_in_backing_refused_first(void **state)
{
	qt_env *e = *state;
	char *base = qt_disk_file(e, "vda");

	assert_ok(vsnap_snapshot_create(NULL, e->dom, "i1", NULL, 0));
	assert_ok(vsnap_domain_start(e->dom, 0));
	assert_ok(vsnap_snapshot_create(NULL, e->dom, "e1", NULL, VSNAP_SNAPSHOT_CREATE_DISK_ONLY));
	assert_int_equal(vsnap_snapshot_delete(e->dom, "i1", 0), VSNAP_EOPERATION);
	/* Refused before anything changed: the snapshot is still there, so the retry works. */
	assert_int_equal(qt_count(e), 2);
	assert_ok(vsnap_domain_destroy(e->dom, 0));
	assert_ok(vsnap_snapshot_delete(e->dom, "i1", 0));
	assert_int_equal(qt_count(e), 1);
	assert_int_equal(qt_sh("qemu-img snapshot -U -l '%s' | grep -q ' i1 '", base), 1);
	free(base);
}

/* Defect: --redefine accepted a parent that closes a cycle; `delete --children` then
 * recursed without end (stack overflow) and delete-all found no root and did nothing. */
static void redefine_cycle_refused(void **state)
{
	qt_env *e = *state;

	assert_ok(vsnap_snapshot_create(NULL, e->dom, "a", NULL, 0));
	assert_ok(vsnap_snapshot_create(NULL, e->dom, "b", NULL, 0));
	assert_int_equal(vsnap_snapshot_create_xml(NULL, e->dom, "<domainsnapshot><name>a</name>"
		"<parent><name>b</name></parent><state>shutoff</state><creationTime>1</creationTime>"
		"</domainsnapshot>", VSNAP_SNAPSHOT_CREATE_REDEFINE), VSNAP_EINVALID);
	assert_non_null(strstr(vsnap_error_last()->message, "cycle"));
	assert_ok(vsnap_snapshot_delete(e->dom, "a", VSNAP_SNAPSHOT_DELETE_CHILDREN));
	assert_int_equal(qt_count(e), 0);
}

/* Defect: a store whose parent links form a cycle (edited by hand, or written by an older
 * vsnap) made `delete --children` recurse without end. */
static void delete_children_in_cyclic_store(void **state)
{
	qt_env *e = *state;

	assert_ok(vsnap_snapshot_create(NULL, e->dom, "a", NULL, 0));
	assert_ok(vsnap_snapshot_create(NULL, e->dom, "b", NULL, 0));
	assert_int_equal(qt_sh("sed -i 's|<domainsnapshot>|<domainsnapshot><parent><name>b</name>"
		"</parent>|' '%s/root/snapshots/d/a.xml'", e->dir), 0);
	assert_ok(vsnap_snapshot_delete(e->dom, "a", VSNAP_SNAPSHOT_DELETE_CHILDREN));
	assert_int_equal(qt_count(e), 0);
	assert_ok(vsnap_snapshot_create(NULL, e->dom, "c", NULL, 0));
	assert_ok(vsnap_snapshot_create(NULL, e->dom, "d", NULL, 0));
	assert_int_equal(qt_sh("sed -i 's|<domainsnapshot>|<domainsnapshot><parent><name>d</name>"
		"</parent>|' '%s/root/snapshots/d/c.xml'", e->dir), 0);
	assert_ok(vsnap_snapshot_delete_all(e->dom, 0));
	assert_int_equal(qt_count(e), 0);
}

/* Defect: renaming was refused for internal snapshots only when the FIRST disk was internal;
 * with that disk left out, the rename went through and the tag inside the images no longer
 * matched, so the snapshot could not be reverted any more. */
static void rename_internal_second_disk(void **state)
{
	qt_env *e = *state;

	assert_ok(vsnap_snapshot_create_xml(NULL, e->dom, "<domainsnapshot><name>i1</name>"
		"<disks><disk name='vda' snapshot='no'/><disk name='vdb' snapshot='internal'/>"
		"</disks></domainsnapshot>", 0));
	assert_int_equal(vsnap_snapshot_edit(e->dom, "i1", "renamed", NULL), VSNAP_EUNSUPPORTED);
	assert_ok(vsnap_snapshot_revert(e->dom, "i1", 0));
}

/* Defect: a comma in the root directory (or the domain name) split QEMU's -qmp / -name
 * option values, so the domain could not start. */
static void comma_in_root(void **state)
{
	qt_env *e = *state;
	char uri[700];
	vsnap_conn *c = NULL;
	vsnap_domain *d = NULL;
	char *xml = NULL, *file = qt_disk_file(e, "vda");

	snprintf(uri, sizeof(uri), "qemu:///embed?root=%s/a,b", e->dir);
	assert_ok(vsnap_conn_open(&c, uri, NULL));
	assert_true(asprintf(&xml, "<domain type='qemu'><name>x,y</name><memory unit='MiB'>128"
		"</memory><vcpu>1</vcpu><os><type arch='x86_64'>hvm</type></os><devices><disk "
		"type='file' device='disk'><driver name='qemu' type='qcow2'/><source file='%s'/>"
		"<target dev='vda' bus='virtio'/></disk></devices></domain>", file) > 0);
	assert_ok(vsnap_domain_define(&d, c, xml, 0));
	assert_ok(vsnap_domain_start(d, 0));
	vsnap_domain_info info;
	assert_ok(vsnap_domain_get_info(&info, d));
	assert_int_equal(info.state, VSNAP_DOMAIN_RUNNING);
	vsnap_domain_info_clear(&info);
	assert_ok(vsnap_domain_destroy(d, 0));
	vsnap_domain_free(d);
	vsnap_conn_close(c);
	free(xml);
	free(file);
}

/* Defines domain d again with one disk vda on `src`, with a <backingStore> naming `backing`. */
static void define_vda_on(qt_env *e, const char *src, const char *backing)
{
	char *xml = NULL, uuid[64] = "", *u;
	vsnap_domain *d = NULL;

	/* Same UUID: a redefinition, not a second domain. */
	assert_ok(vsnap_domain_get_xml(&xml, e->dom, 0));
	assert_non_null(u = strstr(xml, "<uuid>"));
	assert_int_equal(sscanf(u, "<uuid>%63[^<]", uuid), 1);
	free(xml);
	assert_true(asprintf(&xml, "<domain type='qemu'><name>d</name><uuid>%s</uuid>"
		"<memory unit='MiB'>128"
		"</memory><vcpu>1</vcpu><os><type arch='x86_64'>hvm</type></os><devices>"
		"<disk type='file' device='disk'><driver name='qemu' type='qcow2'/>"
		"<source file='%s'/><backingStore type='file'><format type='qcow2'/>"
		"<source file='%s'/></backingStore><target dev='vda' bus='virtio'/></disk>"
		"</devices></domain>", uuid, src, backing) > 0);
	assert_ok(vsnap_domain_define(&d, e->conn, xml, 0));
	vsnap_domain_free(d);
	free(xml);
}

/* The <backingStore> of disk vda in the stored definition, or NULL (free it). */
static char *backing_store_of(qt_env *e)
{
	char *xml = NULL, *p, *end, *out = NULL;

	assert_ok(vsnap_domain_get_xml(&xml, e->dom, 0));
	if ((p = strstr(xml, "<backingStore")) && (end = strstr(p, "</backingStore>")))
		out = strndup(p, (size_t)(end - p));
	free(xml);
	return out;
}

/* Defect: a <backingStore> kept from the defined XML described the disk's old image after the
 * backend moved the disk to another one (external snapshot, revert to a branch, merge on
 * delete), so the stored definition named a wrong backing chain. */
static void backing_store_follows_the_source(void **state)
{
	qt_env *e = *state;
	char *vda = qt_disk_file(e, "vda"), top[600], *bs, *f, *snapxml = NULL;
	vsnap_forest *forest = NULL;
	vsnap_snapshot *s = NULL;

	snprintf(top, sizeof(top), "%s/top.qcow2", e->dir);
	assert_int_equal(qt_sh("qemu-img create -q -f qcow2 -F qcow2 -b '%s' '%s'", vda, top), 0);
	define_vda_on(e, top, vda);
	bs = backing_store_of(e);
	assert_non_null(bs);   /* kept as defined while the disk stays on top.qcow2 */
	assert_non_null(strstr(bs, vda));
	free(bs);

	/* External snapshot: the disk moves to an overlay of top.qcow2. */
	assert_ok(vsnap_snapshot_create(NULL, e->dom, "e1", NULL, VSNAP_SNAPSHOT_CREATE_DISK_ONLY));
	f = qt_disk_file(e, "vda");
	assert_string_not_equal(f, top);
	free(f);
	assert_null(backing_store_of(e));
	/* The snapshot's own <domain> describes the disk as it was: still on top.qcow2. */
	assert_ok(vsnap_forest_get(&forest, e->dom));
	assert_ok(vsnap_forest_lookup(&s, forest, "e1"));
	assert_ok(vsnap_snapshot_get_xml(&snapxml, s, 0));
	assert_non_null(strstr(snapxml, "<backingStore"));
	vsnap_string_free(snapxml);
	vsnap_forest_free(forest);

	/* Revert: the definition comes back from e1 but runs on a new branch overlay. */
	assert_ok(vsnap_snapshot_revert(e->dom, "e1", 0));
	f = qt_disk_file(e, "vda");
	assert_string_not_equal(f, top);
	assert_null(backing_store_of(e));

	/* Delete: the overlay merges into top.qcow2 and the disk moves back to it. A backingStore
	 * describing the overlay's chain (top.qcow2) must not survive the move. */
	define_vda_on(e, f, top);
	free(f);
	assert_ok(vsnap_snapshot_delete(e->dom, "e1", 0));
	f = qt_disk_file(e, "vda");
	assert_string_equal(f, top);
	free(f);
	assert_null(backing_store_of(e));
	assert_true(qt_pattern(e, "vda", 0xaa));
	free(vda);
}

/*
 * The clean-up after an operation must not take a snapshot whose recorded <domain> cannot be
 * read to use no image (vsnap__qemu_files_needed skipped such a snapshot; the scan before it
 * happened to refuse first). After a revert to e1, e1's overlay (holding 0xbb) is e2's alone;
 * with e2's <domain> unreadable, deleting another snapshot must fail, naming e2, and delete
 * nothing.
 */
static void unreadable_snapshot_domain_pins_its_images(void **state)
{
	qt_env *e = *state;
	char *f1;

	assert_ok(vsnap_snapshot_create(NULL, e->dom, "e1", NULL, VSNAP_SNAPSHOT_CREATE_DISK_ONLY));
	f1 = qt_disk_file(e, "vda");
	qt_write_file(f1, 0xbb);
	assert_ok(vsnap_snapshot_create(NULL, e->dom, "e2", NULL, VSNAP_SNAPSHOT_CREATE_DISK_ONLY));
	assert_ok(vsnap_snapshot_revert(e->dom, "e1", 0));
	assert_ok(vsnap_snapshot_create(NULL, e->dom, "i1", NULL, 0));
	assert_int_equal(access(f1, F_OK), 0);
	/* a memory size no domain parser takes, inside e2's recorded <domain> */
	assert_int_equal(qt_sh("f=$(grep -l '<name>e2</name>' %s/root/snapshots/*/*.xml) && "
		"sed -i 's|<memory unit=.KiB.>[0-9]*</memory>|<memory unit=\"KiB\">lots</memory>|' "
		"$f && grep -q '>lots<' $f", e->dir), 0);
	assert_int_not_equal(vsnap_snapshot_delete(e->dom, "i1", 0), 0);
	assert_non_null(strstr(vsnap_error_last()->message, "'e2'"));
	assert_int_equal(access(f1, F_OK), 0);
	assert_true(qt_pattern_file(f1, 0xbb));
	free(f1);
}

#define T1(fn) cmocka_unit_test_setup_teardown(fn, qt_cm_setup1, teardown)
#define T2(fn) cmocka_unit_test_setup_teardown(fn, qt_cm_setup2, teardown)

int main(void)
{
	if (!qt_have_qemu())
		return 77;
	const struct CMUnitTest tests[] = {
		T1(memory_file_exists),
		T1(memory_save_fails_after_switch),
		T1(delete_internal_in_backing_refused_first),
		T1(redefine_cycle_refused),
		T1(delete_children_in_cyclic_store),
		T2(rename_internal_second_disk),
		T1(comma_in_root),
		T1(backing_store_follows_the_source),
		T1(unreadable_snapshot_domain_pins_its_images),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
