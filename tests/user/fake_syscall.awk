# Turns sdk/include/nonos/syscall.h into the header of the capsules' host
# tests (tests/user.mk): every raw call `static inline long
# nonos_syscallN(...) { asm }` becomes the declaration `long
# nonos_syscallN(...);` (tests/user/fake_kernel.c defines them); the
# generated stubs and everything else are kept as they are.
/^static inline long nonos_syscall[0-6]\(/ { sub(/^static inline /, ""); signature = $0; in_signature = 1 }
in_signature && signature != $0 { sub(/^ +/, " "); signature = signature $0 }
in_signature && /\)$/ { print signature ";"; in_signature = 0; in_body = 1; next }
in_signature { next }
in_body { if (/^}/) in_body = 0; next }
{ print }
