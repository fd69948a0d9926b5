/* The denial table of the hostile test "every system call without its
 * capability" (docs/kernel.md, "Hostile tests"): one row per system call
 * that takes a capability slot, calling it with a slot the capsule
 * hostile-denied holds without the type or right the call needs, or does
 * not hold at all, and the error and audited slot that must come back.
 * Plus numbers that name no call. hostile-denied makes the calls; the
 * kernel's harness (kernel/test/test_hostile.c) includes this same file to
 * find one audit record per row, and checks that every call of the
 * kernel's table with a slot argument has a row here.
 *
 * hostile-denied's policy is the minimum: slot 0 console (write), slot 1
 * timer (write), slot 2 the names endpoint (write, badged), nothing else
 * (slot 3 and slots 8.. empty). Include nonos/syscall.h and nonos/error.h
 * (or their sdk/include/ paths) first. */
#ifndef NONOS_HOSTILE_DENIALS_H
#define NONOS_HOSTILE_DENIALS_H

#include <stdint.h>

#define DENIED_EMPTY_SLOT 9u /* never filled in hostile-denied */

struct denial {
    uint32_t number;
    uint64_t argument[4];
    uint32_t slot;  /* the slot the kernel must name in the audit record */
    int32_t error;  /* the (negative) error the call must return */
};

#define DENIAL(number, a0, a1, a2, a3, slot, error)                                      \
    { number, { a0, a1, a2, a3 }, slot, -(error) }

/* Slots: C console (write only), T timer, N names (write only), S the empty
 * supervisor slot, E a slot never filled. */
#define DENIAL_C 0u
#define DENIAL_T 1u
#define DENIAL_N 2u
#define DENIAL_S 3u
#define DENIAL_E DENIED_EMPTY_SLOT

static const struct denial denials[] = {
    DENIAL(NONOS_SYSCALL_CONSOLE_WRITE, DENIAL_T, 0, 1, 0, DENIAL_T, NONOS_ERROR_WRONG_TYPE),
    DENIAL(NONOS_SYSCALL_CONSOLE_READ, DENIAL_C, 0, 1, 0, DENIAL_C, NONOS_ERROR_NO_RIGHT),
    DENIAL(NONOS_SYSCALL_TIMER_SLEEP, DENIAL_C, 1, 0, 0, DENIAL_C, NONOS_ERROR_WRONG_TYPE),
    DENIAL(NONOS_SYSCALL_CAP_COPY, DENIAL_E, 10, 3, 0, DENIAL_E, NONOS_ERROR_INVALID_CAPABILITY),
    DENIAL(NONOS_SYSCALL_CAP_MINT, DENIAL_E, 10, 3, 5, DENIAL_E, NONOS_ERROR_INVALID_CAPABILITY),
    DENIAL(NONOS_SYSCALL_CAP_MOVE, DENIAL_E, 10, 0, 0, DENIAL_E, NONOS_ERROR_INVALID_CAPABILITY),
    DENIAL(NONOS_SYSCALL_CAP_DELETE, DENIAL_E, 0, 0, 0, DENIAL_E, NONOS_ERROR_INVALID_CAPABILITY),
    DENIAL(NONOS_SYSCALL_CAP_REVOKE, DENIAL_E, 0, 0, 0, DENIAL_E, NONOS_ERROR_INVALID_CAPABILITY),
    DENIAL(NONOS_SYSCALL_CAP_IDENTIFY, DENIAL_E, 0, 0, 0, DENIAL_E, NONOS_ERROR_INVALID_CAPABILITY),
    DENIAL(NONOS_SYSCALL_MEMORY_MAP, DENIAL_C, 0x10000000000ull, 3, 0, DENIAL_C, NONOS_ERROR_WRONG_TYPE),
    DENIAL(NONOS_SYSCALL_IPC_SEND, DENIAL_T, 0, 0, 0, DENIAL_T, NONOS_ERROR_WRONG_TYPE),
    DENIAL(NONOS_SYSCALL_IPC_CALL, DENIAL_E, 0, NONOS_SLOT_NONE, 0, DENIAL_E, NONOS_ERROR_INVALID_CAPABILITY),
    DENIAL(NONOS_SYSCALL_IPC_RECEIVE, DENIAL_N, 0, 10, 11, DENIAL_N, NONOS_ERROR_NO_RIGHT),
    DENIAL(NONOS_SYSCALL_IPC_REPLY, DENIAL_N, 0, 0, 0, DENIAL_N, NONOS_ERROR_WRONG_TYPE),
    DENIAL(NONOS_SYSCALL_IPC_REPLY_RECEIVE, DENIAL_E, 0, DENIAL_N, 11, DENIAL_E, NONOS_ERROR_INVALID_CAPABILITY),
    DENIAL(NONOS_SYSCALL_NOTIFICATION_SIGNAL, DENIAL_T, 1, 0, 0, DENIAL_T, NONOS_ERROR_WRONG_TYPE),
    DENIAL(NONOS_SYSCALL_NOTIFICATION_WAIT, DENIAL_E, 0, 0, 0, DENIAL_E, NONOS_ERROR_INVALID_CAPABILITY),
    DENIAL(NONOS_SYSCALL_NOTIFICATION_POLL, DENIAL_C, 0, 0, 0, DENIAL_C, NONOS_ERROR_WRONG_TYPE),
    DENIAL(NONOS_SYSCALL_CAPSULE_START, DENIAL_S, 0, 4, 0, DENIAL_S, NONOS_ERROR_INVALID_CAPABILITY),
    DENIAL(NONOS_SYSCALL_PROCESS_KILL, DENIAL_S, 1, 0, 0, DENIAL_S, NONOS_ERROR_INVALID_CAPABILITY),
    DENIAL(NONOS_SYSCALL_PROCESS_LIST, DENIAL_S, 0, 0, 0, DENIAL_S, NONOS_ERROR_INVALID_CAPABILITY),
    DENIAL(NONOS_SYSCALL_PROCESS_CAPS, DENIAL_S, 1, 0, 0, DENIAL_S, NONOS_ERROR_INVALID_CAPABILITY),
    DENIAL(NONOS_SYSCALL_AUDIT_READ, DENIAL_S, 0, 0, 0, DENIAL_S, NONOS_ERROR_INVALID_CAPABILITY),
    DENIAL(NONOS_SYSCALL_CAPSULE_INFO, DENIAL_S, 0, 0, 0, DENIAL_S, NONOS_ERROR_INVALID_CAPABILITY),
    DENIAL(NONOS_SYSCALL_PROCESS_INFO, DENIAL_S, 1, 0, 0, DENIAL_S, NONOS_ERROR_INVALID_CAPABILITY),
    DENIAL(NONOS_SYSCALL_SUPERVISOR_WATCH, DENIAL_S, DENIAL_E, 0, 0, DENIAL_S, NONOS_ERROR_INVALID_CAPABILITY),
    DENIAL(NONOS_SYSCALL_KERNEL_REPORT, DENIAL_S, 6, 0, 0, DENIAL_S, NONOS_ERROR_INVALID_CAPABILITY),
    DENIAL(NONOS_SYSCALL_SYSTEM_POWER, DENIAL_S, 0, 0, 0, DENIAL_S, NONOS_ERROR_INVALID_CAPABILITY),
    /* Numbers that name no call: refused (not killed), audited without a slot. */
    DENIAL(9, 0, 0, 0, 0, NONOS_SLOT_NONE, NONOS_ERROR_INVALID_SYSCALL),
    DENIAL(16, 0, 0, 0, 0, NONOS_SLOT_NONE, NONOS_ERROR_INVALID_SYSCALL),
    DENIAL(50, 0, 0, 0, 0, NONOS_SLOT_NONE, NONOS_ERROR_INVALID_SYSCALL),
    DENIAL(4096, 0, 0, 0, 0, NONOS_SLOT_NONE, NONOS_ERROR_INVALID_SYSCALL),
};

#define DENIAL_COUNT (sizeof denials / sizeof denials[0])

#endif
