/* The virtio structures of a modern virtio PCI device, found in its PCI
 * configuration space (virtio 1.x, "Virtio Structure PCI Capabilities"),
 * decoded without touching the device: the configuration space is read
 * through a callback (the driver's is device_config_read; the host tests'
 * and the fuzz target's read a byte buffer). Configuration space is
 * outside input: a device, or whatever answers as one, chooses every byte.
 *
 * Walk: the status register must announce a capability list; the list is
 * followed from the capability pointer while the pointer lies in
 * 0x40..0xff (the low two bits ignored), for at most
 * VIRTIO_PCI_CAPABILITIES_MAX entries (a longer list is a loop). Of each
 * vendor capability (id 9) the cfg_type, bar, offset and length are read;
 * an unknown type, a read the kernel refuses, a BAR that is not a mapped
 * memory BAR, a length of 0 or a structure past its BAR's end make the
 * capability skipped; the first usable structure of each type is kept
 * (for the notification structure, with its notify_off_multiplier).
 *
 * Each refusal has its own code (enum virtio_pci_refusal, with its symbol
 * for the corpus in tests/corpus/virtio-pci/). On a refusal *layout is
 * all zero: nothing found is handed on. Freestanding; used by virtio.c. */
#ifndef NONOS_USER_VIRTIO_PCI_H
#define NONOS_USER_VIRTIO_PCI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "nonos/abi.h"

#define VIRTIO_PCI_CAPABILITIES_MAX 48
#define VIRTIO_PCI_COMMON_LENGTH 56 /* struct virtio_pci_common_cfg */

enum virtio_pci_refusal {
    VIRTIO_PCI_OK = 0,
    VIRTIO_PCI_ERR_NO_LIST,      /* status unreadable or without the capability-list bit */
    VIRTIO_PCI_ERR_NO_COMMON,    /* no usable common configuration structure */
    VIRTIO_PCI_ERR_COMMON_SHORT, /* the first usable one is shorter than 56 bytes */
    VIRTIO_PCI_ERR_NO_NOTIFY,    /* no usable notification structure */
    VIRTIO_PCI_ERR_NO_ISR,       /* no usable ISR status structure */
    VIRTIO_PCI_ERR_COUNT
};

/* Where one structure lies: `length` bytes at `offset` in BAR `bar`. */
struct virtio_pci_structure {
    bool present;
    uint8_t bar;
    uint32_t offset;
    uint32_t length;
};

struct virtio_pci_layout {
    struct virtio_pci_structure common, notify, isr, device_config;
    uint32_t notify_multiplier; /* of the notification structure kept (0 if unreadable) */
};

/* Reads `width` (1, 2 or 4) bytes of configuration space at `offset`;
 * the value, or a negative error. */
typedef long (*virtio_pci_read_fn)(void *context, uint32_t offset, uint32_t width);

/* bar_sizes[i]: the size of BAR i if it is a mapped memory BAR, else 0. */
enum virtio_pci_refusal virtio_pci_layout_find(virtio_pci_read_fn read, void *context,
                                               const uint64_t bar_sizes[NONOS_DEVICE_BARS],
                                               struct virtio_pci_layout *layout);

/* The driver's message for a refusal (NULL for VIRTIO_PCI_OK). */
const char *virtio_pci_message(enum virtio_pci_refusal refusal);

/* The symbol ("VIRTIO_PCI_ERR_NO_ISR"); "VIRTIO_PCI_ERR_?" out of range. */
const char *virtio_pci_name(enum virtio_pci_refusal refusal);

#endif
