/* One virtio device's PCI configuration space as the corpus
 * (tests/corpus/virtio-pci) and the fuzz target
 * (tests/fuzz/fuzz_virtio_pci.c) hold it, walked by user/lib/virtio_pci.c
 * as the drivers walk it. Test-only.
 *
 * Input: six 64-bit little-endian BAR sizes (0: not a mapped memory BAR),
 * then the configuration space from offset 0. A read that does not lie
 * wholly inside the bytes given fails, as the kernel's device_config_read
 * fails; an input shorter than the BAR sizes has the missing bytes 0 and
 * an empty configuration space. */
#ifndef NONOS_TESTS_USER_VIRTIO_PCI_REPLAY_H
#define NONOS_TESTS_USER_VIRTIO_PCI_REPLAY_H

#include <stddef.h>
#include <stdint.h>

#include "virtio_pci.h"

#define VIRTIO_PCI_REPLAY_HEADER (8 * NONOS_DEVICE_BARS)

/* The walk's result; *reads: the configuration reads it made (may be NULL). */
enum virtio_pci_refusal virtio_pci_replay(const uint8_t *input, size_t size, uint64_t bar_sizes[NONOS_DEVICE_BARS],
                                          struct virtio_pci_layout *layout, unsigned *reads);

#endif
