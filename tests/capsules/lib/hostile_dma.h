/* What hostile-dma-rng and its harness (kernel/test/test_hostile_dma.c)
 * agree on; no includes, so both sides can include it. The harness passes
 * numbers as the badges of capabilities (to the capsule's own process, no
 * rights) in these slots, before the capsule starts: a test-only channel. */
#ifndef NONOS_HOSTILE_DMA_H
#define NONOS_HOSTILE_DMA_H

#define HOSTILE_DMA_TARGETS 3
#define HOSTILE_DMA_SLOT_TARGET 8u /* 8, 9, 10: the three targets' addresses */
#define HOSTILE_DMA_SLOT_MODE 11u
#define HOSTILE_DMA_MODE_ATTACK 0u
#define HOSTILE_DMA_MODE_HOLD 1u
#define HOSTILE_DMA_MODE_FORGE 2u /* slot 8's badge: the remapping entry to forge */
#define HOSTILE_DMA_MODE_REVOKE 3u /* exit status: the revoked I/O address, or below 16 */
#define HOSTILE_DMA_STATUS_LANDED 6u /* REVOKE: the write after revoke reached the page */
#define HOSTILE_DMA_LENGTH 64u
#define HOSTILE_DMA_HOLD_BUFFERS 3u

#endif
