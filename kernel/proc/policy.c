/* Policy becomes capabilities (docs/policy.md): the slots a process starts
 * with, decided from its verified manifest only.
 *
 *   slot 0  console   write; read too when devices lists "console"
 *   slot 1  timer     write
 *   slot 2  names     the name service's endpoint: read + grant for the
 *                     capsule that provides "nonos.names", else write
 *                     (+ grant for a capsule that provides any service:
 *                     registering sends its endpoint), minted with the
 *                     process id as badge
 *   slot 3  supervisor  only for a capsule whose policy says so
 *   slots 4-7 devices   read, write, control: one per "pci:VVVV:DDDD" of
 *                       [policy.capabilities] devices, in the list's order,
 *                       each the first such device no live process has
 *                       claimed (kernel/device/device.h); a capsule naming a
 *                       PCI device whose DMA no IOMMU confines is refused
 *                       (NOT_CONFINED) unless dma=unconfined was given at boot
 *
 * The console, timer and supervisor objects are kernel singletons made
 * here once, each holding a permanent reference of the kernel, so no
 * capability deletion can destroy them. Grants are checked first
 * (cap_insert_check on a fresh table cannot fail, but is called anyway),
 * then applied. */
#include "kernel/proc/process_internal.h"

#include "kernel/arch/interrupt.h"
#include "kernel/cap/capability.h"
#include "kernel/device/device.h"
#include "kernel/error.h"
#include "kernel/lib/print.h"
#include "kernel/ipc/ipc.h"
#include "kernel/panic.h"
#include "sdk/include/nonos/abi.h"

static struct object console_object, timer_object, supervisor_object;
static bool objects_ready;
/* The kernel's own table holding the original capability to the names
 * endpoint, made at the first process: every process's slot 2 is derived
 * from it (so revoking it would reach them all). */
static struct cap_table *names_table;
#define NAMES_SERVICE "nonos.names"

static void objects_init(void)
{
    if (objects_ready)
        return;
    object_init(&console_object, OBJECT_CONSOLE);
    object_init(&timer_object, OBJECT_TIMER);
    object_init(&supervisor_object, OBJECT_SUPERVISOR);
    names_table = cap_table_create(1);
    if (!names_table || endpoint_create(NULL, names_table, 0) != 0)
        panic("policy: cannot make the names endpoint");
    objects_ready = true;
}

static bool name_is(const struct manifest_name *name, const char *text)
{
    size_t i = 0;
    while (i < name->len && text[i] != '\0' && name->text[i] == text[i])
        i++;
    return i == name->len && text[i] == '\0';
}

static bool lists_name(const struct manifest_name *list, size_t count, const char *name)
{
    for (size_t i = 0; i < count; i++) {
        if (name_is(&list[i], name))
            return true;
    }
    return false;
}

/* [policy.capabilities] supervisor: "read" lists processes and capsules
 * and reads the audit log and reports (read); "control" also starts and
 * kills capsules and powers off (read + control). */
uint32_t process_policy_supervisor_rights(size_t capsule_index, const struct manifest *manifest)
{
    (void)capsule_index;
    switch (manifest->supervisor) {
    case MANIFEST_SUPERVISOR_READ: return RIGHT_READ;
    case MANIFEST_SUPERVISOR_CONTROL: return RIGHT_READ | RIGHT_CONTROL;
    default: return 0;
    }
}

static int policy_apply(struct process *process, struct cap_table *caps, uint32_t console_rights,
                        uint32_t supervisor, bool names_server);

/* Says why a capsule gets no device or is refused: console and audit. */
static void device_refusal(struct process *process, const struct manifest_name *name,
                           const char *why)
{
    char detail[64];
    ksnprintf(detail, sizeof detail, "%.*s: %s", (int)name->len, name->text, why);
    kprintf("policy: %s: %s\n", process->name, detail);
    process_audit(process, NONOS_AUDIT_DEVICE, detail);
}

/* Claims the devices the manifest names (slots 4-7 get them after the
 * other grants, the n-th PCI name slot 4 + n). A device absent or taken
 * leaves its slot empty; one whose
 * DMA cannot be confined refuses the capsule. The claims of a refused or
 * failed process go with process_release (device_release_process). */
static int devices_claim(struct process *process, struct device *claimed[NONOS_SLOT_DEVICE_MAX])
{
    const struct manifest *manifest = process->manifest;
    uint32_t next = 0;
    for (size_t i = 0; i < manifest->device_count; i++) {
        uint16_t vendor, device_id;
        if (!device_name_parse(&manifest->devices[i], &vendor, &device_id))
            continue; /* "console" and other non-PCI names */
        if (next == NONOS_SLOT_DEVICE_MAX) {
            device_refusal(process, &manifest->devices[i], "refused: more than 4 devices");
            return -ERROR_DENIED;
        }
        int error = device_claim(process, vendor, device_id, &claimed[next]);
        if (error == -ERROR_NOT_CONFINED) {
            device_refusal(process, &manifest->devices[i],
                           "refused: no IOMMU confines its DMA (boot with dma=unconfined "
                           "to allow; docs/drivers.md)");
            return error;
        }
        if (error == -ERROR_DENIED)
            device_refusal(process, &manifest->devices[i], "a bridge, never given: slot empty");
        else if (error)
            device_refusal(process, &manifest->devices[i], "no such device free: slot empty");
        next++; /* slot 4 + the name's place among the PCI names, empty or not */
    }
    return 0;
}

int process_policy_grant(struct process *process)
{
    objects_init();
    struct device *claimed[NONOS_SLOT_DEVICE_MAX] = { NULL };
    int device_error = devices_claim(process, claimed);
    if (device_error)
        return device_error;
    const struct manifest *manifest = process->manifest;
    struct cap_table *caps = process->caps;
    bool console_input = lists_name(manifest->devices, manifest->device_count, "console");
    uint32_t console_rights = RIGHT_WRITE | (console_input ? RIGHT_READ : 0);
    uint32_t supervisor = process_policy_supervisor_rights(process->capsule_index, manifest);
    bool names_server = lists_name(manifest->provides, manifest->provides_count, NAMES_SERVICE);
    /* The lock across checks and applies: slot 2 joins the names
     * endpoint's derivation tree, whose sibling list every process shares
     * (a preemption half-way through linking it corrupted the list when
     * another thread changed it meanwhile: the hostile fuzzer found it). */
    bool was_enabled = interrupts_save();
    int error = policy_apply(process, caps, console_rights, supervisor, names_server);
    for (uint32_t i = 0; !error && i < NONOS_SLOT_DEVICE_MAX; i++) {
        if (!claimed[i])
            continue;
        error = -cap_insert_check(caps, NONOS_SLOT_DEVICE + i);
        if (!error)
            cap_insert_apply(caps, NONOS_SLOT_DEVICE + i, &claimed[i]->object,
                             RIGHT_READ | RIGHT_WRITE | RIGHT_CONTROL, 0);
    }
    interrupts_restore(was_enabled);
    return error;
}

/* process_policy_grant's checks then applies; interrupts off. */
static int policy_apply(struct process *process, struct cap_table *caps, uint32_t console_rights,
                        uint32_t supervisor, bool names_server)
{
    int error = cap_insert_check(caps, NONOS_SLOT_CONSOLE);
    if (!error)
        error = cap_insert_check(caps, NONOS_SLOT_TIMER);
    if (!error)
        error = names_server ? cap_copy_check(names_table, 0, caps, NONOS_SLOT_NAMES)
                             : cap_mint_check(names_table, 0, caps, NONOS_SLOT_NAMES, process->id);
    if (!error && supervisor)
        error = cap_insert_check(caps, NONOS_SLOT_SUPERVISOR);
    if (error)
        return -error; /* capability.h's checks return positive values */
    cap_insert_apply(caps, NONOS_SLOT_CONSOLE, &console_object, console_rights, 0);
    cap_insert_apply(caps, NONOS_SLOT_TIMER, &timer_object, RIGHT_WRITE, 0);
    if (supervisor)
        cap_insert_apply(caps, NONOS_SLOT_SUPERVISOR, &supervisor_object, supervisor, 0);
    if (names_server)
        cap_copy_apply(names_table, 0, caps, NONOS_SLOT_NAMES, RIGHT_READ | RIGHT_GRANT);
    else
        cap_mint_apply(names_table, 0, caps, NONOS_SLOT_NAMES,
                       RIGHT_WRITE | (process->manifest->provides_count ? RIGHT_GRANT : 0),
                       process->id);
    return 0;
}
