/* The process system calls (kernel/syscall/syscalls.txt): exit, yield,
 * null, thread_create, thread_exit, clock_read, timer_sleep, and the
 * supervisor's capsule_start, process_kill, process_list, process_info,
 * process_caps, audit_read, capsule_info, supervisor_watch, kernel_report and
 * system_power.
 *
 * The dispatcher has checked every slot argument's type and rights (and
 * audited a refusal) before a handler runs. Each handler then checks
 * everything else first and mutates after, and a mutation that can fail
 * (an allocation) comes before the ones that cannot, so nothing is left
 * half done. User memory is reached only through user_memory_read/write. */
#include "kernel/arch/interrupt.h"
#include "kernel/arch/mmu.h"
#include "kernel/arch/time.h"
#include "kernel/audit/audit.h"
#include "kernel/cap/capability.h"
#include "kernel/capsule/capsule.h"
#include "kernel/error.h"
#include "kernel/ipc/ipc.h"
#include "kernel/lib/print.h"
#include "kernel/mm/heap.h"
#include "kernel/power/power.h"
#include "kernel/proc/process_internal.h"
#include "kernel/shell/report.h"
#include "crypto/crypto.h"
#include "kernel/sched/thread.h"
#include "kernel/syscall/handlers.h"
#include "kernel/syscall/user_memory.h"
#include "sdk/include/nonos/abi.h"

int64_t sys_exit(uint64_t status)
{
    process_exit((int32_t)status);
}

int64_t sys_yield(void)
{
    thread_yield();
    return 0;
}

int64_t sys_null(void)
{
    return 0;
}

int64_t sys_thread_exit(void)
{
    process_thread_exit();
}

int64_t sys_clock_read(void)
{
    return (int64_t)timer_uptime_ns();
}

/* One sleep on the timer list for the whole duration: nothing wakes the
 * thread before its deadline but a kill (process_kill interrupts it). */
int64_t sys_timer_sleep(uint32_t timer, uint64_t nanoseconds)
{
    (void)timer; /* checked by the dispatcher: a timer capability with write */
    thread_sleep_ns(nanoseconds);
    return 0;
}

/* ---- Threads ---- */

/* What a thread capability names: a thread of a process, by id (the
 * thread itself may have been reaped; nothing dereferences it). */
struct thread_object {
    struct object object;
    uint64_t process_id, thread_id;
};

static void thread_object_destroy(struct object *object)
{
    kfree(object);
}

static bool user_address(uint64_t address)
{
    return address < MMU_USER_END;
}

int64_t sys_thread_create(uint64_t entry, uint64_t stack, uint64_t argument, uint64_t destination)
{
    struct process *process = process_current();
    if (!user_address(entry) || !user_address(stack) || destination > UINT32_MAX)
        return -ERROR_INVALID_ARGUMENT;
    int error = cap_insert_check(process->caps, (uint32_t)destination);
    if (error)
        return -error;
    if (process->thread_count >= process->thread_limit)
        return -ERROR_THREAD_LIMIT;
    struct thread_object *object = kzalloc(sizeof *object);
    if (!object)
        return -ERROR_NO_MEMORY;
    struct thread *thread;
    error = process_thread_start_user(process, entry, stack, argument, &thread);
    if (error) {
        kfree(object);
        return error;
    }
    object_type_register(OBJECT_THREAD, thread_object_destroy);
    object_init(&object->object, OBJECT_THREAD);
    object->process_id = process->id;
    object->thread_id = thread_id(thread);
    bool was_enabled = interrupts_save();
    cap_insert_apply(process->caps, (uint32_t)destination, &object->object, RIGHT_ALL, 0);
    object_put(&object->object); /* the capability holds it now */
    interrupts_restore(was_enabled);
    return 0;
}

/* ---- Supervisor ---- */

int64_t sys_capsule_start(uint32_t supervisor, uint64_t name, uint64_t length)
{
    (void)supervisor;
    char text[MANIFEST_NAME_MAX];
    if (length == 0 || length > sizeof text)
        return -ERROR_NOT_FOUND;
    int error = user_memory_read(text, name, length);
    if (error)
        return error;
    size_t index;
    if (!capsule_find(text, (size_t)length, &index))
        return -ERROR_NOT_FOUND;
    bool running = false;
    bool was_enabled = interrupts_save();
    for (struct process *p = process_first(); p; p = p->next)
        running = running || (p->capsule_index == index && !p->finished);
    interrupts_restore(was_enabled);
    if (running)
        return -ERROR_DENIED; /* one instance per capsule */
    return process_launch(index);
}

int64_t sys_process_kill(uint32_t supervisor, uint64_t id)
{
    (void)supervisor;
    char detail[48];
    ksnprintf(detail, sizeof detail, "killed by %s (process %lu)", process_current()->name,
              process_current()->id);
    bool was_enabled = interrupts_save();
    struct process *process = process_by_id(id);
    bool found = process && !process->finished;
    if (found)
        process_kill(process, PROCESS_END_KILLED, detail);
    interrupts_restore(was_enabled);
    return found ? 0 : -ERROR_NOT_FOUND;
}

/* init's restart decisions, in the audit log beside the ends they follow. */
int64_t sys_supervisor_audit(uint32_t supervisor, uint64_t id, uint64_t text, uint64_t length)
{
    (void)supervisor;
    char detail[sizeof ((struct nonos_audit_record *)0)->detail];
    if (length == 0 || length >= sizeof detail)
        return -ERROR_INVALID_ARGUMENT;
    int error = user_memory_read(detail, text, length);
    if (error)
        return error;
    detail[length] = '\0';
    bool was_enabled = interrupts_save();
    struct process *process = process_by_id(id);
    if (process)
        audit_event(process, NONOS_AUDIT_RESTART, detail);
    interrupts_restore(was_enabled);
    return process ? 0 : -ERROR_NOT_FOUND;
}

static void info_fill(const struct process *p, struct nonos_process_info *info)
{
    __builtin_memset(info, 0, sizeof *info);
    info->id = p->id;
    info->capsule_index = (uint32_t)p->capsule_index;
    info->state = (uint32_t)p->state;
    info->end = (uint32_t)p->end;
    info->exit_status = (int32_t)p->exit_status;
    info->cpu_used_us = process_cpu_used_ns(p) / 1000u;
    info->cpu_budget_us = p->cpu_budget_ns / 1000u;
    info->memory_used = p->memory_used;
    info->memory_limit = p->memory_limit;
    info->threads = p->thread_count - p->exiting;
    info->thread_limit = p->thread_limit;
    info->slots_used = p->caps ? p->caps->used : 0;
    info->slot_limit = p->slot_limit;
    __builtin_memcpy(info->name, p->name, sizeof info->name);
}

/* The process table and capability tables change under a thread that is
 * preempted (an ended process is freed when the table is trimmed), so each
 * call takes its snapshot with interrupts off into kernel memory and
 * copies it out afterwards. */

int64_t sys_process_info(uint32_t supervisor, uint64_t id, uint64_t info)
{
    (void)supervisor;
    struct nonos_process_info record;
    bool was_enabled = interrupts_save();
    struct process *process = process_by_id(id);
    if (process)
        info_fill(process, &record);
    interrupts_restore(was_enabled);
    if (!process)
        return -ERROR_NOT_FOUND;
    int error = user_memory_write(info, &record, sizeof record);
    return error ? error : 0;
}

#define SNAPSHOT_MAX 64u /* records per call: the table keeps at most 32 ended */

/* Writes one record per process, newest first, as many as fit (at most
 * SNAPSHOT_MAX). */
int64_t sys_process_list(uint32_t supervisor, uint64_t buffer, uint64_t size)
{
    (void)supervisor;
    uint64_t capacity = size / sizeof(struct nonos_process_info);
    if (capacity > SNAPSHOT_MAX)
        capacity = SNAPSHOT_MAX;
    if (!user_memory_range_valid(buffer, capacity * sizeof(struct nonos_process_info)))
        return -ERROR_BAD_ADDRESS;
    if (capacity == 0)
        return 0;
    struct nonos_process_info *records = kmalloc((size_t)capacity * sizeof *records);
    if (!records)
        return -ERROR_NO_MEMORY;
    uint64_t count = 0;
    bool was_enabled = interrupts_save();
    for (struct process *p = process_first(); p && count < capacity; p = p->next)
        info_fill(p, &records[count++]);
    interrupts_restore(was_enabled);
    int error = user_memory_write(buffer, records, count * sizeof *records);
    kfree(records);
    return error ? error : (int64_t)count;
}

/* The non-empty slots of a table into records (at most capacity). */
static uint64_t caps_snapshot(const struct cap_table *caps, struct nonos_cap_info *records,
                              uint64_t capacity)
{
    uint64_t count = 0;
    for (uint32_t slot = 0; caps && slot < caps->size && count < capacity; slot++) {
        const struct capability *cap = &caps->slots[slot];
        if (cap->object)
            records[count++] = (struct nonos_cap_info){ slot, (uint32_t)cap->object->type,
                                                        cap->rights, 0, cap->badge };
    }
    return count;
}

int64_t sys_process_caps(uint32_t supervisor, uint64_t id, uint64_t buffer, uint64_t size)
{
    (void)supervisor;
    uint64_t capacity = size / sizeof(struct nonos_cap_info);
    if (capacity > MANIFEST_CAPABILITY_SLOTS_MAX)
        capacity = MANIFEST_CAPABILITY_SLOTS_MAX;
    if (!user_memory_range_valid(buffer, capacity * sizeof(struct nonos_cap_info)))
        return -ERROR_BAD_ADDRESS;
    struct nonos_cap_info *records = kmalloc((size_t)(capacity ? capacity : 1) * sizeof *records);
    if (!records)
        return -ERROR_NO_MEMORY;
    bool was_enabled = interrupts_save();
    struct process *process = process_by_id(id);
    uint64_t count = process ? caps_snapshot(process->caps, records, capacity) : 0;
    interrupts_restore(was_enabled);
    int error = process ? user_memory_write(buffer, records, count * sizeof *records)
                        : -ERROR_NOT_FOUND;
    kfree(records);
    return error ? error : (int64_t)count;
}

/* Records with sequence >= first, oldest first, as many as fit, copied
 * out a few at a time through a small stack buffer (no allocation, so no
 * NO_MEMORY). Records written meanwhile may be included; the caller reads
 * on from the last sequence it got. */
#define AUDIT_COPY_BATCH 4u
int64_t sys_audit_read(uint32_t supervisor, uint64_t first, uint64_t buffer, uint64_t size)
{
    (void)supervisor;
    uint64_t capacity = size / sizeof(struct nonos_audit_record);
    if (capacity > AUDIT_RING_SIZE)
        capacity = AUDIT_RING_SIZE;
    if (!user_memory_range_valid(buffer, capacity * sizeof(struct nonos_audit_record)))
        return -ERROR_BAD_ADDRESS;
    struct nonos_audit_record batch[AUDIT_COPY_BATCH];
    uint64_t count = 0;
    while (count < capacity) {
        uint64_t want = capacity - count < AUDIT_COPY_BATCH ? capacity - count : AUDIT_COPY_BATCH;
        uint32_t got = audit_read(first, batch, (uint32_t)want);
        if (got == 0)
            break;
        int error = user_memory_write(buffer + count * sizeof batch[0], batch, got * sizeof batch[0]);
        if (error)
            return error;
        count += got;
        first = batch[got - 1].sequence + 1;
    }
    return (int64_t)count;
}

static void text_set(char *out, size_t capacity, const char *text)
{
    size_t i = 0;
    for (; i + 1 < capacity && text[i]; i++)
        out[i] = text[i];
    out[i] = '\0';
}

static void name_set(struct nonos_name *out, const char *text)
{
    text_set(out->text, sizeof out->text, text);
}

static void capsule_info_fill(size_t index, const struct manifest *m,
                              struct nonos_capsule_info *info)
{
    info->verified = 1;
    info->restart = (uint32_t)m->restart; /* the same values as enum nonos_restart */
    info->supervisor = process_policy_supervisor_rights(index, m);
    info->allow_mesh = m->allow_mesh ? 1 : 0;
    info->allow_clearnet = m->allow_clearnet ? 1 : 0;
    text_set(info->name, sizeof info->name, m->name.text);
    semver_format(m->version, info->version, sizeof info->version);
    for (size_t i = 0; i < m->dependency_count && i < NONOS_CAPSULE_LIST_MAX; i++)
        name_set(&info->dependencies[info->dependency_count++], m->dependencies[i].name.text);
    for (size_t i = 0; i < m->ipc_count && i < NONOS_CAPSULE_LIST_MAX; i++)
        name_set(&info->ipc[info->ipc_count++], m->ipc[i].text);
    for (size_t i = 0; i < m->provides_count && i < NONOS_CAPSULE_LIST_MAX; i++)
        name_set(&info->provides[info->provides_count++], m->provides[i].text);
}

int64_t sys_capsule_info(uint32_t supervisor, uint64_t index, uint64_t info)
{
    (void)supervisor;
    if (index >= capsule_count())
        return -ERROR_NOT_FOUND;
    struct nonos_capsule_info *record = kzalloc(sizeof *record);
    struct manifest *manifest = kmalloc(sizeof *manifest);
    int64_t result = -ERROR_NO_MEMORY;
    struct bytes payload;
    if (record && manifest) {
        if (capsule_verified((size_t)index, &payload, manifest)) {
            capsule_info_fill((size_t)index, manifest, record);
        } else if (capsule_name((size_t)index)) {
            text_set(record->name, sizeof record->name, capsule_name((size_t)index));
        }
        result = user_memory_write(info, record, sizeof *record);
    }
    kfree(record);
    kfree(manifest);
    return result;
}

int64_t sys_supervisor_watch(uint32_t supervisor, uint32_t notification)
{
    (void)supervisor;
    struct process *process = process_current();
    struct capability *cap;
    int error = cap_lookup(process->caps, notification, OBJECT_NOTIFICATION, RIGHT_WRITE, &cap);
    if (error)
        return -error;
    return process_watch_add(cap->object);
}

/* ---- Reports and power ---- */

int64_t sys_kernel_report(uint32_t supervisor, uint64_t topic, uint64_t buffer, uint64_t size)
{
    (void)supervisor;
    if (topic >= REPORT_TOPIC_COUNT)
        return -ERROR_INVALID_ARGUMENT;
    if (!user_memory_range_valid(buffer, size))
        return -ERROR_BAD_ADDRESS;
    size_t capacity = size < REPORT_MAX ? (size_t)size : REPORT_MAX;
    if (capacity == 0)
        return 0;
    char argument[REPORT_ARGUMENT_MAX] = { 0 };
    if (topic == REPORT_SELFTEST_RUN_ONE) { /* the test's name, NUL-terminated */
        size_t length = capacity < sizeof argument ? capacity : sizeof argument;
        if (user_memory_read(argument, buffer, length) != 0)
            return -ERROR_BAD_ADDRESS;
        argument[sizeof argument - 1] = '\0';
    }
    char *text = kmalloc(capacity);
    if (!text)
        return -ERROR_NO_MEMORY;
    struct report report = report_make(text, capacity);
    if (!report_topic((enum report_topic)topic, argument, &report)) {
        kfree(text);
        return -ERROR_INVALID_ARGUMENT;
    }
    int error = user_memory_write(buffer, report.text, report.length);
    crypto_wipe(text, capacity); /* the random topic's bytes */
    kfree(text);
    return error ? error : (int64_t)report.length;
}

int64_t sys_system_power(uint32_t supervisor, uint64_t action)
{
    (void)supervisor;
    if (action > 1)
        return -ERROR_INVALID_ARGUMENT;
    char detail[48];
    ksnprintf(detail, sizeof detail, "system_power %s", action == 0 ? "off" : "reset");
    process_audit(process_current(), NONOS_AUDIT_KILL, detail);
    if (action == 0)
        power_off();
    power_reboot();
}
