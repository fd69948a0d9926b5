/* A fake kernel for host tests of the system capsules' code that makes
 * system calls (suite 17-user). The capsules are compiled against the real
 * generated stubs (sdk/include/nonos/syscall.h) with only the raw
 * `syscall` instruction replaced (tests/user.mk turns nonos_syscall0..6
 * into extern functions): the fake receives each call's number and
 * registers exactly as the kernel would and answers from the state below,
 * which a test sets up. When a blocking call (console_read, ipc_receive,
 * notification_wait, timer_sleep) has nothing scripted left, the fake
 * longjmps back to fake_run, which is how a test ends a capsule's endless
 * loop. */
#ifndef NONOS_TESTS_USER_FAKE_KERNEL_H
#define NONOS_TESTS_USER_FAKE_KERNEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "nonos/abi.h"

#define FAKE_MAX 16
#define FAKE_SLOTS 64

struct fake_slot {
    uint32_t type; /* NONOS_OBJECT_*, NONE: empty */
    uint32_t rights;
    uint64_t badge;
    uint64_t object; /* an identity, to tell copies of one object apart */
};

struct fake_kernel {
    /* console */
    char output[65536];
    size_t output_len;
    size_t writes; /* console_write calls accepted (at most 4096 bytes each) */
    const char *input; /* console_read hands out this text, chunk by chunk */
    size_t input_len, input_chunk;
    /* the capsule under test's capability table */
    struct fake_slot slots[FAKE_SLOTS];
    size_t refusals; /* calls refused for a capability (the kernel audits each) */
    /* bundle and processes */
    struct nonos_capsule_info capsules[FAKE_MAX];
    size_t capsule_count;
    struct nonos_process_info processes[FAKE_MAX];
    size_t process_count;
    uint64_t next_process_id;
    struct nonos_cap_info process_caps[FAKE_MAX];
    size_t process_cap_count;
    struct nonos_device_info devices[4]; /* device_list */
    size_t device_count;
    struct nonos_audit_record audit[40];
    size_t audit_count;
    const char *report;   /* kernel_report's text, any topic */
    uint64_t report_topic; /* kernel_report's last topic + 1, 0 if never */
    char report_argument[65]; /* what the buffer held at that call (topic 10: a test's name) */
    int64_t deny_supervisor; /* != 0: every supervisor call returns it */
    /* IPC: messages ipc_receive hands out, replies ipc_reply records */
    struct nonos_message inbox[FAKE_MAX];
    uint32_t inbox_transfer[FAKE_MAX]; /* type of the capability sent along, or NONE */
    size_t inbox_count, inbox_next;
    void (*on_receive)(struct fake_kernel *kernel, size_t index); /* before message index goes out */
    struct nonos_message replies[FAKE_MAX];
    struct fake_slot reply_transfers[FAKE_MAX];
    size_t reply_count;
    /* ipc_call: LOOKUP of `service` on the names endpoint puts an endpoint
     * (object 9) into the receive slot (another name: NOT_FOUND); each call
     * on any other endpoint records its label in call_labels and is
     * answered by the next of calls[] (none left: label INVALID_ARGUMENT) */
    const char *service;
    struct nonos_message calls[FAKE_MAX];
    size_t call_count, call_next;
    uint64_t call_labels[FAKE_MAX];
    /* init's process ends: before wait number i, these processes end */
    size_t waits, wait_limit;
    void (*on_wait)(struct fake_kernel *kernel, size_t wait);
    uint64_t clock_ns;
    uint64_t power_action; /* system_power's last action + 1, 0 if never */
    char started[256];     /* names given to capsule_start, space-separated */
    char killed[64];       /* ids given to process_kill */
};

extern struct fake_kernel fake;

/* Resets every field; slots 0..3 hold console (rights), timer, names, supervisor. */
void fake_reset(uint32_t console_rights, uint32_t names_rights, uint32_t supervisor_rights);

/* Runs entry until it returns or a blocking call runs out of script;
 * returns entry's status, or -1000 when it was stopped that way. */
int fake_run(int (*entry)(void));

struct nonos_capsule_info *fake_capsule(const char *name, uint32_t restart);
struct nonos_process_info *fake_process(const char *name, uint32_t state);
/* Queues a message for ipc_receive from process `badge`; transfer_type is
 * the object type of a capability sent along (NONOS_OBJECT_NONE: none). */
void fake_message(uint64_t badge, uint64_t label, const char *data, uint32_t transfer_type);

/* True when the console output contains text. */
bool fake_said(const char *text);

#endif
