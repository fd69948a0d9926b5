/* ACPI power-off and reset.
 *
 * Tables are reached through vm_map_mmio (cached, read-only use): the
 * kernel's direct map is not promised to cover firmware regions. Only the
 * few values in struct acpi_info are kept; nothing here holds a pointer
 * into the tables after acpi_init returns. */
#include "kernel/acpi/acpi.h"

#include <stdbool.h>

#include "kernel/arch/cpu.h"
#include "kernel/arch/interrupt.h"
#include "kernel/arch/io.h"
#include "kernel/arch/time.h"
#include "kernel/lib/print.h"
#include "kernel/mm/vm.h"

#define PM1_SCI_ENABLE (1u << 0)
#define PM1_SLEEP_TYPE_SHIFT 10
#define PM1_SLEEP_TYPE_MASK (7u << PM1_SLEEP_TYPE_SHIFT)
#define PM1_SLEEP_ENABLE (1u << 13)
#define PS2_STATUS 0x64
#define PS2_COMMAND 0x64
#define PS2_INPUT_FULL 0x02
#define PS2_PULSE_RESET 0xfe

static struct acpi_info acpi;
static int acpi_result = ACPI_ERROR_NO_RSDP;

static const uint8_t *acpi_map(void *context, uint64_t phys, uint64_t len)
{
    (void)context;
    if (len == 0 || phys + len < phys)
        return NULL;
    return vm_map_mmio(phys, len, 0);
}

int acpi_init(uint64_t rsdp_phys)
{
    struct acpi_memory memory = { acpi_map, NULL };
    acpi_result = acpi_parse(&memory, rsdp_phys, &acpi);
    if (acpi_result != ACPI_OK)
        kprintf("acpi: %s: power-off unavailable%s\n", acpi_error_message(acpi_result),
                acpi.reset_supported ? "" : ", reset by 8042 only");
    else
        kprintf("acpi: rsdp rev %u, %u tables, pm1a 0x%x pm1b 0x%x, S5 %u/%u, reset %s 0x%llx=0x%x\n",
                acpi.rsdp_revision, acpi.xsdt_entries, acpi.pm1a_control, acpi.pm1b_control,
                acpi.s5_sleep_type_a, acpi.s5_sleep_type_b,
                acpi.reset_supported ? (acpi.reset_register.space == ACPI_SPACE_IO ? "io" : "mem")
                                     : "none",
                (unsigned long long)acpi.reset_register.address, acpi.reset_value);
    return acpi_result;
}

const struct acpi_memory *acpi_memory_access(void)
{
    static const struct acpi_memory memory = { acpi_map, NULL };
    return &memory;
}

const struct acpi_info *acpi_state(void)
{
    return &acpi;
}

/* Firmware that boots in legacy mode leaves SCI_EN clear until the OS
 * writes ACPI_ENABLE to the SMI command port; SLP_EN is ignored until then. */
static void acpi_enable_mode(void)
{
    if ((port_read16(acpi.pm1a_control) & PM1_SCI_ENABLE) != 0 || acpi.smi_command == 0 ||
        acpi.smi_command > 0xffff || acpi.acpi_enable == 0)
        return;
    port_write8((uint16_t)acpi.smi_command, acpi.acpi_enable);
    for (int i = 0; i < 300 && (port_read16(acpi.pm1a_control) & PM1_SCI_ENABLE) == 0; i++)
        timer_delay_us(1000);
}

static void pm1_sleep(uint16_t port, uint8_t sleep_type)
{
    uint16_t value = port_read16(port) & (uint16_t)~(PM1_SLEEP_TYPE_MASK | PM1_SLEEP_ENABLE);
    value |= (uint16_t)(sleep_type << PM1_SLEEP_TYPE_SHIFT);
    port_write16(port, value);
    port_write16(port, (uint16_t)(value | PM1_SLEEP_ENABLE));
}

int acpi_poweroff(void)
{
    if (!acpi.s5_found)
        return acpi_result != ACPI_OK ? acpi_result : ACPI_ERROR_NO_S5;
    if (acpi.pm1a_control == 0)
        return ACPI_ERROR_NO_PM1A;
    interrupts_disable();
    acpi_enable_mode();
    pm1_sleep(acpi.pm1a_control, acpi.s5_sleep_type_a);
    if (acpi.pm1b_control != 0)
        pm1_sleep(acpi.pm1b_control, acpi.s5_sleep_type_b);
    timer_delay_us(500000); /* power fades; if we get past this, it failed */
    return ACPI_ERROR_NO_S5;
}

static void reset_by_register(void)
{
    const struct acpi_address *reg = &acpi.reset_register;
    if (!acpi.reset_supported || reg->address == 0)
        return;
    if (reg->space == ACPI_SPACE_IO && reg->address <= 0xffff) {
        port_write8((uint16_t)reg->address, acpi.reset_value);
    } else if (reg->space == ACPI_SPACE_MEMORY) {
        volatile uint8_t *mmio = vm_map_mmio(reg->address, 1, VM_UNCACHED);
        if (mmio != NULL)
            *mmio = acpi.reset_value;
    }
    timer_delay_us(100000);
}

static void reset_by_8042(void)
{
    if (port_read8(PS2_STATUS) == 0xff) /* no controller */
        return;
    for (int i = 0; i < 10000 && (port_read8(PS2_STATUS) & PS2_INPUT_FULL) != 0; i++)
        cpu_pause();
    port_write8(PS2_COMMAND, PS2_PULSE_RESET);
    timer_delay_us(100000);
}

_Noreturn void acpi_reset(void)
{
    interrupts_disable();
    reset_by_register();
    reset_by_8042();
    cpu_reset();
}
