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
#include "kernel/shell/report.h"

#define SHELL_LINE_MAX 128
#define SHELL_PROMPT "nonos> "

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

static void command_help(const char *args)
{
    (void)args;
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        console_printf("  %-10s %s\n", commands[i].name, commands[i].help);
    for (size_t i = 0; i < shell_extra_command_count; i++)
        console_printf("  %-10s %s\n", shell_extra_commands[i].name, shell_extra_commands[i].help);
}

/* The kernel's reports (report.h), printed. One shell thread: one buffer,
 * too big for a 16 KiB thread stack. */
static void shell_report(enum report_topic topic)
{
    static char text[REPORT_MAX];
    struct report report = report_make(text, sizeof text);
    report_topic(topic, NULL, &report);
    console_write(report.text, report.length);
    if (topic == REPORT_RANDOM)
        crypto_wipe(text, report.length);
}

static void command_mem(const char *args)
{
    (void)args;
    shell_report(REPORT_MEM);
}

static void command_uptime(const char *args)
{
    (void)args;
    shell_report(REPORT_UPTIME);
}

static void command_log(const char *args)
{
    (void)args;
    shell_report(REPORT_LOG);
}

static void command_measure(const char *args)
{
    (void)args;
    shell_report(REPORT_MEASURE);
}

static void command_capsules(const char *args)
{
    (void)args;
    shell_report(REPORT_CAPSULES);
}

static void command_random(const char *args)
{
    (void)args;
    shell_report(REPORT_RANDOM);
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
    console_printf("NONOS console. Type help for the commands.\n");
    console_prompt_ready(); /* boot: prompt tsc=, for make bench-boot */
    for (;;) {
        console_write(SHELL_PROMPT, sizeof SHELL_PROMPT - 1);
        console_read_line(line, sizeof line);
        shell_execute(line);
    }
}
