/* Built against an installed libvsnap by tests/install/install_test.sh. */
#include <stdio.h>
#include <string.h>
#include <vsnap/vsnap.h>

int main(void)
{
	vsnap_conn *conn = NULL;
	int rc = vsnap_conn_open(&conn, "nosuch://host/", NULL);

	printf("vsnap %s\n", vsnap_version());
	if (rc != VSNAP_EUNSUPPORTED || !strstr(vsnap_error_last()->message, "nosuch")) {
		fprintf(stderr, "unexpected: %d %s\n", rc, vsnap_error_last()->message);
		return 1;
	}
	printf("error path ok: %s\n", vsnap_error_code_name(rc));
	return 0;
}
