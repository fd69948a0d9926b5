/* hostile-fault-null: one fault capsule (lib/fault_program.h). */
#define HOSTILE_NAME "hostile-fault-null"
#define FAULT_KIND FAULT_NULL
#include "fault_program.h"
