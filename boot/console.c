/* Loader output to the firmware console and COM1 (see console.h).
 *
 * Firmware such as OVMF mirrors its console (ConOut) to COM1 with terminal
 * escapes; writing to ConOut and COM1 both would print every line twice on
 * serial. So the screen half prefers the text output of the graphics console
 * alone (the text-output handle that also carries GOP) and falls back to
 * ConOut only when there is none.
 *
 * The serial writer programs COM1 (I/O port 0x3f8) as 115200 8N1 without
 * interrupts, like firmware does, after checking through the scratch register
 * that a UART is there at all; every wait for the transmitter is bounded, so a
 * missing or stuck port can only lose output, never hang the boot. */
#include "boot/console.h"

#include <stdbool.h>
#include <stddef.h>

#include "base/hex.h"
#include "kernel/arch/x86_64/cpu.h"
#include "kernel/arch/x86_64/io.h"

#define COM1 0x3f8
#define UART_DATA 0
#define UART_INTERRUPT_ENABLE 1
#define UART_FIFO_CONTROL 2
#define UART_LINE_CONTROL 3
#define UART_MODEM_CONTROL 4
#define UART_LINE_STATUS 5
#define UART_SCRATCH 7
#define UART_TRANSMIT_EMPTY 0x20
#define UART_SPIN_LIMIT 100000
#define CONSOLE_CHUNK 128

static struct efi_simple_text_output *firmware_console;
static bool serial_present;

static void serial_init(void)
{
    port_write8(COM1 + UART_SCRATCH, 0x5a);
    if (port_read8(COM1 + UART_SCRATCH) != 0x5a)
        return;
    port_write8(COM1 + UART_INTERRUPT_ENABLE, 0x00);
    port_write8(COM1 + UART_LINE_CONTROL, 0x80); /* divisor latch */
    port_write8(COM1 + UART_DATA, 0x01);         /* 115200 baud */
    port_write8(COM1 + UART_INTERRUPT_ENABLE, 0x00);
    port_write8(COM1 + UART_LINE_CONTROL, 0x03); /* 8 bits, no parity, 1 stop */
    port_write8(COM1 + UART_FIFO_CONTROL, 0xc7); /* FIFOs on and cleared */
    port_write8(COM1 + UART_MODEM_CONTROL, 0x03); /* DTR, RTS; no IRQ line */
    serial_present = true;
}

static void serial_put(char c)
{
    if (!serial_present)
        return;
    for (int spin = 0; spin < UART_SPIN_LIMIT; spin++) {
        if (port_read8(COM1 + UART_LINE_STATUS) & UART_TRANSMIT_EMPTY)
            break;
    }
    port_write8(COM1 + UART_DATA, (uint8_t)c);
}

static const struct efi_guid text_output_guid = EFI_SIMPLE_TEXT_OUTPUT_PROTOCOL_GUID;
static const struct efi_guid graphics_guid = EFI_GRAPHICS_OUTPUT_PROTOCOL_GUID;

/* The text output that draws on the screen and nowhere else, or NULL. The
 * console splitter's virtual handles (ConOut, StdErr) carry GOP as well and
 * are skipped. */
static struct efi_simple_text_output *find_screen_console(struct efi_system_table *system)
{
    struct efi_boot_services *services = system->boot_services;
    efi_handle *handles;
    uint64_t count;
    struct efi_simple_text_output *screen = NULL;
    if (services->locate_handle_buffer(EFI_LOCATE_BY_PROTOCOL, &text_output_guid, NULL, &count,
                                       &handles) != EFI_SUCCESS)
        return NULL;
    for (uint64_t i = 0; i < count && !screen; i++) {
        void *graphics, *text;
        if (handles[i] == system->console_out_handle ||
            handles[i] == system->standard_error_handle)
            continue;
        if (services->handle_protocol(handles[i], &graphics_guid, &graphics) == EFI_SUCCESS &&
            services->handle_protocol(handles[i], &text_output_guid, &text) == EFI_SUCCESS)
            screen = text;
    }
    services->free_pool(handles);
    return screen;
}

void console_init(struct efi_system_table *system)
{
    serial_init();
    firmware_console = find_screen_console(system);
    if (!firmware_console || !serial_present)
        firmware_console = system->con_out;
}

void console_detach(void)
{
    firmware_console = NULL;
}

static void firmware_flush(efi_char16 *buffer, size_t *fill)
{
    buffer[*fill] = 0;
    if (firmware_console && *fill > 0)
        firmware_console->output_string(firmware_console, buffer);
    *fill = 0;
}

void console_write(const char *text)
{
    efi_char16 buffer[CONSOLE_CHUNK + 1];
    size_t fill = 0;
    for (; *text; text++) {
        if (fill + 2 > CONSOLE_CHUNK)
            firmware_flush(buffer, &fill);
        if (*text == '\n') {
            serial_put('\r');
            buffer[fill++] = '\r';
        }
        serial_put(*text);
        buffer[fill++] = (efi_char16)(uint8_t)*text;
    }
    firmware_flush(buffer, &fill);
}

void console_write_hex(uint64_t value)
{
    static const char digits[] = "0123456789abcdef";
    char text[19] = "0x";
    for (int i = 0; i < 16; i++)
        text[2 + i] = digits[(value >> (60 - 4 * i)) & 0xf];
    text[18] = 0;
    console_write(text);
}

void console_write_decimal(uint64_t value)
{
    char text[21];
    size_t at = sizeof text - 1;
    text[at] = 0;
    do {
        text[--at] = (char)('0' + value % 10);
        value /= 10;
    } while (value != 0);
    console_write(text + at);
}

void console_write_digest(const uint8_t digest[32])
{
    char text[65];
    hex_encode(digest, 32, text, sizeof text);
    console_write(text);
}
