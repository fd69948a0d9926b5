/* The initial frame of a new kernel thread, in the layout context_switch
 * (switch.S) pops: r15, r14, r13, r12, rbx, rbp, then the return address.
 * The first switch to the thread therefore "returns" into
 * context_trampoline with r12 = start, r13 = first, r14 = second and rsp
 * = stack_top, 16-byte aligned, so that its call gives start the alignment
 * the ABI promises at function entry. */
#include "kernel/arch/context.h"

#include <stdint.h>

void context_trampoline(void);

enum { FRAME_R15, FRAME_R14, FRAME_R13, FRAME_R12, FRAME_RBX, FRAME_RBP, FRAME_RETURN, FRAME_WORDS };

uint64_t context_init(uint64_t stack_top, context_start_fn start, void *first, void *second)
{
    uint64_t *frame = (uint64_t *)(uintptr_t)stack_top - FRAME_WORDS;
    for (int i = 0; i < FRAME_WORDS; i++)
        frame[i] = 0;
    frame[FRAME_R14] = (uint64_t)(uintptr_t)second;
    frame[FRAME_R13] = (uint64_t)(uintptr_t)first;
    frame[FRAME_R12] = (uint64_t)(uintptr_t)start;
    frame[FRAME_RETURN] = (uint64_t)(uintptr_t)context_trampoline;
    return (uint64_t)(uintptr_t)frame;
}
