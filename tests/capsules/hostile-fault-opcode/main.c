/* hostile-fault-opcode: one fault capsule (lib/fault_program.h). */
#define HOSTILE_NAME "hostile-fault-opcode"
#define FAULT_KIND FAULT_OPCODE
#include "fault_program.h"
