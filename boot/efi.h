/* The subset of UEFI (specification 2.10) the loader uses, written from the
 * specification: the system table, boot and runtime services, and the
 * protocols for text output/input, loaded image, simple file system, files,
 * graphics output and random numbers, plus the configuration-table GUIDs of
 * the ACPI RSDP.
 *
 * Invariants: every structure lists its members in the specification's order
 * with the specification's sizes (UINTN = 64 bits, CHAR16 = 16 bits); members
 * the loader never calls are kept as opaque pointers so the offsets of the
 * ones it does call stay right. All services use the Microsoft x64 calling
 * convention, which is the default of the x86_64-unknown-windows target the
 * loader is compiled for (EFIAPI makes that explicit). */
#ifndef NONOS_BOOT_EFI_H
#define NONOS_BOOT_EFI_H

#include <stdint.h>

#define EFIAPI __attribute__((ms_abi))

typedef uint64_t efi_status;
typedef void *efi_handle;
typedef void *efi_event;
typedef uint16_t efi_char16;
typedef uint64_t efi_physical_address;

#define EFI_ERROR_BIT (1ULL << 63)
#define EFI_SUCCESS 0ULL
#define EFI_LOAD_ERROR (EFI_ERROR_BIT | 1)
#define EFI_INVALID_PARAMETER (EFI_ERROR_BIT | 2)
#define EFI_UNSUPPORTED (EFI_ERROR_BIT | 3)
#define EFI_BUFFER_TOO_SMALL (EFI_ERROR_BIT | 5)
#define EFI_NOT_READY (EFI_ERROR_BIT | 6)
#define EFI_DEVICE_ERROR (EFI_ERROR_BIT | 7)
#define EFI_OUT_OF_RESOURCES (EFI_ERROR_BIT | 9)
#define EFI_NOT_FOUND (EFI_ERROR_BIT | 14)

struct efi_guid {
    uint32_t data1;
    uint16_t data2;
    uint16_t data3;
    uint8_t data4[8];
};

struct efi_table_header {
    uint64_t signature;
    uint32_t revision;
    uint32_t header_size;
    uint32_t crc32;
    uint32_t reserved;
};

#define EFI_LOCATE_BY_PROTOCOL 2

/* Simple text output (spec 12.4). */
#define EFI_SIMPLE_TEXT_OUTPUT_PROTOCOL_GUID \
    { 0x387477c2, 0x69c7, 0x11d2, { 0x8e, 0x39, 0x00, 0xa0, 0xc9, 0x69, 0x72, 0x3b } }
struct efi_simple_text_output;
typedef efi_status(EFIAPI *efi_text_string)(struct efi_simple_text_output *self,
                                            const efi_char16 *string);
struct efi_simple_text_output {
    void *reset;
    efi_text_string output_string;
    void *test_string;
    void *query_mode;
    void *set_mode;
    void *set_attribute;
    void *clear_screen;
    void *set_cursor_position;
    void *enable_cursor;
    void *mode;
};

/* Simple text input (spec 12.3). */
struct efi_input_key {
    uint16_t scan_code;
    efi_char16 unicode_char;
};
struct efi_simple_text_input;
typedef efi_status(EFIAPI *efi_input_read_key)(struct efi_simple_text_input *self,
                                               struct efi_input_key *key);
struct efi_simple_text_input {
    void *reset;
    efi_input_read_key read_key_stroke;
    efi_event wait_for_key;
};

/* Memory (spec 7.2). */
enum efi_memory_type {
    EFI_RESERVED_MEMORY = 0,
    EFI_LOADER_CODE = 1,
    EFI_LOADER_DATA = 2,
    EFI_BOOT_SERVICES_CODE = 3,
    EFI_BOOT_SERVICES_DATA = 4,
    EFI_RUNTIME_SERVICES_CODE = 5,
    EFI_RUNTIME_SERVICES_DATA = 6,
    EFI_CONVENTIONAL_MEMORY = 7,
    EFI_UNUSABLE_MEMORY = 8,
    EFI_ACPI_RECLAIM_MEMORY = 9,
    EFI_ACPI_MEMORY_NVS = 10,
    EFI_MEMORY_MAPPED_IO = 11,
    EFI_MEMORY_MAPPED_IO_PORT_SPACE = 12,
    EFI_PAL_CODE = 13,
    EFI_PERSISTENT_MEMORY = 14,
    EFI_UNACCEPTED_MEMORY = 15,
};

enum efi_allocate_type {
    EFI_ALLOCATE_ANY_PAGES = 0,
    EFI_ALLOCATE_MAX_ADDRESS = 1,
    EFI_ALLOCATE_ADDRESS = 2,
};

/* One descriptor of GetMemoryMap. Firmware may return descriptors larger
 * than this (descriptor_size), so arrays are walked with that stride. */
struct efi_memory_descriptor {
    uint32_t type;
    uint32_t pad;
    efi_physical_address physical_start;
    uint64_t virtual_start;
    uint64_t number_of_pages;
    uint64_t attribute;
};

enum efi_timer_delay { EFI_TIMER_CANCEL = 0, EFI_TIMER_PERIODIC = 1, EFI_TIMER_RELATIVE = 2 };
#define EFI_EVT_TIMER 0x80000000U

/* Boot services (spec 4.4 and 7). */
struct efi_boot_services {
    struct efi_table_header header;
    void *raise_tpl;
    void *restore_tpl;
    efi_status(EFIAPI *allocate_pages)(uint32_t type, uint32_t memory_type, uint64_t pages,
                                       efi_physical_address *memory);
    efi_status(EFIAPI *free_pages)(efi_physical_address memory, uint64_t pages);
    efi_status(EFIAPI *get_memory_map)(uint64_t *map_size, struct efi_memory_descriptor *map,
                                       uint64_t *map_key, uint64_t *descriptor_size,
                                       uint32_t *descriptor_version);
    efi_status(EFIAPI *allocate_pool)(uint32_t pool_type, uint64_t size, void **buffer);
    efi_status(EFIAPI *free_pool)(void *buffer);
    efi_status(EFIAPI *create_event)(uint32_t type, uint64_t notify_tpl, void *notify_function,
                                     void *notify_context, efi_event *event);
    efi_status(EFIAPI *set_timer)(efi_event event, uint32_t type, uint64_t trigger_time);
    efi_status(EFIAPI *wait_for_event)(uint64_t number_of_events, efi_event *events,
                                       uint64_t *index);
    void *signal_event;
    efi_status(EFIAPI *close_event)(efi_event event);
    void *check_event;
    void *install_protocol_interface;
    void *reinstall_protocol_interface;
    void *uninstall_protocol_interface;
    efi_status(EFIAPI *handle_protocol)(efi_handle handle, const struct efi_guid *protocol,
                                        void **interface);
    void *reserved;
    void *register_protocol_notify;
    void *locate_handle;
    void *locate_device_path;
    void *install_configuration_table;
    void *load_image;
    void *start_image;
    void *exit;
    void *unload_image;
    efi_status(EFIAPI *exit_boot_services)(efi_handle image, uint64_t map_key);
    void *get_next_monotonic_count;
    efi_status(EFIAPI *stall)(uint64_t microseconds);
    efi_status(EFIAPI *set_watchdog_timer)(uint64_t timeout, uint64_t code, uint64_t data_size,
                                           efi_char16 *data);
    void *connect_controller;
    void *disconnect_controller;
    void *open_protocol;
    void *close_protocol;
    void *open_protocol_information;
    void *protocols_per_handle;
    efi_status(EFIAPI *locate_handle_buffer)(uint32_t search_type, const struct efi_guid *protocol,
                                             void *search_key, uint64_t *count,
                                             efi_handle **buffer);
    efi_status(EFIAPI *locate_protocol)(const struct efi_guid *protocol, void *registration,
                                        void **interface);
    void *install_multiple_protocol_interfaces;
    void *uninstall_multiple_protocol_interfaces;
    void *calculate_crc32;
    void *copy_mem;
    void *set_mem;
    void *create_event_ex;
};

/* Runtime services (spec 8). Only ResetSystem is called. */
enum efi_reset_type {
    EFI_RESET_COLD = 0,
    EFI_RESET_WARM = 1,
    EFI_RESET_SHUTDOWN = 2,
};
struct efi_runtime_services {
    struct efi_table_header header;
    void *get_time;
    void *set_time;
    void *get_wakeup_time;
    void *set_wakeup_time;
    void *set_virtual_address_map;
    void *convert_pointer;
    void *get_variable;
    void *get_next_variable_name;
    void *set_variable;
    void *get_next_high_monotonic_count;
    void(EFIAPI *reset_system)(uint32_t reset_type, efi_status status, uint64_t data_size,
                               void *data);
    void *update_capsule;
    void *query_capsule_capabilities;
    void *query_variable_info;
};

struct efi_configuration_table {
    struct efi_guid vendor_guid;
    void *vendor_table;
};

struct efi_system_table {
    struct efi_table_header header;
    efi_char16 *firmware_vendor;
    uint32_t firmware_revision;
    efi_handle console_in_handle;
    struct efi_simple_text_input *con_in;
    efi_handle console_out_handle;
    struct efi_simple_text_output *con_out;
    efi_handle standard_error_handle;
    struct efi_simple_text_output *std_err;
    struct efi_runtime_services *runtime_services;
    struct efi_boot_services *boot_services;
    uint64_t number_of_table_entries;
    struct efi_configuration_table *configuration_table;
};

/* Loaded image (spec 9.1). */
#define EFI_LOADED_IMAGE_PROTOCOL_GUID \
    { 0x5b1b31a1, 0x9562, 0x11d2, { 0x8e, 0x3f, 0x00, 0xa0, 0xc9, 0x69, 0x72, 0x3b } }
struct efi_loaded_image {
    uint32_t revision;
    efi_handle parent_handle;
    struct efi_system_table *system_table;
    efi_handle device_handle;
    void *file_path;
    void *reserved;
    uint32_t load_options_size;
    void *load_options;
    void *image_base;
    uint64_t image_size;
    uint32_t image_code_type;
    uint32_t image_data_type;
    void *unload;
};

/* Simple file system and file protocol (spec 13.4, 13.5). */
#define EFI_SIMPLE_FILE_SYSTEM_PROTOCOL_GUID \
    { 0x964e5b22, 0x6459, 0x11d2, { 0x8e, 0x39, 0x00, 0xa0, 0xc9, 0x69, 0x72, 0x3b } }
#define EFI_FILE_INFO_GUID \
    { 0x09576e92, 0x6d3f, 0x11d2, { 0x8e, 0x39, 0x00, 0xa0, 0xc9, 0x69, 0x72, 0x3b } }
#define EFI_FILE_MODE_READ 0x0000000000000001ULL

struct efi_file;
struct efi_file {
    uint64_t revision;
    efi_status(EFIAPI *open)(struct efi_file *self, struct efi_file **new_handle,
                             const efi_char16 *file_name, uint64_t open_mode, uint64_t attributes);
    efi_status(EFIAPI *close)(struct efi_file *self);
    void *delete_file;
    efi_status(EFIAPI *read)(struct efi_file *self, uint64_t *buffer_size, void *buffer);
    void *write;
    void *get_position;
    void *set_position;
    efi_status(EFIAPI *get_info)(struct efi_file *self, const struct efi_guid *information_type,
                                 uint64_t *buffer_size, void *buffer);
    void *set_info;
    void *flush;
};

struct efi_simple_file_system {
    uint64_t revision;
    efi_status(EFIAPI *open_volume)(struct efi_simple_file_system *self, struct efi_file **root);
};

struct efi_time {
    uint16_t year;
    uint8_t month, day, hour, minute, second, pad1;
    uint32_t nanosecond;
    int16_t time_zone;
    uint8_t daylight, pad2;
};

struct efi_file_info {
    uint64_t size; /* of this structure including the file name */
    uint64_t file_size;
    uint64_t physical_size;
    struct efi_time create_time;
    struct efi_time last_access_time;
    struct efi_time modification_time;
    uint64_t attribute;
    efi_char16 file_name[]; /* NUL-terminated */
};

/* Graphics output (spec 12.9). */
#define EFI_GRAPHICS_OUTPUT_PROTOCOL_GUID \
    { 0x9042a9de, 0x23dc, 0x4a38, { 0x96, 0xfb, 0x7a, 0xde, 0xd0, 0x80, 0x51, 0x6a } }
enum efi_graphics_pixel_format {
    EFI_PIXEL_RED_GREEN_BLUE_RESERVED_8BIT = 0,
    EFI_PIXEL_BLUE_GREEN_RED_RESERVED_8BIT = 1,
    EFI_PIXEL_BIT_MASK = 2,
    EFI_PIXEL_BLT_ONLY = 3,
};
struct efi_graphics_output_mode_information {
    uint32_t version;
    uint32_t horizontal_resolution;
    uint32_t vertical_resolution;
    uint32_t pixel_format;
    uint32_t red_mask, green_mask, blue_mask, reserved_mask;
    uint32_t pixels_per_scan_line;
};
struct efi_graphics_output_mode {
    uint32_t max_mode;
    uint32_t mode;
    struct efi_graphics_output_mode_information *info;
    uint64_t size_of_info;
    efi_physical_address frame_buffer_base;
    uint64_t frame_buffer_size;
};
struct efi_graphics_output {
    void *query_mode;
    void *set_mode;
    void *blt;
    struct efi_graphics_output_mode *mode;
};

/* Random number generator (spec 37.5). A NULL algorithm asks for the
 * firmware's default. */
#define EFI_RNG_PROTOCOL_GUID \
    { 0x3152bca5, 0xeade, 0x433d, { 0x86, 0x2e, 0xc0, 0x1c, 0xdc, 0x29, 0x1f, 0x44 } }
struct efi_rng;
struct efi_rng {
    void *get_info;
    efi_status(EFIAPI *get_rng)(struct efi_rng *self, const struct efi_guid *algorithm,
                                uint64_t value_length, uint8_t *value);
};

/* Configuration tables (spec 4.6). */
#define EFI_ACPI_20_TABLE_GUID \
    { 0x8868e871, 0xe4f1, 0x11d3, { 0xbc, 0x22, 0x00, 0x80, 0xc7, 0x3c, 0x88, 0x81 } }

#endif
