/* The fake kernel of the system capsules' host tests (fake_kernel.h). Each
 * call checks its capability the way syscalls.txt says (type and right)
 * before doing anything, so a capsule that uses a wrong slot or lacks a
 * right fails here as it would on the real kernel. */
#include "fake_kernel.h"

#include <setjmp.h>
#include <stdio.h>
#include <string.h>

#include "nonos/error.h"
#include "nonos/names.h"
#include "nonos/syscall.h"

struct fake_kernel fake;
static jmp_buf stop;
static bool running;

#define USER(address) ((void *)(uintptr_t)(address))

void fake_reset(uint32_t console_rights, uint32_t names_rights, uint32_t supervisor_rights)
{
    memset(&fake, 0, sizeof fake);
    fake.next_process_id = 1;
    fake.slots[NONOS_SLOT_CONSOLE] = (struct fake_slot){ NONOS_OBJECT_CONSOLE, console_rights, 0, 1 };
    fake.slots[NONOS_SLOT_TIMER] = (struct fake_slot){ NONOS_OBJECT_TIMER, NONOS_RIGHT_WRITE, 0, 2 };
    if (names_rights != 0)
        fake.slots[NONOS_SLOT_NAMES] = (struct fake_slot){ NONOS_OBJECT_ENDPOINT, names_rights, 0, 3 };
    if (supervisor_rights != 0)
        fake.slots[NONOS_SLOT_SUPERVISOR] = (struct fake_slot){ NONOS_OBJECT_SUPERVISOR, supervisor_rights, 0, 4 };
}

int fake_run(int (*entry)(void))
{
    if (setjmp(stop) != 0) {
        running = false;
        return -1000;
    }
    running = true;
    int status = entry();
    running = false;
    return status;
}

static _Noreturn void fake_stop(void)
{
    longjmp(stop, 1);
}

struct nonos_capsule_info *fake_capsule(const char *name, uint32_t restart)
{
    struct nonos_capsule_info *c = &fake.capsules[fake.capsule_count++];
    memset(c, 0, sizeof *c);
    snprintf(c->name, sizeof c->name, "%s", name);
    snprintf(c->version, sizeof c->version, "0.1.0");
    c->verified = 1;
    c->restart = restart;
    return c;
}

struct nonos_process_info *fake_process(const char *name, uint32_t state)
{
    struct nonos_process_info *p = &fake.processes[fake.process_count++];
    memset(p, 0, sizeof *p);
    p->id = fake.next_process_id++;
    p->state = state;
    snprintf(p->name, sizeof p->name, "%s", name);
    for (size_t i = 0; i < fake.capsule_count; i++) {
        if (strcmp(fake.capsules[i].name, name) == 0)
            p->capsule_index = (uint32_t)i;
    }
    return p;
}

void fake_message(uint64_t badge, uint64_t label, const char *data, uint32_t transfer_type)
{
    struct nonos_message *m = &fake.inbox[fake.inbox_count];
    memset(m, 0, sizeof *m);
    m->label = label;
    m->badge = badge;
    m->length = (uint32_t)strlen(data);
    memcpy(m->data, data, m->length);
    fake.inbox_transfer[fake.inbox_count++] = transfer_type;
}

bool fake_said(const char *text)
{
    fake.output[fake.output_len < sizeof fake.output ? fake.output_len : sizeof fake.output - 1] = '\0';
    return strstr(fake.output, text) != NULL;
}

/* The capability checks of syscalls.txt: slot in range and not empty,
 * type, rights. */
static long check_quietly(long slot, uint32_t type, uint32_t rights)
{
    if (slot < 0 || slot >= FAKE_SLOTS || fake.slots[slot].type == NONOS_OBJECT_NONE)
        return -NONOS_ERROR_INVALID_CAPABILITY;
    if (type != NONOS_OBJECT_NONE && fake.slots[slot].type != type)
        return -NONOS_ERROR_WRONG_TYPE;
    if ((fake.slots[slot].rights & rights) != rights)
        return -NONOS_ERROR_NO_RIGHT;
    return 0;
}

/* A refusal here is one the kernel would audit. */
static long check(long slot, uint32_t type, uint32_t rights)
{
    long error = check_quietly(slot, type, rights);
    if (error != 0)
        fake.refusals++;
    return error;
}

static long supervisor(long slot, uint32_t rights)
{
    long error = check(slot, NONOS_OBJECT_SUPERVISOR, rights);
    return error != 0 ? error : fake.deny_supervisor;
}

static bool empty(long slot)
{
    return slot >= 0 && slot < FAKE_SLOTS && fake.slots[slot].type == NONOS_OBJECT_NONE;
}

static struct nonos_process_info *process_find(uint64_t id)
{
    for (size_t i = 0; i < fake.process_count; i++) {
        if (fake.processes[i].id == id)
            return &fake.processes[i];
    }
    return NULL;
}

static long console_write(long slot, const char *text, long length)
{
    long error = check(slot, NONOS_OBJECT_CONSOLE, NONOS_RIGHT_WRITE);
    if (error != 0)
        return error;
    if (length > 4096) /* the kernel's CONSOLE_WRITE_MAX */
        return -NONOS_ERROR_TOO_LARGE;
    fake.writes++;
    for (long i = 0; i < length && fake.output_len + 1 < sizeof fake.output; i++)
        fake.output[fake.output_len++] = text[i];
    return length;
}

static long console_read(long slot, char *buffer, long size)
{
    long error = check(slot, NONOS_OBJECT_CONSOLE, NONOS_RIGHT_READ);
    if (error != 0)
        return error;
    if (fake.input == NULL || fake.input_len == 0)
        fake_stop();
    size_t n = fake.input_chunk != 0 && fake.input_chunk < fake.input_len ? fake.input_chunk : fake.input_len;
    n = n < (size_t)size ? n : (size_t)size;
    memcpy(buffer, fake.input, n);
    fake.input += n;
    fake.input_len -= n;
    return (long)n;
}

static long cap_move(long source, long destination)
{
    long error = check(source, NONOS_OBJECT_NONE, 0);
    if (error != 0)
        return error;
    if (!empty(destination))
        return destination >= 0 && destination < FAKE_SLOTS ? -NONOS_ERROR_SLOT_OCCUPIED : -NONOS_ERROR_INVALID_ARGUMENT;
    fake.slots[destination] = fake.slots[source];
    memset(&fake.slots[source], 0, sizeof fake.slots[source]);
    return 0;
}

static long cap_delete(long slot)
{
    long error = check(slot, NONOS_OBJECT_NONE, 0);
    if (error == 0)
        memset(&fake.slots[slot], 0, sizeof fake.slots[slot]);
    return error;
}

static long ipc_call(long endpoint, struct nonos_message *message, long receive_slot)
{
    long error = check(endpoint, NONOS_OBJECT_ENDPOINT, NONOS_RIGHT_WRITE);
    if (error != 0)
        return error;
    if (endpoint == NONOS_SLOT_NAMES) {
        size_t length = fake.service != NULL ? strlen(fake.service) : 0;
        bool found = message->label == NONOS_NAMES_LOOKUP && length != 0 && message->length == length &&
                     memcmp(message->data, fake.service, length) == 0;
        if (found && (receive_slot < 0 || receive_slot >= FAKE_SLOTS || !empty(receive_slot)))
            return -NONOS_ERROR_SLOT_OCCUPIED;
        if (found)
            fake.slots[receive_slot] = (struct fake_slot){ NONOS_OBJECT_ENDPOINT, NONOS_RIGHT_WRITE, 0, 9 };
        *message = (struct nonos_message){ .label = found ? 0 : NONOS_ERROR_NOT_FOUND, .capability = NONOS_SLOT_NONE };
        return 0;
    }
    if (fake.call_next < FAKE_MAX)
        fake.call_labels[fake.call_next] = message->label;
    if (fake.call_next < fake.call_count)
        *message = fake.calls[fake.call_next];
    else
        *message = (struct nonos_message){ .label = NONOS_ERROR_INVALID_ARGUMENT, .capability = NONOS_SLOT_NONE };
    fake.call_next++;
    return 0;
}

static long cap_identify(long slot, struct nonos_cap_info *info)
{
    long error = check(slot, NONOS_OBJECT_NONE, 0);
    if (error != 0)
        return error;
    info->slot = (uint32_t)slot;
    info->type = fake.slots[slot].type;
    info->rights = fake.slots[slot].rights;
    info->badge = fake.slots[slot].badge;
    return 0;
}

static long ipc_receive(long endpoint, struct nonos_message *message, long reply_slot, long receive_slot)
{
    long error = check(endpoint, NONOS_OBJECT_ENDPOINT, NONOS_RIGHT_READ);
    if (error != 0)
        return error;
    if (!empty(reply_slot))
        return -NONOS_ERROR_SLOT_OCCUPIED;
    if (fake.inbox_next == fake.inbox_count)
        fake_stop();
    size_t i = fake.inbox_next;
    if (fake.on_receive != NULL)
        fake.on_receive(&fake, i);
    uint32_t transfer = fake.inbox_transfer[i];
    if (transfer != NONOS_OBJECT_NONE && !empty(receive_slot))
        return -NONOS_ERROR_SLOT_OCCUPIED;
    fake.inbox_next++;
    *message = fake.inbox[i];
    message->capability = NONOS_SLOT_NONE;
    if (transfer != NONOS_OBJECT_NONE) {
        fake.slots[receive_slot] = (struct fake_slot){ transfer, NONOS_RIGHT_WRITE, 0, 100 + i };
        message->capability = (uint32_t)receive_slot;
    }
    fake.slots[reply_slot] = (struct fake_slot){ NONOS_OBJECT_REPLY, NONOS_RIGHT_WRITE | NONOS_RIGHT_GRANT, 0, 200 + i };
    return 0;
}

static long ipc_reply(long reply, const struct nonos_message *message)
{
    long error = check(reply, NONOS_OBJECT_REPLY, NONOS_RIGHT_WRITE);
    if (error != 0)
        return error;
    struct fake_slot transfer = { 0 };
    if (message->capability != NONOS_SLOT_NONE) {
        error = check(message->capability, NONOS_OBJECT_NONE, 0);
        if (error == 0 && (fake.slots[reply].rights & NONOS_RIGHT_GRANT) == 0)
            error = -NONOS_ERROR_NO_RIGHT;
        if (error != 0)
            return error;
        transfer = fake.slots[message->capability]; /* a transfer copies */
    }
    fake.replies[fake.reply_count] = *message;
    fake.reply_transfers[fake.reply_count++] = transfer;
    memset(&fake.slots[reply], 0, sizeof fake.slots[reply]);
    return 0;
}

static long notification_wait(long slot)
{
    long error = check(slot, NONOS_OBJECT_NOTIFICATION, NONOS_RIGHT_READ);
    if (error != 0)
        return error;
    if (fake.waits >= fake.wait_limit)
        fake_stop();
    fake.waits++;
    if (fake.on_wait != NULL)
        fake.on_wait(&fake, fake.waits);
    return 1;
}

static long capsule_start(long slot, const char *name, long length)
{
    long error = supervisor(slot, NONOS_RIGHT_CONTROL);
    if (error != 0)
        return error;
    for (size_t i = 0; i < fake.capsule_count; i++) {
        const struct nonos_capsule_info *c = &fake.capsules[i];
        if (c->verified == 1 && strlen(c->name) == (size_t)length && memcmp(c->name, name, (size_t)length) == 0) {
            size_t used = strlen(fake.started);
            snprintf(fake.started + used, sizeof fake.started - used, "%s%s", used ? " " : "", c->name);
            return (long)fake_process(c->name, NONOS_PROCESS_RUNNING)->id;
        }
    }
    return -NONOS_ERROR_NOT_FOUND;
}

/* init's restart records: kept in the audit list like the kernel's. */
static long supervisor_audit(long slot, uint64_t id, const char *text, long length)
{
    long error = supervisor(slot, NONOS_RIGHT_CONTROL);
    if (error != 0)
        return error;
    struct nonos_process_info *p = process_find(id);
    if (length <= 0 || length > 62)
        return -NONOS_ERROR_INVALID_ARGUMENT;
    if (p == NULL)
        return -NONOS_ERROR_NOT_FOUND;
    if (fake.audit_count < sizeof fake.audit / sizeof fake.audit[0]) {
        struct nonos_audit_record *record = &fake.audit[fake.audit_count++];
        memset(record, 0, sizeof *record);
        record->process = id;
        record->kind = NONOS_AUDIT_RESTART;
        memcpy(record->detail, text, (size_t)length);
        snprintf(record->name, sizeof record->name, "%s", p->name);
    }
    return 0;
}

static long process_kill(long slot, uint64_t id)
{
    long error = supervisor(slot, NONOS_RIGHT_CONTROL);
    if (error != 0)
        return error;
    struct nonos_process_info *p = process_find(id);
    if (p == NULL || p->state != NONOS_PROCESS_RUNNING)
        return -NONOS_ERROR_NOT_FOUND;
    p->state = NONOS_PROCESS_KILLED;
    p->end = NONOS_END_KILLED;
    size_t used = strlen(fake.killed);
    snprintf(fake.killed + used, sizeof fake.killed - used, "%s%llu", used ? " " : "", (unsigned long long)id);
    return 0;
}

/* process_list, process_caps, audit_read, capsule_info, process_info. */
static long copy_out(void *buffer, long size, const void *items, size_t count, size_t item_size)
{
    size_t fit = (size_t)size / item_size;
    size_t n = count < fit ? count : fit;
    memcpy(buffer, items, n * item_size);
    return (long)n;
}

static long audit_read(long slot, uint64_t first, void *buffer, long size)
{
    long error = supervisor(slot, NONOS_RIGHT_READ);
    if (error != 0)
        return error;
    size_t start = 0;
    while (start < fake.audit_count && fake.audit[start].sequence < first)
        start++;
    return copy_out(buffer, size, fake.audit + start, fake.audit_count - start, sizeof fake.audit[0]);
}

static long supervisor_query(long number, long a0, long a1, long a2, long a3)
{
    long error = supervisor(a0, NONOS_RIGHT_READ);
    if (error != 0)
        return error;
    struct nonos_process_info *p;
    switch (number) {
    case NONOS_SYSCALL_PROCESS_LIST:
        return copy_out(USER(a1), a2, fake.processes, fake.process_count, sizeof fake.processes[0]);
    case NONOS_SYSCALL_PROCESS_CAPS:
        if (process_find((uint64_t)a1) == NULL)
            return -NONOS_ERROR_NOT_FOUND;
        return copy_out(USER(a2), a3, fake.process_caps, fake.process_cap_count, sizeof fake.process_caps[0]);
    case NONOS_SYSCALL_CAPSULE_INFO:
        if ((size_t)a1 >= fake.capsule_count)
            return -NONOS_ERROR_NOT_FOUND;
        memcpy(USER(a2), &fake.capsules[a1], sizeof fake.capsules[0]);
        return 0;
    case NONOS_SYSCALL_DEVICE_LIST:
        return copy_out(USER(a1), a2, fake.devices, fake.device_count, sizeof fake.devices[0]);
    case NONOS_SYSCALL_PROCESS_INFO:
        p = process_find((uint64_t)a1);
        if (p == NULL)
            return -NONOS_ERROR_NOT_FOUND;
        memcpy(USER(a2), p, sizeof *p);
        return 0;
    case NONOS_SYSCALL_SUPERVISOR_WATCH:
        return check(a1, NONOS_OBJECT_NOTIFICATION, NONOS_RIGHT_WRITE);
    default: /* NONOS_SYSCALL_KERNEL_REPORT */
        fake.report_topic = (uint64_t)a1 + 1;
        if (a3 > 0)
            snprintf(fake.report_argument, sizeof fake.report_argument, "%.*s",
                     (int)(a3 < 64 ? a3 : 64), (const char *)USER(a2));
        if (fake.report == NULL)
            return -NONOS_ERROR_INVALID_ARGUMENT;
        return copy_out(USER(a2), a3, fake.report, strlen(fake.report), 1);
    }
}

long nonos_syscall6(long number, long a0, long a1, long a2, long a3, long a4, long a5)
{
    (void)a4;
    (void)a5;
    switch (number) {
    case NONOS_SYSCALL_CONSOLE_WRITE: return console_write(a0, USER(a1), a2);
    case NONOS_SYSCALL_CONSOLE_READ: return console_read(a0, USER(a1), a2);
    case NONOS_SYSCALL_CLOCK_READ: return (long)fake.clock_ns;
    case NONOS_SYSCALL_TIMER_SLEEP: fake_stop();
    case NONOS_SYSCALL_CAP_MOVE: return cap_move(a0, a1);
    case NONOS_SYSCALL_CAP_DELETE: return cap_delete(a0);
    case NONOS_SYSCALL_CAP_REVOKE: return check(a0, NONOS_OBJECT_NONE, 0);
    case NONOS_SYSCALL_CAP_IDENTIFY: return cap_identify(a0, USER(a1));
    case NONOS_SYSCALL_NOTIFICATION_CREATE:
        if (!empty(a0))
            return -NONOS_ERROR_SLOT_OCCUPIED;
        fake.slots[a0] = (struct fake_slot){ NONOS_OBJECT_NOTIFICATION, NONOS_RIGHT_READ | NONOS_RIGHT_WRITE, 0, 5 };
        return 0;
    case NONOS_SYSCALL_IPC_RECEIVE: return ipc_receive(a0, USER(a1), a2, a3);
    case NONOS_SYSCALL_IPC_CALL: return ipc_call(a0, USER(a1), a2);
    case NONOS_SYSCALL_IPC_REPLY: return ipc_reply(a0, USER(a1));
    case NONOS_SYSCALL_NOTIFICATION_WAIT: return notification_wait(a0);
    case NONOS_SYSCALL_CAPSULE_START: return capsule_start(a0, USER(a1), a2);
    case NONOS_SYSCALL_PROCESS_KILL: return process_kill(a0, (uint64_t)a1);
    case NONOS_SYSCALL_AUDIT_READ: return audit_read(a0, (uint64_t)a1, USER(a2), a3);
    case NONOS_SYSCALL_SUPERVISOR_AUDIT: return supervisor_audit(a0, (uint64_t)a1, USER(a2), a3);
    case NONOS_SYSCALL_PROCESS_LIST:
    case NONOS_SYSCALL_PROCESS_CAPS:
    case NONOS_SYSCALL_CAPSULE_INFO:
    case NONOS_SYSCALL_PROCESS_INFO:
    case NONOS_SYSCALL_SUPERVISOR_WATCH:
    case NONOS_SYSCALL_DEVICE_LIST:
    case NONOS_SYSCALL_KERNEL_REPORT: return supervisor_query(number, a0, a1, a2, a3);
    case NONOS_SYSCALL_SYSTEM_POWER: {
        long error = supervisor(a0, NONOS_RIGHT_CONTROL);
        if (error != 0)
            return error;
        fake.power_action = (uint64_t)a1 + 1;
        fake_stop();
    }
    default: return -NONOS_ERROR_INVALID_SYSCALL;
    }
}

long nonos_syscall0(long number) { return nonos_syscall6(number, 0, 0, 0, 0, 0, 0); }
long nonos_syscall1(long number, long a0) { return nonos_syscall6(number, a0, 0, 0, 0, 0, 0); }
long nonos_syscall2(long number, long a0, long a1) { return nonos_syscall6(number, a0, a1, 0, 0, 0, 0); }
long nonos_syscall3(long number, long a0, long a1, long a2) { return nonos_syscall6(number, a0, a1, a2, 0, 0, 0); }
long nonos_syscall4(long number, long a0, long a1, long a2, long a3)
{
    return nonos_syscall6(number, a0, a1, a2, a3, 0, 0);
}
long nonos_syscall5(long number, long a0, long a1, long a2, long a3, long a4)
{
    return nonos_syscall6(number, a0, a1, a2, a3, a4, 0);
}
