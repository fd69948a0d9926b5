/* The audit log: a fixed ring of struct nonos_audit_record
 * (sdk/include/nonos/abi.h) holding every denied system call and every
 * process lifecycle event, each also printed as one line of the kernel log.
 *
 * Records are numbered from 0 in the order written (`sequence`); the ring
 * keeps the last AUDIT_RING_SIZE, and audit_read from a sequence that was
 * overwritten starts at the oldest still held. Interrupts off (the single
 * CPU's lock) inside each call, so interrupt handlers and every thread may
 * write records. */
#ifndef NONOS_KERNEL_AUDIT_AUDIT_H
#define NONOS_KERNEL_AUDIT_AUDIT_H

#include <stdint.h>

#include "sdk/include/nonos/abi.h"

#define AUDIT_RING_SIZE 256u

struct process;

/* A system call refused (NONOS_AUDIT_DENIED): `syscall` its number, `slot`
 * the capability slot checked (NONOS_SLOT_NONE if none), `error` the
 * negative value returned. process NULL: a kernel thread. */
void audit_denied(const struct process *process, uint32_t syscall, uint32_t slot, int32_t error);

/* A lifecycle event (kind: enum nonos_audit_kind other than DENIED) with a
 * short NUL-terminated detail (cut to fit the record). */
void audit_event(const struct process *process, uint32_t kind, const char *detail);

/* Copies up to `count` records with sequence >= first, oldest first, into
 * out; returns how many. */
uint32_t audit_read(uint64_t first, struct nonos_audit_record *out, uint32_t count);

/* The sequence number the next record will get (records written so far). */
uint64_t audit_next_sequence(void);

/* Forgets every record (ZeroState wipe); returns the bytes wiped. */
uint64_t audit_wipe(void);

#endif
