/* libFuzzer target for the PCI capability walk of the virtio drivers
 * (user/lib/virtio_pci.c): any BAR sizes and any configuration space
 * (tests/user/virtio_pci_replay.h), walked as the drivers walk it. What an
 * accepted layout lets the driver do is checked with abort(): every
 * structure kept lies inside a mapped BAR (the driver adds its offset to
 * the BAR's mapping), the common structure holds all its fields, the
 * notification and ISR structures are there. A refusal leaves the layout
 * all zero. The walk is bounded: two reads, at most six per list entry
 * for 48 entries, and one for the notify multiplier. The exact refusal of each bad device is in
 * tests/corpus/virtio-pci/expected (virtio_pci_corpus.c). */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "tests/user/virtio_pci_replay.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void require(bool condition)
{
    if (!condition)
        abort();
}

static void structure_check(const struct virtio_pci_structure *s, const uint64_t *bar_sizes)
{
    if (!s->present) {
        require(s->bar == 0 && s->offset == 0 && s->length == 0);
        return;
    }
    require(s->bar < NONOS_DEVICE_BARS && bar_sizes[s->bar] != 0 && s->length != 0);
    require((uint64_t)s->offset + s->length <= bar_sizes[s->bar]);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const struct virtio_pci_layout zero;
    uint64_t bar_sizes[NONOS_DEVICE_BARS];
    struct virtio_pci_layout layout;
    unsigned reads = 0;
    enum virtio_pci_refusal refusal = virtio_pci_replay(data, size, bar_sizes, &layout, &reads);
    require((unsigned)refusal < VIRTIO_PCI_ERR_COUNT);
    require((virtio_pci_message(refusal) == NULL) == (refusal == VIRTIO_PCI_OK));
    require(reads <= 3 + 6 * VIRTIO_PCI_CAPABILITIES_MAX);
    if (refusal != VIRTIO_PCI_OK) {
        require(memcmp(&layout, &zero, sizeof zero) == 0);
        return 0;
    }
    require(layout.common.present && layout.common.length >= VIRTIO_PCI_COMMON_LENGTH);
    require(layout.notify.present && layout.isr.present);
    structure_check(&layout.common, bar_sizes);
    structure_check(&layout.notify, bar_sizes);
    structure_check(&layout.isr, bar_sizes);
    structure_check(&layout.device_config, bar_sizes);
    return 0;
}
