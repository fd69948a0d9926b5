/* The Linux half of `make bench-ipc`: the /init of a one-file initramfs
 * booted with Debian's kernel under QEMU -icount shift=0,sleep=off, where
 * the TSC counts retired instructions. It measures, the same way as the
 * NØNOS capsules of tests/bench/ipc/ (bench_measure.h):
 *   - a raw getppid: `syscall` with rax = 110, per call;
 *   - a 1-byte pipe round trip between two processes: the parent writes a
 *     byte to pipe A, the child reads it and writes a byte to pipe B, the
 *     parent reads it; per round trip;
 * and the TSC at its start (instructions since reset: SeaBIOS, the
 * decompressor and the kernel's boot), prints "bench-ipc linux: ..." lines
 * on the console (the serial port) and
 * powers the machine off, so the run ends by itself.
 *
 * No C library: the program is static, freestanding, and reaches the kernel
 * only through the raw system calls below, so nothing but the kernel runs
 * between the two TSC reads of a measurement. */
#include <stdint.h>

#include "bench_measure.h"

enum {
    LINUX_READ = 0, LINUX_WRITE = 1, LINUX_OPEN = 2, LINUX_CLOSE = 3, LINUX_PIPE = 22,
    LINUX_FORK = 57, LINUX_EXIT = 60, LINUX_WAIT4 = 61, LINUX_MKDIR = 83,
    LINUX_GETPPID = 110, LINUX_MOUNT = 165, LINUX_REBOOT = 169,
};

#define PIPE_ROUND_TRIPS 5000
#define GETPPID_CALLS 20000

static long linux_syscall3(long number, long a0, long a1, long a2)
{
    long result;
    __asm__ volatile("syscall"
                     : "=a"(result)
                     : "a"(number), "D"(a0), "S"(a1), "d"(a2)
                     : "rcx", "r11", "memory");
    return result;
}

static long linux_syscall5(long number, long a0, long a1, long a2, long a3, long a4)
{
    register long r10 __asm__("r10") = a3;
    register long r8 __asm__("r8") = a4;
    long result;
    __asm__ volatile("syscall"
                     : "=a"(result)
                     : "a"(number), "D"(a0), "S"(a1), "d"(a2), "r"(r10), "r"(r8)
                     : "rcx", "r11", "memory");
    return result;
}

/* The console is fd 1 (the kernel opens /dev/console, which the initramfs
 * holds, as fds 0, 1 and 2 of init). */
static void console_write(const char *text, uint64_t length)
{
    linux_syscall3(LINUX_WRITE, 1, (long)text, (long)length);
}

static void bench_print(const char *text, uint64_t length)
{
    console_write(text, length);
}

_Noreturn static void power_off(void)
{
    /* LINUX_REBOOT_MAGIC1, MAGIC2, LINUX_REBOOT_CMD_POWER_OFF */
    for (;;)
        linux_syscall5(LINUX_REBOOT, 0xfee1dead, 672274793, 0x4321fedc, 0, 0);
}

/* Both loops run the same instructions except the `syscall`: their
 * difference is the system call, entry to exit. */
static uint64_t getppid_loop(uint64_t count)
{
    uint64_t start = bench_tsc();
    for (uint64_t i = 0; i < count; i++) {
        long number = LINUX_GETPPID;
        __asm__ volatile("syscall" : "+a"(number) : : "rcx", "r11", "memory");
    }
    return bench_tsc() - start;
}

static uint64_t empty_loop(uint64_t count)
{
    uint64_t start = bench_tsc();
    for (uint64_t i = 0; i < count; i++) {
        long number = LINUX_GETPPID;
        __asm__ volatile("" : "+a"(number) : : "rcx", "r11", "memory");
    }
    return bench_tsc() - start;
}

static void pipe_child(int to_child, int to_parent)
{
    char byte;
    for (;;) {
        if (linux_syscall3(LINUX_READ, to_child, (long)&byte, 1) != 1 || byte == 'q')
            break;
        linux_syscall3(LINUX_WRITE, to_parent, (long)&byte, 1);
    }
    linux_syscall3(LINUX_EXIT, 0, 0, 0);
}

static uint64_t pipe_loop(int to_child, int to_parent, uint64_t count)
{
    char byte = 'x';
    uint64_t start = bench_tsc();
    for (uint64_t i = 0; i < count; i++) {
        linux_syscall3(LINUX_WRITE, to_child, (long)&byte, 1);
        linux_syscall3(LINUX_READ, to_parent, (long)&byte, 1);
    }
    return bench_tsc() - start;
}

static uint64_t pipe_empty_loop(int to_child, int to_parent, uint64_t count)
{
    char byte = 'x';
    uint64_t start = bench_tsc();
    for (uint64_t i = 0; i < count; i++) {
        __asm__ volatile("" : : "r"(to_child), "r"(to_parent), "r"(&byte) : "memory");
    }
    return bench_tsc() - start;
}

/* Returns 0, or -1 (after printing why) when the pipes or the child could
 * not be made. */
static int measure_pipe(void)
{
    int to_child[2], to_parent[2];
    if (linux_syscall3(LINUX_PIPE, (long)to_child, 0, 0) != 0 ||
        linux_syscall3(LINUX_PIPE, (long)to_parent, 0, 0) != 0) {
        BENCH_PRINT_LITERAL("bench-ipc linux: FAILED pipe()\n");
        return -1;
    }
    long child = linux_syscall3(LINUX_FORK, 0, 0, 0);
    if (child < 0) {
        BENCH_PRINT_LITERAL("bench-ipc linux: FAILED fork()\n");
        return -1;
    }
    if (child == 0)
        pipe_child(to_child[0], to_parent[1]);
    struct bench_result result = bench_repeat_pair(pipe_loop, pipe_empty_loop, to_child[1],
                                                   to_parent[0], PIPE_ROUND_TRIPS);
    bench_report("linux", "pipe_round_trip", &result);
    char quit = 'q';
    linux_syscall3(LINUX_WRITE, to_child[1], (long)&quit, 1);
    linux_syscall5(LINUX_WAIT4, child, 0, 0, 0, 0);
    return 0;
}

/* The CPU vulnerability mitigations in force, from sysfs, so the report
 * says what the figures include. */
static void print_mitigations(void)
{
    static const char *const names[] = {
        "/sys/devices/system/cpu/vulnerabilities/meltdown",
        "/sys/devices/system/cpu/vulnerabilities/spectre_v1",
        "/sys/devices/system/cpu/vulnerabilities/spectre_v2",
    };
    linux_syscall3(LINUX_MKDIR, (long)"/sys", 0555, 0);
    linux_syscall5(LINUX_MOUNT, (long)"sysfs", (long)"/sys", (long)"sysfs", 0, 0);
    for (unsigned i = 0; i < sizeof names / sizeof names[0]; i++) {
        char text[160];
        long fd = linux_syscall3(LINUX_OPEN, (long)names[i], 0, 0);
        long length = fd < 0 ? -1 : linux_syscall3(LINUX_READ, fd, (long)text, sizeof text);
        if (fd >= 0)
            linux_syscall3(LINUX_CLOSE, fd, 0, 0);
        BENCH_PRINT_LITERAL("bench-ipc linux: ");
        bench_print_text(names[i] + 40);
        BENCH_PRINT_LITERAL(": ");
        if (length > 0)
            console_write(text, (uint64_t)length); /* ends with its newline */
        else
            BENCH_PRINT_LITERAL("(unreadable)\n");
    }
}

static uint64_t getppid_loop_pair(int unused0, int unused1, uint64_t count)
{
    (void)unused0, (void)unused1;
    return getppid_loop(count);
}

static uint64_t empty_loop_pair(int unused0, int unused1, uint64_t count)
{
    (void)unused0, (void)unused1;
    return empty_loop(count);
}

int main(void);
int main(void)
{
    uint64_t started = bench_tsc(); /* instructions since reset */
    BENCH_PRINT_LITERAL("bench-ipc linux: start\nbench-ipc linux: init tsc=");
    bench_print_number(started);
    BENCH_PRINT_LITERAL("\n");
    print_mitigations();
    struct bench_result result = bench_repeat_pair(getppid_loop_pair, empty_loop_pair, 0, 0,
                                                   GETPPID_CALLS);
    bench_report("linux", "getppid", &result);
    measure_pipe();
    BENCH_PRINT_LITERAL("bench-ipc linux: done\n");
    power_off();
}

/* The kernel starts init with rsp at argc; main's frame needs rsp % 16 == 8
 * at its first instruction, as after a call. */
__attribute__((naked, noreturn, used)) void _start(void);
__attribute__((naked, noreturn, used)) void _start(void)
{
    __asm__ volatile("xor %%ebp, %%ebp\n\t"
                     "and $-16, %%rsp\n\t"
                     "call main\n\t"
                     "ud2" ::: "memory");
}
