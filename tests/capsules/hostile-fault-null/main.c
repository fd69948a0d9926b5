/* hostile-fault-null: one fault capsule (lib/fault_program.h). */
#define FAULT_KIND FAULT_NULL
#include "fault_program.h"
