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
