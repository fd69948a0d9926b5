/* The shell's commands: one table, a one-line help each. Every command
 * reaches the kernel only through the shell's capabilities: the console
 * (NONOS_SLOT_CONSOLE) and the supervisor (NONOS_SLOT_SUPERVISOR, read and
 * control). docs/console.md shows each command. */
#ifndef NONOS_USER_SHELL_COMMANDS_H
#define NONOS_USER_SHELL_COMMANDS_H

#include <stddef.h>

/* Runs one command line; 0 if the command exists, -1 if not. */
int shell_run_line(const char *line, size_t length);

#endif
