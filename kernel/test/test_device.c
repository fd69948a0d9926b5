/* In-kernel tests of the device layer (kernel/device/, docs/drivers.md):
 * the PCI enumeration of the test machine (tests/qemu/boot.sh gives it a
 * modern virtio-rng and virtio-net), the configuration-write rules, the
 * I/O-port range checks and the boot option parser. The ring-3 tests
 * (device capabilities only to the policy's capsule, refusals audited,
 * teardown at the end of a driver) are in test_hostile.c. */
#include "kernel/device/device.h"
#include "kernel/error.h"
#include "kernel/lib/cmdline.h"
#include "kernel/test/test.h"

#define VIRTIO_VENDOR 0x1af4
#define VIRTIO_RNG 0x1044
#define VIRTIO_NET 0x1041

static struct device *device_find(uint16_t vendor, uint16_t device_id)
{
    for (uint32_t i = 0; i < device_count(); i++) {
        struct device *device = device_at(i);
        if (device->pci.vendor_id == vendor && device->pci.device_id == device_id)
            return device;
    }
    return NULL;
}

/* A modern virtio device as QEMU makes it: MSI-X, BAR 1 (4 KiB, the MSI-X
 * table) and BAR 4 (16 KiB, 64-bit: the virtio structures). */
static bool virtio_layout(const struct device *device, const char *name, uint8_t class_code)
{
    const struct pci_function *fn = &device->pci;
    TEST_REQUIRE(fn->class_code == class_code && fn->msix_vectors >= 2 && fn->msix_offset != 0,
                 "%s: class %02x (want %02x), %u MSI-X vectors at 0x%x", name, fn->class_code,
                 class_code, fn->msix_vectors, fn->msix_offset);
    TEST_REQUIRE(fn->bars[1].kind == NONOS_BAR_MEMORY && fn->bars[1].size == 0x1000 &&
                     fn->bars[4].kind == NONOS_BAR_MEMORY && fn->bars[4].size == 0x4000 &&
                     (fn->bars[4].flags & 1) && fn->bars[4].base % 0x4000 == 0 &&
                     fn->bars[5].kind == NONOS_BAR_NONE,
                 "%s: BAR1 %u/0x%lx, BAR4 %u/0x%lx flags %u at 0x%lx", name, fn->bars[1].kind,
                 fn->bars[1].size, fn->bars[4].kind, fn->bars[4].size, fn->bars[4].flags,
                 fn->bars[4].base);
    /* The BARs are the firmware's, unmoved: the registers say the same. */
    uint32_t low = pci_config_read(fn, PCI_BAR0 + 16, 4) & ~0xfu;
    uint32_t high = pci_config_read(fn, PCI_BAR0 + 20, 4);
    TEST_REQUIRE(((uint64_t)high << 32 | low) == fn->bars[4].base,
                 "%s: BAR4 register 0x%x%08x, sized as 0x%lx", name, high, low, fn->bars[4].base);
    TEST_REQUIRE((pci_config_read(fn, PCI_COMMAND, 2) & PCI_COMMAND_BUS_MASTER) == 0 ||
                     device->driver != NULL,
                 "%s: bus mastering on with no driver", name);
    return true;
}

static bool test_device_enumeration_virtio(void)
{
    TEST_REQUIRE(device_count() >= 3, "%u PCI functions found (want the host bridge and two "
                 "virtio devices at least)", device_count());
    struct device *rng = device_find(VIRTIO_VENDOR, VIRTIO_RNG);
    struct device *net = device_find(VIRTIO_VENDOR, VIRTIO_NET);
    TEST_REQUIRE(rng && net, "virtio-rng %s, virtio-net %s (tests/qemu/boot.sh adds both)",
                 rng ? "found" : "missing", net ? "found" : "missing");
    return virtio_layout(rng, "virtio-rng", 0x00) && virtio_layout(net, "virtio-net", 0x02);
}

static bool test_device_config_write_rules(void)
{
    struct device *rng = device_find(VIRTIO_VENDOR, VIRTIO_RNG);
    TEST_REQUIRE(rng != NULL, "no virtio-rng");
    uint32_t command = pci_config_read(&rng->pci, PCI_COMMAND, 2);
    static const struct {
        uint64_t offset, width;
    } refused[] = { { 0x00, 2 }, { 0x10, 4 }, { 0x20, 4 }, { 0x24, 4 }, { 0x14, 1 },
                    { 0x04, 4 }, { 0x06, 2 }, { 0x3c, 1 }, { 0x0c, 1 } };
    for (size_t i = 0; i < sizeof refused / sizeof refused[0]; i++) {
        int result = device_config_write_check(rng, refused[i].offset, refused[i].width, 0);
        TEST_REQUIRE(result == -ERROR_DENIED, "write of %lu bytes at 0x%lx: %d, want DENIED",
                     refused[i].width, refused[i].offset, result);
    }
    uint32_t msix = rng->pci.msix_offset;
    TEST_REQUIRE(device_config_write_check(rng, msix + 2, 2, 0x8000) == -ERROR_DENIED &&
                     device_config_write_check(rng, msix, 4, 0) == -ERROR_DENIED &&
                     device_config_write_check(rng, msix + 11, 1, 0) == -ERROR_DENIED,
                 "MSI-X capability writes at 0x%x not all refused", msix);
    TEST_REQUIRE(device_config_write_check(rng, PCI_COMMAND, 2, command | PCI_COMMAND_MEMORY |
                                           PCI_COMMAND_IO) == 0 &&
                     device_config_write_check(rng, PCI_COMMAND, 2,
                                               command | PCI_COMMAND_INTX_DISABLE) == 0,
                 "command register: memory/io decode and INTx disable refused");
    TEST_REQUIRE(device_config_write_check(rng, PCI_COMMAND, 2, command | (1u << 8)) ==
                     -ERROR_DENIED,
                 "command register: SERR enable (not a driver's) allowed");
    bool was = device_dma_unconfined_set(false);
    int without = device_config_write_check(rng, PCI_COMMAND, 2, command | PCI_COMMAND_BUS_MASTER);
    device_dma_unconfined_set(true);
    int with = device_config_write_check(rng, PCI_COMMAND, 2, command | PCI_COMMAND_BUS_MASTER);
    device_dma_unconfined_set(was);
    TEST_REQUIRE(with == 0 && without == (device_dma_confined(rng) ? 0 : -ERROR_NOT_CONFINED),
                 "bus master: %d with dma=unconfined, %d without (confined: %d)", with, without,
                 device_dma_confined(rng));
    /* The device-specific area outside MSI-X: the driver's (virtio's own capabilities). */
    uint32_t free_offset = msix == 0x40 ? 0x50 : 0x40;
    TEST_REQUIRE(device_config_write_check(rng, free_offset, 1, 0) == 0 &&
                     device_config_write_check(rng, 0x100, 4, 0) == 0,
                 "device-specific bytes at 0x%x / extended space refused", free_offset);
    return true;
}

static bool test_device_port_ranges(void)
{
    const struct device *io = NULL;
    uint32_t bar = 0;
    for (uint32_t i = 0; i < device_count() && !io; i++) {
        for (bar = 0; bar < NONOS_DEVICE_BARS; bar++) {
            if (device_at(i)->pci.bars[bar].kind == NONOS_BAR_IO) {
                io = device_at(i);
                break;
            }
        }
    }
    TEST_REQUIRE(io != NULL, "no device with an I/O BAR (q35's AHCI and SMBus have one)");
    uint64_t base = io->pci.bars[bar].base, size = io->pci.bars[bar].size;
    TEST_REQUIRE(device_port_valid(io, base, 1) && device_port_valid(io, base, 4) &&
                     device_port_valid(io, base + size - 4, 4) &&
                     device_port_valid(io, base + size - 1, 1),
                 "ports inside BAR%u 0x%lx+0x%lx refused", bar, base, size);
    TEST_REQUIRE(!device_port_valid(io, base - 1, 1) && !device_port_valid(io, base + size, 1) &&
                     !device_port_valid(io, base + size - 2, 4) &&
                     !device_port_valid(io, base, 3) && !device_port_valid(io, base, 8) &&
                     !device_port_valid(io, UINT64_MAX, 2),
                 "ports outside BAR%u 0x%lx+0x%lx (or bad widths) allowed", bar, base, size);
    const struct device *rng = device_find(VIRTIO_VENDOR, VIRTIO_RNG);
    TEST_REQUIRE(rng && !device_port_valid(rng, base, 1),
                 "another device's ports allowed to virtio-rng");
    return true;
}

static bool test_device_command_line(void)
{
    static const char line[] = "quiet dma=unconfined\tdebug";
    TEST_REQUIRE(cmdline_has(line, sizeof line - 1, "dma=unconfined") &&
                     cmdline_has(line, sizeof line - 1, "debug") &&
                     !cmdline_has(line, sizeof line - 1, "dma") &&
                     !cmdline_has(line, sizeof line - 1, "dma=unconfine") &&
                     !cmdline_has(line, 10, "dma=unconfined") &&
                     !cmdline_has("dma=unconfined", 256, "dma=unconfined"),
                 "command-line options misparsed");
    return true;
}

/* The platform's bridges (q35: host bridge 8086:29c0, LPC 8086:2918) are
 * never claimed, whatever a policy names. */
static bool test_device_bridges_never_claimed(void)
{
    static const uint16_t bridges[][2] = { { 0x8086, 0x29c0 }, { 0x8086, 0x2918 } };
    for (size_t i = 0; i < 2; i++) {
        struct device *bridge = device_find(bridges[i][0], bridges[i][1]);
        TEST_REQUIRE(bridge && bridge->pci.class_code == 0x06, "q35 bridge %04x:%04x missing",
                     bridges[i][0], bridges[i][1]);
        struct device *out = NULL;
        int result = device_claim(NULL, bridges[i][0], bridges[i][1], &out);
        TEST_REQUIRE(result == -ERROR_DENIED && out == NULL && bridge->driver == NULL &&
                         bridge->domain == NULL,
                     "bridge %04x:%04x: claim gave %d", bridges[i][0], bridges[i][1], result);
    }
    return true;
}

static const struct test_case device_cases[] = {
    { "device_bridges_never_claimed", test_device_bridges_never_claimed },
    { "device_enumeration_virtio", test_device_enumeration_virtio },
    { "device_config_write_rules", test_device_config_write_rules },
    { "device_port_ranges", test_device_port_ranges },
    { "device_command_line", test_device_command_line },
};
TEST_TABLE(device_cases);
