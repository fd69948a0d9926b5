# Devices, console, log, ACPI, ZeroState and shell (helper DEVICES).
# Included before kernel/kernel.mk, whose link rule adds KERNEL_DEVICE_SRCS.
# The portable parts (format.c, log.c, acpi_tables.c, keyboard decoding, the
# line editor's logic in line_edit.c) are
# also built for Linux by tests/kernel_host.mk.
KERNEL_DEVICE_SRCS := \
	kernel/console/serial.c \
	kernel/console/keyboard.c \
	kernel/console/font.c \
	kernel/console/framebuffer.c \
	kernel/console/console.c \
	kernel/console/line_edit.c \
	kernel/lib/format.c \
	kernel/lib/print.c \
	kernel/log/log.c \
	kernel/acpi/acpi_tables.c \
	kernel/acpi/acpi_platform.c \
	kernel/acpi/acpi.c \
	kernel/power/zerostate.c \
	kernel/shell/shell.c \
	kernel/shell/report.c
