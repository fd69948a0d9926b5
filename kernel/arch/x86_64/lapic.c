/* xAPIC driver. The register page comes from IA32_APIC_BASE and is mapped
 * uncached into the vmap window (vm_map_mmio); registers are 32-bit at
 * 16-byte strides. The timer divides the bus clock by 16. */
#include "kernel/arch/x86_64/lapic.h"

#include "kernel/arch/interrupt.h"
#include "kernel/arch/io.h"
#include "kernel/mm/vm.h"
#include "kernel/panic.h"

#define LAPIC_ID 0x020
#define LAPIC_EOI 0x0b0
#define LAPIC_SPURIOUS 0x0f0
#define LAPIC_LVT_TIMER 0x320
#define LAPIC_TIMER_INITIAL 0x380
#define LAPIC_TIMER_CURRENT 0x390
#define LAPIC_TIMER_DIVIDE 0x3e0

#define LAPIC_ENABLE (1u << 8)
#define LVT_MASKED (1u << 16)
#define LVT_PERIODIC (1u << 17)
#define APIC_BASE_ENABLE (1ull << 11)

static volatile uint32_t *lapic_registers;

static uint32_t lapic_read(uint32_t reg)
{
    return lapic_registers[reg / 4];
}

static void lapic_write(uint32_t reg, uint32_t value)
{
    lapic_registers[reg / 4] = value;
}

/* Remap the PICs to vectors 0x20-0x2f (so a stray PIC interrupt cannot look
 * like an exception) and mask every line: the LAPIC does the work. */
void pic_disable(void)
{
    port_write8(0x20, 0x11);
    port_write8(0xa0, 0x11);
    io_wait();
    port_write8(0x21, 0x20);
    port_write8(0xa1, 0x28);
    io_wait();
    port_write8(0x21, 4);
    port_write8(0xa1, 2);
    io_wait();
    port_write8(0x21, 1);
    port_write8(0xa1, 1);
    io_wait();
    port_write8(0x21, 0xff);
    port_write8(0xa1, 0xff);
}

void lapic_init(void)
{
    uint64_t base = rdmsr(MSR_APIC_BASE);
    wrmsr(MSR_APIC_BASE, base | APIC_BASE_ENABLE);
    lapic_registers = vm_map_mmio(base & ~0xfffull, 4096, VM_UNCACHED);
    if (!lapic_registers)
        panic("lapic: cannot map registers at 0x%lx", (uint64_t)(base & ~0xfffull));
    irq_set_handler(VECTOR_SPURIOUS, NULL, NULL); /* never acknowledged */
    lapic_write(LAPIC_SPURIOUS, LAPIC_ENABLE | VECTOR_SPURIOUS);
    lapic_write(LAPIC_TIMER_DIVIDE, 0x3); /* divide by 16 */
    lapic_timer_stop();
}

void interrupt_controller_init(void)
{
    pic_disable();
    lapic_init();
}

void lapic_eoi(void)
{
    lapic_write(LAPIC_EOI, 0);
}

uint32_t lapic_id(void)
{
    return lapic_read(LAPIC_ID) >> 24;
}

void lapic_timer_stop(void)
{
    lapic_write(LAPIC_LVT_TIMER, LVT_MASKED);
    lapic_write(LAPIC_TIMER_INITIAL, 0);
}

void lapic_timer_start_oneshot(uint32_t count)
{
    lapic_write(LAPIC_LVT_TIMER, LVT_MASKED);
    lapic_write(LAPIC_TIMER_INITIAL, count);
}

uint32_t lapic_timer_current(void)
{
    return lapic_read(LAPIC_TIMER_CURRENT);
}

void lapic_timer_start_periodic(uint8_t vector, uint32_t count)
{
    lapic_write(LAPIC_LVT_TIMER, LVT_PERIODIC | vector);
    lapic_write(LAPIC_TIMER_INITIAL, count);
}
