# The test image's boot bundle (kernel/kernel.mk, KERNEL_TEST_IMAGE): the
# system capsules (init, names, shell), the name-service test pair of
# tests/capsules/names-echo-* (init starts them at boot; suite 50 reads their
# lines) and hello, built and signed by tools/capsule/system-bundle.sh as the
# product's bundle is, from copies of the staged projects. The product
# bundle never holds the pair (suite 50 checks it).
KERNEL_TEST_CAPSULES := names-echo-server names-echo-client

$(KERNEL_TEST_BUNDLE_DIR)/bundle.bin: $(USER_STAGED) $(CAPSULE_TOOL) $(SDK_FILES) \
		tools/capsule/system-bundle.sh $(wildcard tests/capsules/names-echo-*/*) tests/capsules/lib/names_echo.h
	rm -rf $(@D)/projects && mkdir -p $(@D)/projects
	cp -r $(dir $(USER_STAGED)) $(@D)/projects/
	rm -f $(@D)/projects/*/*.mod
	for name in $(KERNEL_TEST_CAPSULES); do mkdir -p $(@D)/projects/$$name/src && \
	    cp tests/capsules/$$name/capsule.toml $(@D)/projects/$$name/ && \
	    cp tests/capsules/$$name/*.c tests/capsules/lib/names_echo.h $(@D)/projects/$$name/src/ || exit 1; done
	sh tools/capsule/system-bundle.sh $(CAPSULE_TOOL) $(@D) \
	    $(addprefix $(@D)/projects/,$(USER_CAPSULES) $(KERNEL_TEST_CAPSULES)) >$(@D)/bundle.txt
