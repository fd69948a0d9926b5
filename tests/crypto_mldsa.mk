# Tests of the lib/crypto post-quantum area (suite 23-crypto-mldsa): SHAKE and
# ML-DSA-65 vectors, Wycheproof, CCTV accumulated, the differential tests
# (Python hashlib, @noble/post-quantum), the valgrind constant-time program,
# the stack measurement, the decoding fuzzer and the benchmark against PQClean.
PQ_TEST_SRCS := $(PQ_SRCS) lib/crypto/crypto.c $(BASE_SRCS)

$(BUILD)/host-san/tests/crypto/mldsa_test: $(BUILD)/host-san/tests/crypto/mldsa_test.o \
		$(call objs,host-san,$(PQ_TEST_SRCS))
	$(CC) -fsanitize=address,undefined $^ -o $@

$(BUILD)/host/tests/crypto/mldsa_test: $(BUILD)/host/tests/crypto/mldsa_test.o \
		$(call objs,host,$(PQ_TEST_SRCS))
	$(CC) -pie $^ -o $@

.PHONY: print-pq-srcs mldsa-tests
print-pq-srcs:
	@echo $(PQ_SRCS)

mldsa-tests: $(BUILD)/host-san/tests/crypto/mldsa_test $(BUILD)/host/tests/crypto/mldsa_test

# libFuzzer: ML-DSA-65 signature and public-key decoding (tests/fuzz/fuzz_mldsa65.c).
# `make fuzz-mldsa65` runs it for FUZZ_SECONDS (default 60) on a working corpus
# under build/fuzz/corpus/mldsa65, seeded with tests/corpus/mldsa65.
FUZZ_SECONDS ?= 60
FUZZ_TARGETS += fuzz-mldsa65
build/fuzz/tests/fuzz/fuzz_mldsa65: build/fuzz/tests/fuzz/fuzz_mldsa65.o \
		$(call objs,fuzz,$(PQ_SRCS) lib/crypto/crypto.c)
	$(CC) -fsanitize=fuzzer,address,undefined $^ -o $@

.PHONY: fuzz-mldsa65 fuzz-mldsa65-build
fuzz-mldsa65-build: build/fuzz/tests/fuzz/fuzz_mldsa65

fuzz-mldsa65: fuzz-mldsa65-build
	@mkdir -p build/fuzz/corpus/mldsa65
	@cp -n tests/corpus/mldsa65/* build/fuzz/corpus/mldsa65/ 2>/dev/null || true
	build/fuzz/tests/fuzz/fuzz_mldsa65 -max_total_time=$(FUZZ_SECONDS) -max_len=6000 \
		build/fuzz/corpus/mldsa65
