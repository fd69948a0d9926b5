# Key residue test (suite 25-crypto-constant-time, tests/crypto/residue_test.c):
# every primitive of lib/crypto on a marked key, then its stack scanned for the
# key's words. Built from the optimized objects of build/host-ct (vector paths
# chosen at run time) and build/host-ct-scalar (the portable core alone).
RESIDUE_SRCS := tests/crypto/residue_test.c $(CRYPTO_SRCS)
$(BUILD)/host-ct/tests/crypto/residue_test: $(call objs,host-ct,$(RESIDUE_SRCS))
	$(CC) -pie $^ -o $@
$(BUILD)/host-ct-scalar/tests/crypto/residue_test: $(call objs,host-ct-scalar,$(RESIDUE_SRCS))
	$(CC) -pie $^ -o $@
