/* The hostile tests of issue 11 (docs/kernel.md, "Hostile tests"): real
 * signed capsules of tests/capsules/, in the test image's boot bundle only,
 * started here by name through the kernel's process API and watched to
 * their end: how they ended, their exit status, the audit records written
 * about them, the kernel's self-check, and a companion capsule that must
 * keep running through the faults and the fuzzer. A capsule missing from
 * the bundle fails its test (it cannot pass without running). */
#include "kernel/arch/interrupt.h"
#include "kernel/arch/time.h"
#include "kernel/audit/audit.h"
#include "kernel/cap/capability.h"
#include "kernel/arch/iommu.h"
#include "kernel/capsule/capsule.h"
#include "kernel/device/device.h"
#include "kernel/error.h"
#include "kernel/ipc/ipc.h"
#include "kernel/lib/print.h"
#include "kernel/proc/process_internal.h"
#include "kernel/random/system_random.h"
#include "kernel/sched/thread.h"
#include "kernel/shell/report.h"
#include "kernel/syscall/table.h"
#include "kernel/test/test.h"
#include "kernel/test/test_hostile.h"
#include "sdk/include/nonos/abi.h"
#include "sdk/include/nonos/error.h"
#include "sdk/include/nonos/syscall.h"
#include "tests/capsules/lib/denials.h"
#include "tests/capsules/lib/device_test.h"
#include "tests/capsules/lib/hostile_slots.h"
#include "tests/capsules/lib/ipc_test.h"

#define HOSTILE_WAIT_MS 20000u /* the longest any hostile capsule may run */

static size_t text_length(const char *text)
{
    size_t n = 0;
    while (text[n] != '\0')
        n++;
    return n;
}

static bool text_starts(const char *text, const char *prefix)
{
    while (*prefix && *text == *prefix) {
        text++;
        prefix++;
    }
    return *prefix == '\0';
}

/* Creates (not starts) the bundle capsule `name`, with the harness's token
 * in HOSTILE_SLOT_HARNESS (tests/capsules/lib/hostile.h: without it a
 * hostile capsule does nothing); the caller holds a reference to the
 * process (hostile_release). */
int hostile_create(const char *name, struct process **out)
{
    size_t index;
    if (!capsule_find(name, text_length(name), &index))
        return -ERROR_NOT_FOUND;
    int error = process_create(index, out);
    if (error)
        return error;
    object_get(&(*out)->object);
    bool was_enabled = interrupts_save();
    error = -cap_insert_check((*out)->caps, HOSTILE_SLOT_HARNESS);
    if (error == 0)
        cap_insert_apply((*out)->caps, HOSTILE_SLOT_HARNESS, &(*out)->object, 0, 0);
    interrupts_restore(was_enabled);
    if (error) {
        process_kill(*out, PROCESS_END_KILLED, "test: no slot for the harness token");
        object_put(&(*out)->object);
    }
    return error;
}

int hostile_start(struct process *process)
{
    int error = process_start(process);
    if (error)
        process_kill(process, PROCESS_END_KILLED, "test: start failed");
    return error;
}

int hostile_launch(const char *name, struct process **out)
{
    int error = hostile_create(name, out);
    if (error == 0 && (error = hostile_start(*out)) != 0)
        object_put(&(*out)->object);
    return error;
}

/* Waits for the end, killing the process after HOSTILE_WAIT_MS; false if it
 * had to be killed. */
bool hostile_wait(struct process *process, uint64_t limit_ms)
{
    uint64_t waited = 0;
    while (!process->finished && waited < limit_ms) {
        thread_sleep_ms(10);
        waited += 10;
    }
    if (process->finished)
        return true;
    process_kill(process, PROCESS_END_KILLED, "test: did not end in time");
    process_wait_end(process);
    return false;
}

void hostile_release(struct process *process)
{
    object_put(&process->object);
}

/* The first audit record of `kind` about process id from sequence `first`. */
bool audit_find(uint64_t first, uint64_t id, uint32_t kind,
                       struct nonos_audit_record *out)
{
    static struct nonos_audit_record records[AUDIT_RING_SIZE];
    uint32_t count = audit_read(first, records, AUDIT_RING_SIZE);
    for (uint32_t i = 0; i < count; i++) {
        if (records[i].process == id && records[i].kind == kind) {
            *out = records[i];
            return true;
        }
    }
    return false;
}

/* ---- 1. every call without its capability -------------------------------- */

static bool denial_listed(uint32_t number)
{
    for (size_t i = 0; i < DENIAL_COUNT; i++) {
        if (denials[i].number == number)
            return true;
    }
    return false;
}

/* Calls that skip the dispatcher's slot check (the register fast path,
 * docs/ipc.md) and check and audit their slots themselves. */
static bool checks_own_slots(uint32_t number)
{
    return number == NONOS_SYSCALL_IPC_CALL_REGISTERS ||
           number == NONOS_SYSCALL_IPC_REPLY_RECEIVE_REGISTERS;
}

static bool test_hostile_denied_every_call_audited(void)
{
    for (uint32_t n = 0; n < SYSCALL_TABLE_SIZE; n++) {
        bool takes_slot = syscall_table[n].slot_count != 0 || checks_own_slots(n);
        TEST_REQUIRE(!takes_slot || denial_listed(n),
                     "call %u (%s) takes a slot but has no row in tests/capsules/lib/denials.h",
                     n, syscall_table[n].name);
    }
    for (size_t i = 0; i < DENIAL_COUNT; i++) {
        uint32_t n = denials[i].number;
        bool is_call = n < SYSCALL_TABLE_SIZE && syscall_table[n].invoke != NULL;
        TEST_REQUIRE(is_call == (denials[i].error != -NONOS_ERROR_INVALID_SYSCALL),
                     "row %zu of denials.h: number %u %s a call but the row expects %s", i, n,
                     is_call ? "names" : "names no", kernel_error_message(-denials[i].error));
    }
    uint64_t first = audit_next_sequence();
    struct process *p;
    int error = hostile_launch("hostile-denied", &p);
    TEST_REQUIRE(error == 0, "capsule hostile-denied did not start: %s", kernel_error_message(error));
    bool ended = hostile_wait(p, HOSTILE_WAIT_MS);
    uint64_t id = p->id;
    enum process_end end = p->end;
    int64_t status = p->exit_status;
    hostile_release(p);
    TEST_REQUIRE(ended && end == PROCESS_END_EXIT && status == 0,
                 "hostile-denied: want exit 0 (every call answered with its documented error), "
                 "got end %s status %ld (row %ld of denials.h wrong; see its log lines)",
                 process_end_name(end), status, status - 1);
    static struct nonos_audit_record records[AUDIT_RING_SIZE];
    uint32_t count = audit_read(first, records, AUDIT_RING_SIZE);
    size_t row = 0;
    for (uint32_t i = 0; i < count && row < DENIAL_COUNT; i++) {
        const struct nonos_audit_record *r = &records[i];
        if (r->process != id || r->kind != NONOS_AUDIT_DENIED)
            continue;
        const struct denial *d = &denials[row];
        TEST_REQUIRE(r->syscall == d->number && r->slot == d->slot && r->error == d->error &&
                         text_starts(r->name, "hostile-denied"),
                     "audit record %lu: call %u slot %u error %d, want call %u slot %u error %d",
                     r->sequence, r->syscall, r->slot, r->error, d->number, d->slot, d->error);
        row++;
    }
    TEST_REQUIRE(row == DENIAL_COUNT, "%zu audit records of denials for %zu refused calls", row,
                 DENIAL_COUNT);
    return true;
}

/* ---- 3. one capsule per fault, a companion running through them ---------- */

static struct process *companion;

static bool companion_alive(const char *after)
{
    if (companion == NULL) {
        int error = hostile_launch("hostile-companion", &companion);
        if (error) {
            test_fail("capsule hostile-companion did not start: %s", kernel_error_message(error));
            companion = NULL;
            return false;
        }
    }
    if (companion->killed) {
        test_fail("hostile-companion ended (%s, status %ld) after %s; it must keep running",
                  process_end_name(companion->end), companion->exit_status, after);
        return false;
    }
    return true;
}

static bool fault_run(const char *name, const char *fault)
{
    if (!companion_alive("nothing"))
        return false;
    uint64_t first = audit_next_sequence();
    struct process *p;
    int error = hostile_launch(name, &p);
    TEST_REQUIRE(error == 0, "capsule %s did not start: %s", name, kernel_error_message(error));
    bool ended = hostile_wait(p, HOSTILE_WAIT_MS);
    uint64_t id = p->id;
    enum process_end end = p->end;
    int64_t status = p->exit_status;
    hostile_release(p);
    TEST_REQUIRE(ended, "%s did not end", name);
    struct nonos_audit_record record;
    if (fault == NULL) { /* an unknown system call number: refused, not killed */
        TEST_REQUIRE(end == PROCESS_END_EXIT && status == 0,
                     "%s: want exit 0 (number 1000 and 2^63 refused with INVALID_SYSCALL), "
                     "got %s status %ld", name, process_end_name(end), status);
        TEST_REQUIRE(audit_find(first, id, NONOS_AUDIT_DENIED, &record) &&
                         record.syscall == 1000 && record.error == -ERROR_INVALID_SYSCALL,
                     "%s: no audit record 'denied unknown (1000): no system call has this number'",
                     name);
    } else {
        TEST_REQUIRE(end == PROCESS_END_FAULT, "%s: want killed for a fault, got %s status %ld",
                     name, process_end_name(end), status);
        TEST_REQUIRE(audit_find(first, id, NONOS_AUDIT_FAULT, &record) &&
                         text_starts(record.name, name) && text_starts(record.detail, fault),
                     "%s: want an audit fault record naming it with \"%s...\", got \"%s\"", name,
                     fault, audit_find(first, id, NONOS_AUDIT_FAULT, &record) ? record.detail : "none");
    }
    thread_sleep_ms(20); /* the companion gets its turn */
    return companion_alive(name);
}

static bool test_hostile_fault_null(void) { return fault_run("hostile-fault-null", "null access at 0x10"); }
static bool test_hostile_fault_code(void) { return fault_run("hostile-fault-code", "write to code at 0x40"); }
static bool test_hostile_fault_stack(void) { return fault_run("hostile-fault-stack", "execute from stack"); }
static bool test_hostile_fault_heap(void)
{
    return fault_run("hostile-fault-heap", "execute from heap at 0x20000000000");
}
static bool test_hostile_fault_kernel(void)
{
    return fault_run("hostile-fault-kernel", "kernel address access at 0xffffffff80000000");
}
static bool test_hostile_fault_divide(void) { return fault_run("hostile-fault-divide", "divide error"); }
static bool test_hostile_fault_opcode(void) { return fault_run("hostile-fault-opcode", "invalid opcode"); }
static bool test_hostile_fault_privileged(void)
{
    return fault_run("hostile-fault-privileged", "general protection fault");
}
static bool test_hostile_fault_syscall(void) { return fault_run("hostile-fault-syscall", NULL); }

/* ---- 2. the fuzzer --------------------------------------------------------- */

static bool self_check_ok(char *text, size_t size)
{
    struct report report = report_make(text, size);
    return report_topic(REPORT_SELF_CHECK, NULL, &report) && text_starts(text, "ok");
}

static bool test_hostile_fuzzer_kernel_intact(void)
{
    if (!companion_alive("the fault capsules"))
        return false;
    struct process *p;
    uint64_t start = timer_uptime_ns();
    int error = hostile_launch("hostile-fuzz", &p);
    TEST_REQUIRE(error == 0, "capsule hostile-fuzz did not start: %s", kernel_error_message(error));
    bool ended = hostile_wait(p, 120000);
    uint64_t elapsed_ms = (timer_uptime_ns() - start) / 1000000;
    enum process_end end = p->end;
    int64_t status = p->exit_status;
    uint64_t cpu_ms = process_cpu_used_ns(p) / 1000000;
    hostile_release(p);
    TEST_REQUIRE(ended && end == PROCESS_END_EXIT && status >= 100000,
                 "hostile-fuzz: want exit with its call count >= 100000, got %s status %ld "
                 "(1: an answer outside the error range)", process_end_name(end), status);
    static char text[512];
    TEST_REQUIRE(self_check_ok(text, sizeof text), "self-check after the fuzzer: %s", text);
    kprintf("hostile-fuzz: %ld calls in %lu ms (%lu ms of CPU); self-check %s", status,
            elapsed_ms, cpu_ms, text);
    return companion_alive("the fuzzer");
}

static bool test_hostile_companion_survived(void)
{
    if (!companion_alive("the faults and the fuzzer"))
        return false;
    process_kill(companion, PROCESS_END_KILLED, "test: done");
    process_wait_end(companion);
    enum process_end end = companion->end;
    hostile_release(companion);
    companion = NULL;
    TEST_REQUIRE(end == PROCESS_END_KILLED, "hostile-companion ended with %s, want killed by the test",
                 process_end_name(end));
    return true;
}

/* ---- 4. CPU hog ------------------------------------------------------------ */

static bool test_hostile_cpu_hog_stopped_at_budget(void)
{
    uint64_t first = audit_next_sequence();
    struct process *p;
    int error = hostile_launch("hostile-cpu-hog", &p);
    TEST_REQUIRE(error == 0, "capsule hostile-cpu-hog did not start: %s", kernel_error_message(error));
    bool ended = hostile_wait(p, HOSTILE_WAIT_MS);
    uint64_t id = p->id, used = process_cpu_used_ns(p), budget = p->cpu_budget_ns;
    enum process_end end = p->end;
    hostile_release(p);
    struct nonos_audit_record record;
    TEST_REQUIRE(ended && end == PROCESS_END_CPU_BUDGET, "hostile-cpu-hog ended with %s, want cpu budget",
                 process_end_name(end));
    TEST_REQUIRE(budget == 500000000u, "hostile-cpu-hog's budget is %lu us, its manifest says 500 ms",
                 budget / 1000);
    TEST_REQUIRE(used >= budget && used <= budget / 10 * 11,
                 "hostile-cpu-hog stopped at %lu us, want 500000..550000 us", used / 1000);
    TEST_REQUIRE(audit_find(first, id, NONOS_AUDIT_CPU_BUDGET, &record),
                 "no 'cpu budget' audit record about hostile-cpu-hog");
    kprintf("hostile-cpu-hog: stopped at %lu us of CPU for a budget of %lu us\n", used / 1000,
            budget / 1000);
    return true;
}

/* ---- 5. memory hog --------------------------------------------------------- */

static bool test_hostile_memory_hog_stopped_at_limit(void)
{
    uint64_t first = audit_next_sequence();
    struct process *p;
    int error = hostile_launch("hostile-memory-hog", &p);
    TEST_REQUIRE(error == 0, "capsule hostile-memory-hog did not start: %s", kernel_error_message(error));
    thread_sleep_ms(50); /* it sleeps 100 ms before allocating */
    uint64_t fixed = p->memory_used, limit = p->memory_limit, id = p->id;
    struct nonos_audit_record record;
    uint64_t waited = 0;
    while (!audit_find(first, id, NONOS_AUDIT_MEMORY, &record) && !p->finished && waited < 5000) {
        thread_sleep_ms(10);
        waited += 10;
    }
    thread_sleep_ms(30); /* its checks after the first refusal; it then sleeps 200 ms */
    uint64_t full = p->memory_used;
    bool ended = hostile_wait(p, HOSTILE_WAIT_MS);
    enum process_end end = p->end;
    int64_t pages = p->exit_status;
    hostile_release(p);
    TEST_REQUIRE(ended && end == PROCESS_END_EXIT && pages > 0 && pages < 10000,
                 "hostile-memory-hog: want exit with its page count, got %s status %ld "
                 "(10001: not NO_MEMORY, 10002: a later allocation passed, 10003: freeing did not "
                 "make room, 10004: the limit moved)", process_end_name(end), pages);
    TEST_REQUIRE(audit_find(first, id, NONOS_AUDIT_MEMORY, &record),
                 "no 'memory' audit record about hostile-memory-hog");
    /* Each page costs its frame plus the memory object's bookkeeping
     * (kernel/proc/memory_syscalls.c): the same charge every time, a page
     * and at most 64 bytes; the hog must have stopped with less than one
     * such charge left under the limit. */
    uint64_t charged = full - fixed, per_page = charged / (uint64_t)pages;
    TEST_REQUIRE(full <= limit && charged % (uint64_t)pages == 0 && per_page >= 4096 &&
                     per_page <= 4096 + 64 && limit - full < per_page,
                 "memory hog: %ld pages charged %lu bytes (fixed %lu, limit %lu): want equal "
                 "charges of 4096..4160 bytes, under one left", pages, charged, fixed, limit);
    kprintf("hostile-memory-hog: %ld pages of %lu bytes; fixed costs %lu, limit %lu, %lu bytes "
            "left; audit: %s\n", pages, per_page, fixed, limit, limit - full, record.detail);
    return true;
}

/* ---- 6-8. grant, revoke, IPC ---------------------------------------------- */

static bool ipc_ran;
static int64_t ipc_client_status = -1;
static uint64_t ipc_first_sequence, ipc_client_id;
static const char *ipc_problem;

static void ipc_run_once(void)
{
    if (ipc_ran)
        return;
    ipc_ran = true;
    struct process *server = NULL, *client = NULL;
    if (hostile_create("hostile-ipc-server", &server) != 0 ||
        hostile_create("hostile-ipc-client", &client) != 0) {
        ipc_problem = "capsules hostile-ipc-server and hostile-ipc-client not both in the bundle";
    } else if ((ipc_first_sequence = audit_next_sequence(), ipc_client_id = client->id,
                hostile_start(server) != 0 || hostile_start(client) != 0)) {
        ipc_problem = "the IPC capsules did not start";
    } else {
        bool client_ended = hostile_wait(client, HOSTILE_WAIT_MS);
        bool server_ended = hostile_wait(server, 1000);
        if (!client_ended || client->end != PROCESS_END_EXIT)
            ipc_problem = "hostile-ipc-client did not exit (killed or hung)";
        else if (client->exit_status & IPC_FAILED_LOOKUP)
            ipc_problem = "no endpoint of hostile.echo through the name service (names running?)";
        else if (!server_ended || server->end != PROCESS_END_EXIT || server->exit_status != 0)
            ipc_problem = "hostile-ipc-server did not exit with 0 (4: register refused)";
        ipc_client_status = client->exit_status;
    }
    for (struct process *p = server; p; p = p == server ? client : NULL) {
        if (!p->finished) {
            process_kill(p, PROCESS_END_KILLED, "test: not started");
            hostile_wait(p, 1000);
        }
        hostile_release(p);
    }
}

static bool ipc_check(int64_t bits, const char *what)
{
    ipc_run_once();
    TEST_REQUIRE(ipc_problem == NULL, "%s", ipc_problem);
    TEST_REQUIRE((ipc_client_status & bits) == 0 && ipc_client_status >= 0,
                 "%s: client failure bits 0x%lx (ipc_test.h)",
                 what, ipc_client_status & bits);
    return true;
}

static bool test_hostile_transfer_without_grant_refused(void)
{
    if (!ipc_check(IPC_FAILED_NO_GRANT_ACCEPTED | IPC_FAILED_DELIVERED |
                       IPC_FAILED_GRANT_REFUSED | IPC_FAILED_SETUP,
                   "want no-grant transfer NO_RIGHT, not delivered; with grant accepted"))
        return false;
    struct nonos_audit_record record;
    TEST_REQUIRE(audit_find(ipc_first_sequence, ipc_client_id, NONOS_AUDIT_DENIED, &record) &&
                     record.syscall == NONOS_SYSCALL_IPC_CALL && record.slot == IPC_SLOT_NO_GRANT &&
                     record.error == -ERROR_NO_RIGHT,
                 "want the audit record: hostile-ipc-client denied ipc_call slot 8 NO_RIGHT");
    return true;
}

static bool test_hostile_ipc_data_and_capability(void)
{
    return ipc_check(IPC_FAILED_DATA | IPC_FAILED_CAPABILITY | IPC_FAILED_SHARED,
                     "want data both ways, badge 42, a usable memory capability, "
                     "the server's write seen");
}

static bool test_hostile_revoke_removes_every_copy(void)
{
    return ipc_check(IPC_FAILED_REVOKE_COUNT | IPC_FAILED_REVOKE_LOCAL | IPC_FAILED_REVOKE_REMOTE,
                     "want revoke to delete 3 copies (copy, mint, server's), original kept");
}

/* ---- 9. code pages --------------------------------------------------------- */

static bool test_hostile_code_pages_unchangeable(void)
{
    struct process *victim, *attacker;
    int error = hostile_launch("hostile-code-victim", &victim);
    TEST_REQUIRE(error == 0, "capsule hostile-code-victim did not start: %s", kernel_error_message(error));
    uint64_t first = audit_next_sequence();
    error = hostile_launch("hostile-code-attacker", &attacker);
    if (error) {
        process_kill(victim, PROCESS_END_KILLED, "test failed");
        hostile_wait(victim, 1000);
        hostile_release(victim);
        TEST_REQUIRE(false, "capsule hostile-code-attacker did not start: %s", kernel_error_message(error));
    }
    hostile_wait(attacker, HOSTILE_WAIT_MS);
    uint64_t id = attacker->id;
    enum process_end attacker_end = attacker->end;
    int64_t attacker_status = attacker->exit_status;
    hostile_release(attacker);
    bool victim_alive = !victim->killed;
    bool victim_ended = hostile_wait(victim, HOSTILE_WAIT_MS);
    enum process_end victim_end = victim->end;
    int64_t victim_status = victim->exit_status;
    hostile_release(victim);
    struct nonos_audit_record record;
    TEST_REQUIRE(attacker_end == PROCESS_END_FAULT,
                 "hostile-code-attacker: want every attempt refused then killed for writing its code, "
                 "got %s status %ld (status n: attempt n not refused)",
                 process_end_name(attacker_end), attacker_status);
    TEST_REQUIRE(audit_find(first, id, NONOS_AUDIT_FAULT, &record) &&
                     text_starts(record.detail, "write to code at 0x400100"),
                 "hostile-code-attacker: want audit 'write to code at 0x400100'");
    TEST_REQUIRE(victim_alive && victim_ended && victim_end == PROCESS_END_EXIT && victim_status == 0,
                 "hostile-code-victim: want running through the attack, then exit 0 (code intact), "
                 "got alive %d, %s status %ld", victim_alive, process_end_name(victim_end),
                 victim_status);
    return true;
}

/* ---- the token ------------------------------------------------------------ */

/* Started without the harness's token (as init, which starts every capsule
 * of the bundle, would start it), a hostile capsule does nothing. */
static bool test_hostile_inert_without_harness(void)
{
    size_t index;
    struct process *p;
    TEST_REQUIRE(capsule_find("hostile-fault-null", 18, &index),
                 "capsule hostile-fault-null not in the test bundle");
    int error = process_create(index, &p);
    TEST_REQUIRE(error == 0, "hostile-fault-null not created: %s", kernel_error_message(error));
    object_get(&p->object);
    error = hostile_start(p);
    bool ended = error == 0 && hostile_wait(p, HOSTILE_WAIT_MS);
    enum process_end end = p->end;
    int64_t status = p->exit_status;
    hostile_release(p);
    TEST_REQUIRE(ended && end == PROCESS_END_EXIT && status == 0,
                 "hostile-fault-null without the token: want exit 0 doing nothing, got %s status %ld",
                 process_end_name(end), status);
    return true;
}

/* ---- devices (docs/drivers.md) -------------------------------------------- */

/* The virtio-rng the next claim gets: the first one no process holds (the
 * test image's own virtio-rng driver capsule may hold another). */
static struct device *virtio_rng(void)
{
    for (uint32_t i = 0; i < device_count(); i++) {
        if (device_at(i)->pci.vendor_id == 0x1af4 && device_at(i)->pci.device_id == 0x1044 &&
            device_at(i)->driver == NULL)
            return device_at(i);
    }
    return NULL;
}

/* An audit record of `kind` about id (0: any process) from `first` whose
 * detail starts so. */
static bool audit_detail_find(uint64_t first, uint64_t id, uint32_t kind, const char *detail)
{
    static struct nonos_audit_record records[AUDIT_RING_SIZE];
    uint32_t count = audit_read(first, records, AUDIT_RING_SIZE);
    for (uint32_t i = 0; i < count; i++) {
        if ((id == 0 || records[i].process == id) && records[i].kind == kind &&
            text_starts(records[i].detail, detail))
            return true;
    }
    return false;
}

static bool audit_denial_find(uint64_t first, uint64_t id, uint32_t call, uint32_t slot,
                              int32_t error)
{
    static struct nonos_audit_record records[AUDIT_RING_SIZE];
    uint32_t count = audit_read(first, records, AUDIT_RING_SIZE);
    for (uint32_t i = 0; i < count; i++) {
        const struct nonos_audit_record *r = &records[i];
        if (r->process == id && r->kind == NONOS_AUDIT_DENIED && r->syscall == call &&
            r->slot == slot && r->error == error)
            return true;
    }
    return false;
}

/* Without an IOMMU the driver is refused unless unconfined DMA is allowed
 * (said on the console, audited); with one it gets a domain. */
static bool test_hostile_device_needs_confinement(void)
{
    struct device *rng = virtio_rng();
    TEST_REQUIRE(rng != NULL, "no virtio-rng free (tests/qemu/boot.sh adds one)");
    bool was = device_dma_unconfined_set(false);
    uint64_t first = audit_next_sequence();
    struct process *p = NULL;
    int error = hostile_create("hostile-device-driver", &p);
    bool confined = error == 0 && rng->driver == p && rng->domain != NULL;
    if (error == 0) {
        process_kill(p, PROCESS_END_KILLED, "test: created only");
        process_wait_end(p);
        hostile_release(p);
    }
    device_dma_unconfined_set(was);
    if (iommu_present()) {
        TEST_REQUIRE(confined, "with an IOMMU the driver did not get a domain: %s",
                     error ? kernel_error_message(error) : "no domain");
    } else {
        TEST_REQUIRE(error == -ERROR_NOT_CONFINED && rng->driver == NULL,
                     "without an IOMMU the driver was not refused: %s",
                     error ? kernel_error_message(error) : "it was created");
        TEST_REQUIRE(audit_detail_find(first, 0, NONOS_AUDIT_DEVICE, "pci:1af4:1044: refused"),
                     "no audit record of the refusal");
    }
    TEST_REQUIRE(rng->driver == NULL && rng->domain == NULL, "claim left behind");
    return true;
}

/* The capability goes to the capsule whose policy names the device, and to
 * one live process at a time: drivers are created (not started) until one
 * finds every virtio-rng taken; each earlier one holds a different device
 * with read, write and control, the last an empty slot 4, and a capsule
 * naming no device has empty slots 4-7. */
#define POLICY_DRIVERS_MAX 4

static uint32_t virtio_rng_free(void)
{
    uint32_t free = 0;
    for (uint32_t i = 0; i < device_count(); i++)
        free += device_at(i)->pci.vendor_id == 0x1af4 && device_at(i)->pci.device_id == 0x1044 &&
                device_at(i)->driver == NULL;
    return free;
}

static bool device_slot_holds(struct process *p, struct object **object)
{
    struct capability *cap = NULL;
    bool held = cap_lookup(p->caps, NONOS_SLOT_DEVICE, OBJECT_DEVICE,
                           RIGHT_READ | RIGHT_WRITE | RIGHT_CONTROL, &cap) == 0;
    *object = held ? cap->object : NULL;
    return held && ((struct device *)cap->object)->driver == p;
}

static bool test_hostile_device_caps_follow_policy(void)
{
    uint32_t free = virtio_rng_free();
    TEST_REQUIRE(free >= 1 && free < POLICY_DRIVERS_MAX, "%u virtio-rng free", free);
    bool was = iommu_present() ? device_dma_unconfined_allowed() : device_dma_unconfined_set(true);
    struct process *made[POLICY_DRIVERS_MAX + 1] = { NULL };
    struct object *held[POLICY_DRIVERS_MAX] = { NULL };
    int error = 0;
    bool distinct = true, last_empty = false, none_empty = false;
    for (uint32_t i = 0; i <= free && !error; i++) {
        error = hostile_create("hostile-device-driver", &made[i]);
        bool has = error == 0 && device_slot_holds(made[i], &held[i]);
        for (uint32_t j = 0; j < i && has; j++)
            distinct = distinct && held[j] != held[i];
        if (i < free)
            distinct = distinct && has;
        else
            last_empty = error == 0 && made[i]->caps->slots[NONOS_SLOT_DEVICE].object == NULL;
    }
    struct process *none = NULL;
    if (!error)
        error = hostile_create("hostile-device-none", &none);
    none_empty = error == 0; /* slots 4-6 (7 holds the harness's token) */
    for (uint32_t slot = NONOS_SLOT_DEVICE; none_empty && slot < NONOS_SLOT_DEVICE + 3; slot++)
        none_empty = none->caps->slots[slot].object == NULL;
    made[free + 1] = none; /* free < POLICY_DRIVERS_MAX: index at most 4 */
    for (uint32_t i = 0; i <= POLICY_DRIVERS_MAX; i++) {
        if (made[i]) {
            process_kill(made[i], PROCESS_END_KILLED, "test: created only");
            process_wait_end(made[i]);
            hostile_release(made[i]);
        }
    }
    device_dma_unconfined_set(was);
    TEST_REQUIRE(error == 0, "creating the capsules failed: %s", kernel_error_message(error));
    TEST_REQUIRE(distinct, "%u drivers did not each get a different virtio-rng with read, write, "
                 "control", free);
    TEST_REQUIRE(last_empty, "driver %u got a device though every virtio-rng was taken", free + 1);
    TEST_REQUIRE(none_empty, "a capsule whose policy names no device got one");
    TEST_REQUIRE(virtio_rng_free() == free, "claims outlived their drivers (%u free, was %u)",
                 virtio_rng_free(), free);
    return true;
}

/* A capsule without a device capability: BAR mapping, interrupt binding and
 * DMA mapping refused on every device slot, each audited. */
static bool test_hostile_device_none_refused(void)
{
    uint64_t first = audit_next_sequence();
    struct process *p;
    int error = hostile_launch("hostile-device-none", &p);
    TEST_REQUIRE(error == 0, "capsule hostile-device-none did not start: %s",
                 kernel_error_message(error));
    bool ended = hostile_wait(p, HOSTILE_WAIT_MS);
    uint64_t id = p->id;
    int64_t status = p->exit_status;
    enum process_end end = p->end;
    hostile_release(p);
    TEST_REQUIRE(ended && end == PROCESS_END_EXIT && status == 0,
                 "hostile-device-none: end %s status %ld (a call was not refused)",
                 process_end_name(end), status);
    for (uint32_t slot = NONOS_SLOT_DEVICE; slot < NONOS_SLOT_DEVICE + 3; slot++) {
        TEST_REQUIRE(audit_denial_find(first, id, NONOS_SYSCALL_DEVICE_MAP_BAR, slot,
                                       -ERROR_INVALID_CAPABILITY) &&
                         audit_denial_find(first, id, NONOS_SYSCALL_DEVICE_IRQ_BIND, slot,
                                           -ERROR_INVALID_CAPABILITY) &&
                         audit_denial_find(first, id, NONOS_SYSCALL_DEVICE_DMA_MAP, slot,
                                           -ERROR_INVALID_CAPABILITY),
                     "slot %u: a refusal is missing from the audit log", slot);
    }
    return true;
}

/* The driver maps, binds, turns bus mastering on, maps DMA, and ends
 * holding it all: the kernel tears every piece down. */
static bool test_hostile_device_driver_torn_down(void)
{
    struct device *rng = virtio_rng();
    TEST_REQUIRE(rng != NULL, "no virtio-rng free (tests/qemu/boot.sh adds one)");
    bool was = iommu_present() ? device_dma_unconfined_allowed() : device_dma_unconfined_set(true);
    uint64_t first = audit_next_sequence();
    uint64_t random_before = system_random_added_bytes();
    struct process *p;
    int error = hostile_launch("hostile-device-driver", &p);
    bool ended = error == 0 && hostile_wait(p, HOSTILE_WAIT_MS);
    uint64_t id = error == 0 ? p->id : 0;
    int64_t status = error == 0 ? p->exit_status : -1;
    enum process_end end = error == 0 ? p->end : PROCESS_END_NONE;
    if (error == 0)
        hostile_release(p);
    device_dma_unconfined_set(was);
    TEST_REQUIRE(error == 0, "capsule hostile-device-driver did not start: %s",
                 kernel_error_message(error));
    TEST_REQUIRE(ended && end == PROCESS_END_EXIT && status == 0,
                 "hostile-device-driver: end %s, failed step %ld", process_end_name(end), status);
    bool irq_left = false;
    for (uint32_t i = 0; i < DEVICE_IRQ_MAX; i++)
        irq_left = irq_left || rng->irqs[i].bound;
    TEST_REQUIRE(rng->driver == NULL && rng->mappings == NULL && rng->domain == NULL && !irq_left,
                 "left behind: driver %p, mappings %p, domain %p, interrupt %d",
                 (void *)rng->driver, (void *)rng->mappings, (void *)rng->domain, irq_left);
    TEST_REQUIRE((pci_config_read(&rng->pci, PCI_COMMAND, 2) & PCI_COMMAND_BUS_MASTER) == 0,
                 "bus mastering still on after the driver ended");
    TEST_REQUIRE(audit_detail_find(first, id, NONOS_AUDIT_DEVICE, "given pci:1af4:1044") &&
                     audit_detail_find(first, id, NONOS_AUDIT_DEVICE, "released"),
                 "audit records of the claim and the release missing");
    TEST_REQUIRE(audit_denial_find(first, id, NONOS_SYSCALL_DEVICE_MAP_BAR,
                                   DEVICE_TEST_NARROW_SLOT, -ERROR_NO_RIGHT) &&
                     audit_denial_find(first, id, NONOS_SYSCALL_DEVICE_IRQ_BIND,
                                       DEVICE_TEST_NARROW_SLOT, -ERROR_NO_RIGHT),
                 "the read-only copy's refusals (map_bar, irq_bind) are not audited");
    TEST_REQUIRE(system_random_added_bytes() - random_before == DEVICE_TEST_RANDOM_BYTES,
                 "random_add mixed %lu bytes, want %u", system_random_added_bytes() - random_before,
                 DEVICE_TEST_RANDOM_BYTES);
    return true;
}

static const struct test_case hostile_cases[] = {
    { "hostile_inert_without_harness", test_hostile_inert_without_harness },
    { "hostile_denied_every_call_audited", test_hostile_denied_every_call_audited },
    { "hostile_fault_null", test_hostile_fault_null },
    { "hostile_fault_code", test_hostile_fault_code },
    { "hostile_fault_stack", test_hostile_fault_stack },
    { "hostile_fault_heap", test_hostile_fault_heap },
    { "hostile_fault_kernel", test_hostile_fault_kernel },
    { "hostile_fault_divide", test_hostile_fault_divide },
    { "hostile_fault_opcode", test_hostile_fault_opcode },
    { "hostile_fault_privileged", test_hostile_fault_privileged },
    { "hostile_fault_syscall_refused", test_hostile_fault_syscall },
    { "hostile_fuzzer_kernel_intact", test_hostile_fuzzer_kernel_intact },
    { "hostile_companion_survived", test_hostile_companion_survived },
    { "hostile_cpu_hog_stopped_at_budget", test_hostile_cpu_hog_stopped_at_budget },
    { "hostile_memory_hog_stopped_at_limit", test_hostile_memory_hog_stopped_at_limit },
    { "hostile_transfer_without_grant_refused", test_hostile_transfer_without_grant_refused },
    { "hostile_ipc_data_and_capability", test_hostile_ipc_data_and_capability },
    { "hostile_revoke_removes_every_copy", test_hostile_revoke_removes_every_copy },
    { "hostile_code_pages_unchangeable", test_hostile_code_pages_unchangeable },
    { "hostile_device_needs_confinement", test_hostile_device_needs_confinement },
    { "hostile_device_caps_follow_policy", test_hostile_device_caps_follow_policy },
    { "hostile_device_none_refused", test_hostile_device_none_refused },
    { "hostile_device_driver_torn_down", test_hostile_device_driver_torn_down },
};
TEST_TABLE(hostile_cases);
