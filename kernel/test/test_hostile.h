/* The hostile tests' harness (kernel/test/test_hostile.c), shared with the
 * DMA tests (test_hostile_dma.c): bundle capsules started by name with the
 * harness's token, watched to their end, and the audit records about them. */
#ifndef NONOS_TEST_HOSTILE_H
#define NONOS_TEST_HOSTILE_H

#include <stdbool.h>
#include <stdint.h>

#include "sdk/include/nonos/abi.h"

struct process;

/* Creates (not starts) bundle capsule `name` with the harness token in
 * HOSTILE_SLOT_HARNESS; the caller holds a reference (hostile_release). */
int hostile_create(const char *name, struct process **out);
int hostile_start(struct process *process);
int hostile_launch(const char *name, struct process **out);
/* Waits for the end, killing it after limit_ms; false if it was killed. */
bool hostile_wait(struct process *process, uint64_t limit_ms);
void hostile_release(struct process *process);
/* The first audit record of `kind` about process id from sequence first. */
bool audit_find(uint64_t first, uint64_t id, uint32_t kind, struct nonos_audit_record *out);

#endif
