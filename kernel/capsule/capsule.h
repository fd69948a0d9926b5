/* The kernel's capsule verifier: at boot it checks every capsule of the
 * boot bundle with lib/capsule (the same code as the host tool) before any
 * of it is mapped, and keeps the verdicts for the `capsules` command. */
#ifndef NONOS_KERNEL_CAPSULE_CAPSULE_H
#define NONOS_KERNEL_CAPSULE_CAPSULE_H

/* Verifies the bundle the loader handed over and prints one refusal line
 * per rejected capsule. Needs the heap (its work memory). */
void capsule_boot(void);

/* Prints the capsule table on the console: name, version, author
 * fingerprint (of the proof's key set), id, proof (hybrid or ed25519),
 * state. */
void capsule_list(void);

#endif
