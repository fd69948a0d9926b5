/* The system timer. Calibration: the PIT's channel 2 (gated by port 0x61,
 * no interrupt needed) counts down in mode 0 while the LAPIC timer counts
 * down from its maximum and the TSC runs; the two rates follow from how far
 * each moved while the PIT counted at least CALIBRATION_MS. The window
 * opens early in the boot (timer_calibration_start) and closes in
 * timer_init: the counters read at both ends are what counts, so the boot
 * work in between (capsule verification) is the calibration's wait, where
 * a wait of its own cost a million instructions under QEMU -icount. The
 * LAPIC timer then fires VECTOR_TIMER timer_hz times a second, and each
 * tick calls the scheduler. Uptime comes from the TSC, which is finer than
 * ticks. */
#include "kernel/arch/time.h"

#include "kernel/arch/x86_64/cpu.h"
#include "kernel/arch/x86_64/timer.h"
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
#define PIT_LATCH_CHANNEL2 0x80
#define PIT_OUT2 0x20 /* port 0x61: channel 2's output, high at terminal count */
/* At least 1 ms: 1 ms of PIT is 1193 counts, and reading the counter at
 * each end is within a count, so the rates are within 0.2 % (the tick and
 * the CPU budgets, enforced within 10 %, need far less). A longer window,
 * as the boot usually gives, is only more exact. */
#define CALIBRATION_MS 1
#define CALIBRATION_MIN_COUNTS (PIT_HZ * CALIBRATION_MS / 1000)
/* The window may last until the 16-bit counter reaches zero (55 ms);
 * longer, and a fresh window of the minimum length is measured instead. */
#define CALIBRATION_START_COUNT 0xffffu
/* A PIT that never counts (absent or broken) must not hang the boot
 * silently: give up after this many polls (seconds on real hardware). */
#define CALIBRATION_MAX_POLLS 20000000u

static volatile uint64_t ticks;
static uint64_t tsc_hz;
static uint64_t lapic_hz;
static uint64_t boot_tsc;

/* The open calibration window: the three counters at its start. */
static struct {
    bool open;
    uint8_t gate; /* port 0x61 before, restored when the window closes */
    uint16_t pit;
    uint32_t lapic;
    uint64_t tsc;
} window;

static void calibration_poll_failed(void)
{
    panic("timer: the PIT channel 2 never counted; cannot calibrate");
}

/* Channel 2's count, latched (a two-byte read of a running counter could
 * mix two values otherwise). */
static uint16_t pit_channel2_count(void)
{
    port_write8(PIT_COMMAND, PIT_LATCH_CHANNEL2);
    uint8_t low = port_read8(PIT_CHANNEL2);
    uint8_t high = port_read8(PIT_CHANNEL2);
    return (uint16_t)(high << 8 | low);
}

static bool pit_channel2_expired(void)
{
    return (port_read8(PIT_GATE_PORT) & PIT_OUT2) != 0;
}

/* Loads `count` into channel 2 (mode 0) and starts it. Returns the gate
 * port's previous value. */
static uint8_t pit_channel2_start(uint16_t count)
{
    uint8_t gate = port_read8(PIT_GATE_PORT);
    port_write8(PIT_GATE_PORT, (uint8_t)((gate & ~0x02u) & ~0x01u)); /* speaker off, gate low */
    port_write8(PIT_COMMAND, 0xb0);                                   /* channel 2, lo/hi, mode 0 */
    port_write8(PIT_CHANNEL2, (uint8_t)count);
    port_write8(PIT_CHANNEL2, (uint8_t)(count >> 8));
    port_write8(PIT_GATE_PORT, (uint8_t)((gate & ~0x02u) | 0x01u)); /* gate high: count */
    return gate;
}

/* Opens a window: the PIT from its maximum, and with_lapic the LAPIC
 * timer from its maximum too (masked: it raises nothing; before the tick
 * runs only, as it stops the tick). The start is read only once the
 * counter runs below the value loaded (the load takes effect at the PIT's
 * next clock); each end reads the PIT, then the TSC, then the LAPIC. */
static void window_open(bool with_lapic)
{
    if (with_lapic)
        lapic_timer_start_oneshot(0xffffffffu);
    window.gate = pit_channel2_start(CALIBRATION_START_COUNT);
    uint32_t polls = 0;
    while ((window.pit = pit_channel2_count()) >= CALIBRATION_START_COUNT) {
        if (++polls == CALIBRATION_MAX_POLLS)
            calibration_poll_failed();
        cpu_pause();
    }
    window.tsc = rdtsc();
    window.lapic = with_lapic ? lapic_timer_current() : 0;
    window.open = true;
}

void timer_calibration_start(void)
{
    window_open(true);
}

/* Closes the window once the PIT counted at least CALIBRATION_MIN_COUNTS.
 * Only the counters read at the two ends count, not when the poll saw the
 * end: a pause anywhere in the poll (an emulator's thread descheduled)
 * costs no precision. False when the window ran past the counter's end
 * (the counts are then unknown). */
static bool window_close(bool with_lapic, uint64_t *lapic_counts, uint64_t *tsc_ticks,
                         uint64_t *pit_counts)
{
    uint16_t pit = window.pit;
    uint32_t polls = 0;
    bool expired;
    while (!(expired = pit_channel2_expired()) &&
           window.pit - (pit = pit_channel2_count()) < CALIBRATION_MIN_COUNTS) {
        if (++polls == CALIBRATION_MAX_POLLS)
            calibration_poll_failed();
        cpu_pause();
    }
    *tsc_ticks = rdtsc() - window.tsc;
    *lapic_counts = with_lapic ? window.lapic - lapic_timer_current() : 0;
    /* The count read before this expiry test is known to be pre-expiry. */
    expired = expired || pit_channel2_expired();
    *pit_counts = expired ? 0 : (uint64_t)(window.pit - pit);
    if (with_lapic)
        lapic_timer_stop();
    port_write8(PIT_GATE_PORT, window.gate);
    window.open = false;
    return !expired;
}

/* Both rates from the open window (opened now if it was not). A window
 * that ran past the PIT's 55 ms is opened again and closed after the
 * minimum; only a PIT that keeps expiring (a window never shorter than
 * 55 ms) is fatal. */
#define CALIBRATION_ATTEMPTS 8
static void calibration_rates(uint64_t *lapic_rate, uint64_t *tsc_rate)
{
    uint64_t lapic_counts, tsc_ticks, pit_counts;
    if (!window.open)
        window_open(true);
    for (int attempt = 0; attempt < CALIBRATION_ATTEMPTS; attempt++) {
        if (window_close(true, &lapic_counts, &tsc_ticks, &pit_counts)) {
            *lapic_rate = lapic_counts * PIT_HZ / pit_counts;
            *tsc_rate = tsc_ticks * PIT_HZ / pit_counts;
            return;
        }
        window_open(true);
    }
    panic("timer: the PIT channel 2 expired in %d calibration windows", CALIBRATION_ATTEMPTS);
}

/* The PIT alone: the LAPIC timer is the running tick by now. 0 when the
 * window expired. */
uint64_t timer_measure_tsc_hz(void)
{
    uint64_t lapic_counts, tsc_ticks, pit_counts;
    window_open(false);
    if (!window_close(false, &lapic_counts, &tsc_ticks, &pit_counts))
        return 0;
    return tsc_ticks * PIT_HZ / pit_counts;
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
    boot_tsc = epoch_cycles;
    calibration_rates(&lapic_hz, &tsc_hz);
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
