/* init (user/init/main.c) against the fake kernel: it reads the bundle's
 * descriptions, reports what it will not start, starts the rest in order,
 * then the test ends processes between notification waits and checks the
 * restarts init makes and the limit it keeps. init's state lives in
 * statics, so this is one run, one scenario, step by step. */
#include <stdio.h>
#include <string.h>

#include "fake_kernel.h"
#include "nonos/error.h"
#include "nonos/names.h"
#include "tests/host/test.h"

int capsule_main(void);

static struct nonos_process_info *latest(const char *name)
{
    struct nonos_process_info *found = NULL;
    for (size_t i = 0; i < fake.process_count; i++) {
        if (strcmp(fake.processes[i].name, name) == 0)
            found = &fake.processes[i];
    }
    return found;
}

static void end(const char *name, uint32_t state, uint32_t how, int32_t status)
{
    struct nonos_process_info *p = latest(name);
    p->state = state;
    p->end = how;
    p->exit_status = status;
}

static char started_after_boot[256];

/* Wait 1: hello exits 0, shell is killed by a supervisor, worker exits 3.
 * Waits 2..7: the crasher faults each time it runs (6 ends within 6 s). */
static void script(struct fake_kernel *kernel, size_t wait)
{
    kernel->clock_ns += 1000000000ull;
    if (wait == 1) {
        snprintf(started_after_boot, sizeof started_after_boot, "%s", kernel->started);
        end("hello", NONOS_PROCESS_EXITED, NONOS_END_EXIT, 0);
        end("shell", NONOS_PROCESS_KILLED, NONOS_END_KILLED, 0);
        end("worker", NONOS_PROCESS_EXITED, NONOS_END_EXIT, 3);
        end("quiet", NONOS_PROCESS_KILLED, NONOS_END_KILLED, 0);
    }
    if (wait >= 2 && wait <= 7 && latest("crasher")->state == NONOS_PROCESS_RUNNING)
        end("crasher", NONOS_PROCESS_KILLED, NONOS_END_FAULT, 0);
}

static void bundle(void)
{
    fake_reset(NONOS_RIGHT_WRITE, NONOS_RIGHT_WRITE, NONOS_RIGHT_READ | NONOS_RIGHT_CONTROL);
    fake_capsule("init", NONOS_RESTART_NEVER);
    fake_capsule("shell", NONOS_RESTART_ALWAYS);
    fake_capsule("hello", NONOS_RESTART_NEVER);
    struct nonos_capsule_info *names = fake_capsule("names", NONOS_RESTART_ALWAYS);
    snprintf(names->provides[0].text, sizeof names->provides[0].text, NONOS_NAMES_SERVICE);
    names->provides_count = 1;
    fake_capsule("crasher", NONOS_RESTART_ON_FAILURE);
    fake_capsule("worker", NONOS_RESTART_ON_FAILURE);
    struct nonos_capsule_info *needy = fake_capsule("needy", NONOS_RESTART_NEVER);
    snprintf(needy->dependencies[0].text, sizeof needy->dependencies[0].text, "ghost");
    needy->dependency_count = 1;
    struct nonos_capsule_info *a = fake_capsule("loop-a", NONOS_RESTART_NEVER);
    snprintf(a->dependencies[0].text, sizeof a->dependencies[0].text, "loop-b");
    a->dependency_count = 1;
    struct nonos_capsule_info *b = fake_capsule("loop-b", NONOS_RESTART_NEVER);
    snprintf(b->dependencies[0].text, sizeof b->dependencies[0].text, "loop-a");
    b->dependency_count = 1;
    fake_capsule("refused", NONOS_RESTART_NEVER)->verified = 0;
    struct nonos_capsule_info *quiet = fake_capsule("quiet", NONOS_RESTART_ON_FAILURE);
    snprintf(quiet->dependencies[0].text, sizeof quiet->dependencies[0].text, "hello");
    quiet->dependency_count = 1;
    fake_process("init", NONOS_PROCESS_RUNNING); /* the kernel started init */
}

int main(void)
{
    bundle();
    fake.wait_limit = 9;
    fake.on_wait = script;
    int status = fake_run(capsule_main);
    test_check(status == -1000 && fake.waits == 9, "init: runs until the script ends (%zu waits)", fake.waits);
    test_check(strcmp(started_after_boot, "names shell hello crasher worker quiet") == 0,
               "init: starts the name service first, then bundle order, dependencies met, not itself: '%s'",
               started_after_boot);
    test_check(fake_said("init: not starting needy: a dependency is missing (ghost)\n") &&
                   fake_said("init: not starting loop-a: dependency cycle\n") &&
                   fake_said("init: not starting loop-b: dependency cycle\n") &&
                   fake_said("init: not starting refused: refused at boot\n"),
               "init: reports each capsule it will not start, with the reason");
    test_check(fake_said("init: started names (process 2)\n") && fake_said("init: hello (process 4) exited with status 0\n"),
               "init: reports starts and ends with process ids");
    const char *after = fake.started + strlen(started_after_boot);
    test_check(strstr(after, "hello") == NULL && strstr(after, "quiet") == NULL,
               "init: no restart after exit 0 (never) or a supervisor's kill (on-failure)");
    test_check(strncmp(after, " shell worker", 13) == 0 && fake_said("init: shell (process 3) was killed by a supervisor\n"),
               "init: restarts always after a kill and on-failure after exit status 3: '%s'", after);
    size_t crasher_starts = 0;
    for (const char *p = fake.started; (p = strstr(p, "crasher")) != NULL; p++)
        crasher_starts++;
    test_check(crasher_starts == 6 && fake_said("init: crasher (process ") && fake_said(") was killed for a fault\n") &&
                   fake_said("init: crasher ended 6 times within a minute; it stays stopped\n"),
               "init: a capsule faulting at once is restarted 5 times, then left stopped and init says so (%zu starts)",
               crasher_starts);
    size_t restarted = 0, gave_up = 0;
    for (size_t i = 0; i < fake.audit_count; i++) {
        const struct nonos_audit_record *r = &fake.audit[i];
        restarted += r->kind == NONOS_AUDIT_RESTART && strcmp(r->detail, "restarted by init") == 0;
        gave_up += r->kind == NONOS_AUDIT_RESTART && strcmp(r->name, "crasher") == 0 &&
                   strstr(r->detail, "init gave up: ended 6 times within a minute") == r->detail;
    }
    test_check(restarted == 7 && gave_up == 1,
               "init: each restart (shell, worker, crasher 5 times) and the giving up are audit records (%zu, %zu)",
               restarted, gave_up);
    test_check(fake.slots[8].type == NONOS_OBJECT_NOTIFICATION, "init: waits on its own notification in slot 8");
    test_check(fake.refusals == 0, "init: no call refused for a capability (%zu), nothing for the audit log",
               fake.refusals);

    /* Without a supervisor capability init starts nothing, and says why. */
    bundle();
    fake.slots[NONOS_SLOT_SUPERVISOR].type = NONOS_OBJECT_NONE;
    fake_run(capsule_main);
    test_check(fake.started[0] == '\0' && fake_said("init: capsule_info 0: the slot is out of the table or empty") &&
                   fake_said("polling every second"),
               "init: without its supervisor capability: nothing started, the errors reported");
    return test_finish();
}
