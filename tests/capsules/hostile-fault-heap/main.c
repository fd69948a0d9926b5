/* hostile-fault-heap: one fault capsule (lib/fault_program.h). */
#define HOSTILE_NAME "hostile-fault-heap"
#define FAULT_KIND FAULT_HEAP
#include "fault_program.h"
