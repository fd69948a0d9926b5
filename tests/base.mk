# Host tests of lib/base.
$(BUILD)/host-san/lib/base/mem_prefixed.o: lib/base/mem.c
	@mkdir -p $(@D)
	$(CC) $(HOST_SAN_CFLAGS) -fno-builtin -DNONOS_MEM_PREFIX -c $< -o $@

$(BUILD)/tests/base_test: $(BUILD)/host-san/tests/base/base_test.o $(BUILD)/host-san/lib/base/mem_prefixed.o \
		$(call objs,host-san,$(BASE_SRCS))
	@mkdir -p $(@D)
	$(CC) -fsanitize=address,undefined $^ -o $@
