# Tests of the lib/crypto hash area (run by tests/suites/20-crypto-hash.sh).
HASH_TEST_OBJS := $(call objs,host-san,$(HASH_SRCS) lib/crypto/crypto.c)

build/host-san/tests/crypto/hash_vectors: build/host-san/tests/crypto/hash_vectors.o $(HASH_TEST_OBJS)
	$(CC) -fsanitize=address,undefined $^ -o $@

.PHONY: print-hash-srcs
print-hash-srcs:
	@echo $(HASH_SRCS)

build/host-san/tests/crypto/hash_wycheproof: build/host-san/tests/crypto/hash_wycheproof.o $(HASH_TEST_OBJS)
	$(CC) -fsanitize=address,undefined $^ -o $@

build/host-san/tests/crypto/hash_differential: build/host-san/tests/crypto/hash_differential.o $(HASH_TEST_OBJS)
	$(CC) -fsanitize=address,undefined $^ -lsodium -o $@
