// Types for sdcppMeta.mjs (JavaScript so the sd-cli.mjs script can use it without a build).
export const SAMPLERS: Record<string, string>;
export const SCHEDULERS: Record<string, [number, string]>;
export function schedulerName(name: string): string;
export function defaultScheduler(sampler: string): string;
export class JFloat {
  constructor(value: number);
  value: number;
}
export function nlohmannDump(v: unknown): string;
export interface ImageParameters {
  prompt: string;
  promptWithLora?: string;
  negative?: string;
  steps: number;
  cfg?: number;
  guidance?: number;
  eta?: number;
  imgCfg?: number;
  seed: number;
  width: number;
  height: number;
  model: string;
  sampler: string | null;
  scheduler: string | null;
  loras?: Array<{ name: string; multiplier: number }>;
  clipSkip?: number;
  strength?: number;
  mode?: 'img_gen' | 'vid_gen';
  videoFrames?: number;
  fps?: number;
}
export function imageParameters(p: ImageParameters): string;
