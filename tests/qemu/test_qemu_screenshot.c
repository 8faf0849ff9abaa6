/*
 * Screenshots on the QEMU backend with real qemu-system-x86_64 (TCG, no guest OS: the VGA
 * text screen QEMU draws at power-on, 720x400): screendump through the library, the
 * screenshot a checkpoint keeps, --no-screenshot, rename and delete, and the refusals.
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "qemu_test.h"

#include <sys/stat.h>

#define VIDEO "<video><model type='vga'/></video>"

static int setup_video(void **state)
{
	qt_env *e = calloc(1, sizeof(*e));
	qt_setup(e, 1, VIDEO);
	*state = e;
	return 0;
}

/* A PNG of a VGA screen: signature, then the IHDR chunk's big-endian width and height. The
 * mode depends on how far the firmware got (720x400 text, 640x480...), so only a range. */
static void assert_png(const unsigned char *p, size_t n)
{
	unsigned w, h;

	assert_true(n > 33);
	assert_memory_equal(p, "\x89PNG\r\n\x1a\n", 8);
	assert_memory_equal(p + 12, "IHDR", 4);
	w = (unsigned)p[16] << 24 | p[17] << 16 | p[18] << 8 | p[19];
	h = (unsigned)p[20] << 24 | p[21] << 16 | p[22] << 8 | p[23];
	assert_in_range(w, 320, 4096);
	assert_in_range(h, 200, 4096);
}

static int exists(qt_env *e, const char *snap)
{
	char path[600];
	struct stat st;

	snprintf(path, sizeof(path), "%s/root/snapshots/d/%s.png", e->dir, snap);
	return stat(path, &st) == 0;
}

static void live_screendump(void **state)
{
	qt_env *e = *state;
	unsigned char *img = NULL;
	size_t n = 0;
	const char *mime = NULL;

	assert_int_equal(vsnap_domain_screenshot(&img, &n, &mime, e->dom, 0, 0), VSNAP_EOPERATION);
	assert_non_null(strstr(vsnap_error_last()->message, "not running"));
	assert_ok(vsnap_domain_start(e->dom, 0));
	assert_ok(vsnap_domain_screenshot(&img, &n, &mime, e->dom, 0, 0));
	assert_string_equal(mime, "image/png");
	assert_string_equal(vsnap_image_extension(mime), "png");
	assert_png(img, n);
	vsnap_buffer_free(img);
	img = NULL;
	/* A head the one VGA device lacks: QEMU's own words come back. */
	assert_int_equal(vsnap_domain_screenshot(&img, &n, &mime, e->dom, 3, 0), VSNAP_EQEMU);
	assert_null(img);
	assert_non_null(strstr(vsnap_error_last()->message, "screenshot of domain 'd'"));
	assert_int_equal(vsnap_domain_screenshot(&img, &n, &mime, e->dom, 0, 1u << 7),
		VSNAP_EINVALID);
	/* Nothing is left in run/. */
	assert_int_equal(qt_sh("ls '%s/root/run' | grep -q screen", e->dir), 1);
}

static void checkpoint_keeps_one(void **state)
{
	qt_env *e = *state;
	unsigned char *img = NULL;
	size_t n = 0;
	const char *mime = NULL;

	assert_ok(vsnap_snapshot_create(NULL, e->dom, "off", NULL, 0));
	assert_int_equal(vsnap_snapshot_screenshot(&img, &n, &mime, e->dom, "off", 0),
		VSNAP_ENOTFOUND);
	assert_non_null(strstr(vsnap_error_last()->message, "has no screenshot"));
	assert_ok(vsnap_domain_start(e->dom, 0));
	assert_ok(vsnap_snapshot_create(NULL, e->dom, "c1", NULL, 0));
	assert_true(exists(e, "c1"));
	assert_ok(vsnap_snapshot_screenshot(&img, &n, &mime, e->dom, "c1", 0));
	assert_string_equal(mime, "image/png");
	assert_png(img, n);
	vsnap_buffer_free(img);
	assert_ok(vsnap_snapshot_create(NULL, e->dom, "c2", NULL,
		VSNAP_SNAPSHOT_CREATE_NO_SCREENSHOT));
	assert_false(exists(e, "c2"));
	assert_int_equal(vsnap_snapshot_screenshot(&img, &n, &mime, e->dom, "c2", 0),
		VSNAP_ENOTFOUND);
	assert_int_equal(vsnap_snapshot_screenshot(&img, &n, &mime, e->dom, "nosuch", 0),
		VSNAP_ENOTFOUND);
	/* A checkpoint saved with the VGA device loads into a QEMU launched with it. */
	assert_ok(vsnap_snapshot_revert(e->dom, "c1", 0));
	assert_int_equal(qt_state(e), VSNAP_DOMAIN_RUNNING);
	/* Deleting the metadata takes it away too. */
	assert_ok(vsnap_domain_destroy(e->dom, 0));
	assert_ok(vsnap_snapshot_delete(e->dom, "c1", VSNAP_SNAPSHOT_DELETE_METADATA_ONLY));
	assert_false(exists(e, "c1"));
}

/* A stale file of a snapshot whose metadata never got written (a crash) must not become the
 * screenshot of a later snapshot of that name taken while the domain is off. */
static void stale_file_is_not_reused(void **state)
{
	qt_env *e = *state;
	unsigned char *img = NULL;
	size_t n = 0;

	assert_int_equal(qt_sh("mkdir -p '%s/root/snapshots/d' && printf '\\211PNG\\r\\n\\032\\n' > "
		"'%s/root/snapshots/d/s1.png'", e->dir, e->dir), 0);
	assert_ok(vsnap_snapshot_create(NULL, e->dom, "s1", NULL, 0));
	assert_false(exists(e, "s1"));
	assert_int_equal(vsnap_snapshot_screenshot(&img, &n, NULL, e->dom, "s1", 0),
		VSNAP_ENOTFOUND);
}

static void rename_moves_it(void **state)
{
	qt_env *e = *state;
	unsigned char *img = NULL;
	size_t n = 0;

	char *xml = NULL;

	assert_ok(vsnap_domain_start(e->dom, 0));
	assert_true(asprintf(&xml, "<domainsnapshot><name>e1</name><memory snapshot='external' "
		"file='%s/e1.mem'/></domainsnapshot>", e->dir) > 0);
	assert_ok(vsnap_snapshot_create_xml(NULL, e->dom, xml, 0));
	free(xml);
	assert_true(exists(e, "e1"));
	assert_ok(vsnap_snapshot_edit(e->dom, "e1", "e2", NULL));
	assert_false(exists(e, "e1"));
	assert_ok(vsnap_snapshot_screenshot(&img, &n, NULL, e->dom, "e2", 0));
	assert_png(img, n);
	vsnap_buffer_free(img);
	assert_ok(vsnap_domain_destroy(e->dom, 0));
	assert_ok(vsnap_snapshot_delete(e->dom, "e2", 0));
	assert_false(exists(e, "e2"));
}

/* Without <video> the domain has no screen: a clear refusal, and checkpoints keep none. */
static void no_video(void **state)
{
	qt_env *e = *state;
	unsigned char *img = NULL;
	size_t n = 0;

	assert_ok(vsnap_domain_start(e->dom, 0));
	assert_int_equal(vsnap_domain_screenshot(&img, &n, NULL, e->dom, 0, 0),
		VSNAP_EUNSUPPORTED);
	assert_non_null(strstr(vsnap_error_last()->message, "<video>"));
	assert_ok(vsnap_snapshot_create(NULL, e->dom, "c1", NULL, 0));
	assert_false(exists(e, "c1"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(live_screendump, setup_video, qt_cm_teardown),
		cmocka_unit_test_setup_teardown(checkpoint_keeps_one, setup_video, qt_cm_teardown),
		cmocka_unit_test_setup_teardown(stale_file_is_not_reused, setup_video,
			qt_cm_teardown),
		cmocka_unit_test_setup_teardown(rename_moves_it, setup_video, qt_cm_teardown),
		cmocka_unit_test_setup_teardown(no_video, qt_cm_setup1, qt_cm_teardown),
	};

	if (!qt_have_qemu())
		return 77;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
