/* The SHA-256 digests the loader accepts, built into it at build time.
 * The build generates their definitions (build/gen/<image>/boot_digests.c,
 * by boot/gen-digests.sh) from the very kernel and bundle files it puts on
 * the ESP, and links the loader after them: a loader only ever starts the
 * kernel and bundle it was built with. */
#ifndef NONOS_BOOT_DIGESTS_H
#define NONOS_BOOT_DIGESTS_H

#include <stdint.h>

extern const uint8_t boot_expected_kernel_sha256[32];
extern const uint8_t boot_expected_bundle_sha256[32];

#endif
