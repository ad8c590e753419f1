import { comfyAdapter } from './engines/comfyui';
import { sdCliAdapter } from './engines/sdCli';
import { sdServerAdapter } from './engines/sdServer';
import { generateKind } from './runItem';

/** sd-cli runs on this computer's GPU slot; servers are pools of their own kind. */
export const generateSdCppKind = generateKind('generate_sdcpp', ['gpu'], sdCliAdapter);
export const generateSdServerKind = generateKind(
  'generate_sdserver',
  ['sdserver'],
  sdServerAdapter,
);
export const generateComfyKind = generateKind('generate_comfyui', ['comfyui'], comfyAdapter);
