# sdk/: what a capsule author compiles against (used by `nonos-capsule
# build`, not linked into anything here): crt0.c (the _start entry),
# capsule.ld (the payload layout) and include/nonos/*.h. sdk-check compiles
# crt0.c with the exact flags the tool uses, so a broken SDK fails the build.
SDK_FILES := sdk/crt0.c sdk/capsule.ld sdk/include/nonos/abi.h sdk/include/nonos/capsule.h \
             sdk/include/nonos/error.h sdk/include/nonos/names.h sdk/include/nonos/syscall.h \
             sdk/include/nonos/netif.h sdk/include/nonos/entropy.h

$(BUILD)/sdk/crt0.o: sdk/crt0.c sdk/include/nonos/capsule.h sdk/include/nonos/syscall.h
	@mkdir -p $(@D)
	$(CC) --target=x86_64-unknown-none-elf -std=c17 -O2 -ffreestanding -fno-builtin \
	    -fno-pic -fno-pie -mno-red-zone -mgeneral-regs-only -fno-stack-protector \
	    -ffunction-sections -fdata-sections \
	    $(WARNINGS) -Isdk/include -c $< -o $@

.PHONY: sdk-check
sdk-check: $(BUILD)/sdk/crt0.o
