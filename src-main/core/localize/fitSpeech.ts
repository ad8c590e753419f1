/**
 * Making a spoken line fit its slot, pure: how the dub decides, cue by cue. Speech is made at
 * natural speed and measured; if it is too long the engine speaks faster (its own speed control
 * sounds best, up to 1.3×), then time-stretching takes it up to 1.5× in all; then the silence
 * before the next cue is borrowed; a line that still does not fit is flagged "needs a shorter
 * line" (and kept, overlapping as little as it can). Speech is never slowed down: a short line
 * is padded with silence.
 */
export const FIT = {
  maxEngineRate: 1.3,
  maxTotalRate: 1.5,
  /** Gap kept before the next cue starts. */
  guardMs: 80,
} as const;

export interface FitDecision {
  /** Speak again with the engine at this rate (1: the natural take is used). */
  engineRate: number;
  /** Then stretch by this factor (atempo/rubberband; 1: none). */
  stretch: number;
  /** Where the clip may end: the cue's end, or later into the silence before the next cue. */
  endMs: number;
  /** The line is too long even so. */
  tooLong: boolean;
}

/**
 * @param naturalMs the natural take's length
 * @param slot the cue's start and end
 * @param nextStartMs where the next cue starts (null: the end of the video)
 */
export function fitSpeech(
  naturalMs: number,
  slot: { startMs: number; endMs: number },
  nextStartMs: number | null,
): FitDecision {
  const slotMs = Math.max(1, slot.endMs - slot.startMs);
  if (naturalMs <= slotMs) return { engineRate: 1, stretch: 1, endMs: slot.endMs, tooLong: false };
  const need = naturalMs / slotMs;
  if (need <= FIT.maxEngineRate)
    return { engineRate: round(need), stretch: 1, endMs: slot.endMs, tooLong: false };
  if (need <= FIT.maxTotalRate)
    return {
      engineRate: FIT.maxEngineRate,
      stretch: round(need / FIT.maxEngineRate),
      endMs: slot.endMs,
      tooLong: false,
    };
  // At the fastest, how long is it, and does the silence after the cue take it?
  const fastest = naturalMs / FIT.maxTotalRate;
  const room = nextStartMs === null ? Infinity : nextStartMs - FIT.guardMs;
  const end = slot.startMs + fastest;
  return {
    engineRate: FIT.maxEngineRate,
    stretch: round(FIT.maxTotalRate / FIT.maxEngineRate),
    endMs: Math.round(Math.min(end, Math.max(room, slot.endMs))),
    tooLong: end > room,
  };
}

function round(n: number): number {
  return Math.ceil(n * 1000) / 1000;
}
