# Tests of the lib/crypto curve area (suites 22-crypto-curve and
# 25-crypto-constant-time): vectors and libsodium differential tests under
# ASan + UBSan and optimized, the table generator, the valgrind constant-time
# program, the Ed25519 verify fuzzer and a small benchmark.
CURVE_TEST_SRCS := $(CURVE_SRCS) $(HASH_SRCS) lib/crypto/crypto.c

$(BUILD)/host-san/tests/crypto/curve_test: $(BUILD)/host-san/tests/crypto/curve_test.o \
		$(call objs,host-san,$(CURVE_TEST_SRCS) $(BASE_SRCS))
	$(CC) -fsanitize=address,undefined $^ -lsodium -o $@

$(BUILD)/host/tests/crypto/curve_test: $(BUILD)/host/tests/crypto/curve_test.o \
		$(call objs,host,$(CURVE_TEST_SRCS) $(BASE_SRCS))
	$(CC) -pie $^ -lsodium -o $@

# The generator must not depend on the table it generates: field and group
# law only.
$(BUILD)/host/tests/crypto/curve_table_gen: $(BUILD)/host/tests/crypto/curve_table_gen.o \
		$(call objs,host,lib/crypto/field25519.c lib/crypto/edwards25519.c lib/crypto/crypto.c)
	$(CC) -pie $^ -o $@

CURVE_TEST_TARGETS := $(BUILD)/host-san/tests/crypto/curve_test \
                      $(BUILD)/host/tests/crypto/curve_test \
                      $(BUILD)/host/tests/crypto/curve_table_gen
.PHONY: curve-tests
curve-tests: $(CURVE_TEST_TARGETS)

# libFuzzer: Ed25519 verify against libsodium's decision. `make fuzz-ed25519`
# runs it for FUZZ_SECONDS (default 60) on a working corpus under
# build/fuzz/corpus/ed25519, seeded with the RFC 8032 TEST 1 triple, and
# reads the committed corpus tests/corpus/ed25519 (written by
# `curve_test corpus-make`, checked by suite 22) as more seeds.
FUZZ_SECONDS ?= 60
FUZZ_TARGETS += fuzz-ed25519
CURVE_FUZZ_SEED := e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100bd75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a

build/fuzz/tests/fuzz/fuzz_ed25519: build/fuzz/tests/fuzz/fuzz_ed25519.o \
		$(call objs,fuzz,$(CURVE_TEST_SRCS))
	$(CC) -fsanitize=fuzzer,address,undefined $^ -lsodium -o $@

build/fuzz/corpus/ed25519/rfc8032-test1:
	@mkdir -p $(@D)
	@echo $(CURVE_FUZZ_SEED) | xxd -r -p >$@

.PHONY: fuzz-ed25519 fuzz-ed25519-build
fuzz-ed25519-build: build/fuzz/tests/fuzz/fuzz_ed25519 build/fuzz/corpus/ed25519/rfc8032-test1

fuzz-ed25519: fuzz-ed25519-build
	build/fuzz/tests/fuzz/fuzz_ed25519 -max_total_time=$(FUZZ_SECONDS) -max_len=1024 \
		build/fuzz/corpus/ed25519 tests/corpus/ed25519

# bench-curve: X25519 and Ed25519 against libsodium (tests/crypto/curve_bench.c).
BENCH_TARGETS += bench-curve
$(BUILD)/host/tests/crypto/curve_bench: $(BUILD)/host/tests/crypto/curve_bench.o \
		$(call objs,host,$(CURVE_TEST_SRCS))
	$(CC) -pie $^ -lsodium -o $@

.PHONY: bench-curve
bench-curve: $(BUILD)/host/tests/crypto/curve_bench
	@$<

# Constant-time test (suite 25-crypto-constant-time): objects of the
# build/host-ct environment (Makefile), run under valgrind.
$(BUILD)/host-ct/tests/crypto/ct_test: $(BUILD)/host-ct/tests/crypto/ct_test.o \
		$(call objs,host-ct,$(CURVE_SRCS) $(HASH_SRCS) lib/crypto/poly1305.c lib/crypto/crypto.c)
	$(CC) -pie $^ -o $@
