/* Policy becomes capabilities (docs/policy.md): the slots a process starts
 * with, decided from its verified manifest only.
 *
 *   slot 0  console   write; read too when devices lists "console"
 *   slot 1  timer     write
 *   slot 2  names     the name service's endpoint (see the TODO below)
 *   slot 3  supervisor  only for a capsule whose policy says so
 *
 * The console, timer and supervisor objects are kernel singletons made
 * here once, each holding a permanent reference of the kernel, so no
 * capability deletion can destroy them. Grants are checked first
 * (cap_insert_check on a fresh table cannot fail, but is called anyway),
 * then applied. */
#include "kernel/proc/process_internal.h"

#include "kernel/cap/capability.h"
#include "kernel/error.h"
#include "sdk/include/nonos/abi.h"

static struct object console_object, timer_object, supervisor_object;
static bool objects_ready;

static void objects_init(void)
{
    if (objects_ready)
        return;
    object_init(&console_object, OBJECT_CONSOLE);
    object_init(&timer_object, OBJECT_TIMER);
    object_init(&supervisor_object, OBJECT_SUPERVISOR);
    objects_ready = true;
}

static bool name_is(const struct manifest_name *name, const char *text)
{
    size_t i = 0;
    while (i < name->len && text[i] != '\0' && name->text[i] == text[i])
        i++;
    return i == name->len && text[i] == '\0';
}

static bool lists_device(const struct manifest *manifest, const char *device)
{
    for (size_t i = 0; i < manifest->device_count; i++) {
        if (name_is(&manifest->devices[i], device))
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

int process_policy_grant(struct process *process)
{
    objects_init();
    const struct manifest *manifest = process->manifest;
    struct cap_table *caps = process->caps;
    uint32_t console_rights = RIGHT_WRITE | (lists_device(manifest, "console") ? RIGHT_READ : 0);
    uint32_t supervisor = process_policy_supervisor_rights(process->capsule_index, manifest);
    int error = cap_insert_check(caps, NONOS_SLOT_CONSOLE);
    if (!error)
        error = cap_insert_check(caps, NONOS_SLOT_TIMER);
    if (!error && supervisor)
        error = cap_insert_check(caps, NONOS_SLOT_SUPERVISOR);
    if (error)
        return -error; /* capability.h's checks return positive values */
    cap_insert_apply(caps, NONOS_SLOT_CONSOLE, &console_object, console_rights, 0);
    cap_insert_apply(caps, NONOS_SLOT_TIMER, &timer_object, RIGHT_WRITE, 0);
    if (supervisor)
        cap_insert_apply(caps, NONOS_SLOT_SUPERVISOR, &supervisor_object, supervisor, 0);
    /* TODO(ipc): NONOS_SLOT_NAMES stays empty until the `ipc` helper's
     * endpoints are merged: then the kernel makes the names endpoint at
     * boot; the capsule whose manifest provides "nonos.names" gets it with
     * read + grant, every other capsule a write copy minted with its
     * process id as badge. */
    return 0;
}
