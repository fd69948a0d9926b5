/* The fakes of the dispatcher's host tests (tests/kernel/fake/syscall_fakes.h
 * says what each does): the calling process, the audit log, the user-memory
 * copy and every handler that is not a capability call. One copy for
 * tests/kernel/dispatch_test.c and tests/fuzz/fuzz_syscall.c. */
#include <string.h>

#include "kernel/audit/audit.h"
#include "kernel/proc/process.h"
#include "kernel/syscall/handlers.h"
#include "kernel/syscall/user_memory.h"
#include "tests/kernel/fake/syscall_fakes.h"

struct process *fake_process_current;
struct fake_audit_record fake_audited;
struct fake_handler_record fake_handled;
uintptr_t fake_user_window;
size_t fake_user_window_size;
int fake_interrupts_depth;

void fake_records_clear(void)
{
    memset(&fake_audited, 0, sizeof fake_audited);
    memset(&fake_handled, 0, sizeof fake_handled);
}

struct process *process_current(void) { return fake_process_current; }
struct cap_table *process_caps(struct process *process) { return process->caps; }

void audit_denied(const struct process *process, uint32_t syscall, uint32_t slot, int32_t error)
{
    fake_audited.count++;
    fake_audited.process = process;
    fake_audited.syscall = syscall;
    fake_audited.slot = slot;
    fake_audited.error = error;
}

static bool user_mapped(uint64_t address, size_t length)
{
    return address >= fake_user_window && length <= fake_user_window_size &&
           address - fake_user_window <= fake_user_window_size - length;
}

bool user_copy_from(void *kernel_destination, uint64_t user_source, size_t length)
{
    if (!user_mapped(user_source, length))
        return false;
    memcpy(kernel_destination, (const void *)(uintptr_t)user_source, length);
    return true;
}

bool user_copy_to(uint64_t user_destination, const void *kernel_source, size_t length)
{
    if (!user_mapped(user_destination, length))
        return false;
    memcpy((void *)(uintptr_t)user_destination, kernel_source, length);
    return true;
}

static int64_t handler_ran(const char *name, uint64_t a0, uint64_t a1, uint64_t a2)
{
    fake_handled.count++;
    fake_handled.name = name;
    fake_handled.argument[0] = a0;
    fake_handled.argument[1] = a1;
    fake_handled.argument[2] = a2;
    return FAKE_HANDLER_RESULT;
}

int64_t sys_console_write(uint32_t console, uint64_t text, uint64_t length)
{
    return handler_ran("console_write", console, text, length);
}
int64_t sys_console_read(uint32_t console, uint64_t buffer, uint64_t size)
{
    return handler_ran("console_read", console, buffer, size);
}

/* The process calls (kernel/proc/). */
int64_t sys_exit(uint64_t status) { return handler_ran("exit", status, 0, 0); }
int64_t sys_yield(void) { return handler_ran("yield", 0, 0, 0); }
int64_t sys_null(void) { return handler_ran("null", 0, 0, 0); }
int64_t sys_thread_create(uint64_t entry, uint64_t stack, uint64_t argument, uint64_t destination)
{
    (void)destination;
    return handler_ran("thread_create", entry, stack, argument);
}
int64_t sys_thread_exit(void) { return handler_ran("thread_exit", 0, 0, 0); }
int64_t sys_clock_read(void) { return handler_ran("clock_read", 0, 0, 0); }
int64_t sys_timer_sleep(uint32_t timer, uint64_t nanoseconds)
{
    return handler_ran("timer_sleep", timer, nanoseconds, 0);
}
int64_t sys_memory_allocate(uint64_t pages, uint64_t destination)
{
    return handler_ran("memory_allocate", pages, destination, 0);
}
int64_t sys_memory_map(uint32_t memory, uint64_t address, uint64_t rights)
{
    return handler_ran("memory_map", memory, address, rights);
}
int64_t sys_memory_unmap(uint64_t address, uint64_t pages)
{
    return handler_ran("memory_unmap", address, pages, 0);
}
int64_t sys_capsule_start(uint32_t supervisor, uint64_t name, uint64_t length)
{
    return handler_ran("capsule_start", supervisor, name, length);
}
int64_t sys_process_kill(uint32_t supervisor, uint64_t process)
{
    return handler_ran("process_kill", supervisor, process, 0);
}
int64_t sys_process_list(uint32_t supervisor, uint64_t buffer, uint64_t size)
{
    return handler_ran("process_list", supervisor, buffer, size);
}
int64_t sys_process_caps(uint32_t supervisor, uint64_t process, uint64_t buffer, uint64_t size)
{
    (void)size;
    return handler_ran("process_caps", supervisor, process, buffer);
}
int64_t sys_capsule_info(uint32_t supervisor, uint64_t index, uint64_t info)
{
    return handler_ran("capsule_info", supervisor, index, info);
}
int64_t sys_process_info(uint32_t supervisor, uint64_t process, uint64_t info)
{
    return handler_ran("process_info", supervisor, process, info);
}
int64_t sys_supervisor_watch(uint32_t supervisor, uint32_t notification)
{
    return handler_ran("supervisor_watch", supervisor, notification, 0);
}
int64_t sys_audit_read(uint32_t supervisor, uint64_t first, uint64_t buffer, uint64_t size)
{
    (void)size;
    return handler_ran("audit_read", supervisor, first, buffer);
}
int64_t sys_kernel_report(uint32_t supervisor, uint64_t topic, uint64_t buffer, uint64_t size)
{
    (void)size;
    return handler_ran("kernel_report", supervisor, topic, buffer);
}
int64_t sys_system_power(uint32_t supervisor, uint64_t action)
{
    return handler_ran("system_power", supervisor, action, 0);
}

/* The device calls (kernel/device/device_syscalls.c) and
 * memory_allocate_contiguous: fakes too. */
int64_t sys_memory_allocate_contiguous(uint64_t pages, uint64_t destination)
{
    return handler_ran("memory_allocate_contiguous", pages, destination, 0);
}
int64_t sys_device_info(uint32_t device, uint64_t info, uint64_t size)
{
    return handler_ran("device_info", device, info, size);
}
int64_t sys_device_map_bar(uint32_t device, uint64_t bar, uint64_t address)
{
    return handler_ran("device_map_bar", device, bar, address);
}
int64_t sys_device_config_read(uint32_t device, uint64_t offset, uint64_t width)
{
    return handler_ran("device_config_read", device, offset, width);
}
int64_t sys_device_config_write(uint32_t device, uint64_t offset, uint64_t width, uint64_t value)
{
    (void)value;
    return handler_ran("device_config_write", device, offset, width);
}
int64_t sys_device_irq_bind(uint32_t device, uint64_t vector, uint32_t notification, uint64_t bits)
{
    (void)bits;
    return handler_ran("device_irq_bind", device, vector, notification);
}
int64_t sys_device_irq_ack(uint32_t device, uint64_t vector)
{
    return handler_ran("device_irq_ack", device, vector, 0);
}
int64_t sys_device_dma_map(uint32_t device, uint32_t memory)
{
    return handler_ran("device_dma_map", device, memory, 0);
}
int64_t sys_device_dma_unmap(uint32_t device, uint64_t address)
{
    return handler_ran("device_dma_unmap", device, address, 0);
}
int64_t sys_device_port_read(uint32_t device, uint64_t port, uint64_t width)
{
    return handler_ran("device_port_read", device, port, width);
}
int64_t sys_device_port_write(uint32_t device, uint64_t port, uint64_t width, uint64_t value)
{
    (void)value;
    return handler_ran("device_port_write", device, port, width);
}
int64_t sys_random_add(uint32_t device, uint64_t data, uint64_t length)
{
    return handler_ran("random_add", device, data, length);
}
int64_t sys_device_list(uint32_t supervisor, uint64_t buffer, uint64_t size)
{
    return handler_ran("device_list", supervisor, buffer, size);
}
int64_t sys_supervisor_audit(uint32_t supervisor, uint64_t process, uint64_t text, uint64_t length)
{
    (void)length;
    return handler_ran("supervisor_audit", supervisor, process, text);
}

/* The IPC calls (kernel/ipc/ipc_syscalls.c, branch ipc): fakes too. */
int64_t sys_endpoint_create(uint64_t destination)
{
    return handler_ran("endpoint_create", destination, 0, 0);
}
int64_t sys_notification_create(uint64_t destination)
{
    return handler_ran("notification_create", destination, 0, 0);
}
int64_t sys_ipc_send(uint32_t endpoint, uint64_t message)
{
    return handler_ran("ipc_send", endpoint, message, 0);
}
int64_t sys_ipc_call(uint32_t endpoint, uint64_t message, uint64_t receive_slot)
{
    return handler_ran("ipc_call", endpoint, message, receive_slot);
}
int64_t sys_ipc_receive(uint32_t endpoint, uint64_t message, uint64_t reply_slot,
                        uint64_t receive_slot)
{
    (void)receive_slot;
    return handler_ran("ipc_receive", endpoint, message, reply_slot);
}
int64_t sys_ipc_reply(uint32_t reply, uint64_t message)
{
    return handler_ran("ipc_reply", reply, message, 0);
}
int64_t sys_ipc_reply_receive(uint32_t reply, uint64_t message, uint32_t endpoint,
                              uint64_t receive_slot)
{
    (void)receive_slot;
    return handler_ran("ipc_reply_receive", reply, message, endpoint);
}
int64_t sys_notification_signal(uint32_t notification, uint64_t bits)
{
    return handler_ran("notification_signal", notification, bits, 0);
}
int64_t sys_notification_wait(uint32_t notification)
{
    return handler_ran("notification_wait", notification, 0, 0);
}
int64_t sys_notification_poll(uint32_t notification)
{
    return handler_ran("notification_poll", notification, 0, 0);
}
int64_t sys_notification_wait_timeout(uint32_t notification, uint64_t nanoseconds)
{
    return handler_ran("notification_wait_timeout", notification, nanoseconds, 0);
}
int64_t sys_ipc_call_registers(uint64_t endpoint, uint64_t label, uint64_t word0, uint64_t word1,
                               uint64_t word2, uint64_t word3)
{
    (void)word1, (void)word2, (void)word3;
    return handler_ran("ipc_call_registers", endpoint, label, word0);
}
int64_t sys_ipc_reply_receive_registers(uint64_t slots, uint64_t label, uint64_t word0,
                                        uint64_t word1, uint64_t word2, uint64_t word3)
{
    (void)word1, (void)word2, (void)word3;
    return handler_ran("ipc_reply_receive_registers", slots, label, word0);
}
