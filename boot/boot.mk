# boot/: the UEFI loader BOOTX64.EFI and the disk images it boots from.
#
# A loader is built per image, because it carries the SHA-256 digests of the
# exact kernel and bundle files on that image (boot/gen-digests.sh writes
# build/gen/<image>/boot_digests.c; the loader links after it). Two images:
#   build/nonos.img          the system: kernel build/kernel/nonos-kernel.elf
#                            (kernel/kernel.mk) and $(BUNDLE_FILE)
#   build/test/loader.img    the loader test fixture: tests/qemu/fake_kernel.c,
#                            a tiny kernel that checks the handoff and exits
#   build/test/bad-elf.img   a loader whose built-in digest matches a kernel
#                            with a W+X segment (from the ELF corpus): the
#                            loader must still refuse it
#
# BUNDLE_FILE is the boot bundle put on the ESP as \NONOS\BUNDLE.BIN. Until the
# capsule bundle exists it is a deterministic test payload. To replace it, set
# BUNDLE_FILE in a fragment included before this one (lib/*/*.mk or sdk/*.mk)
# or on the command line; its rule may live in any fragment.
BUNDLE_FILE ?= $(BUILD)/bundle.bin
IMAGE := $(BUILD)/nonos.img
LOADER_IMAGE := $(BUILD)/test/loader.img
# Literal: kernel/kernel.mk (which defines KERNEL_ELF) is read after this file.
BOOT_KERNEL_ELF := $(BUILD)/kernel/nonos-kernel.elf

# The loader proper (UEFI-specific) and its portable parts, which the host
# tests and the fuzz target build too.
BOOT_PORTABLE_SRCS := boot/elf_check.c boot/memory_map.c boot/page_table.c
BOOT_EFI_SRCS := boot/main.c boot/files.c boot/handoff.c boot/console.c \
	$(BOOT_PORTABLE_SRCS) lib/crypto/sha256.c lib/crypto/crypto.c $(BASE_SRCS) \
	$(BASE_FREESTANDING_SRCS)
BOOT_EFI_OBJS := $(call objs,efi,$(BOOT_EFI_SRCS))

$(BUILD)/bundle.bin: tools/image/test-bundle.txt
	@mkdir -p $(@D)
	cp $< $@

# $(1) image name, $(2) kernel ELF, $(3) bundle, $(4) image file
define boot_image
$(BUILD)/gen/$(1)/boot_digests.c: $(2) $(3) boot/gen-digests.sh
	@mkdir -p $$(@D)
	sh boot/gen-digests.sh $(2) $(3) > $$@

$(BUILD)/gen/$(1)/boot_digests.o: $(BUILD)/gen/$(1)/boot_digests.c boot/digests.h
	$$(CC) $$(EFI_CFLAGS) -c $$< -o $$@

$(BUILD)/boot/$(1)/BOOTX64.EFI: $(BOOT_EFI_OBJS) $(BUILD)/gen/$(1)/boot_digests.o
	@mkdir -p $$(@D)
	$$(LLD_LINK) /subsystem:efi_application /entry:efi_main /nodefaultlib \
		/out:$$@ $$^

$(4): $(BUILD)/boot/$(1)/BOOTX64.EFI $(2) $(3) tools/image/mkimage.sh
	@mkdir -p $$(@D)
	sh tools/image/mkimage.sh $$@ $(BUILD)/boot/$(1)/BOOTX64.EFI $(2) $(3)
endef

# The bundle the image is built from, refreshed only when its bytes change:
# the image then follows BUNDLE_FILE both ways (make BUNDLE_FILE=x run, then a
# plain make goes back to the default bundle), which file dates alone miss.
BOOT_STAGED_BUNDLE := $(BUILD)/gen/nonos/BUNDLE.BIN
.PHONY: boot-bundle-check
boot-bundle-check:
$(BOOT_STAGED_BUNDLE): $(BUNDLE_FILE) boot-bundle-check
	@mkdir -p $(@D)
	@cmp -s $< $@ || cp $< $@

$(eval $(call boot_image,nonos,$(BOOT_KERNEL_ELF),$(BOOT_STAGED_BUNDLE),$(IMAGE)))
$(eval $(call boot_image,loader-test,$(BUILD)/test/fake-kernel.elf,$(BUILD)/bundle.bin,$(LOADER_IMAGE)))
$(eval $(call boot_image,bad-elf,tests/corpus/boot-elf/write-execute.elf,$(BUILD)/bundle.bin,$(BUILD)/test/bad-elf.img))

# The fake kernel of the loader test (tests/qemu/fake_kernel.c).
FAKE_KERNEL_SRCS := tests/qemu/fake_kernel.c lib/crypto/sha256.c lib/crypto/crypto.c \
	$(BASE_FREESTANDING_SRCS)
$(BUILD)/test/fake-kernel.elf: $(call objs,kernel,$(FAKE_KERNEL_SRCS)) tests/qemu/fake_kernel.ld
	@mkdir -p $(@D)
	$(LD) -T tests/qemu/fake_kernel.ld -nostdlib -static --no-pie -z max-page-size=4096 \
		-o $@ $(call objs,kernel,$(FAKE_KERNEL_SRCS))

all: $(IMAGE)

.PHONY: boot-loader-test-image
boot-loader-test-image: $(LOADER_IMAGE)
