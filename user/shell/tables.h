/* The shell's tables: processes (ps), capabilities (caps) and audit
 * records (audit), each a header line and one line per item, appended to a
 * text buffer (text.h). Pure: tested on the host with made-up records.
 * Fields the kernel fills are bounded here again (names by their array
 * size), so a record without its NUL cannot make a read overrun. */
#ifndef NONOS_USER_SHELL_TABLES_H
#define NONOS_USER_SHELL_TABLES_H

#include <stdbool.h>
#include <stddef.h>

#include "base/bytes.h"
#include "nonos/abi.h"

bool format_process_header(struct byte_buffer *out);
bool format_process(struct byte_buffer *out, const struct nonos_process_info *info);

bool format_cap_header(struct byte_buffer *out);
bool format_cap(struct byte_buffer *out, const struct nonos_cap_info *cap);

bool format_audit(struct byte_buffer *out, const struct nonos_audit_record *record);

/* lspci: one line per PCI function (address, vendor:device, class,
 * interrupts, driver process id and name, IOMMU domain) and one per BAR. */
bool format_device_header(struct byte_buffer *out);
bool format_device(struct byte_buffer *out, const struct nonos_device_info *info,
                   const char *driver_name, size_t driver_name_length);

/* "rw--" style: read, write, grant, control. out has room for 5 bytes. */
void format_rights(uint32_t rights, char out[5]);
const char *format_object_type(uint32_t type);
const char *format_audit_kind(uint32_t kind);

#endif
