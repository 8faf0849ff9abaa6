/*
 * A program that defines names gSOAP uses (its global `namespaces` table and a runtime function)
 * and links libvsnap dynamically: both must stay its own, and libvsnap must still work. Built
 * by tests/install/install_test.sh against the installed library.
 */
#include <stdio.h>
#include <string.h>
#include <vsnap/vsnap.h>

/* Not gSOAP's types: if libvsnap resolved its references to these, it would crash or misparse. */
const char namespaces[] = "this program's own table";
int soap_begin(void);
int soap_begin(void)
{
	return 42;
}

int main(void)
{
	static const char vmx[] = "config.version = \"8\"\nvirtualHW.version = \"13\"\n"
		"displayName = \"clash\"\nmemsize = \"256\"\nnumvcpus = \"1\"\nguestOS = \"other\"\n";
	vsnap_vmx_options opts = VSNAP_VMX_OPTIONS_INIT;
	char *xml = NULL, *warnings = NULL;
	vsnap_conn *conn = NULL;

	if (vsnap_global_init() != 0)
		return 1;
	if (vsnap_vmx_to_domain_xml(&xml, &warnings, vmx, sizeof(vmx) - 1, &opts, 0) != 0 ||
	    !strstr(xml, "<name>clash</name>")) {
		fprintf(stderr, "conversion failed: %s\n", vsnap_error_last()->message);
		return 1;
	}
	/* Reaches the vSphere layer (URI and transport set-up) before failing to connect. */
	if (vsnap_conn_open(&conn, "esx://user@127.0.0.1:1/?no_verify=1", NULL) == 0) {
		fprintf(stderr, "connected to a closed port?\n");
		return 1;
	}
	vsnap_string_free(xml);
	vsnap_string_free(warnings);
	printf("clash ok: %s, soap_begin() = %d\n", namespaces, soap_begin());
	return soap_begin() == 42 ? 0 : 1;
}
