/* Reading the kernel and the bundle from the EFI System Partition the loader
 * itself was loaded from (its loaded-image device handle), so a second disk
 * with other files can never be picked up by mistake. */
#include "boot/loader.h"

#include "boot/console.h"

static const struct efi_guid loaded_image_guid = EFI_LOADED_IMAGE_PROTOCOL_GUID;
static const struct efi_guid file_system_guid = EFI_SIMPLE_FILE_SYSTEM_PROTOCOL_GUID;
static const struct efi_guid file_info_guid = EFI_FILE_INFO_GUID;

static efi_status open_root(struct loader *loader, struct efi_file **root)
{
    struct efi_loaded_image *image;
    struct efi_simple_file_system *file_system;
    efi_status status = loader->services->handle_protocol(loader->image, &loaded_image_guid,
                                                          (void **)&image);
    if (status != EFI_SUCCESS)
        return loader_error("no loaded-image protocol", status);
    status = loader->services->handle_protocol(image->device_handle, &file_system_guid,
                                               (void **)&file_system);
    if (status != EFI_SUCCESS)
        return loader_error("the boot device has no file system", status);
    status = file_system->open_volume(file_system, root);
    if (status != EFI_SUCCESS)
        return loader_error("cannot open the boot file system", status);
    return EFI_SUCCESS;
}

static efi_status file_size(struct efi_file *file, uint64_t *size)
{
    /* Room for the fixed part and a short name; ours are short. */
    uint64_t storage[64];
    uint64_t length = sizeof storage;
    efi_status status = file->get_info(file, &file_info_guid, &length, storage);
    if (status != EFI_SUCCESS)
        return status;
    *size = ((const struct efi_file_info *)(const void *)storage)->file_size;
    return EFI_SUCCESS;
}

static efi_status read_all(struct efi_file *file, uint8_t *data, uint64_t size)
{
    uint64_t done = 0;
    while (done < size) {
        uint64_t chunk = size - done;
        efi_status status = file->read(file, &chunk, data + done);
        if (status != EFI_SUCCESS)
            return status;
        if (chunk == 0 || chunk > size - done)
            return EFI_DEVICE_ERROR; /* file shorter than its size said */
        done += chunk;
    }
    return EFI_SUCCESS;
}

static efi_status read_open_file(struct loader *loader, struct efi_file *file, uint64_t max_size,
                                 struct loaded_file *out)
{
    uint64_t size;
    efi_status status = file_size(file, &size);
    if (status != EFI_SUCCESS)
        return loader_error("cannot get the file size", status);
    if (size > max_size)
        return loader_error("file too large", EFI_UNSUPPORTED);
    status = loader_allocate(loader, size, BOOT_MEMORY_BOOT_DATA, &out->data);
    if (status != EFI_SUCCESS)
        return loader_error("out of memory for the file", status);
    status = read_all(file, out->data, size);
    if (status != EFI_SUCCESS)
        return loader_error("cannot read the file", status);
    out->size = size;
    return EFI_SUCCESS;
}

efi_status files_read_optional(struct loader *loader, const efi_char16 *path,
                               uint64_t max_size, struct loaded_file *out)
{
    struct efi_file *root, *file;
    efi_status status = open_root(loader, &root);
    if (status != EFI_SUCCESS)
        return status;
    status = root->open(root, &file, path, EFI_FILE_MODE_READ, 0);
    if (status != EFI_SUCCESS) {
        root->close(root);
        return EFI_NOT_FOUND; /* absent: not an error */
    }
    status = read_open_file(loader, file, max_size, out);
    file->close(file);
    root->close(root);
    return status;
}

efi_status files_read(struct loader *loader, const efi_char16 *path, uint64_t max_size,
                      struct loaded_file *out)
{
    struct efi_file *root, *file;
    efi_status status = open_root(loader, &root);
    if (status != EFI_SUCCESS)
        return status;
    status = root->open(root, &file, path, EFI_FILE_MODE_READ, 0);
    if (status != EFI_SUCCESS) {
        root->close(root);
        return loader_error("file not found on the boot partition", status);
    }
    status = read_open_file(loader, file, max_size, out);
    file->close(file);
    root->close(root);
    return status;
}
