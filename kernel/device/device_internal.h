/* What the files of kernel/device/ share beyond device.h. */
#ifndef NONOS_DEVICE_DEVICE_INTERNAL_H
#define NONOS_DEVICE_DEVICE_INTERNAL_H

#include "kernel/acpi/acpi_platform.h"
#include "kernel/device/device.h"

/* The MADT as device_init read it (I/O APICs, ISA interrupt overrides). */
extern struct acpi_madt device_madt;

#endif
