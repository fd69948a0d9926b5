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
/* A window measured on its own (the boot's ran past the counter's end, or
 * a test's check) waits 10 ms: under an emulator, the thread may be
 * descheduled between reading the PIT and the TSC, and tens of
 * microseconds are 1 % of 1 ms but 0.1 % of 10 ms. Only emulators without
 * -icount take this path at boot (verification within 55 ms otherwise). */
#define CALIBRATION_RETRY_MS 10
#define CALIBRATION_RETRY_COUNTS (PIT_HZ * CALIBRATION_RETRY_MS / 1000)
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

/* The three counters read at one instant, as near as can be told. */
struct timer_sample {
    uint16_t pit;
    uint32_t lapic;
    uint64_t tsc;
};

/* The open calibration window: the counters at its start. */
static struct {
    bool open;
    uint8_t gate; /* port 0x61 before, restored when the window closes */
    struct timer_sample start;
} window;

/* Reads of each end, of which the narrowest counts: see sample_read. */
#define SAMPLE_READS 4

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

/* The PIT (and with_lapic the LAPIC timer) read between two TSC reads,
 * SAMPLE_READS times; the read with the narrowest TSC bracket counts, at
 * the bracket's middle. Under an emulator each port read is a trip into
 * the device model, and its thread can be descheduled for a millisecond
 * between two reads: a single PIT-then-TSC read put that pause on the
 * TSC's side alone (4 % off over a 30 ms window, seen in CI). */
static void sample_read(bool with_lapic, struct timer_sample *out)
{
    uint64_t narrowest = UINT64_MAX;
    for (int i = 0; i < SAMPLE_READS; i++) {
        uint64_t before = rdtsc();
        uint16_t pit = pit_channel2_count();
        uint32_t lapic = with_lapic ? lapic_timer_current() : 0;
        uint64_t width = rdtsc() - before;
        if (width < narrowest) {
            narrowest = width;
            *out = (struct timer_sample){pit, lapic, before + width / 2};
        }
    }
}

/* Opens a window: the PIT from its maximum, and with_lapic the LAPIC
 * timer from its maximum too (masked: it raises nothing; before the tick
 * runs only, as it stops the tick). The start is sampled only once the
 * counter runs below the value loaded (the load takes effect at the PIT's
 * next clock). */
static void window_open(bool with_lapic)
{
    if (with_lapic)
        lapic_timer_start_oneshot(0xffffffffu);
    window.gate = pit_channel2_start(CALIBRATION_START_COUNT);
    uint32_t polls = 0;
    while (pit_channel2_count() >= CALIBRATION_START_COUNT) {
        if (++polls == CALIBRATION_MAX_POLLS)
            calibration_poll_failed();
        cpu_pause();
    }
    sample_read(with_lapic, &window.start);
    window.open = true;
}

void timer_calibration_start(void)
{
    window_open(true);
}

/* Closes the window once the PIT counted at least min_counts.
 * Only the counters sampled at the two ends count, not when the poll saw
 * the end: a pause anywhere in the poll costs no precision. False when
 * the window ran past the counter's end (the counts are then unknown). */
static bool window_close(bool with_lapic, uint64_t min_counts, uint64_t *lapic_counts,
                         uint64_t *tsc_ticks, uint64_t *pit_counts)
{
    uint32_t polls = 0;
    while (!pit_channel2_expired() &&
           (uint16_t)(window.start.pit - pit_channel2_count()) < min_counts) {
        if (++polls == CALIBRATION_MAX_POLLS)
            calibration_poll_failed();
        cpu_pause();
    }
    struct timer_sample end;
    sample_read(with_lapic, &end);
    /* Tested after the sample: a count read before it shows no expiry is
     * known to be pre-expiry. */
    bool expired = pit_channel2_expired();
    *tsc_ticks = end.tsc - window.start.tsc;
    *lapic_counts = with_lapic ? window.start.lapic - end.lapic : 0;
    *pit_counts = expired ? 0 : (uint64_t)(uint16_t)(window.start.pit - end.pit);
    if (with_lapic)
        lapic_timer_stop();
    port_write8(PIT_GATE_PORT, window.gate);
    window.open = false;
    return !expired;
}

/* Both rates from the open window (opened now if it was not). A window
 * that ran past the PIT's 55 ms is opened again and closed after
 * CALIBRATION_RETRY_MS; only a PIT that keeps expiring (a window never shorter than
 * 55 ms) is fatal. */
#define CALIBRATION_ATTEMPTS 8
static void calibration_rates(uint64_t *lapic_rate, uint64_t *tsc_rate)
{
    uint64_t lapic_counts, tsc_ticks, pit_counts, min_counts = CALIBRATION_MIN_COUNTS;
    if (!window.open)
        window_open(true);
    for (int attempt = 0; attempt < CALIBRATION_ATTEMPTS; attempt++) {
        if (window_close(true, min_counts, &lapic_counts, &tsc_ticks, &pit_counts)) {
            *lapic_rate = lapic_counts * PIT_HZ / pit_counts;
            *tsc_rate = tsc_ticks * PIT_HZ / pit_counts;
            return;
        }
        min_counts = CALIBRATION_RETRY_COUNTS;
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
    if (!window_close(false, CALIBRATION_RETRY_COUNTS, &lapic_counts, &tsc_ticks, &pit_counts))
        return 0;
    return tsc_ticks * PIT_HZ / pit_counts;
}

static void timer_interrupt(struct trap_frame *frame)
{
    (void)frame;
    ticks++;
    console_tick(); /* before sched_tick: a woken reader runs next */
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
