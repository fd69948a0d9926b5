/* x86_64 user mode (kernel/arch/user.h): per-CPU data through GS, the
 * syscall MSRs, the first entry to ring 3, the entry stack, and the copy
 * routines' SMAP window.
 *
 * Segments (gdt.h): kernel code 0x08, kernel data 0x10, user data 0x18,
 * user code 0x20. syscall loads CS = STAR[47:32] = 0x08 and SS = 0x08 + 8;
 * sysretq loads SS = STAR[63:48] + 8 = 0x18|3 and CS = STAR[63:48] + 16 =
 * 0x20|3, which is why user data sits below user code.
 *
 * SFMASK clears IF, TF, DF, AC and NT on syscall entry: the entry code
 * runs with interrupts off (until the frame is saved), never single-steps,
 * copies forwards, has SMAP closed and cannot be fooled by a nested-task
 * flag on its way out. */
#include "kernel/arch/user.h"

#include "kernel/arch/cpu.h"
#include "kernel/arch/interrupt.h"
#include "kernel/arch/x86_64/cpu_local.h"
#include "kernel/arch/x86_64/fpu.h"
#include "kernel/arch/x86_64/gdt.h"
#include "kernel/arch/x86_64/trap.h"
#include "kernel/arch/x86_64/user_entry.h"
#include "sdk/include/nonos/syscall.h"

_Static_assert(SYSCALL_IPC_CALL_REGISTERS == NONOS_SYSCALL_IPC_CALL_REGISTERS &&
                   SYSCALL_IPC_REPLY_RECEIVE_REGISTERS == NONOS_SYSCALL_IPC_REPLY_RECEIVE_REGISTERS,
               "syscall_entry's register IPC calls are the table's");

/* The boot CPU's record. Another CPU would get its own from its bring-up. */
static struct cpu_local boot_cpu_local;

void cpu_local_init(void)
{
    boot_cpu_local.self = &boot_cpu_local;
    wrmsr(MSR_GS_BASE, (uint64_t)(uintptr_t)&boot_cpu_local);
    wrmsr(MSR_KERNEL_GS_BASE, 0); /* the user's GS base */
}

#define SYSCALL_FLAGS_CLEARED (RFLAGS_IF | RFLAGS_TF | RFLAGS_DF | RFLAGS_AC | RFLAGS_NT)

void user_init(void)
{
    wrmsr(MSR_STAR, ((uint64_t)GDT_KERNEL_DATA << 48) | ((uint64_t)GDT_KERNEL_CODE << 32));
    wrmsr(MSR_LSTAR, (uint64_t)(uintptr_t)syscall_entry);
    wrmsr(MSR_SFMASK, SYSCALL_FLAGS_CLEARED);
    wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_SCE);
    fpu_init();
}

void user_kernel_stack_set(uint64_t stack_top)
{
    tss_set_kernel_stack(stack_top);
    __asm__ volatile("mov %0, %%gs:%c1" : : "r"(stack_top), "i"(CPU_LOCAL_KERNEL_STACK) : "memory");
}

/* A system call's frame fills the top of the thread's kernel stack
 * (syscall_entry pushes it first), so it is found without a pointer. */
void user_syscall_outputs_set(const uint64_t value[SYSCALL_OUTPUTS])
{
    uint64_t top;
    __asm__ volatile("mov %%gs:%c1, %0" : "=r"(top) : "i"(CPU_LOCAL_KERNEL_STACK));
    struct trap_frame *frame = (struct trap_frame *)(uintptr_t)top - 1;
    frame->rdi = value[0];
    frame->rsi = value[1];
    frame->rdx = value[2];
    frame->r10 = value[3];
    frame->r8 = value[4];
    frame->r9 = value[5];
}

_Noreturn void user_enter(const struct user_start *start)
{
    interrupts_disable();
    fpu_state_restore(fpu_clean_state()); /* no register of an earlier thread survives */
    user_enter_iret(start->pc, start->stack, start->argument0, start->argument1);
}

/* user_copy_from and user_copy_to are in user_entry.S. */
