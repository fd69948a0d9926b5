/* Replaying one corpus or fuzz input through virtio_pci (virtio_pci_replay.h). */
#include "tests/user/virtio_pci_replay.h"

struct config_space {
    const uint8_t *bytes;
    size_t length;
    unsigned reads;
};

static long space_read(void *context, uint32_t offset, uint32_t width)
{
    struct config_space *space = context;
    space->reads++;
    if ((width != 1 && width != 2 && width != 4) || offset > space->length || width > space->length - offset)
        return -1;
    uint32_t value = 0;
    for (uint32_t i = 0; i < width; i++)
        value |= (uint32_t)space->bytes[offset + i] << (8 * i);
    return (long)value;
}

enum virtio_pci_refusal virtio_pci_replay(const uint8_t *input, size_t size, uint64_t bar_sizes[NONOS_DEVICE_BARS],
                                          struct virtio_pci_layout *layout, unsigned *reads)
{
    for (size_t bar = 0; bar < NONOS_DEVICE_BARS; bar++) {
        bar_sizes[bar] = 0;
        for (size_t i = 0; i < 8 && 8 * bar + i < size; i++)
            bar_sizes[bar] |= (uint64_t)input[8 * bar + i] << (8 * i);
    }
    struct config_space space = { input + VIRTIO_PCI_REPLAY_HEADER, 0, 0 };
    if (size > VIRTIO_PCI_REPLAY_HEADER)
        space.length = size - VIRTIO_PCI_REPLAY_HEADER;
    else
        space.bytes = input;
    enum virtio_pci_refusal refusal = virtio_pci_layout_find(space_read, &space, bar_sizes, layout);
    if (reads != NULL)
        *reads = space.reads;
    return refusal;
}
