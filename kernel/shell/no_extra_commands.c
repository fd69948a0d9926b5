/* The product kernel's test hooks: no extra shell commands and no
 * selftest report topics. The test kernel links
 * kernel/test/selftest_command.c in this file's place (kernel/kernel.mk). */
#include "kernel/shell/report.h"
#include "kernel/shell/shell.h"

const struct shell_command *const shell_extra_commands = NULL;
const size_t shell_extra_command_count = 0;

bool report_test_topic(enum report_topic topic, const char *argument, struct report *report)
{
    (void)topic;
    (void)argument;
    (void)report;
    return false;
}
