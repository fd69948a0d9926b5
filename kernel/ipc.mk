# kernel/ipc: endpoints, replies and notifications (issue 11, helper ipc;
# docs/ipc.md). Sorted before kernel/kernel.mk, whose KERNEL_SRCS adds
# KERNEL_IPC_SRCS.
KERNEL_IPC_SRCS := \
	kernel/ipc/ipc.c \
	kernel/ipc/waiter.c \
	kernel/ipc/endpoint.c \
	kernel/ipc/reply.c \
	kernel/ipc/fastpath.c \
	kernel/ipc/notification.c \
	kernel/ipc/ipc_syscalls.c
