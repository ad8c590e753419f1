/** Every processing kind; the composition root (core/api/jobKinds.ts) registers them. */
export { upscaleKind } from './upscale';
export { denoiseAudioKind } from './denoiseAudio';
export { denoiseVideoKind } from './denoiseVideo';
export { enhanceKind } from './enhance';
export { transcodeKind } from './transcode';
export { metadataExtractKind, thumbnailKind } from './refresh';
