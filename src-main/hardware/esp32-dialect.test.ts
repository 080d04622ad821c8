import { describe, expect, it } from 'vitest';
import { classifyEsp32Line, esp32CommandOf } from './esp32-dialect';

describe('the rvm_app_esp32 dialect', () => {
  it('an answer is the bare line; the same words inside a log line are a log line', () => {
    expect(classifyEsp32Line('ACK_SORTED')).toEqual({ kind: 'reply', text: 'ACK_SORTED' });
    expect(classifyEsp32Line('PONG_ESP32\r')).toEqual({ kind: 'reply', text: 'PONG_ESP32' });
    expect(classifyEsp32Line('I (5210) ESP32_RVM_ACTUATOR: TX to RPi: [ACK_SORTED]')).toMatchObject({
      kind: 'log',
      level: 'I',
    });
    expect(classifyEsp32Line('\x1b[0;31mE (12) ESP32_RVM_ACTUATOR: Gagal alokasi memori\x1b[0m')).toMatchObject({
      kind: 'log',
      level: 'E',
    });
    expect(classifyEsp32Line('ACK_SORTED_TWICE')).toMatchObject({ kind: 'noise' });
  });

  it('UNKNOWN_CMD_ESP (and the older builds’ words for it) means the command was not known', () => {
    for (const text of ['UNKNOWN_CMD_ESP', 'UNKNOWN_CMD', 'UNKNOWN_CMD_RPI'])
      expect(classifyEsp32Line(text)).toEqual({ kind: 'unknown-command', text });
  });

  it('the ROM’s reset line says the board restarted', () => {
    expect(classifyEsp32Line('rst:0x1 (POWERON_RESET),boot:0x13 (SPI_FAST_FLASH_BOOT)')).toMatchObject({
      kind: 'reset',
    });
  });

  it('the firmware matches the part before ":" (31 characters at most); two lines in one read are one command', () => {
    expect(esp32CommandOf('SLOT_OPEN\r\n')).toBe('SLOT_OPEN');
    expect(esp32CommandOf('SLOT_OPEN:guest\n')).toBe('SLOT_OPEN');
    expect(esp32CommandOf('PING_RPI\nSORT_VALID_ITEM\n')).toBe('PING_RPI\nSORT_VALID_ITEM');
    expect(esp32CommandOf('X'.repeat(40))).toHaveLength(31);
  });
});
