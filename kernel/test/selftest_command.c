/* The test kernel's extra shell command, `selftest`:
 *   selftest        runs every in-kernel test and prints the verdict
 *   selftest list   prints "selftest: N tests" and one "test NAME" line each,
 *                   from the same tables the run walks, without running them
 *   selftest exit   runs them and hands the verdict to QEMU's isa-debug-exit
 *   selftest run NAME  runs only the test NAME
 * Only the test kernel links this file; the product kernel links
 * kernel/shell/no_extra_commands.c instead. */
#include "kernel/console/console.h"
#include "kernel/shell/shell.h"
#include "kernel/test/selftest.h"

static void command_selftest(const char *args)
{
    if (shell_word_equal(args, "list")) {
        selftest_list();
        return;
    }
    if (args[0] == 'r' && args[1] == 'u' && args[2] == 'n' && args[3] == ' ') {
        selftest_run_only(args + 4);
        return;
    }
    int failures = selftest_run();
    console_printf("selftest: %s\n", failures == 0 ? "all passed" : "FAILURES");
    if (shell_word_equal(args, "exit"))
        selftest_exit_qemu(failures);
}

static const struct shell_command selftest_commands[] = {
    { "selftest", "run the in-kernel tests (`selftest list`; `selftest exit`: verdict to QEMU)",
      command_selftest },
};

const struct shell_command *const shell_extra_commands = selftest_commands;
const size_t shell_extra_command_count = sizeof selftest_commands / sizeof selftest_commands[0];
