/* The kernel console shell: the `nonos>` prompt on serial and screen.
 * Commands live in one table with a one-line help each (shell.c); `help`
 * prints the table. Answers go to the console only, not into the kernel
 * log. docs/console.md shows every command with example output. */
#ifndef NONOS_SHELL_SHELL_H
#define NONOS_SHELL_SHELL_H

/* Thread entry: runs the prompt forever (until poweroff/reboot). */
void shell_main(void *arg);

/* Runs one command line as if typed at the prompt; returns 0 if the command
 * exists, -1 for an unknown command. */
int shell_execute(const char *line);

#endif
