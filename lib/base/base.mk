# lib/base: header-only helpers (endian.h, checked.h, bytes.h) plus the
# freestanding memory functions the compiler may call in kernel and loader.
BASE_FREESTANDING_SRCS := lib/base/mem.c
