# Host tests of the system capsules' pure logic (user/user.mk lists it in
# USER_PURE_SRCS) under ASan + UBSan: suite 17-user. kernel/lib/format.c is
# the formatter the capsules link too.
$(BUILD)/host-san/tests/user/%.o: HOST_SAN_CFLAGS += $(USER_INCLUDES)

$(BUILD)/tests/user_test: $(BUILD)/host-san/tests/user/user_test.o \
		$(call objs,host-san,$(USER_PURE_SRCS) kernel/lib/format.c)
	@mkdir -p $(@D)
	$(CC) -fsanitize=address,undefined $^ -o $@
