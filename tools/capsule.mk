# tools/capsule: the nonos-capsule host tool, built to build/host/nonos-capsule
# (optimized, hardened). It finds the SDK at build/host/../../sdk, i.e. the
# sdk/ of this tree, or wherever NONOS_SDK points.
CAPSULE_TOOL := $(BUILD)/host/nonos-capsule
CAPSULE_TOOL_SRCS := tools/capsule/main.c tools/capsule/files.c tools/capsule/keys.c tools/capsule/keyfile.c \
                     tools/capsule/project.c tools/capsule/seal.c tools/capsule/inspect.c tools/capsule/bundle.c \
                     $(CAPSULE_SRCS) $(CAPSULE_CRYPTO_SRCS) $(BASE_SRCS)

$(CAPSULE_TOOL): $(call objs,host,$(CAPSULE_TOOL_SRCS))
	$(CC) -pie -Wl,-z,relro,-z,now $^ -o $@

.PHONY: nonos-capsule
nonos-capsule: $(CAPSULE_TOOL)
all: $(CAPSULE_TOOL)

# The system boot bundle (BUNDLE_FILE, set in lib/capsule/capsule.mk): the
# system capsules staged by user/user.mk (which adds them as prerequisites),
# then the SDK template "hello".
$(BUILD)/capsules/bundle.bin: $(CAPSULE_TOOL) $(SDK_FILES) tools/capsule/system-bundle.sh
	sh tools/capsule/system-bundle.sh $(CAPSULE_TOOL) $(BUILD)/capsules $(dir $(USER_STAGED))
