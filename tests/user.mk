# Host tests of the system capsules' pure logic (user/user.mk lists it in
# USER_PURE_SRCS) under ASan + UBSan: suite 17-user. kernel/lib/format.c is
# the formatter the capsules link too.
$(BUILD)/host-san/tests/user/%.o: HOST_SAN_CFLAGS += $(USER_INCLUDES)

$(BUILD)/tests/user_test: $(BUILD)/host-san/tests/user/user_test.o \
		$(call objs,host-san,$(USER_PURE_SRCS) kernel/lib/format.c)
	@mkdir -p $(@D)
	$(CC) -fsanitize=address,undefined $^ -o $@

# The capsules' code that makes system calls, against a fake kernel
# (tests/user/fake_kernel.c): compiled with the real generated stubs, whose
# raw calls nonos_syscall0..6 become extern functions the fake defines
# (FAKE_SYSCALL_H, made from sdk/include/nonos/syscall.h by awk and forced
# in with -include ahead of the real header). Each capsule's main is
# renamed capsule_main for its test driver.
FAKE_SYSCALL_H := $(BUILD)/tests/user/include/nonos/syscall.h
USER_FAKE_CFLAGS = $(HOST_SAN_CFLAGS) $(USER_INCLUDES) -include $(FAKE_SYSCALL_H)

$(FAKE_SYSCALL_H): sdk/include/nonos/syscall.h tests/user/fake_syscall.awk
	@mkdir -p $(@D)
	awk -f tests/user/fake_syscall.awk $< >$@

$(BUILD)/user-fake/%.o: %.c $(FAKE_SYSCALL_H) $(BUILD)/host-san/.cflags
	@mkdir -p $(@D)
	$(CC) $(USER_FAKE_CFLAGS) -Dmain=capsule_main -MMD -MP -c $< -o $@

$(BUILD)/user-fake/tests/user/%.o: tests/user/%.c $(FAKE_SYSCALL_H) $(BUILD)/host-san/.cflags
	@mkdir -p $(@D)
	$(CC) $(USER_FAKE_CFLAGS) -MMD -MP -c $< -o $@

USER_FAKE_LIB := $(BUILD)/user-fake/tests/user/fake_kernel.o $(call objs,user-fake,$(USER_LIB_SRCS)) \
                 $(BUILD)/host-san/kernel/lib/format.o

# build/tests/user_NAME_test: tests/user/NAME_test.c with user/NAME/*.c.
define user_fake_test
$(BUILD)/tests/user_$(1)_test: $(BUILD)/user-fake/tests/user/$(1)_test.o $(USER_FAKE_LIB) \
		$(call objs,user-fake,$(wildcard user/$(1)/*.c))
	@mkdir -p $$(@D)
	$(CC) -fsanitize=address,undefined $$^ -o $$@
endef
$(foreach capsule,$(USER_CAPSULES),$(eval $(call user_fake_test,$(capsule))))

# make fuzz-user-input: tests/fuzz/fuzz_user_input.c (console bytes through
# the line editor and the shell's parsing, name-service requests, kernel
# records formatted into buffers of any size), seeded by tests/corpus/user.
FUZZ_TARGETS += fuzz-user-input
$(BUILD)/fuzz/user/%.o: FUZZ_CFLAGS += $(USER_INCLUDES)
$(BUILD)/fuzz/tests/fuzz/fuzz_user_input.o: FUZZ_CFLAGS += $(USER_INCLUDES)
$(BUILD)/fuzz/tests/fuzz/fuzz_user_input: $(BUILD)/fuzz/tests/fuzz/fuzz_user_input.o \
		$(call objs,fuzz,$(USER_PURE_SRCS) kernel/lib/format.c)
	$(CC) -fsanitize=fuzzer,address,undefined $^ -o $@

.PHONY: fuzz-user-input
fuzz-user-input: $(BUILD)/fuzz/tests/fuzz/fuzz_user_input
	@mkdir -p $(BUILD)/fuzz/corpus-user
	$< -max_total_time=$(FUZZ_SECONDS) -max_len=4096 -timeout=10 $(BUILD)/fuzz/corpus-user tests/corpus/user

# nonos.net's datagram API (user/net/datagram.c, its requests decoded by
# user/lib/datagram_wire.c) against the fake kernel and a lib/net stack;
# and the checker of its corpus of bad requests, tests/corpus/net-datagram.
$(BUILD)/tests/user_datagram_test: $(BUILD)/user-fake/tests/user/datagram_test.o $(USER_FAKE_LIB) \
		$(BUILD)/user-fake/user/net/datagram.o $(call objs,host-san,$(NET_SRCS) tests/net/fixture.c)
	@mkdir -p $(@D)
	$(CC) -fsanitize=address,undefined $^ -o $@

$(BUILD)/tests/user_datagram_corpus: $(call objs,host-san,tests/user/datagram_corpus.c tests/user/datagram_replay.c tests/user/request_corpus.c \
		tests/host/expected_corpus.c \
		user/lib/datagram_wire.c)
	@mkdir -p $(@D)
	$(CC) -fsanitize=address,undefined $^ -o $@

# make fuzz-net-datagram: tests/fuzz/fuzz_net_datagram.c (any request with
# any socket state through user/lib/datagram_wire.c), seeded by the corpus.
$(BUILD)/fuzz/tests/user/%.o: FUZZ_CFLAGS += $(USER_INCLUDES)
$(BUILD)/fuzz/tests/fuzz/fuzz_net_datagram.o: FUZZ_CFLAGS += $(USER_INCLUDES)
$(BUILD)/fuzz/tests/fuzz/fuzz_net_datagram: $(call objs,fuzz,tests/fuzz/fuzz_net_datagram.c \
		tests/user/datagram_replay.c user/lib/datagram_wire.c)
	$(CC) -fsanitize=fuzzer,address,undefined $^ -o $@

.PHONY: fuzz-net-datagram
fuzz-net-datagram: $(BUILD)/fuzz/tests/fuzz/fuzz_net_datagram
	@mkdir -p $(BUILD)/fuzz/corpus/net-datagram
	$< -max_total_time=$(FUZZ_SECONDS) -max_len=512 -timeout=10 -print_final_stats=1 \
	    $(BUILD)/fuzz/corpus/net-datagram tests/corpus/net-datagram

# The virtio drivers' PCI capability walk (user/lib/virtio_pci.c): the
# checker of its corpus of bad devices, tests/corpus/virtio-pci.
$(BUILD)/tests/user_virtio_pci_corpus: $(call objs,host-san,tests/user/virtio_pci_corpus.c tests/host/expected_corpus.c \
		tests/user/virtio_pci_replay.c user/lib/virtio_pci.c)
	@mkdir -p $(@D)
	$(CC) -fsanitize=address,undefined $^ -o $@

# make fuzz-virtio-pci: tests/fuzz/fuzz_virtio_pci.c (any BAR sizes and
# configuration space through user/lib/virtio_pci.c), seeded by the corpus.
$(BUILD)/fuzz/tests/fuzz/fuzz_virtio_pci.o: FUZZ_CFLAGS += $(USER_INCLUDES)
$(BUILD)/fuzz/tests/fuzz/fuzz_virtio_pci: $(call objs,fuzz,tests/fuzz/fuzz_virtio_pci.c \
		tests/user/virtio_pci_replay.c user/lib/virtio_pci.c)
	$(CC) -fsanitize=fuzzer,address,undefined $^ -o $@

.PHONY: fuzz-virtio-pci
fuzz-virtio-pci: $(BUILD)/fuzz/tests/fuzz/fuzz_virtio_pci
	@mkdir -p $(BUILD)/fuzz/corpus/virtio-pci
	$< -max_total_time=$(FUZZ_SECONDS) -max_len=4200 -timeout=10 -print_final_stats=1 \
	    $(BUILD)/fuzz/corpus/virtio-pci tests/corpus/virtio-pci

# The virtio-net driver's checks of what its client controls
# (user/lib/netif_wire.c): its tests, with the driver's data path on host
# memory (tests/user/netif_wire_test.c), and the checker of its corpus of
# bad requests, indices and entries, tests/corpus/netif-request.
$(BUILD)/tests/user_netif_wire_test: $(call objs,host-san,tests/user/netif_wire_test.c user/lib/netif_wire.c \
		user/lib/virtqueue.c user/drivers/virtio-net/datapath.c)
	@mkdir -p $(@D)
	$(CC) -fsanitize=address,undefined $^ -o $@
$(BUILD)/host-san/tests/user/netif_wire_test.o: HOST_SAN_CFLAGS += -Iuser/drivers/virtio-net

$(BUILD)/tests/user_netif_corpus: $(call objs,host-san,tests/user/netif_corpus.c tests/user/netif_replay.c tests/host/expected_corpus.c \
		user/lib/netif_wire.c)
	@mkdir -p $(@D)
	$(CC) -fsanitize=address,undefined $^ -o $@

# make fuzz-netif-request: tests/fuzz/fuzz_netif_request.c (any request,
# ring state and TX entries through user/lib/netif_wire.c), seeded by the corpus.
$(BUILD)/fuzz/tests/fuzz/fuzz_netif_request.o: FUZZ_CFLAGS += $(USER_INCLUDES)
$(BUILD)/fuzz/tests/fuzz/fuzz_netif_request: $(call objs,fuzz,tests/fuzz/fuzz_netif_request.c \
		tests/user/netif_replay.c user/lib/netif_wire.c)
	$(CC) -fsanitize=fuzzer,address,undefined $^ -o $@

.PHONY: fuzz-netif-request
fuzz-netif-request: $(BUILD)/fuzz/tests/fuzz/fuzz_netif_request
	@mkdir -p $(BUILD)/fuzz/corpus/netif-request
	$< -max_total_time=$(FUZZ_SECONDS) -max_len=512 -timeout=10 -print_final_stats=1 \
	    $(BUILD)/fuzz/corpus/netif-request tests/corpus/netif-request
# The corpora of nonos.mesh's command line (user/mesh/command.c,
# tests/corpus/mesh-command), the mesh capsule's reading of nonos.net's
# replies (user/lib/net_reply.c, tests/corpus/mesh-net-reply) and
# nonos.net's REPORT/PING and label dispatch (user/net/request.c,
# tests/corpus/net-request): their checkers, sharing request_corpus.c (the
# layout of net-datagram) and request_replay.c.
REQUEST_CORPUS_SRCS := tests/host/expected_corpus.c tests/user/request_corpus.c tests/user/request_replay.c user/mesh/command.c \
                       user/lib/net_reply.c user/net/request.c user/shell/stack_reply.c

$(BUILD)/tests/user_mesh_command_corpus: $(call objs,host-san,tests/user/mesh_command_corpus.c $(REQUEST_CORPUS_SRCS))
	@mkdir -p $(@D)
	$(CC) -fsanitize=address,undefined $^ -o $@

$(BUILD)/tests/user_net_request_corpus: $(call objs,host-san,tests/user/net_request_corpus.c $(REQUEST_CORPUS_SRCS))
	@mkdir -p $(@D)
	$(CC) -fsanitize=address,undefined $^ -o $@

$(BUILD)/tests/user_mesh_net_reply_corpus: $(call objs,host-san,tests/user/mesh_net_reply_corpus.c $(REQUEST_CORPUS_SRCS))
	@mkdir -p $(@D)
	$(CC) -fsanitize=address,undefined $^ -o $@

# The shell's reading of nonos.net's REPORT and PING replies
# (user/shell/stack_reply.c, tests/corpus/shell-net-reply): its checker,
# which also shows each accepted text through text_append_escaped.
$(BUILD)/tests/user_shell_net_reply_corpus: $(call objs,host-san,tests/user/shell_net_reply_corpus.c \
		$(REQUEST_CORPUS_SRCS) user/lib/text.c kernel/lib/format.c)
	@mkdir -p $(@D)
	$(CC) -fsanitize=address,undefined $^ -o $@

# make fuzz-mesh-command, fuzz-mesh-net-reply, fuzz-net-request:
# tests/fuzz/fuzz_mesh_command.c, fuzz_mesh_net_reply.c and
# fuzz_net_request.c (any label and data through the decoder, as
# request_replay.h reads them), each seeded by its corpus.
REQUEST_FUZZ_SRCS := tests/user/request_replay.c user/mesh/command.c user/lib/net_reply.c user/net/request.c \
                     user/shell/stack_reply.c
$(BUILD)/fuzz/tests/fuzz/fuzz_mesh_command.o $(BUILD)/fuzz/tests/fuzz/fuzz_net_request.o \
	$(BUILD)/fuzz/tests/fuzz/fuzz_mesh_net_reply.o: FUZZ_CFLAGS += $(USER_INCLUDES)
$(BUILD)/fuzz/tests/fuzz/fuzz_mesh_command: $(call objs,fuzz,tests/fuzz/fuzz_mesh_command.c $(REQUEST_FUZZ_SRCS))
	$(CC) -fsanitize=fuzzer,address,undefined $^ -o $@
$(BUILD)/fuzz/tests/fuzz/fuzz_net_request: $(call objs,fuzz,tests/fuzz/fuzz_net_request.c $(REQUEST_FUZZ_SRCS))
	$(CC) -fsanitize=fuzzer,address,undefined $^ -o $@
$(BUILD)/fuzz/tests/fuzz/fuzz_mesh_net_reply: $(call objs,fuzz,tests/fuzz/fuzz_mesh_net_reply.c $(REQUEST_FUZZ_SRCS))
	$(CC) -fsanitize=fuzzer,address,undefined $^ -o $@

# make fuzz-shell-net-reply: tests/fuzz/fuzz_shell_net_reply.c (any reply
# to any label through user/shell/stack_reply.c, SEND's through
# user/lib/net_reply.c, and each accepted text through the shell's
# escaping in user/lib/text.c), seeded by tests/corpus/shell-net-reply.
$(BUILD)/fuzz/tests/fuzz/fuzz_shell_net_reply.o: FUZZ_CFLAGS += $(USER_INCLUDES)
$(BUILD)/fuzz/tests/fuzz/fuzz_shell_net_reply: $(call objs,fuzz,tests/fuzz/fuzz_shell_net_reply.c $(REQUEST_FUZZ_SRCS) \
		user/lib/text.c kernel/lib/format.c)
	$(CC) -fsanitize=fuzzer,address,undefined $^ -o $@

.PHONY: fuzz-mesh-command fuzz-mesh-net-reply fuzz-net-request fuzz-shell-net-reply
fuzz-mesh-command: $(BUILD)/fuzz/tests/fuzz/fuzz_mesh_command
	@mkdir -p $(BUILD)/fuzz/corpus/mesh-command
	$< -max_total_time=$(FUZZ_SECONDS) -max_len=512 -timeout=10 -print_final_stats=1 \
	    $(BUILD)/fuzz/corpus/mesh-command tests/corpus/mesh-command
fuzz-net-request: $(BUILD)/fuzz/tests/fuzz/fuzz_net_request
	@mkdir -p $(BUILD)/fuzz/corpus/net-request
	$< -max_total_time=$(FUZZ_SECONDS) -max_len=512 -timeout=10 -print_final_stats=1 \
	    $(BUILD)/fuzz/corpus/net-request tests/corpus/net-request
fuzz-mesh-net-reply: $(BUILD)/fuzz/tests/fuzz/fuzz_mesh_net_reply
	@mkdir -p $(BUILD)/fuzz/corpus/mesh-net-reply
	$< -max_total_time=$(FUZZ_SECONDS) -max_len=512 -timeout=10 -print_final_stats=1 \
	    $(BUILD)/fuzz/corpus/mesh-net-reply tests/corpus/mesh-net-reply
fuzz-shell-net-reply: $(BUILD)/fuzz/tests/fuzz/fuzz_shell_net_reply
	@mkdir -p $(BUILD)/fuzz/corpus/shell-net-reply
	$< -max_total_time=$(FUZZ_SECONDS) -max_len=512 -timeout=10 -print_final_stats=1 \
	    $(BUILD)/fuzz/corpus/shell-net-reply tests/corpus/shell-net-reply
