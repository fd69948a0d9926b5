# kernel/capsule: the boot-time capsule verifier (helper CAPSULE). Sorted
# before kernel/kernel.mk, whose KERNEL_SRCS adds KERNEL_CAPSULE_SRCS: the
# verifier and all of lib/capsule (CAPSULE_SRCS, from lib/capsule/capsule.mk;
# the crypto it needs is in CRYPTO_SRCS already).
KERNEL_CAPSULE_SRCS := kernel/capsule/capsule.c $(CAPSULE_SRCS)
