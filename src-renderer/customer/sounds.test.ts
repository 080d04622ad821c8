import { afterEach, describe, expect, it } from 'vitest';
import { playItemSound } from './sounds';

/** A recording stand-in for WebAudio (jsdom has none): starts suspended, as after a crash reload. */
class RecordingAudioContext {
  static made: RecordingAudioContext[] = [];
  state: 'suspended' | 'running' = 'suspended';
  currentTime = 0;
  resumed = 0;
  oscillators = 0;
  readonly destination = {};
  constructor() {
    RecordingAudioContext.made.push(this);
  }
  resume() {
    this.resumed++;
    this.state = 'running';
    return Promise.resolve();
  }
  createOscillator() {
    this.oscillators++;
    const node = { type: '', frequency: { value: 0 }, connect: (n: unknown) => n, start() {}, stop() {} };
    return node;
  }
  createGain() {
    const ramp = () => undefined;
    return {
      gain: { setValueAtTime: ramp, exponentialRampToValueAtTime: ramp },
      connect: (n: unknown) => n,
    };
  }
}

const original = globalThis.AudioContext;
afterEach(() => {
  globalThis.AudioContext = original;
});

describe('feedback tones', () => {
  it('resume a context that starts suspended (no tap since a reload) and play two notes for an accepted item', () => {
    globalThis.AudioContext = RecordingAudioContext as unknown as typeof AudioContext;
    playItemSound(true);
    const [ctx] = RecordingAudioContext.made;
    expect(ctx!.resumed).toBe(1);
    expect(ctx!.oscillators).toBe(2);
    playItemSound(false);
    expect(ctx!.resumed).toBe(1); // running now: not resumed again
    expect(ctx!.oscillators).toBe(3);
  });
});
