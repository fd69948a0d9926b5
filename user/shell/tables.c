/* The shell's tables (tables.h). Column widths fit an 80-column console
 * for the usual values; a longer value widens its line instead of being cut. */
#include "tables.h"

#include "nonos/error.h"
#include "text.h"

#define STATE_TEXT_MAX 32
#define PAIR_TEXT_MAX 48

void format_rights(uint32_t rights, char out[5])
{
    out[0] = (rights & NONOS_RIGHT_READ) != 0 ? 'r' : '-';
    out[1] = (rights & NONOS_RIGHT_WRITE) != 0 ? 'w' : '-';
    out[2] = (rights & NONOS_RIGHT_GRANT) != 0 ? 'g' : '-';
    out[3] = (rights & NONOS_RIGHT_CONTROL) != 0 ? 'c' : '-';
    out[4] = '\0';
}

const char *format_object_type(uint32_t type)
{
    static const char *const names[] = {
        "none", "memory", "space", "thread", "endpoint", "notification",
        "reply", "timer", "console", "process", "supervisor", "device",
    };
    return type < sizeof names / sizeof names[0] ? names[type] : "unknown";
}

const char *format_audit_kind(uint32_t kind)
{
    static const char *const names[] = {
        "denied", "start", "exit", "fault", "cpu-budget", "memory", "kill", "restart",
        "dma-fault", "device",
    };
    return kind < sizeof names / sizeof names[0] ? names[kind] : "unknown";
}

/* "running", "exited 3", "killed: fault", ... */
static void process_state(const struct nonos_process_info *info, struct byte_buffer *out)
{
    static const char *const ends[] = { "", "exit", "fault", "cpu budget", "supervisor" };
    if (info->state == NONOS_PROCESS_RUNNING)
        text_printf(out, "running");
    else if (info->state == NONOS_PROCESS_EXITED)
        text_printf(out, "exited %d", (int)info->exit_status);
    else if (info->state == NONOS_PROCESS_KILLED && info->end < sizeof ends / sizeof ends[0])
        text_printf(out, "killed: %s", ends[info->end]);
    else
        text_printf(out, "state %u", info->state);
}

bool format_process_header(struct byte_buffer *out)
{
    return text_printf(out, "%6s  %-16s %-18s %-22s %-18s %s\n", "id", "capsule", "state",
                       "cpu used/budget (s)", "memory (KiB)", "threads");
}

bool format_process(struct byte_buffer *out, const struct nonos_process_info *info)
{
    char state_storage[STATE_TEXT_MAX], cpu_storage[PAIR_TEXT_MAX], memory_storage[PAIR_TEXT_MAX];
    struct byte_buffer state = text_buffer(state_storage, sizeof state_storage);
    struct byte_buffer cpu = text_buffer(cpu_storage, sizeof cpu_storage);
    struct byte_buffer memory = text_buffer(memory_storage, sizeof memory_storage);
    process_state(info, &state);
    text_printf(&cpu, "%llu.%03llu/%llu.%03llu", (unsigned long long)(info->cpu_used_us / 1000000),
                (unsigned long long)(info->cpu_used_us / 1000 % 1000),
                (unsigned long long)(info->cpu_budget_us / 1000000),
                (unsigned long long)(info->cpu_budget_us / 1000 % 1000));
    text_printf(&memory, "%llu/%llu", (unsigned long long)(info->memory_used / 1024),
                (unsigned long long)(info->memory_limit / 1024));
    return text_printf(out, "%6llu  %-16.*s %-18.*s %-22.*s %-18.*s %u/%u\n",
                       (unsigned long long)info->id,
                       (int)text_length(info->name, sizeof info->name), info->name,
                       (int)state.len, state_storage, (int)cpu.len, cpu_storage,
                       (int)memory.len, memory_storage, info->threads, info->thread_limit);
}

bool format_cap_header(struct byte_buffer *out)
{
    return text_printf(out, "%6s  %-13s %-6s %s\n", "slot", "type", "rights", "badge");
}

bool format_cap(struct byte_buffer *out, const struct nonos_cap_info *cap)
{
    char rights[5];
    format_rights(cap->rights, rights);
    return text_printf(out, "%6u  %-13s %-6s %llu\n", cap->slot, format_object_type(cap->type),
                       rights, (unsigned long long)cap->badge);
}

/* "denied: call 41 slot 3: <the error's message>" (the slot when there is one). */
static bool audit_denial(struct byte_buffer *out, const struct nonos_audit_record *record)
{
    bool ok = text_printf(out, ": call %u", record->syscall);
    if (record->slot != NONOS_SLOT_NONE)
        ok = text_printf(out, " slot %u", record->slot) && ok;
    return text_printf(out, ": %s", nonos_error_message(record->error)) && ok;
}

/* One line: sequence, time, process, kind, then what the kind has: a
 * denial's call, slot and error, and the kernel's detail text (in
 * parentheses after a denial, unless it only repeats the error). */
bool format_audit(struct byte_buffer *out, const struct nonos_audit_record *record)
{
    bool denied = record->kind == NONOS_AUDIT_DENIED;
    bool ok = text_printf(out, "%6llu %6llu.%06llu  process %llu (%.*s) %s",
                          (unsigned long long)record->sequence,
                          (unsigned long long)(record->time_ns / 1000000000u),
                          (unsigned long long)(record->time_ns / 1000u % 1000000u),
                          (unsigned long long)record->process,
                          (int)text_length(record->name, sizeof record->name), record->name,
                          format_audit_kind(record->kind));
    if (denied)
        ok = audit_denial(out, record) && ok;
    size_t detail = text_length(record->detail, sizeof record->detail);
    /* The kernel fills a denial's detail with the error's message: no
     * need to say it twice. */
    const char *message = nonos_error_message(record->error);
    if (denied && text_equal(record->detail, detail, message))
        detail = 0;
    if (detail > 0)
        ok = text_printf(out, denied ? " (%.*s)" : ": %.*s", (int)detail, record->detail) && ok;
    return text_printf(out, "\n") && ok;
}

bool format_device_header(struct byte_buffer *out)
{
    return text_printf(out, "%-8s %-9s %-6s %-12s %-22s %s\n", "address", "id", "class",
                       "interrupts", "driver", "iommu");
}

/* "64 KiB", "16 MiB": a BAR's size. */
static void bar_size(struct byte_buffer *out, uint64_t size)
{
    if (size >= (1ull << 20) && size % (1ull << 20) == 0)
        text_printf(out, "%llu MiB", (unsigned long long)(size >> 20));
    else if (size >= 1024 && size % 1024 == 0)
        text_printf(out, "%llu KiB", (unsigned long long)(size >> 10));
    else
        text_printf(out, "%llu B", (unsigned long long)size);
}

static bool device_bars(struct byte_buffer *out, const struct nonos_device_info *info)
{
    bool ok = true;
    for (uint32_t i = 0; i < NONOS_DEVICE_BARS; i++) {
        const struct nonos_device_bar *bar = &info->bars[i];
        if (bar->kind != NONOS_BAR_MEMORY && bar->kind != NONOS_BAR_IO)
            continue;
        char size_storage[24];
        struct byte_buffer size = text_buffer(size_storage, sizeof size_storage);
        bar_size(&size, bar->size);
        ok = text_printf(out, "         bar%u %s 0x%llx, %.*s%s%s\n", i,
                         bar->kind == NONOS_BAR_IO ? "io " : "mem", (unsigned long long)bar->base,
                         (int)size.len, size_storage, (bar->flags & 1) ? ", 64-bit" : "",
                         (bar->flags & 2) ? ", prefetchable" : "") && ok;
    }
    return ok;
}

bool format_device(struct byte_buffer *out, const struct nonos_device_info *info,
                   const char *driver_name, size_t driver_name_length)
{
    char irq_storage[24], driver_storage[48], iommu_storage[24];
    struct byte_buffer irq = text_buffer(irq_storage, sizeof irq_storage);
    struct byte_buffer driver = text_buffer(driver_storage, sizeof driver_storage);
    struct byte_buffer iommu = text_buffer(iommu_storage, sizeof iommu_storage);
    if (info->msix_vectors)
        text_printf(&irq, "msi-x %u", info->msix_vectors);
    else if (info->msi_vectors)
        text_printf(&irq, "msi %u", info->msi_vectors);
    else if (info->interrupt_pin)
        text_printf(&irq, "intx %c", (char)('A' + info->interrupt_pin - 1));
    else
        text_printf(&irq, "-");
    if (info->driver_process)
        text_printf(&driver, "%llu %.*s", (unsigned long long)info->driver_process,
                    (int)driver_name_length, driver_name);
    else
        text_printf(&driver, "-");
    if (info->dma_confined)
        text_printf(&iommu, "domain %u", info->iommu_domain);
    else
        text_printf(&iommu, "%s", info->driver_process ? "UNCONFINED" : "-");
    bool ok = text_printf(out, "%02x:%02x.%x  %04x:%04x %02x.%02x  %-12.*s %-22.*s %.*s\n",
                          info->bus, info->device, info->function, info->vendor_id,
                          info->device_id, info->class_code, info->subclass, (int)irq.len,
                          irq_storage, (int)driver.len, driver_storage, (int)iommu.len,
                          iommu_storage);
    return device_bars(out, info) && ok;
}
