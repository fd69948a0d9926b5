/* Finding a virtio device's structures in its PCI configuration space
 * (virtio_pci.h). Written from the virtio 1.x specification, "Virtio
 * Structure PCI Capabilities". Reads only through the callback, writes
 * only *layout, and that only once the whole walk has succeeded. */
#include "virtio_pci.h"

#define PCI_STATUS 0x06
#define PCI_STATUS_CAPABILITIES 0x10
#define PCI_CAPABILITY_POINTER 0x34
#define PCI_CAPABILITY_VENDOR 0x09

/* virtio_pci_cap.cfg_type */
#define VIRTIO_PCI_CAP_COMMON 1
#define VIRTIO_PCI_CAP_NOTIFY 2
#define VIRTIO_PCI_CAP_ISR 3
#define VIRTIO_PCI_CAP_DEVICE 4

/* virtio_pci_cap fields, from the capability's start */
#define CAP_CFG_TYPE 3
#define CAP_BAR 4
#define CAP_OFFSET 8
#define CAP_LENGTH 12
#define CAP_NOTIFY_MULTIPLIER 16

struct walk {
    virtio_pci_read_fn read;
    void *context;
    const uint64_t *bar_sizes;
    struct virtio_pci_layout found;
};

static struct virtio_pci_structure *structure_of(struct virtio_pci_layout *layout, long type)
{
    switch (type) {
    case VIRTIO_PCI_CAP_COMMON: return &layout->common;
    case VIRTIO_PCI_CAP_NOTIFY: return &layout->notify;
    case VIRTIO_PCI_CAP_ISR: return &layout->isr;
    case VIRTIO_PCI_CAP_DEVICE: return &layout->device_config;
    default: return NULL;
    }
}

/* Whether (bar, offset, length) lies inside a mapped memory BAR. */
static bool structure_fits(const struct walk *walk, long bar, long offset, long length)
{
    if (bar >= NONOS_DEVICE_BARS || walk->bar_sizes[bar] == 0 || length == 0)
        return false;
    return (uint64_t)offset + (uint64_t)length <= walk->bar_sizes[bar];
}

/* One vendor capability at `at`: kept if its type is known, not yet found
 * and its structure fits. */
static void capability_read(struct walk *walk, uint32_t at)
{
    long type = walk->read(walk->context, at + CAP_CFG_TYPE, 1);
    long bar = walk->read(walk->context, at + CAP_BAR, 1);
    long offset = walk->read(walk->context, at + CAP_OFFSET, 4);
    long length = walk->read(walk->context, at + CAP_LENGTH, 4);
    if (type < 0 || bar < 0 || offset < 0 || length < 0)
        return;
    struct virtio_pci_structure *structure = structure_of(&walk->found, type);
    if (structure == NULL || structure->present || !structure_fits(walk, bar, offset, length))
        return;
    *structure = (struct virtio_pci_structure){ .present = true, .bar = (uint8_t)bar,
                                                .offset = (uint32_t)offset, .length = (uint32_t)length };
    if (type == VIRTIO_PCI_CAP_NOTIFY) {
        long multiplier = walk->read(walk->context, at + CAP_NOTIFY_MULTIPLIER, 4);
        walk->found.notify_multiplier = multiplier < 0 ? 0 : (uint32_t)multiplier;
    }
}

static enum virtio_pci_refusal layout_check(const struct virtio_pci_layout *found)
{
    if (!found->common.present)
        return VIRTIO_PCI_ERR_NO_COMMON;
    if (found->common.length < VIRTIO_PCI_COMMON_LENGTH)
        return VIRTIO_PCI_ERR_COMMON_SHORT;
    if (!found->notify.present)
        return VIRTIO_PCI_ERR_NO_NOTIFY;
    if (!found->isr.present)
        return VIRTIO_PCI_ERR_NO_ISR;
    return VIRTIO_PCI_OK;
}

enum virtio_pci_refusal virtio_pci_layout_find(virtio_pci_read_fn read, void *context,
                                               const uint64_t bar_sizes[NONOS_DEVICE_BARS],
                                               struct virtio_pci_layout *layout)
{
    *layout = (struct virtio_pci_layout){ 0 };
    struct walk walk = { .read = read, .context = context, .bar_sizes = bar_sizes };
    long status = read(context, PCI_STATUS, 2);
    if (status < 0 || (status & PCI_STATUS_CAPABILITIES) == 0)
        return VIRTIO_PCI_ERR_NO_LIST;
    long at = read(context, PCI_CAPABILITY_POINTER, 1);
    for (int i = 0; i < VIRTIO_PCI_CAPABILITIES_MAX && at >= 0x40 && at < 0x100; i++) {
        at &= 0xfc;
        if (read(context, (uint32_t)at, 1) == PCI_CAPABILITY_VENDOR)
            capability_read(&walk, (uint32_t)at);
        at = read(context, (uint32_t)at + 1, 1);
    }
    enum virtio_pci_refusal refusal = layout_check(&walk.found);
    if (refusal == VIRTIO_PCI_OK)
        *layout = walk.found;
    return refusal;
}

const char *virtio_pci_message(enum virtio_pci_refusal refusal)
{
    switch (refusal) {
    case VIRTIO_PCI_OK: return NULL;
    case VIRTIO_PCI_ERR_NO_LIST: return "the device has no PCI capability list";
    case VIRTIO_PCI_ERR_NO_COMMON: return "no usable virtio common configuration structure";
    case VIRTIO_PCI_ERR_COMMON_SHORT: return "the virtio common configuration structure is too short";
    case VIRTIO_PCI_ERR_NO_NOTIFY: return "no virtio notification structure";
    case VIRTIO_PCI_ERR_NO_ISR: return "no virtio ISR structure";
    default: return "virtio PCI capabilities: unknown refusal";
    }
}

const char *virtio_pci_name(enum virtio_pci_refusal refusal)
{
    static const char *const names[VIRTIO_PCI_ERR_COUNT] = {
        "VIRTIO_PCI_OK", "VIRTIO_PCI_ERR_NO_LIST", "VIRTIO_PCI_ERR_NO_COMMON",
        "VIRTIO_PCI_ERR_COMMON_SHORT", "VIRTIO_PCI_ERR_NO_NOTIFY", "VIRTIO_PCI_ERR_NO_ISR",
    };
    return (unsigned)refusal < VIRTIO_PCI_ERR_COUNT ? names[refusal] : "VIRTIO_PCI_ERR_?";
}
