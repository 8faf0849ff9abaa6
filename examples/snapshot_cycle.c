/*
 * snapshot_cycle: create, list, revert and delete a snapshot through libvsnap, on any backend.
 *   usage: snapshot_cycle URI DOMAIN
 *   e.g.   snapshot_cycle 'qemu:///embed?root=/tmp/vs' demo
 *          VSNAP_PASSWORD=... snapshot_cycle 'esx://root@esx1/?no_verify=1' web01
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <stdio.h>
#include <vsnap/vsnap.h>

static int fail(const char *what)
{
	const vsnap_error *e = vsnap_error_last();
	fprintf(stderr, "%s failed (%s): %s\n", what, vsnap_error_code_name(e->code), e->message);
	return 1;
}

int main(int argc, char **argv)
{
	vsnap_conn *conn = NULL;
	vsnap_domain *dom = NULL;
	vsnap_forest *forest = NULL;
	char *name = NULL, *tree = NULL;
	int status = 1;

	if (argc != 3) {
		fprintf(stderr, "usage: %s URI DOMAIN\n", argv[0]);
		return 2;
	}
	/* NULL options: credentials from auth.conf or $VSNAP_PASSWORD, no progress reports. */
	if (vsnap_conn_open(&conn, argv[1], NULL))
		return fail("connect");
	if (vsnap_domain_lookup(&dom, conn, argv[2])) {
		fail("lookup");
		goto out;
	}
	if (vsnap_snapshot_create(&name, dom, "example", "made by snapshot_cycle",
			VSNAP_SNAPSHOT_CREATE_DISK_ONLY)) {
		fail("create");
		goto out;
	}
	if (vsnap_forest_get(&forest, dom) || vsnap_forest_format_tree(&tree, forest, NULL)) {
		fail("list");
		goto out;
	}
	printf("created %s; the tree is now:\n%s", name, tree);
	if (vsnap_snapshot_revert(dom, name, VSNAP_SNAPSHOT_REVERT_FORCE)) {
		fail("revert");
		goto out;
	}
	if (vsnap_snapshot_delete(dom, name, 0)) {
		fail("delete");
		goto out;
	}
	printf("reverted to and deleted %s (%lu requests)\n", name, vsnap_conn_request_count(conn));
	status = 0;
out:
	vsnap_string_free(tree);
	vsnap_string_free(name);
	vsnap_forest_free(forest);
	vsnap_domain_free(dom);
	vsnap_conn_close(conn);
	return status;
}
