/* The product kernel's extra shell commands: none. The test kernel links
 * kernel/test/selftest_command.c in this file's place (kernel/kernel.mk). */
#include "kernel/shell/shell.h"

const struct shell_command *const shell_extra_commands = NULL;
const size_t shell_extra_command_count = 0;
