/* Addresses and slots the hostile capsules and the kernel's harness
 * (kernel/test/test_hostile.c) agree on; no includes, so that both sides
 * can include it. */
#ifndef NONOS_HOSTILE_SLOTS_H
#define NONOS_HOSTILE_SLOTS_H

/* Where hostile-companion keeps a page of its own (memory_map area), full
 * of a pattern it checks every millisecond: the fuzzer aims pointers at
 * this address, which is another process's memory. */
#define HOSTILE_COMPANION_PAGE 0x30000000000ull /* 3 TiB */

/* The harness's token (kernel/test/test_hostile.c): before it starts a
 * hostile capsule it puts a capability to the capsule's own process, with
 * no rights, in slot HOSTILE_SLOT_HARNESS (a slot the policy leaves empty,
 * docs/policy.md). Started any other way (by init, which starts every
 * capsule of the bundle, or from the shell) a hostile capsule says so and
 * exits 0 without doing anything hostile. */
#define HOSTILE_SLOT_HARNESS 7u

#endif
