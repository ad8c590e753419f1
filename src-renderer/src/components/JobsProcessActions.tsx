import { useEffect, useState } from 'react';
import type { AssetTypeName, ProcessRunInput, VulkanInfo } from '@contract/index';
import { api } from '../api/client';
import { toastError, useToasts } from '../stores/toasts';
import { JobsStyles } from './JobsStyles';
import './upscale.css';

type MediaType = AssetTypeName;

const convertTo: Record<MediaType, string[]> = {
  image: ['png', 'jpg', 'webp'],
  audio: ['wav', 'mp3', 'flac'],
  video: ['mp4', 'webm'],
  subtitles: ['srt', 'vtt'],
};

/** How an upscale is done: the creator's choice per job, remembered for the next one. */
type UpscaleEngine = 'quality' | 'fast' | 'lanczos';
const upscaleEngines: Record<UpscaleEngine, { label: string; params: object }> = {
  quality: {
    label: 'AI, best quality (x4plus)',
    params: { engine: 'auto', model: 'realesrgan-x4plus' },
  },
  fast: {
    label: 'AI, fast model (x4fast)',
    params: { engine: 'auto', model: 'realesrgan-x4fast' },
  },
  lanczos: { label: 'Lanczos resize (instant, no AI)', params: { engine: 'lanczos' } },
};
const upscalePrefsKey = 'atelier.upscale';

function loadUpscalePrefs(): { engine: UpscaleEngine | null; scale: 2 | 3 | 4 } {
  try {
    const p = JSON.parse(localStorage.getItem(upscalePrefsKey) ?? '{}') as {
      engine?: string;
      scale?: number;
    };
    return {
      engine: p.engine && p.engine in upscaleEngines ? (p.engine as UpscaleEngine) : null,
      scale: p.scale === 2 || p.scale === 3 ? p.scale : 4,
    };
  } catch {
    return { engine: null, scale: 4 };
  }
}

function saveUpscalePrefs(p: { engine: UpscaleEngine; scale: number }): void {
  try {
    localStorage.setItem(upscalePrefsKey, JSON.stringify(p));
  } catch {
    // Private mode or a full store: the choice lasts this session only.
  }
}

/** What Real-ESRGAN runs on, asked once per page load (the core caches its probe too). */
let vulkanOnce: Promise<VulkanInfo | null> | null = null;
function useVulkan(enabled: boolean): VulkanInfo | null {
  const [vulkan, setVulkan] = useState<VulkanInfo | null>(null);
  useEffect(() => {
    if (!enabled) return;
    vulkanOnce ??= api
      .call('engines.status', {})
      .then((s) => s.vulkan)
      .catch(() => null);
    let live = true;
    void vulkanOnce.then((v) => live && setVulkan(v));
    return () => {
      live = false;
    };
  }, [enabled]);
  return vulkan;
}

/**
 * Processing actions for a selection of assets (for the Library's context menu and detail
 * panel): each queues jobs and returns at once; progress shows on the Jobs page and in the frame.
 * Only actions that apply to every selected type are offered.
 */
export function JobsProcessActions({
  assetIds,
  types,
  onQueued,
}: {
  assetIds: string[];
  types: MediaType[];
  onQueued?(jobId: string): void;
}) {
  const push = useToasts((s) => s.push);
  const [prefs] = useState(loadUpscalePrefs);
  const [scale, setScale] = useState<2 | 3 | 4>(prefs.scale);
  const [chosen, setChosen] = useState<UpscaleEngine | null>(prefs.engine);
  const [format, setFormat] = useState('');
  const kinds = new Set(types);
  const only = (t: MediaType) => kinds.size === 1 && kinds.has(t);
  const vulkan = useVulkan(only('image'));
  // Not chosen yet: the fast model where Vulkan runs on the CPU, else the best quality.
  const upscaleEngine: UpscaleEngine = chosen ?? (vulkan?.software ? 'fast' : 'quality');
  const chooseEngine = (e: UpscaleEngine) => {
    setChosen(e);
    saveUpscalePrefs({ engine: e, scale });
  };
  const chooseScale = (n: 2 | 3 | 4) => {
    setScale(n);
    saveUpscalePrefs({ engine: upscaleEngine, scale: n });
  };
  const run = async (input: ProcessRunInput, label: string) => {
    try {
      const r = await api.call('process.run', input);
      push({
        kind: 'success',
        title: `${label} queued`,
        detail: assetIds.length > 1 ? `${assetIds.length} files` : undefined,
      });
      onQueued?.(r.jobId);
    } catch (err) {
      toastError(`Could not queue ${label.toLowerCase()}`, err);
    }
  };
  if (assetIds.length === 0) return null;
  const formats = kinds.size === 1 ? convertTo[types[0]!] : [];
  return (
    <div className="jobs-menu" data-testid="process-actions">
      <JobsStyles />
      {only('image') && (
        <>
          <div className="row">
            <button
              className="button"
              data-testid="upscale-run"
              onClick={() =>
                void run(
                  {
                    kind: 'upscale',
                    assetIds,
                    params: { scale, ...upscaleEngines[upscaleEngine].params },
                  } as ProcessRunInput,
                  upscaleEngine === 'lanczos' ? `Resize ×${scale}` : `Upscale ×${scale}`,
                )
              }
            >
              Upscale
            </button>
            <select
              aria-label="Upscale factor"
              value={scale}
              onChange={(e) => chooseScale(Number(e.target.value) as 2 | 3 | 4)}
            >
              <option value={2}>×2</option>
              <option value={3}>×3</option>
              <option value={4}>×4</option>
            </select>
          </div>
          <div className="row">
            <select
              aria-label="Upscale with"
              data-testid="upscale-engine"
              value={upscaleEngine}
              onChange={(e) => chooseEngine(e.target.value as UpscaleEngine)}
            >
              {(Object.keys(upscaleEngines) as UpscaleEngine[]).map((k) => (
                <option key={k} value={k}>
                  {upscaleEngines[k].label}
                </option>
              ))}
            </select>
          </div>
          {vulkan && upscaleEngine !== 'lanczos' && (vulkan.software || !vulkan.found) && (
            <p className="upscale-note" data-testid="upscale-note" role="note">
              {vulkan.software
                ? `No GPU: AI upscaling runs on the CPU (${vulkan.devices[0]?.replace(/^\d+: /, '').replace(/ \(.*$/, '') ?? 'software Vulkan'}), minutes per image${upscaleEngine === 'quality' ? '. The fast model is several times quicker' : ''}; a lanczos resize is instant.`
                : 'No Vulkan device: this becomes a lanczos resize (labelled as such).'}
            </p>
          )}
        </>
      )}
      {(only('audio') || only('video')) && (
        <div className="row">
          <button
            className="button"
            onClick={() =>
              void run(
                { kind: only('audio') ? 'denoise_audio' : 'denoise_video', assetIds },
                'Denoise',
              )
            }
          >
            Denoise
          </button>
        </div>
      )}
      {!kinds.has('subtitles') && (
        <div className="row">
          <button
            className="button"
            onClick={() => void run({ kind: 'enhance', assetIds }, 'Enhance')}
          >
            {only('image')
              ? 'Enhance (normalise + sharpen)'
              : only('audio')
                ? 'Normalise loudness (−14 LUFS)'
                : 'Enhance'}
          </button>
        </div>
      )}
      {formats.length > 0 && (
        <div className="row">
          <select
            aria-label="Convert to"
            value={format}
            onChange={(e) => setFormat(e.target.value)}
          >
            <option value="">Convert to…</option>
            {formats.map((f) => (
              <option key={f} value={f}>
                {f.toUpperCase()}
              </option>
            ))}
          </select>
          <button
            className="button"
            disabled={!format}
            onClick={() =>
              void run(
                { kind: 'transcode', assetIds, params: { format: format as 'png' } },
                `Convert to ${format.toUpperCase()}`,
              )
            }
          >
            Convert
          </button>
        </div>
      )}
      <div className="row">
        <button
          className="button ghost"
          onClick={() => void run({ kind: 'thumbnail', assetIds }, 'Thumbnails')}
        >
          Rebuild thumbnails
        </button>
        <button
          className="button ghost"
          onClick={() => void run({ kind: 'metadata_extract', assetIds }, 'Metadata refresh')}
        >
          Re-read metadata
        </button>
      </div>
    </div>
  );
}
