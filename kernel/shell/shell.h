/* The kernel console shell: the `nonos>` prompt on serial and screen, the
 * fallback of a boot bundle without a verified init (kernel_main starts it
 * only then; otherwise the prompt is the shell capsule's, user/shell/).
 * Commands live in one table with a one-line help each (shell.c); `help`
 * prints the table. Answers go to the console only, not into the kernel
 * log. docs/console.md shows every command with example output.
 *
 * A build may add commands through shell_extra_commands: the test kernel
 * links kernel/test/selftest_command.c (`selftest`), the product kernel
 * links kernel/shell/no_extra_commands.c (none), so no test code reaches
 * the image a user boots. */
#ifndef NONOS_SHELL_SHELL_H
#define NONOS_SHELL_SHELL_H

#include <stdbool.h>
#include <stddef.h>

struct shell_command {
    const char *name;
    const char *help;
    void (*run)(const char *args);
};

/* Commands of this build beyond shell.c's own table. */
extern const struct shell_command *const shell_extra_commands;
extern const size_t shell_extra_command_count;

/* True when the NUL-terminated words a and b are equal. */
bool shell_word_equal(const char *a, const char *b);

/* Thread entry: runs the prompt forever (until poweroff/reboot). */
void shell_main(void *arg);

/* Runs one command line as if typed at the prompt; returns 0 if the command
 * exists, -1 for an unknown command. */
int shell_execute(const char *line);

#endif
