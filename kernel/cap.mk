# kernel/cap, kernel/syscall, kernel/audit: capabilities, the system-call
# dispatcher and its generated table, the audit log (issue 11, helper cap).
# Sorted before kernel/kernel.mk, whose KERNEL_SRCS adds KERNEL_CAP_SRCS.

#
# `make syscalls` regenerates every file derived from
# kernel/syscall/syscalls.txt (tools/syscall/generate.py lists them); suite
# 16-kernel-host checks that the committed ones are what it generates.
KERNEL_CAP_SRCS := \
	kernel/error.c \
	kernel/cap/object.c \
	kernel/cap/capability.c \
	kernel/cap/cap_syscalls.c \
	kernel/audit/audit.c \
	kernel/console/console_syscalls.c \
	kernel/syscall/dispatch.c \
	kernel/syscall/table.c \
	kernel/syscall/unimplemented.c

.PHONY: syscalls
syscalls:
	python3 tools/syscall/generate.py
