# The IOMMU (helper iommu): the DMAR table parser (portable, also built for
# Linux by tests/kernel_host.mk) and Intel VT-d (kernel/arch/x86_64/iommu/).
# Included after kernel/devices.mk and before kernel/kernel.mk.
KERNEL_DEVICE_SRCS += \
	kernel/acpi/acpi_dmar.c
KERNEL_DEVICE_SRCS += \
	kernel/arch/x86_64/iommu/vtd.c \
	kernel/arch/x86_64/iommu/vtd_domain.c \
	kernel/arch/x86_64/iommu/vtd_interrupt.c
