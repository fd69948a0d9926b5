/* init: the first capsule, started by the kernel with a supervisor
 * capability (NONOS_SLOT_SUPERVISOR: read and control).
 *
 * It reads the description of every boot-bundle capsule (capsule_info),
 * plans which to start and in what order (plan.c: the name service first,
 * dependencies before their dependents, refusals reported, never started),
 * starts them, and then watches process ends: the kernel signals
 * WATCH_SLOT's notification whenever a process ends; init then looks at each
 * process it started and restarts the ones whose manifest asks for it, at
 * most RESTART_LIMIT times a minute each (restart.c), and writes each
 * restart, and giving up, to the audit log (supervisor_audit). init supervises the
 * processes it started; one started by the shell's `run` is the shell's. */
#include <stdint.h>

#include "capsule_list.h"
#include "console.h"
#include "nonos/abi.h"
#include "nonos/capsule.h"
#include "nonos/error.h"
#include "nonos/syscall.h"
#include "plan.h"
#include "restart.h"
#include "text.h"

#define WATCH_SLOT (NONOS_SLOT_FIRST_FREE + 0)
#define PROCESS_LIST_MAX 64
#define POLL_NS 1000000000ull /* when the kernel cannot signal ends */

struct supervised {
    bool has_process;
    bool given_up;
    uint64_t process;
    struct restart_history history;
};

static struct nonos_capsule_info capsules[PLAN_CAPSULES_MAX];
static struct supervised supervised[PLAN_CAPSULES_MAX];
static struct nonos_process_info processes[PROCESS_LIST_MAX];
static struct plan plan;

static size_t capsules_read(void)
{
    size_t count = 0;
    while (count < PLAN_CAPSULES_MAX) {
        long result = nonos_capsule_info(NONOS_SLOT_SUPERVISOR, count, &capsules[count]);
        if (result < 0) {
            if (result != -NONOS_ERROR_NOT_FOUND)
                console_printf("init: capsule_info %zu: %s\n", count, nonos_error_message(result));
            break;
        }
        capsules[count].name[NONOS_NAME_MAX] = '\0';
        count++;
    }
    return count;
}

static void running_find(size_t count, bool *running)
{
    long n = nonos_process_list(NONOS_SLOT_SUPERVISOR, processes, sizeof processes);
    if (n < 0) {
        console_printf("init: process_list: %s\n", nonos_error_message(n));
        return;
    }
    for (long i = 0; i < n && i < PROCESS_LIST_MAX; i++) {
        if (processes[i].state == NONOS_PROCESS_RUNNING && processes[i].capsule_index < count)
            running[processes[i].capsule_index] = true;
    }
}

static void capsule_launch(size_t index)
{
    const char *name = capsules[index].name;
    long process = nonos_capsule_start(NONOS_SLOT_SUPERVISOR, name, text_length(name, NONOS_NAME_MAX));
    if (process < 0) {
        console_printf("init: cannot start %s: %s\n", name, nonos_error_message(process));
        return;
    }
    supervised[index].has_process = true;
    supervised[index].process = (uint64_t)process;
    console_printf("init: started %s (process %ld)\n", name, process);
}

static void plan_report(void)
{
    for (size_t i = 0; i < plan.count; i++) {
        enum plan_verdict verdict = plan.verdict[i];
        if (verdict == PLAN_START || verdict == PLAN_RUNNING)
            continue;
        const struct nonos_name *dependency = &capsules[i].dependencies[plan.detail[i]];
        if (verdict == PLAN_MISSING || verdict == PLAN_BLOCKED)
            console_printf("init: not starting %s: %s (%.*s)\n", capsules[i].name,
                           plan_verdict_text(verdict), (int)capsule_name_length(dependency),
                           dependency->text);
        else
            console_printf("init: not starting %s: %s\n", capsules[i].name, plan_verdict_text(verdict));
    }
}

static void end_describe(const struct nonos_process_info *info, struct byte_buffer *out)
{
    switch (info->end) {
    case NONOS_END_EXIT:
        text_printf(out, "exited with status %d", (int)info->exit_status);
        break;
    case NONOS_END_FAULT:
        text_printf(out, "was killed for a fault");
        break;
    case NONOS_END_CPU_BUDGET:
        text_printf(out, "was stopped: CPU budget spent");
        break;
    case NONOS_END_KILLED:
        text_printf(out, "was killed by a supervisor");
        break;
    default:
        text_printf(out, "ended");
    }
}

/* The audit log's record of a restart decision about ended process `ended`
 * (the console line says the same; the audit log is what a supervisor
 * reads later). */
static void restart_audit(uint64_t ended, const char *text)
{
    long result = nonos_supervisor_audit(NONOS_SLOT_SUPERVISOR, ended, text, text_length(text, 62));
    if (result < 0)
        console_printf("init: supervisor_audit: %s\n", nonos_error_message(result));
}

static void end_handle(size_t index, const struct nonos_process_info *info)
{
    struct supervised *s = &supervised[index];
    char storage[64];
    struct byte_buffer how = text_buffer(storage, sizeof storage);
    end_describe(info, &how);
    s->has_process = false;
    console_printf("init: %s (process %llu) %.*s\n", capsules[index].name,
                   (unsigned long long)s->process, (int)how.len, storage);
    if (!restart_wanted(capsules[index].restart, info->end, info->exit_status))
        return;
    uint64_t ended = s->process;
    if (!restart_allow(&s->history, (uint64_t)nonos_clock_read())) {
        s->given_up = true;
        console_printf("init: %s ended %d times within a minute; it stays stopped\n",
                       capsules[index].name, RESTART_LIMIT + 1);
        restart_audit(ended, "init gave up: ended 6 times within a minute, stays stopped");
        return;
    }
    console_printf("init: restarting %s\n", capsules[index].name);
    capsule_launch(index);
    if (s->has_process)
        restart_audit(ended, "restarted by init");
}

static void ends_check(void)
{
    for (size_t i = 0; i < plan.count; i++) {
        struct nonos_process_info info = { 0 }; /* the analyzer cannot see the kernel fill it */
        if (!supervised[i].has_process)
            continue;
        long result = nonos_process_info(NONOS_SLOT_SUPERVISOR, supervised[i].process, &info);
        if (result == -NONOS_ERROR_NOT_FOUND) {
            info.end = NONOS_END_NONE; /* gone without a trace: treat as ended */
            info.exit_status = 0;
        } else if (result < 0 || info.state == NONOS_PROCESS_RUNNING) {
            continue;
        }
        end_handle(i, &info);
    }
}

/* Asks the kernel to signal WATCH_SLOT whenever a process ends; false if
 * it cannot (init then polls). Done before anything is started, so that no
 * end can be missed. */
static bool watch_setup(void)
{
    long result = nonos_notification_create(WATCH_SLOT);
    if (result >= 0)
        result = nonos_supervisor_watch(NONOS_SLOT_SUPERVISOR, WATCH_SLOT);
    if (result < 0)
        console_printf("init: cannot watch process ends (%s); polling every second\n",
                       nonos_error_message(result));
    return result >= 0;
}

static _Noreturn void watch(bool signalled)
{
    for (;;) {
        if (signalled && nonos_notification_wait(WATCH_SLOT) < 0) {
            console_printf("init: waiting for process ends failed; polling every second\n");
            signalled = false;
        }
        if (!signalled)
            nonos_timer_sleep(NONOS_SLOT_TIMER, POLL_NS);
        ends_check();
    }
}

int main(void)
{
    bool running[PLAN_CAPSULES_MAX] = { false };
    size_t count = capsules_read();
    running_find(count, running);
    plan_make(capsules, count, running, &plan);
    plan_report();
    bool signalled = watch_setup();
    for (size_t i = 0; i < plan.order_count; i++)
        capsule_launch(plan.order[i]);
    watch(signalled);
}
