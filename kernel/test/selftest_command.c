/* The test kernel's `selftest`, as a kernel shell command (the fallback
 * shell) and as kernel_report topics 7-10 (report_test_topic) for the
 * shell capsule, which forwards its own `selftest` command there:
 *   selftest        runs every in-kernel test and prints the verdict
 *   selftest list   prints "selftest: N tests" and one "test NAME" line each,
 *                   from the same tables the run walks, without running them
 *   selftest exit   runs them and hands the verdict to QEMU's isa-debug-exit
 *   selftest run NAME  runs only the test NAME
 * Through kernel_report the tests run in a kernel thread of their own (the
 * calling process's thread waits for it), as they would from the kernel
 * shell: not charged to the shell capsule's CPU budget, and never in a
 * process's thread that a test might kill.
 * Only the test kernel links this file; the product kernel links
 * kernel/shell/no_extra_commands.c instead. */
#include "kernel/console/console.h"
#include "kernel/sched/thread.h"
#include "kernel/shell/report.h"
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

struct selftest_job {
    enum report_topic topic;
    const char *name;
    int failures;
};

static void selftest_job_run(void *arg)
{
    struct selftest_job *job = arg;
    switch (job->topic) {
    case REPORT_SELFTEST_LIST: selftest_list(); break;
    case REPORT_SELFTEST_RUN_ONE: job->failures = selftest_run_only(job->name); break;
    default:
        job->failures = selftest_run();
        console_printf("selftest: %s\n", job->failures == 0 ? "all passed" : "FAILURES");
        if (job->topic == REPORT_SELFTEST_EXIT)
            selftest_exit_qemu(job->failures);
        break;
    }
}

bool report_test_topic(enum report_topic topic, const char *argument, struct report *report)
{
    struct selftest_job job = { topic, argument ? argument : "", 0 };
    struct thread *thread = thread_create("selftest", selftest_job_run, &job);
    if (!thread) {
        report_printf(report, "selftest: no memory for its thread\n");
        return true;
    }
    thread_join(thread);
    return true;
}
