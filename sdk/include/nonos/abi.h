/* The structures system calls exchange with capsules
 * (kernel/syscall/syscalls.txt says which call uses which). The kernel
 * includes this same file, so both sides always agree on every byte.
 * Fixed-width fields only, no pointers; sizes are checked at compile time
 * in the kernel. Freestanding: stdint only. */
#ifndef NONOS_SDK_ABI_H
#define NONOS_SDK_ABI_H

#include <stdint.h>

/* Rights (kernel/cap/capability.h has the same values). */
#define NONOS_RIGHT_READ (1u << 0)
#define NONOS_RIGHT_WRITE (1u << 1)
#define NONOS_RIGHT_GRANT (1u << 2)
#define NONOS_RIGHT_CONTROL (1u << 3)
#define NONOS_SLOT_NONE 0xffffffffu

/* The slots a capsule starts with (docs/policy.md). */
#define NONOS_SLOT_CONSOLE 0    /* console: write; read too with devices = ["console"] */
#define NONOS_SLOT_TIMER 1      /* timer: write */
#define NONOS_SLOT_NAMES 2      /* the name service's endpoint, badged with the process id */
#define NONOS_SLOT_SUPERVISOR 3 /* only with [policy.capabilities] supervisor */
#define NONOS_SLOT_DEVICE 4     /* the first device its [policy.capabilities] devices list names
                                   ("pci:VVVV:DDDD"), the next ones in 5, 6, 7 */
#define NONOS_SLOT_DEVICE_MAX 4 /* device capabilities one capsule can be given */
#define NONOS_SLOT_FIRST_FREE 8

/* Object types (kernel/cap/object.h has the same values). */
enum nonos_object_type {
    NONOS_OBJECT_NONE = 0,
    NONOS_OBJECT_MEMORY,
    NONOS_OBJECT_SPACE,
    NONOS_OBJECT_THREAD,
    NONOS_OBJECT_ENDPOINT,
    NONOS_OBJECT_NOTIFICATION,
    NONOS_OBJECT_REPLY,
    NONOS_OBJECT_TIMER,
    NONOS_OBJECT_CONSOLE,
    NONOS_OBJECT_PROCESS,
    NONOS_OBJECT_SUPERVISOR,
    NONOS_OBJECT_DEVICE,
};

/* An IPC message (ipc_send, ipc_call, ipc_receive, ipc_reply*): the kernel
 * copies the header and `length` bytes of data, nothing more. */
#define NONOS_MESSAGE_DATA_MAX 256
struct nonos_message {
    uint64_t label;      /* the sender's choice (an operation code) */
    uint64_t badge;      /* on receive: the badge of the sender's capability */
    uint32_t length;     /* bytes of data used */
    uint32_t capability; /* send: a slot to transfer (needs grant) or NONE;
                            receive: the slot it landed in, or NONE */
    uint8_t data[NONOS_MESSAGE_DATA_MAX];
};

struct nonos_cap_info {
    uint32_t slot;
    uint32_t type;   /* enum nonos_object_type */
    uint32_t rights; /* NONOS_RIGHT_* */
    uint32_t reserved;
    uint64_t badge;
};

enum nonos_process_state { NONOS_PROCESS_RUNNING, NONOS_PROCESS_EXITED, NONOS_PROCESS_KILLED };
enum nonos_process_end {
    NONOS_END_NONE, NONOS_END_EXIT, NONOS_END_FAULT, NONOS_END_CPU_BUDGET, NONOS_END_KILLED,
};

struct nonos_process_info {
    uint64_t id;
    uint32_t capsule_index; /* in the boot bundle (capsule_info) */
    uint32_t state;         /* enum nonos_process_state */
    uint32_t end;           /* enum nonos_process_end */
    int32_t exit_status;
    uint64_t cpu_used_us, cpu_budget_us;
    uint64_t memory_used, memory_limit; /* bytes */
    uint32_t threads, thread_limit;
    uint32_t slots_used, slot_limit;
    char name[65];          /* the capsule's name, NUL-terminated */
    char reserved[7];
};

/* Restart rules (the manifest's [lifecycle] restart). */
enum nonos_restart { NONOS_RESTART_NEVER, NONOS_RESTART_ON_FAILURE, NONOS_RESTART_ALWAYS };

#define NONOS_NAME_MAX 64
#define NONOS_CAPSULE_LIST_MAX 8 /* names per list in struct nonos_capsule_info */
struct nonos_name {
    char text[NONOS_NAME_MAX + 1]; /* NUL-terminated */
};
struct nonos_capsule_info {
    char name[NONOS_NAME_MAX + 1];
    char version[31];
    uint32_t verified;      /* 1: the boot verification accepted it */
    uint32_t restart;       /* enum nonos_restart */
    uint32_t supervisor;    /* rights its policy gives on the supervisor (0: none) */
    uint32_t dependency_count, provides_count, ipc_count;
    struct nonos_name dependencies[NONOS_CAPSULE_LIST_MAX];
    struct nonos_name provides[NONOS_CAPSULE_LIST_MAX];
    struct nonos_name ipc[NONOS_CAPSULE_LIST_MAX];
    uint32_t allow_mesh;     /* 1: [policy.network] allow_mesh = true (a mesh endpoint at nonos.net) */
    uint32_t allow_clearnet; /* 1: [policy.network] allow_clearnet = true (routes beyond the mesh) */
};

/* Audit records: lifecycle events and every denied system call. */
enum nonos_audit_kind {
    NONOS_AUDIT_DENIED,    /* a system call refused for a capability or right */
    NONOS_AUDIT_START,     /* a process started */
    NONOS_AUDIT_EXIT,      /* a process exited */
    NONOS_AUDIT_FAULT,     /* a process was killed for a fault */
    NONOS_AUDIT_CPU_BUDGET,/* a process was stopped: CPU budget spent */
    NONOS_AUDIT_MEMORY,    /* an allocation refused at the memory limit */
    NONOS_AUDIT_KILL,      /* a process was killed by a supervisor */
    NONOS_AUDIT_RESTART,   /* init restarted a capsule, or gave up */
    NONOS_AUDIT_DMA_FAULT, /* the IOMMU blocked a device's DMA (detail: device, address, r/w, reason) */
    NONOS_AUDIT_DEVICE,    /* a device capability given, a driver refused (no IOMMU), a domain torn down */
};
struct nonos_audit_record {
    uint64_t sequence;
    uint64_t time_ns;
    uint64_t process;  /* id of the process concerned */
    uint32_t kind;     /* enum nonos_audit_kind */
    uint32_t syscall;  /* DENIED: the call's number */
    uint32_t slot;     /* DENIED: the capability slot (NONOS_SLOT_NONE if none) */
    int32_t error;     /* DENIED: the error returned (negative) */
    char name[65];     /* the process's capsule name */
    char detail[63];   /* the reason, the fault, ... NUL-terminated */
};

/* Devices (device_info; docs/drivers.md). */
#define NONOS_DEVICE_BARS 6
enum nonos_bar_kind { NONOS_BAR_NONE, NONOS_BAR_MEMORY, NONOS_BAR_IO };
struct nonos_device_bar {
    uint64_t base;   /* physical (memory) or port (I/O) base, for lspci; 0 if none */
    uint64_t size;   /* bytes (memory) or ports (I/O); 0 if none */
    uint32_t kind;   /* enum nonos_bar_kind */
    uint32_t flags;  /* bit 0: 64-bit, bit 1: prefetchable */
};
enum nonos_irq_kind { NONOS_IRQ_NONE, NONOS_IRQ_MSIX, NONOS_IRQ_MSI, NONOS_IRQ_INTX };
struct nonos_device_info {
    uint16_t segment;
    uint8_t bus, device, function, reserved0;
    uint16_t vendor_id, device_id;
    uint16_t subsystem_vendor_id, subsystem_id;
    uint8_t class_code, subclass, prog_if, revision;
    uint32_t msix_vectors;   /* MSI-X table size; 0 without MSI-X */
    uint32_t msi_vectors;    /* MSI vectors it may request; 0 without MSI */
    uint32_t interrupt_pin;  /* INTx pin 1-4; 0 for none */
    uint32_t iommu_domain;   /* the IOMMU domain id; 0: no IOMMU (unconfined) */
    uint32_t dma_confined;   /* 1: DMA confined by the IOMMU */
    uint64_t driver_process; /* id of the process holding the capability; 0: none */
    struct nonos_device_bar bars[NONOS_DEVICE_BARS];
};

#endif
