/* COM1 16550 UART driver, polled.
 *
 * Output waits for the transmit holding register to empty, but only for a
 * bounded number of polls: a UART that never drains (unplugged, broken
 * emulation) must not hang the kernel, it just loses output. */
#include "kernel/console/serial.h"

#include <stdint.h>

#include "kernel/arch/cpu.h"
#include "kernel/arch/io.h"

#define COM1 0x3f8
#define REG_DATA 0          /* receive buffer / transmit holding (DLAB = 0) */
#define REG_INTERRUPT 1     /* interrupt enable (DLAB = 0) / divisor high (DLAB = 1) */
#define REG_FIFO 2
#define REG_LINE_CONTROL 3
#define REG_MODEM_CONTROL 4
#define REG_LINE_STATUS 5
#define REG_SCRATCH 7

#define LINE_DLAB 0x80
#define LINE_8N1 0x03
#define STATUS_DATA_READY 0x01
#define STATUS_TRANSMIT_EMPTY 0x20
#define TRANSMIT_POLLS 100000

static bool uart_present;

/* A missing UART floats the bus: reads return 0xff whatever was written. */
static bool serial_probe(void)
{
    port_write8(COM1 + REG_SCRATCH, 0x5a);
    if (port_read8(COM1 + REG_SCRATCH) != 0x5a)
        return false;
    port_write8(COM1 + REG_SCRATCH, 0xa5);
    return port_read8(COM1 + REG_SCRATCH) == 0xa5;
}

void serial_init(void)
{
    uart_present = serial_probe();
    if (!uart_present)
        return;
    port_write8(COM1 + REG_INTERRUPT, 0x00);       /* polled: no UART interrupts */
    port_write8(COM1 + REG_LINE_CONTROL, LINE_DLAB);
    port_write8(COM1 + REG_DATA, 0x01);            /* divisor 1: 115200 baud */
    port_write8(COM1 + REG_INTERRUPT, 0x00);
    port_write8(COM1 + REG_LINE_CONTROL, LINE_8N1);
    port_write8(COM1 + REG_FIFO, 0xc7);            /* enable and clear FIFOs, 14-byte threshold */
    port_write8(COM1 + REG_MODEM_CONTROL, 0x03);   /* DTR + RTS, OUT2 off: no IRQ */
}

bool serial_present(void)
{
    return uart_present;
}

static void serial_put(uint8_t byte)
{
    for (int i = 0; i < TRANSMIT_POLLS; i++) {
        if (port_read8(COM1 + REG_LINE_STATUS) & STATUS_TRANSMIT_EMPTY)
            break;
        cpu_pause();
    }
    port_write8(COM1 + REG_DATA, byte);
}

void serial_write(const char *text, size_t len)
{
    if (!uart_present)
        return;
    for (size_t i = 0; i < len; i++) {
        if (text[i] == '\n')
            serial_put('\r');
        serial_put((uint8_t)text[i]);
    }
}

bool serial_pending(void)
{
    return uart_present && (port_read8(COM1 + REG_LINE_STATUS) & STATUS_DATA_READY) != 0;
}

int serial_read(void)
{
    if (!uart_present)
        return -1;
    if ((port_read8(COM1 + REG_LINE_STATUS) & STATUS_DATA_READY) == 0)
        return -1;
    return port_read8(COM1 + REG_DATA);
}
