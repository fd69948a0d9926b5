# Tests of the lib/crypto stream area (run by tests/suites/21-crypto-stream.sh).
# BASE_SRCS: the hex of tests/host/hex_input.h.
STREAM_TEST_OBJS := $(call objs,host-san,$(STREAM_SRCS) lib/crypto/sha256.c lib/crypto/crypto.c $(BASE_SRCS))
STREAM_TEST_BIN := build/host-san/tests/crypto

$(STREAM_TEST_BIN)/stream_vectors: $(STREAM_TEST_BIN)/stream_vectors.o $(STREAM_TEST_OBJS)
	$(CC) -fsanitize=address,undefined $^ -o $@

.PHONY: print-stream-srcs
print-stream-srcs:
	@echo $(STREAM_SRCS)

$(STREAM_TEST_BIN)/stream_wycheproof: $(STREAM_TEST_BIN)/stream_wycheproof.o $(STREAM_TEST_OBJS)
	$(CC) -fsanitize=address,undefined $^ -o $@

$(STREAM_TEST_BIN)/stream_differential: $(STREAM_TEST_BIN)/stream_differential.o $(STREAM_TEST_OBJS)
	$(CC) -fsanitize=address,undefined $^ -lsodium -o $@

# The same differential test against the portable core only (no eight-block
# vector path), so that both code paths are checked against libsodium.
$(BUILD)/host-san-scalar/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(HOST_SAN_CFLAGS) -DNONOS_CRYPTO_SCALAR -MMD -MP -c $< -o $@

$(STREAM_TEST_BIN)/stream_differential_scalar: $(STREAM_TEST_BIN)/stream_differential.o \
		$(call objs,host-san-scalar,$(STREAM_SRCS)) \
		$(call objs,host-san,lib/crypto/sha256.c lib/crypto/crypto.c $(BASE_SRCS))
	$(CC) -fsanitize=address,undefined $^ -lsodium -o $@

$(STREAM_TEST_BIN)/stream_random: $(STREAM_TEST_BIN)/stream_random.o \
		$(BUILD)/host-san/tests/host/random_linux.o $(STREAM_TEST_OBJS)
	$(CC) -fsanitize=address,undefined $^ -o $@

# libFuzzer: AEAD open on arbitrary input. `make fuzz-aead` runs it for
# FUZZ_SECONDS (default 60) on a working corpus under build/fuzz/corpus/,
# seeded from the committed corpus tests/corpus/aead (written by
# `stream_vectors corpus-make`, checked by suite 21).
FUZZ_SECONDS ?= 60
FUZZ_TARGETS += fuzz-aead
build/fuzz/tests/fuzz/fuzz_aead: build/fuzz/tests/fuzz/fuzz_aead.o \
		$(call objs,fuzz,$(STREAM_SRCS) lib/crypto/sha256.c lib/crypto/crypto.c)
	$(CC) -fsanitize=fuzzer,address,undefined $^ -o $@

.PHONY: fuzz-aead
fuzz-aead: build/fuzz/tests/fuzz/fuzz_aead
	@mkdir -p build/fuzz/corpus/aead
	$< -max_total_time=$(FUZZ_SECONDS) -max_len=4300 build/fuzz/corpus/aead tests/corpus/aead

# Constant-time test (valgrind, ctgrind technique), from the environments
# host-ct and host-ct-scalar (Makefile). Built twice: with the vector path
# chosen at run time, and with the portable core alone (what the kernel runs).
STREAM_CT_SRCS := tests/crypto/stream_ct.c $(STREAM_SRCS) lib/crypto/sha256.c lib/crypto/crypto.c
$(BUILD)/host-ct/tests/crypto/stream_ct: $(call objs,host-ct,$(STREAM_CT_SRCS))
	$(CC) -pie $^ -o $@
$(BUILD)/host-ct-scalar/tests/crypto/stream_ct: \
		$(call objs,host-ct-scalar,$(STREAM_CT_SRCS))
	$(CC) -pie $^ -o $@
