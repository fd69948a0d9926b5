# lib/base: header-only helpers (endian.h, checked.h, bytes.h), hex text
# (hex.c, BASE_SRCS: linked by every user of base/hex.h, lib/capsule
# included) and the freestanding memory functions the compiler may call in
# kernel and loader (BASE_FREESTANDING_SRCS; the C library has them on the host).
BASE_SRCS := lib/base/hex.c
BASE_FREESTANDING_SRCS := lib/base/mem.c
