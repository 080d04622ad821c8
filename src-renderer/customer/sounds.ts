/**
 * Short feedback tones, synthesised (nothing to download, works offline): a rising pair for an
 * accepted item, one low tone for a rejected one. Silent where audio is unavailable.
 */
let context: AudioContext | undefined;

export function playItemSound(accepted: boolean): void {
  const Ctx = globalThis.AudioContext;
  if (!Ctx) return;
  try {
    context ??= new Ctx();
    const ctx = context;
    // A context made before any tap (after a crash reload, say) starts suspended; the kiosk's
    // autoplay policy lets resume() start it without one.
    if (ctx.state === 'suspended') void ctx.resume().catch(() => undefined);
    const notes = accepted ? [660, 990] : [220];
    notes.forEach((frequency, i) => {
      const start = ctx.currentTime + i * 0.12;
      const osc = ctx.createOscillator();
      const gain = ctx.createGain();
      osc.type = accepted ? 'sine' : 'square';
      osc.frequency.value = frequency;
      gain.gain.setValueAtTime(0.0001, start);
      gain.gain.exponentialRampToValueAtTime(0.3, start + 0.02);
      gain.gain.exponentialRampToValueAtTime(0.0001, start + (accepted ? 0.15 : 0.35));
      osc.connect(gain).connect(ctx.destination);
      osc.start(start);
      osc.stop(start + 0.4);
    });
  } catch {
    // No audio device: the card on screen says the same.
  }
}
