/* The kernel's capsule verifier: at boot it checks every capsule of the
 * boot bundle with lib/capsule (the same code as the host tool) before any
 * of it is mapped, and keeps the verdicts for the `capsules` command. */
#ifndef NONOS_KERNEL_CAPSULE_CAPSULE_H
#define NONOS_KERNEL_CAPSULE_CAPSULE_H

#include <stdbool.h>

#include "base/bytes.h"
#include "capsule/manifest.h"

/* Verifies the bundle the loader handed over and prints one refusal line
 * per rejected capsule. Needs the heap (its work memory). */
void capsule_boot(void);

/* The bundle as it was verified: a private copy in frames whose only
 * mapping is read-only. False when capsule_boot kept none (no bundle, or no
 * memory). What runs is loaded from these bytes only. */
bool capsule_bundle_sealed(struct bytes *out);

/* Unseals the private copy and returns its frames to the allocator, for
 * the ZeroState wipe (which then wipes them with every free frame). Nothing
 * may run a capsule afterwards. */
void capsule_bundle_release(void);

/* Capsules in the bundle (verified or not); 0 without a bundle. */
size_t capsule_count(void);

/* Capsule `index` of the bundle: its name (NULL when it could not even be
 * opened) and whether the boot verification accepted it. */
const char *capsule_name(size_t index);
bool capsule_is_verified(size_t index);

/* The verified capsule `index`: its payload (a view into the sealed copy,
 * valid until capsule_bundle_release) and its manifest, decoded again from
 * the sealed bytes the verdict was reached on. False (nothing written) when
 * the capsule does not exist or was refused. */
bool capsule_verified(size_t index, struct bytes *payload, struct manifest *manifest);

/* The index of the verified capsule named `name` (length bytes); false
 * when no verified capsule has that name. */
bool capsule_find(const char *name, size_t length, size_t *index);

/* Writes the capsule table (the `capsules` report, kernel/shell/report.h):
 * name, version, author fingerprint (of the proof's key set), id, proof
 * (hybrid or ed25519), state. */
struct report;
void capsule_list(struct report *out);

#endif
