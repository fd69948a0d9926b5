# Tests of the lib/crypto hash area (run by tests/suites/20-crypto-hash.sh).
# BASE_SRCS: the hex of tests/host/hex_input.h.
HASH_TEST_OBJS := $(call objs,host-san,$(HASH_SRCS) lib/crypto/crypto.c $(BASE_SRCS))

build/host-san/tests/crypto/hash_vectors: build/host-san/tests/crypto/hash_vectors.o $(HASH_TEST_OBJS)
	$(CC) -fsanitize=address,undefined $^ -o $@

.PHONY: print-hash-srcs
print-hash-srcs:
	@echo $(HASH_SRCS)

build/host-san/tests/crypto/hash_wycheproof: build/host-san/tests/crypto/hash_wycheproof.o $(HASH_TEST_OBJS)
	$(CC) -fsanitize=address,undefined $^ -o $@

build/host-san/tests/crypto/hash_differential: build/host-san/tests/crypto/hash_differential.o $(HASH_TEST_OBJS)
	$(CC) -fsanitize=address,undefined $^ -lsodium -o $@

# Fuzzing: `make fuzz-argon2id` runs for FUZZ_SECONDS (default 60) and keeps
# its corpus in build/fuzz/corpus/argon2id, seeded from the committed
# tests/corpus/argon2id (written by `hash_vectors corpus-make`, each file
# checked for its exact result by suite 20).
FUZZ_SECONDS ?= 60
FUZZ_TARGETS += fuzz-argon2id
.PHONY: fuzz-argon2id

build/fuzz/tests/fuzz/fuzz_argon2id: build/fuzz/tests/fuzz/fuzz_argon2id.o $(call objs,fuzz,$(HASH_SRCS) lib/crypto/crypto.c)
	$(CC) -fsanitize=fuzzer,address,undefined $^ -lsodium -o $@

fuzz-argon2id: build/fuzz/tests/fuzz/fuzz_argon2id
	@mkdir -p build/fuzz/corpus/argon2id
	$< -max_total_time=$(FUZZ_SECONDS) -print_final_stats=1 build/fuzz/corpus/argon2id tests/corpus/argon2id

# The known-answer tests once more against objects compiled with general
# registers only, as the kernel and the loader build them: Argon2id's vector
# code is scalarized there, and this proves that form correct too.
build/host-gro/lib/crypto/%.o: lib/crypto/%.c
	@mkdir -p $(@D)
	$(CC) $(HOST_CFLAGS) -mgeneral-regs-only -DNONOS_CRYPTO_SCALAR -MMD -MP -c $< -o $@

build/host-gro/tests/crypto/hash_vectors: build/host/tests/crypto/hash_vectors.o $(call objs,host-gro,$(HASH_SRCS) lib/crypto/crypto.c) \
		$(call objs,host,$(BASE_SRCS))
	@mkdir -p $(@D)
	$(CC) $^ -o $@

# Constant-time check under valgrind: objects of the build/host-ct
# environment (Makefile), optimized as shipped.
build/host-ct/tests/crypto/hash_ct: build/host-ct/tests/crypto/hash_ct.o $(call objs,host-ct,$(HASH_SRCS) lib/crypto/crypto.c)
	$(CC) $^ -o $@
# The same with the portable cores alone (-DNONOS_CRYPTO_SCALAR): valgrind
# reports AVX2 and BMI2, so the build above runs the vector paths.
build/host-ct-scalar/tests/crypto/hash_ct: build/host-ct-scalar/tests/crypto/hash_ct.o $(call objs,host-ct-scalar,$(HASH_SRCS) lib/crypto/crypto.c)
	$(CC) $^ -o $@
