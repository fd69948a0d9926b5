/* TEMPORARY: weak stand-ins for the arch IOMMU interface
 * (kernel/arch/iommu.h) until the VT-d implementation (branch iommu) is
 * merged, so the device layer links: they say there is no IOMMU. The
 * strong definitions replace them; this file goes with that merge. */
#include <stddef.h>

#include "kernel/arch/iommu.h"

__attribute__((weak)) bool iommu_init(void)
{
    return false;
}

__attribute__((weak)) bool iommu_present(void)
{
    return false;
}

__attribute__((weak)) bool iommu_interrupt_remapping(void)
{
    return false;
}

__attribute__((weak)) struct iommu_domain *iommu_domain_create(uint16_t segment,
                                                               uint16_t requester,
                                                               enum iommu_result *error)
{
    (void)segment;
    (void)requester;
    *error = IOMMU_ERROR_ABSENT;
    return NULL;
}

__attribute__((weak)) void iommu_domain_destroy(struct iommu_domain *domain)
{
    (void)domain;
}

__attribute__((weak)) uint32_t iommu_domain_id(const struct iommu_domain *domain)
{
    (void)domain;
    return 0;
}

__attribute__((weak)) enum iommu_result iommu_map(struct iommu_domain *domain, uint64_t iova,
                                                  const uint64_t *phys, uint64_t pages,
                                                  bool device_write)
{
    (void)domain, (void)iova, (void)phys, (void)pages, (void)device_write;
    return IOMMU_ERROR_ABSENT;
}

__attribute__((weak)) void iommu_unmap(struct iommu_domain *domain, uint64_t iova,
                                       uint64_t pages)
{
    (void)domain, (void)iova, (void)pages;
}

__attribute__((weak)) uint64_t iommu_domain_limit(const struct iommu_domain *domain)
{
    (void)domain;
    return 0;
}

__attribute__((weak)) enum iommu_result iommu_interrupt_allocate(uint16_t segment,
                                                                 uint16_t requester,
                                                                 uint8_t vector,
                                                                 uint32_t *handle)
{
    (void)segment, (void)requester, (void)vector, (void)handle;
    return IOMMU_ERROR_ABSENT;
}

__attribute__((weak)) void iommu_interrupt_message(uint32_t handle, uint64_t *address,
                                                   uint32_t *data)
{
    (void)handle;
    *address = 0;
    *data = 0;
}

__attribute__((weak)) void iommu_interrupt_free(uint32_t handle)
{
    (void)handle;
}
