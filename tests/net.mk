# lib/net tests (tests/suites/26-net.sh): codec unit tests, two stacks back
# to back, the malformed-input corpus (host-san), and the libFuzzer targets
# of every decoder and of the stack's input path.
NET_TEST_BIN := $(BUILD)/host-san/tests/net
NET_TEST_LIB_SRCS := $(NET_SRCS) $(BASE_SRCS) tests/net/fixture.c

$(NET_TEST_BIN)/codec_test: $(call objs,host-san,tests/net/codec_test.c $(NET_TEST_LIB_SRCS))
	$(CC) -fsanitize=address,undefined $^ -o $@

$(NET_TEST_BIN)/stack_test: $(call objs,host-san,tests/net/stack_test.c $(NET_TEST_LIB_SRCS))
	$(CC) -fsanitize=address,undefined $^ -o $@

$(NET_TEST_BIN)/corpus: $(call objs,host-san,tests/net/corpus.c tests/host/expected_corpus.c $(NET_TEST_LIB_SRCS))
	$(CC) -fsanitize=address,undefined $^ -o $@

.PHONY: net-tests
net-tests: $(NET_TEST_BIN)/linux_peer $(NET_TEST_BIN)/codec_test $(NET_TEST_BIN)/stack_test $(NET_TEST_BIN)/corpus net-kernel-objects

# Fuzzing: make fuzz-net-ethernet, -arp, -ipv4, -udp, -icmp, -dhcp, -stack
# (FUZZ_SECONDS each, default 60). Seeds: tests/corpus/net/<layer>/ (the
# committed bad inputs, whose "expected" file is one more input).
FUZZ_SECONDS ?= 60
NET_FUZZERS := ethernet arp ipv4 udp icmp dhcp stack

define net_fuzzer
$(BUILD)/fuzz/tests/fuzz/fuzz_net_$(1): $(call objs,fuzz,tests/fuzz/fuzz_net_$(1).c $(NET_SRCS) tests/net/fixture.c)
	$$(CC) -fsanitize=fuzzer,address,undefined $$^ -o $$@

.PHONY: fuzz-net-$(1)
fuzz-net-$(1): $(BUILD)/fuzz/tests/fuzz/fuzz_net_$(1)
	@mkdir -p $(BUILD)/fuzz/corpus/net-$(1)
	$$< -max_total_time=$$(FUZZ_SECONDS) -max_len=2048 -timeout=10 -print_final_stats=1 \
	    $(BUILD)/fuzz/corpus/net-$(1) tests/corpus/net/$(1)
endef
$(foreach f,$(NET_FUZZERS),$(eval $(call net_fuzzer,$(f))))
FUZZ_TARGETS += $(addprefix fuzz-net-,$(NET_FUZZERS))

# The stack on a real Linux link (tests/net/linux_check.sh, suite 26).
$(NET_TEST_BIN)/linux_peer: $(call objs,host-san,tests/net/linux_peer.c $(NET_SRCS))
	$(CC) -fsanitize=address,undefined $^ -o $@
