/* The system timer. Calibration: the PIT's channel 2 (gated by port 0x61,
 * no interrupt needed) counts down CALIBRATION_MS milliseconds in mode 0
 * while the LAPIC timer counts down from its maximum and the TSC runs; the
 * two rates follow. The LAPIC timer then fires VECTOR_TIMER timer_hz times a
 * second, and each tick calls the scheduler. Uptime comes from the TSC,
 * which is finer than ticks. */
#include "kernel/arch/time.h"

#include "kernel/arch/x86_64/cpu.h"
#include "kernel/console/console.h"
#include "kernel/arch/x86_64/io.h"
#include "kernel/arch/x86_64/lapic.h"
#include "kernel/arch/x86_64/trap.h"
#include "kernel/panic.h"
#include "kernel/sched/thread.h"

#define PIT_HZ 1193182ull
#define PIT_CHANNEL2 0x42
#define PIT_COMMAND 0x43
#define PIT_GATE_PORT 0x61
/* Short: under QEMU's -icount every calibration millisecond costs a million
 * instructions of the boot budget (a tenth of the 20 M target at 2 ms).
 * 1 ms of PIT is 1193 counts: one count is 0.08 %, and on hardware the poll
 * below sees the end within a port read (about 1 us, 0.1 %), so the rates
 * are within 0.2 %: the tick and the CPU budgets (enforced within 10 %)
 * need far less. */
#define CALIBRATION_MS 1
/* A PIT that never reaches zero (absent or broken) must not hang the boot
 * silently: give up after this many polls (seconds on real hardware). */
#define CALIBRATION_MAX_POLLS 20000000u

static volatile uint64_t ticks;
static uint64_t tsc_hz;
static uint64_t lapic_hz;
static uint64_t boot_tsc;

/* Runs the PIT channel 2 for CALIBRATION_MS; returns LAPIC counts and TSC
 * ticks that elapsed meanwhile. */
static void calibration_measure(uint64_t *lapic_counts, uint64_t *tsc_ticks)
{
    uint16_t pit_count = (uint16_t)(PIT_HZ * CALIBRATION_MS / 1000);
    uint8_t gate = port_read8(PIT_GATE_PORT);
    port_write8(PIT_GATE_PORT, (uint8_t)((gate & ~0x02u) & ~0x01u)); /* speaker off, gate low */
    port_write8(PIT_COMMAND, 0xb0);                                   /* channel 2, lo/hi, mode 0 */
    port_write8(PIT_CHANNEL2, (uint8_t)pit_count);
    port_write8(PIT_CHANNEL2, (uint8_t)(pit_count >> 8));
    lapic_timer_start_oneshot(0xffffffffu);
    uint32_t lapic_start = lapic_timer_current();
    uint64_t tsc_start = rdtsc();
    port_write8(PIT_GATE_PORT, (uint8_t)((gate & ~0x02u) | 0x01u)); /* gate high: count */
    uint32_t polls = 0;
    while (!(port_read8(PIT_GATE_PORT) & 0x20)) {
        if (++polls == CALIBRATION_MAX_POLLS)
            panic("timer: the PIT channel 2 never finished counting; cannot calibrate");
        cpu_pause();
    }
    *tsc_ticks = rdtsc() - tsc_start;
    *lapic_counts = lapic_start - lapic_timer_current();
    lapic_timer_stop();
    port_write8(PIT_GATE_PORT, gate);
}

static void timer_interrupt(struct trap_frame *frame)
{
    (void)frame;
    ticks++;
    console_input_tick(); /* before sched_tick: a woken reader runs next */
    sched_tick();
}

void timer_init(uint64_t epoch_cycles)
{
    uint64_t lapic_counts, tsc_ticks;
    boot_tsc = epoch_cycles;
    calibration_measure(&lapic_counts, &tsc_ticks);
    lapic_hz = lapic_counts * 1000 / CALIBRATION_MS;
    tsc_hz = tsc_ticks * 1000 / CALIBRATION_MS;
    if (lapic_hz < TIMER_HZ || tsc_hz == 0)
        panic("timer: calibration failed (lapic %lu Hz, tsc %lu Hz)", lapic_hz, tsc_hz);
    irq_set_handler(VECTOR_TIMER, timer_interrupt, lapic_eoi);
    lapic_timer_start_periodic(VECTOR_TIMER, (uint32_t)(lapic_hz / TIMER_HZ));
}

uint64_t timer_ticks(void)
{
    return ticks;
}

uint32_t timer_hz(void)
{
    return TIMER_HZ;
}

uint64_t timer_cycles_hz(void)
{
    return tsc_hz;
}

/* Split so the products stay below 2^64: remainder < tsc_hz < ~2^34. */
static uint64_t tsc_to_ns(uint64_t delta)
{
    uint64_t seconds = delta / tsc_hz;
    uint64_t remainder = delta % tsc_hz;
    return seconds * 1000000000ull + remainder * 1000000000ull / tsc_hz;
}

uint64_t timer_cycles_to_ns(uint64_t cycles)
{
    return tsc_hz == 0 ? 0 : tsc_to_ns(cycles);
}

/* ns = s * 10^9 + r: s * tsc_hz (saturating) + r * tsc_hz / 10^9, where
 * r < 2^30 and tsc_hz < 2^34 keep the second product below 2^64. */
uint64_t timer_ns_to_cycles(uint64_t ns)
{
    uint64_t seconds = ns / 1000000000ull, remainder = ns % 1000000000ull;
    if (tsc_hz != 0 && seconds > UINT64_MAX / tsc_hz)
        return UINT64_MAX;
    uint64_t whole = seconds * tsc_hz, part = remainder * tsc_hz / 1000000000ull;
    return whole > UINT64_MAX - part ? UINT64_MAX : whole + part;
}

uint64_t timer_uptime_ns(void)
{
    if (tsc_hz == 0)
        return 0;
    return tsc_to_ns(rdtsc() - boot_tsc);
}

void timer_delay_us(uint64_t us)
{
    if (tsc_hz == 0) {
        for (uint64_t i = 0; i < us; i++)
            io_wait(); /* about 1 us each: good enough before calibration */
        return;
    }
    uint64_t end = rdtsc() + us * tsc_hz / 1000000;
    while (rdtsc() < end)
        cpu_pause();
}
