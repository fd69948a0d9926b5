# Key residue test (suite 25-crypto-constant-time, tests/crypto/residue_test.c):
# every primitive of lib/crypto on a marked key, then its stack scanned for the
# key's words. Built from the optimized objects of build/host-ct (vector paths
# chosen at run time) and build/host-ct-scalar (the portable core alone).
# Linked with -z now: with lazy binding, the first call of a libc function
# (memset inside crypto_wipe) goes through the dynamic linker's resolver,
# which saves the vector registers, still holding cipher state, onto the
# stack below the library's frames: a residue no C code can prevent.
RESIDUE_SRCS := tests/crypto/residue_test.c $(CRYPTO_SRCS)
$(BUILD)/host-ct/tests/crypto/residue_test: $(call objs,host-ct,$(RESIDUE_SRCS))
	$(CC) -pie -Wl,-z,now $^ -o $@
$(BUILD)/host-ct-scalar/tests/crypto/residue_test: $(call objs,host-ct-scalar,$(RESIDUE_SRCS))
	$(CC) -pie -Wl,-z,now $^ -o $@
