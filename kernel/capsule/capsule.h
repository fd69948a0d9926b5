/* The kernel's capsule verifier: at boot it checks every capsule of the
 * boot bundle with lib/capsule (the same code as the host tool) before any
 * of it is mapped, and keeps the verdicts for the `capsules` command. */
#ifndef NONOS_KERNEL_CAPSULE_CAPSULE_H
#define NONOS_KERNEL_CAPSULE_CAPSULE_H

#include <stdbool.h>

#include "base/bytes.h"

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

/* Prints the capsule table on the console: name, version, author
 * fingerprint (of the proof's key set), id, proof (hybrid or ed25519),
 * state. */
void capsule_list(void);

#endif
