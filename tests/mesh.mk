# Tests of lib/mesh's DHT (suite 73-mesh-dht): unit tests and the corpora of
# bad input under ASan + UBSan, the libFuzzer targets for messages and
# records, and the simulator's figures (tools/mesh-sim.mk builds it).
MESH_TEST_SRCS := tests/mesh/dht_fixture.c tests/mesh/dht_corpus.c
MESH_TEST_BIN := $(BUILD)/host-san/tests/mesh

$(MESH_TEST_BIN)/dht_test: $(call objs,host-san,tests/mesh/dht_test.c $(MESH_TEST_SRCS) $(MESH_DHT_SRCS) $(MESH_DHT_CRYPTO_SRCS))
	$(CC) -fsanitize=address,undefined $^ -o $@

.PHONY: mesh-dht-tests
mesh-dht-tests: $(MESH_TEST_BIN)/dht_test $(MESH_SIM) $(MESH_SIM_SAN)

# Fuzzing: make fuzz-dht-message / fuzz-dht-record (FUZZ_SECONDS, default 60),
# seeded from the committed corpora.
FUZZ_SECONDS ?= 60
define mesh_fuzzer
$(BUILD)/fuzz/tests/fuzz/fuzz_dht_$(1): $(call objs,fuzz,tests/fuzz/fuzz_dht_$(1).c $(MESH_TEST_SRCS) $(MESH_DHT_SRCS) $(MESH_DHT_CRYPTO_SRCS))
	$$(CC) -fsanitize=fuzzer,address,undefined $$^ -o $$@

.PHONY: fuzz-dht-$(1)
fuzz-dht-$(1): $(BUILD)/fuzz/tests/fuzz/fuzz_dht_$(1)
	@mkdir -p $(BUILD)/fuzz/corpus-dht-$(1)
	$(BUILD)/fuzz/tests/fuzz/fuzz_dht_$(1) -max_total_time=$$(FUZZ_SECONDS) -max_len=1100 \
	    -timeout=10 $(BUILD)/fuzz/corpus-dht-$(1) tests/corpus/dht-$(1)
endef
$(foreach f,message record,$(eval $(call mesh_fuzzer,$(f))))
FUZZ_TARGETS += fuzz-dht-message fuzz-dht-record

# nonos-node's control_parse_test (linked by tools/nonos-node.mk, with $^)
# writes and checks tests/corpus/node-control with the shared module.
$(BUILD)/host-san/tests/mesh/control_parse_test: $(call objs,host-san,tests/host/expected_corpus.c)
