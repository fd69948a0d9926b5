/* The bad-device corpus of the virtio drivers' PCI capability walk
 * (tests/corpus/virtio-pci/): configuration spaces a device could present,
 * each with the exact refusal of user/lib/virtio_pci.c, and good ones as
 * controls. Inputs are in the format of tests/user/virtio_pci_replay.h
 * (BAR sizes, then configuration space). Every case starts from the layout
 * QEMU's virtio-pci gives (all four structures in BAR 4, 16 KiB) and
 * changes one thing.
 *
 * The cases are generated here and committed with an `expected` file
 * (tests/host/expected_corpus.h):
 *   <case> <VIRTIO_PCI_...>  # what
 * usage: virtio_pci_corpus --write DIR | --check DIR */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "tests/host/expected_corpus.h"
#include "tests/user/virtio_pci_replay.h"

#define CONFIG_SIZE 256
#define CASE_SIZE (VIRTIO_PCI_REPLAY_HEADER + CONFIG_SIZE)

/* Where the good device's capabilities are. */
#define AT_COMMON 0x40
#define AT_NOTIFY 0x54
#define AT_ISR 0x68
#define AT_DEVICE 0x78
#define AT_FREE 0x88 /* first unused byte */

static struct expected_corpus corpus;

static void put(uint8_t *p, uint64_t value, int bytes)
{
    for (int i = 0; i < bytes; i++)
        p[i] = (uint8_t)(value >> (8 * i));
}

static uint8_t *config(struct expected_case *c)
{
    return c->data + VIRTIO_PCI_REPLAY_HEADER;
}

static void bar_size(struct expected_case *c, int bar, uint64_t size)
{
    put(c->data + 8 * bar, size, 8);
}

/* A virtio_pci_cap (a virtio_pci_notify_cap for type 2) at `at`. */
static void capability(struct expected_case *c, uint32_t at, uint8_t next, uint8_t type, uint8_t bar,
                       uint32_t offset, uint32_t length)
{
    uint8_t *p = config(c) + at;
    p[0] = 0x09;
    p[1] = next;
    p[2] = type == 2 ? 20 : 16;
    p[3] = type;
    p[4] = bar;
    put(p + 8, offset, 4);
    put(p + 12, length, 4);
    if (type == 2)
        put(p + 16, 4, 4); /* notify_off_multiplier */
}

/* A new case holding the good device. */
static struct expected_case *begin(const char *name, const char *what, enum virtio_pci_refusal expected)
{
    struct expected_case *c = expected_corpus_add(&corpus, name, what, CASE_SIZE, (int)expected);
    c->length = CASE_SIZE;
    bar_size(c, 4, 0x4000);
    put(config(c), 0x10011af4, 4);     /* vendor, device: virtio-rng */
    put(config(c) + 6, 0x0010, 2);     /* status: capability list */
    config(c)[0x34] = AT_COMMON;
    capability(c, AT_COMMON, AT_NOTIFY, 1, 4, 0x0000, 0x38);
    capability(c, AT_NOTIFY, AT_ISR, 2, 4, 0x3000, 0x1000);
    capability(c, AT_ISR, AT_DEVICE, 3, 4, 0x1000, 0x1000);
    capability(c, AT_DEVICE, 0, 4, 4, 0x2000, 0x1000);
    return c;
}

static void generate_good(void)
{
    begin("ok-qemu", "QEMU's layout: common, notify, ISR, device in BAR 4", VIRTIO_PCI_OK);
    struct expected_case *c = begin("ok-no-device-config", "no device-specific structure (it is optional here)",
                                  VIRTIO_PCI_OK);
    config(c)[AT_ISR + 1] = 0;
    c = begin("ok-other-capability-first", "an MSI-X capability (id 0x11) before the virtio ones", VIRTIO_PCI_OK);
    config(c)[0x34] = AT_FREE;
    config(c)[AT_FREE] = 0x11;
    config(c)[AT_FREE + 1] = AT_COMMON;
    c = begin("ok-pointer-low-bits", "capability pointer 0x43: the low two bits are ignored", VIRTIO_PCI_OK);
    config(c)[0x34] = AT_COMMON | 3;
    c = begin("ok-list-loops-after-all", "the last capability points back to the first: 48 entries, then stop",
              VIRTIO_PCI_OK);
    config(c)[AT_DEVICE + 1] = AT_COMMON;
    c = begin("ok-skipped-common-then-good", "a common structure in BAR 6 (none), then a good one", VIRTIO_PCI_OK);
    config(c)[0x34] = AT_FREE;
    capability(c, AT_FREE, AT_COMMON, 1, 6, 0, 0x38);
    c = begin("ok-multiplier-unreadable", "configuration space ends inside notify_off_multiplier (taken as 0)",
              VIRTIO_PCI_OK);
    config(c)[AT_COMMON + 1] = AT_ISR; /* the notification capability last, at the end of the input */
    config(c)[AT_DEVICE + 1] = AT_FREE;
    capability(c, AT_FREE, 0, 2, 4, 0x3000, 0x1000);
    c->length = VIRTIO_PCI_REPLAY_HEADER + AT_FREE + 18;
}

static void generate_no_list(void)
{
    struct expected_case *c = begin("no-list-status-bit", "status without the capability-list bit",
                                  VIRTIO_PCI_ERR_NO_LIST);
    put(config(c) + 6, 0xffef, 2);
    c = begin("no-list-status-unreadable", "configuration space of 7 bytes: the status cannot be read",
              VIRTIO_PCI_ERR_NO_LIST);
    c->length = VIRTIO_PCI_REPLAY_HEADER + 7;
    c = begin("no-list-empty", "no input at all", VIRTIO_PCI_ERR_NO_LIST);
    c->length = 0;
    c = begin("no-list-bar-sizes-only", "BAR sizes and no configuration space", VIRTIO_PCI_ERR_NO_LIST);
    c->length = VIRTIO_PCI_REPLAY_HEADER;
}

static void generate_no_common(void)
{
    struct expected_case *c = begin("pointer-zero", "capability pointer 0", VIRTIO_PCI_ERR_NO_COMMON);
    config(c)[0x34] = 0;
    c = begin("pointer-in-header", "capability pointer 0x3c, inside the standard header", VIRTIO_PCI_ERR_NO_COMMON);
    config(c)[0x34] = 0x3c;
    c = begin("pointer-unreadable", "configuration space ends before the capability pointer",
              VIRTIO_PCI_ERR_NO_COMMON);
    c->length = VIRTIO_PCI_REPLAY_HEADER + 0x34;
    c = begin("list-self-loop", "a capability pointing at itself, the virtio ones never reached",
              VIRTIO_PCI_ERR_NO_COMMON);
    config(c)[0x34] = AT_FREE;
    config(c)[AT_FREE] = 0x05;
    config(c)[AT_FREE + 1] = AT_FREE;
    c = begin("common-not-vendor", "the common structure's capability id is 0x10, not 9", VIRTIO_PCI_ERR_NO_COMMON);
    config(c)[AT_COMMON] = 0x10;
    c = begin("common-type-0", "cfg_type 0 where the common structure was", VIRTIO_PCI_ERR_NO_COMMON);
    config(c)[AT_COMMON + 3] = 0;
    c = begin("common-type-5", "cfg_type 5 (PCI configuration access) where the common structure was",
              VIRTIO_PCI_ERR_NO_COMMON);
    config(c)[AT_COMMON + 3] = 5;
    c = begin("common-bar-6", "BAR 6: there are six", VIRTIO_PCI_ERR_NO_COMMON);
    config(c)[AT_COMMON + 4] = 6;
    c = begin("common-bar-255", "BAR 255", VIRTIO_PCI_ERR_NO_COMMON);
    config(c)[AT_COMMON + 4] = 255;
    c = begin("common-bar-unmapped", "BAR 2, not a mapped memory BAR (size 0)", VIRTIO_PCI_ERR_NO_COMMON);
    config(c)[AT_COMMON + 4] = 2;
    c = begin("common-length-zero", "a common structure of 0 bytes", VIRTIO_PCI_ERR_NO_COMMON);
    put(config(c) + AT_COMMON + 12, 0, 4);
    c = begin("common-past-bar-end", "56 bytes at 0x3fd0 of a 16 KiB BAR", VIRTIO_PCI_ERR_NO_COMMON);
    put(config(c) + AT_COMMON + 8, 0x3fd0, 4);
    c = begin("common-offset-wraps", "offset 0xffffffff: the end wraps in 32 bits", VIRTIO_PCI_ERR_NO_COMMON);
    put(config(c) + AT_COMMON + 8, 0xffffffff, 4);
    c = begin("common-length-huge", "length 0xffffffff", VIRTIO_PCI_ERR_NO_COMMON);
    put(config(c) + AT_COMMON + 12, 0xffffffff, 4);
    c = begin("common-bar-too-small", "BAR 4 of 32 bytes", VIRTIO_PCI_ERR_NO_COMMON);
    bar_size(c, 4, 32);
    c = begin("common-truncated", "configuration space ends inside the common capability's length",
              VIRTIO_PCI_ERR_NO_COMMON);
    c->length = VIRTIO_PCI_REPLAY_HEADER + AT_COMMON + 14;
}

static void generate_other(void)
{
    struct expected_case *c = begin("common-short-55", "a common structure of 55 bytes", VIRTIO_PCI_ERR_COMMON_SHORT);
    put(config(c) + AT_COMMON + 12, 55, 4);
    c = begin("common-short-then-good", "a 16-byte common structure first: the first usable one is kept",
              VIRTIO_PCI_ERR_COMMON_SHORT);
    config(c)[0x34] = AT_FREE;
    capability(c, AT_FREE, AT_COMMON, 1, 4, 0, 16);
    c = begin("notify-missing", "no notification capability", VIRTIO_PCI_ERR_NO_NOTIFY);
    config(c)[AT_COMMON + 1] = AT_ISR;
    c = begin("notify-past-bar-end", "the notification structure 4 KiB at 0x3001", VIRTIO_PCI_ERR_NO_NOTIFY);
    put(config(c) + AT_NOTIFY + 8, 0x3001, 4);
    c = begin("notify-bar-io", "the notification structure in BAR 0 (I/O, size 0 here)", VIRTIO_PCI_ERR_NO_NOTIFY);
    config(c)[AT_NOTIFY + 4] = 0;
    c = begin("isr-missing", "no ISR capability", VIRTIO_PCI_ERR_NO_ISR);
    config(c)[AT_NOTIFY + 1] = AT_DEVICE;
    c = begin("isr-length-zero", "an ISR structure of 0 bytes", VIRTIO_PCI_ERR_NO_ISR);
    put(config(c) + AT_ISR + 12, 0, 4);
    c = begin("isr-truncated", "configuration space ends inside the ISR capability", VIRTIO_PCI_ERR_NO_ISR);
    c->length = VIRTIO_PCI_REPLAY_HEADER + AT_ISR + 10;
    c = begin("isr-behind-loop", "the list loops among 30 other capabilities before the ISR one",
              VIRTIO_PCI_ERR_NO_ISR);
    config(c)[AT_NOTIFY + 1] = AT_FREE;
    for (uint32_t at = AT_FREE; at < 0x100; at += 4) {
        config(c)[at] = 0x05;
        config(c)[at + 1] = (uint8_t)(at + 4 < 0x100 ? at + 4 : AT_FREE);
    }
}

static void generate(void)
{
    generate_good();
    generate_no_list();
    generate_no_common();
    generate_other();
}

static bool layout_zero(const struct virtio_pci_layout *layout)
{
    static const struct virtio_pci_layout zero;
    return memcmp(layout, &zero, sizeof zero) == 0;
}

static const char *refusal_name(int refusal) { return virtio_pci_name((enum virtio_pci_refusal)refusal); }

/* A refusal must leave the layout all zero; a good device has its common structure. */
static bool replay(const char *name, const uint8_t *input, size_t size, int *result, char *column,
                   size_t column_size)
{
    (void)name;
    (void)column;
    (void)column_size;
    uint64_t bar_sizes[NONOS_DEVICE_BARS];
    struct virtio_pci_layout layout;
    enum virtio_pci_refusal got = virtio_pci_replay(input, size, bar_sizes, &layout, NULL);
    *result = (int)got;
    return got == VIRTIO_PCI_OK ? layout.common.present : layout_zero(&layout);
}

int main(int argc, char **argv)
{
    corpus = (struct expected_corpus){
        .name = "virtio-pci",
        .program = "virtio_pci_corpus (tests/user/virtio_pci_corpus.c)",
        .header = "# <case> <refusal>: written by virtio_pci_corpus --write (tests/user/virtio_pci_corpus.c)\n"
                  "# input: six BAR sizes (8 bytes each, LE; 0: no mapped memory BAR), then configuration space\n",
        .columns = 2,
        .result_count = VIRTIO_PCI_ERR_COUNT,
        .result_name = refusal_name,
        .replay = replay,
    };
    generate();
    return expected_corpus_main(&corpus, argc, argv);
}
