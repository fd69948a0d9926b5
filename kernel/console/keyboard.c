/* PS/2 set-1 scancodes to ASCII.
 *
 * The tables index by make code (0x00-0x58); 0 means "no character". A
 * release code is the make code with bit 7 set. Bytes from the auxiliary
 * device (mouse) are discarded so they are never taken as keys. */
#include "kernel/console/keyboard.h"

#include "kernel/arch/io.h"

#define PS2_DATA 0x60
#define PS2_STATUS 0x64
#define STATUS_OUTPUT_FULL 0x01
#define STATUS_AUX_DATA 0x20

#define SCAN_EXTENDED 0xe0
#define SCAN_RELEASE 0x80
#define SCAN_CTRL 0x1d
#define SCAN_SHIFT_LEFT 0x2a
#define SCAN_SHIFT_RIGHT 0x36
#define SCAN_CAPS_LOCK 0x3a
#define KEYMAP_SIZE 0x3a

static const char keymap_plain[KEYMAP_SIZE] = {
    0, 27, '1', '2', '3', '4', '5', '6', '7', '8', '9', '0', '-', '=', '\b', '\t',
    'q', 'w', 'e', 'r', 't', 'y', 'u', 'i', 'o', 'p', '[', ']', '\n', 0, 'a', 's',
    'd', 'f', 'g', 'h', 'j', 'k', 'l', ';', '\'', '`', 0, '\\', 'z', 'x', 'c', 'v',
    'b', 'n', 'm', ',', '.', '/', 0, '*', 0, ' ',
};

static const char keymap_shift[KEYMAP_SIZE] = {
    0, 27, '!', '@', '#', '$', '%', '^', '&', '*', '(', ')', '_', '+', '\b', '\t',
    'Q', 'W', 'E', 'R', 'T', 'Y', 'U', 'I', 'O', 'P', '{', '}', '\n', 0, 'A', 'S',
    'D', 'F', 'G', 'H', 'J', 'K', 'L', ':', '"', '~', 0, '|', 'Z', 'X', 'C', 'V',
    'B', 'N', 'M', '<', '>', '?', 0, '*', 0, ' ',
};

static struct keyboard_state keyboard;
static bool controller_present;

/* Updates modifier state; returns true if the scancode was a modifier. */
static bool keyboard_modifier(struct keyboard_state *state, uint8_t code, bool released)
{
    switch (code) {
    case SCAN_SHIFT_LEFT:
        state->shift_left = !released;
        return true;
    case SCAN_SHIFT_RIGHT:
        state->shift_right = !released;
        return true;
    case SCAN_CTRL: /* left ctrl, or right ctrl after 0xe0 */
        state->ctrl = !released;
        return true;
    case SCAN_CAPS_LOCK:
        if (!released)
            state->caps_lock = !state->caps_lock;
        return true;
    default:
        return false;
    }
}

int keyboard_decode(struct keyboard_state *state, uint8_t scancode)
{
    if (scancode == SCAN_EXTENDED) {
        state->extended = true;
        return -1;
    }
    bool extended = state->extended;
    state->extended = false;
    bool released = (scancode & SCAN_RELEASE) != 0;
    uint8_t code = scancode & (uint8_t)~SCAN_RELEASE;
    if (keyboard_modifier(state, code, released))
        return -1;
    /* Extended keys (arrows, keypad enter, ...) are not mapped yet, except
     * that their shift "fake" codes were handled as modifiers above. */
    if (released || extended || code >= KEYMAP_SIZE)
        return -1;
    bool shift = state->shift_left || state->shift_right;
    char c = shift ? keymap_shift[code] : keymap_plain[code];
    char lower = keymap_plain[code];
    if (state->caps_lock && lower >= 'a' && lower <= 'z')
        c = shift ? lower : (char)(lower - 'a' + 'A');
    if (state->ctrl && lower >= 'a' && lower <= 'z')
        c = (char)(lower - 'a' + 1);
    return c == 0 ? -1 : (unsigned char)c;
}

void keyboard_init(void)
{
    /* No controller: the port floats and reads 0xff. Drain what the
     * firmware left in the output buffer so stale bytes are not typed. */
    controller_present = port_read8(PS2_STATUS) != 0xff;
    for (int i = 0; controller_present && i < 32; i++) {
        if ((port_read8(PS2_STATUS) & STATUS_OUTPUT_FULL) == 0)
            break;
        (void)port_read8(PS2_DATA);
    }
}

bool keyboard_pending(void)
{
    return controller_present && (port_read8(PS2_STATUS) & STATUS_OUTPUT_FULL) != 0;
}

int keyboard_read(void)
{
    if (!controller_present)
        return -1;
    /* Bounded: each byte read empties the buffer, so at most a few rounds. */
    for (int i = 0; i < 16; i++) {
        uint8_t status = port_read8(PS2_STATUS);
        if ((status & STATUS_OUTPUT_FULL) == 0)
            return -1;
        uint8_t byte = port_read8(PS2_DATA);
        if (status & STATUS_AUX_DATA)
            continue;
        int c = keyboard_decode(&keyboard, byte);
        if (c >= 0)
            return c;
    }
    return -1;
}
