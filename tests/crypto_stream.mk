# Tests of the lib/crypto stream area (run by tests/suites/21-crypto-stream.sh).
STREAM_TEST_OBJS := $(call objs,host-san,$(STREAM_SRCS) lib/crypto/sha256.c lib/crypto/crypto.c)
STREAM_TEST_BIN := build/host-san/tests/crypto

$(STREAM_TEST_BIN)/stream_vectors: $(STREAM_TEST_BIN)/stream_vectors.o $(STREAM_TEST_OBJS)
	$(CC) -fsanitize=address,undefined $^ -o $@

.PHONY: print-stream-srcs
print-stream-srcs:
	@echo $(STREAM_SRCS)
