/** Importing this module registers every processing kind with the job registry. */
export { upscaleKind } from './upscale';
export { denoiseAudioKind } from './denoiseAudio';
export { denoiseVideoKind } from './denoiseVideo';
export { enhanceKind } from './enhance';
export { transcodeKind } from './transcode';
export { metadataExtractKind, thumbnailKind } from './refresh';
