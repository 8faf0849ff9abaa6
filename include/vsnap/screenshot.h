/**
 * @file screenshot.h
 * @brief Screenshots: of a running domain's console now, and the one kept with a snapshot.
 *
 * What each backend does:
 * - QEMU: QMP `screendump` (format png) of the domain's video device; a domain without a
 *   `<video>` device has no screen (VSNAP_EUNSUPPORTED). A checkpoint of a running domain
 *   keeps a screendump beside its metadata unless VSNAP_SNAPSHOT_CREATE_NO_SCREENSHOT is given;
 *   deleting the snapshot deletes it.
 * - ESX/vCenter: CreateScreenshot_Task, then the file it names is downloaded over the
 *   datastore HTTP path; a snapshot's screenshot is the layoutEx file of type `screenshot`
 *   that belongs to the snapshot.
 * - VMware Workstation/Fusion/Player folders (vmwarews://, read-only): no live screenshot (no
 *   vmrun); a snapshot's screenshot is the file its .vmsd entry names
 *   (`snapshotN.screenshot`), else the PNG inside its .vmsn.
 *
 * Images are returned as the hypervisor made them, normally PNG. Added in 0.2.0.
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef VSNAP_SCREENSHOT_H
#define VSNAP_SCREENSHOT_H

#include "common.h"
#include "domain.h"

VSNAP_BEGIN_DECL

/**
 * Takes a screenshot of screen `screen` (0: the primary one, as virsh's default) of the
 * running domain `dom`.
 *
 * @param out        receives the image bytes; free with vsnap_buffer_free()
 * @param len        receives the number of bytes
 * @param mime_type  may be NULL; receives "image/png" (or "image/bmp", "image/x-portable-pixmap"
 *                   when the hypervisor made such a file); static, never freed
 * @param dom        the domain
 * @param screen     the screen (head) number; QEMU and ESX have one screen per video device
 * @param flags      none yet: 0
 * @return 0; VSNAP_EOPERATION when the domain is not running; VSNAP_EUNSUPPORTED when the
 *         backend or the domain has no screen (no video device; a Workstation folder);
 *         VSNAP_EQEMU / VSNAP_EFAULT with the hypervisor's message; VSNAP_EPARSE when what
 *         came back is not an image.
 */
VSNAP_EXTERN(int) vsnap_domain_screenshot(unsigned char **out, size_t *len,
	const char **mime_type, vsnap_domain *dom, unsigned int screen, unsigned int flags);

/**
 * The screenshot kept with the snapshot named by `key` (name, path or driver id, as for
 * vsnap_snapshot_revert()).
 *
 * @param out, len, mime_type  as vsnap_domain_screenshot()
 * @param flags      none yet: 0
 * @return 0; VSNAP_ENOTFOUND when the snapshot has none (taken while the domain was off, or
 *         with VSNAP_SNAPSHOT_CREATE_NO_SCREENSHOT), or when the snapshot does not exist;
 *         VSNAP_EUNSUPPORTED when the backend keeps none.
 */
VSNAP_EXTERN(int) vsnap_snapshot_screenshot(unsigned char **out, size_t *len,
	const char **mime_type, vsnap_domain *dom, const char *key, unsigned int flags);

/** The file name extension for a mime type returned above ("png", "bmp", "ppm"). Static. */
VSNAP_EXTERN(const char *) vsnap_image_extension(const char *mime_type);

/** Frees image bytes returned by the calls above. NULL is ignored. */
VSNAP_EXTERN(void) vsnap_buffer_free(void *data);

VSNAP_END_DECL
#endif
