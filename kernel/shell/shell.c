/* The console shell.
 *
 * Input is read with the console's line editor (polled, sleeping between
 * polls). A line is split into the command word and the rest; the command
 * is looked up in `commands`. */
#include "kernel/shell/shell.h"

#include <stddef.h>
#include <stdint.h>

#include "base/hex.h"
#include "kernel/arch/cpu.h"
#include "kernel/arch/time.h"
#include "kernel/capsule/capsule.h"
#include "kernel/console/console.h"
#include "kernel/console/serial.h"
#include "kernel/lib/print.h"
#include "kernel/log/log.h"
#include "kernel/mm/frame.h"
#include "kernel/mm/heap.h"
#include "kernel/mm/memory.h"
#include "kernel/power/power.h"
#include "kernel/random/system_random.h"

#define SHELL_LINE_MAX 128
#define SHELL_PROMPT "nonos> "
#define MEMORY_TYPE_COUNT 9 /* enum boot_memory_type values 0..8 */

static void command_help(const char *args);
static void command_mem(const char *args);
static void command_uptime(const char *args);
static void command_log(const char *args);
static void command_measure(const char *args);
static void command_poweroff(const char *args);
static void command_reboot(const char *args);
static void command_capsules(const char *args);
static void command_random(const char *args);

static const struct shell_command commands[] = {
    { "help", "list the commands", command_help },
    { "mem", "memory map by type, frame allocator and heap usage", command_mem },
    { "uptime", "time since the kernel started", command_uptime },
    { "log", "show the kernel log ring", command_log },
    { "measure", "the boot measurement log: part, size, SHA-256", command_measure },
    { "capsules", "boot capsules: name, version, author, id, state", command_capsules },
    { "random", "print 32 bytes from the kernel random generator, and its sources", command_random },
    { "poweroff", "wipe RAM (ZeroState) and power off", command_poweroff },
    { "reboot", "wipe RAM (ZeroState) and reset", command_reboot },
};

static const char *const memory_type_names[MEMORY_TYPE_COUNT] = {
    "unknown", "usable", "reserved", "acpi-reclaim", "acpi-nvs",
    "runtime", "kernel", "boot-data", "framebuffer",
};

static void command_help(const char *args)
{
    (void)args;
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        console_printf("  %-10s %s\n", commands[i].name, commands[i].help);
    for (size_t i = 0; i < shell_extra_command_count; i++)
        console_printf("  %-10s %s\n", shell_extra_commands[i].name, shell_extra_commands[i].help);
}

static void mem_print_map(void)
{
    uint64_t pages[MEMORY_TYPE_COUNT] = { 0 };
    uint32_t regions[MEMORY_TYPE_COUNT] = { 0 };
    uint32_t count;
    const struct boot_memory_region *map = memory_map(&count);
    for (uint32_t i = 0; i < count; i++) {
        uint32_t type = map[i].type < MEMORY_TYPE_COUNT ? map[i].type : 0;
        pages[type] += map[i].pages;
        regions[type]++;
    }
    console_printf("memory map: %u regions\n", count);
    for (uint32_t type = 0; type < MEMORY_TYPE_COUNT; type++) {
        if (regions[type] != 0)
            console_printf("  %-13s %10llu KiB in %u regions\n", memory_type_names[type],
                           (unsigned long long)(pages[type] * (PAGE_SIZE / 1024)), regions[type]);
    }
}

static void command_mem(const char *args)
{
    (void)args;
    mem_print_map();
    struct frame_stats frames;
    frame_stats(&frames);
    console_printf("frames: %llu total (%llu KiB), %llu free, %llu used, %llu reserved\n",
                   (unsigned long long)frames.total_frames,
                   (unsigned long long)(frames.total_frames * (FRAME_SIZE / 1024)),
                   (unsigned long long)frames.free_frames,
                   (unsigned long long)frames.allocated_frames,
                   (unsigned long long)frames.reserved_frames);
    struct heap_stats heap;
    heap_stats(&heap);
    console_printf("heap: %llu KiB mapped, %llu bytes in use in %llu blocks "
                   "(%llu allocations, %llu frees)\n",
                   (unsigned long long)(heap.bytes_mapped / 1024),
                   (unsigned long long)heap.bytes_in_use, (unsigned long long)heap.live_blocks,
                   (unsigned long long)heap.total_allocs, (unsigned long long)heap.total_frees);
}

static void command_capsules(const char *args)
{
    (void)args;
    capsule_list();
}

static void command_uptime(const char *args)
{
    (void)args;
    uint64_t ns = timer_uptime_ns();
    console_printf("up %llu.%06llu s (%llu ticks at %u Hz)\n",
                   (unsigned long long)(ns / 1000000000u),
                   (unsigned long long)(ns / 1000u % 1000000u),
                   (unsigned long long)timer_ticks(), timer_hz());
}

static void command_log(const char *args)
{
    static char snapshot[LOG_RING_SIZE]; /* too big for a 16 KiB thread stack */
    (void)args;
    bool state = console_lock(); /* no kprintf may change the ring meanwhile */
    size_t len = log_snapshot(snapshot, sizeof snapshot);
    console_unlock(state);
    console_write(snapshot, len);
}

static void command_random(const char *args)
{
    (void)args;
    uint8_t bytes[32];
    char hex[2 * sizeof bytes + 1];
    enum crypto_result result = system_random_bytes(bytes, sizeof bytes);
    if (result != CRYPTO_OK) {
        console_printf("random: %s\n", crypto_result_message(result));
        return;
    }
    hex_encode(bytes, sizeof bytes, hex, sizeof hex);
    crypto_wipe(bytes, sizeof bytes);
    console_printf("%s  (seeded from %s)\n", hex, system_random_sources());
    crypto_wipe(hex, sizeof hex);
}

static void command_measure(const char *args)
{
    (void)args;
    const struct bootinfo *info = boot_info();
    uint32_t count = info->measurement_count;
    if (count > BOOT_MAX_MEASUREMENTS)
        count = BOOT_MAX_MEASUREMENTS;
    console_printf("%-*s %10s  sha256\n", BOOT_MEASUREMENT_NAME_SIZE - 1, "part", "bytes");
    for (uint32_t i = 0; i < count; i++) {
        const struct boot_measurement *m = &info->measurements[i];
        char hex[2 * sizeof m->sha256 + 1];
        hex_encode(m->sha256, sizeof m->sha256, hex, sizeof hex);
        /* The name may lack its NUL: the precision bounds the read. */
        console_printf("%-*.*s %10llu  %s\n", BOOT_MEASUREMENT_NAME_SIZE - 1,
                       BOOT_MEASUREMENT_NAME_SIZE, m->name, (unsigned long long)m->size, hex);
    }
    if (count == 0)
        console_printf("(the loader recorded no measurements)\n");
}

bool shell_word_equal(const char *a, const char *b)
{
    while (*a != '\0' && *a == *b) {
        a++;
        b++;
    }
    return *a == *b;
}

static void command_poweroff(const char *args)
{
    (void)args;
    power_off();
}

static void command_reboot(const char *args)
{
    (void)args;
    power_reboot();
}

static bool is_space(char c)
{
    return c == ' ' || c == '\t';
}

/* The command named by the first word_length bytes of line, or NULL. */
static const struct shell_command *command_find(const struct shell_command *table, size_t count,
                                                const char *line, size_t word_length)
{
    for (size_t i = 0; i < count; i++) {
        const char *name = table[i].name;
        size_t n = 0;
        while (n < word_length && name[n] == line[n])
            n++;
        if (n == word_length && name[n] == '\0')
            return &table[i];
    }
    return NULL;
}

int shell_execute(const char *line)
{
    while (is_space(*line))
        line++;
    size_t word = 0;
    while (line[word] != '\0' && !is_space(line[word]))
        word++;
    if (word == 0)
        return 0;
    const char *args = line + word;
    while (is_space(*args))
        args++;
    const struct shell_command *command = command_find(commands, sizeof commands / sizeof commands[0], line, word);
    if (command == NULL)
        command = command_find(shell_extra_commands, shell_extra_command_count, line, word);
    if (command != NULL) {
        command->run(args);
        return 0;
    }
    console_printf("unknown command '%.*s'; type help\n", (int)word, line);
    return -1;
}

void shell_main(void *arg)
{
    (void)arg;
    char line[SHELL_LINE_MAX];
    char marker[48];
    console_printf("NONOS console. Type help for the commands.\n");
    /* For make bench-boot: TSC at the first prompt, serial only. */
    size_t len = ksnprintf(marker, sizeof marker, "boot: prompt tsc=%llu\n",
                           (unsigned long long)cpu_cycles());
    serial_write(marker, len < sizeof marker ? len : sizeof marker - 1);
    for (;;) {
        console_write(SHELL_PROMPT, sizeof SHELL_PROMPT - 1);
        console_read_line(line, sizeof line);
        shell_execute(line);
    }
}
