import { useState } from 'react';
import type { ProcessRunInput } from '@contract/index';
import { api } from '../api/client';
import { toastError, useToasts } from '../stores/toasts';
import { JobsStyles } from './JobsStyles';

type MediaType = 'image' | 'audio' | 'video';

const convertTo: Record<MediaType, string[]> = {
  image: ['png', 'jpg', 'webp'],
  audio: ['wav', 'mp3', 'flac'],
  video: ['mp4', 'webm'],
};

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
  const [scale, setScale] = useState<2 | 3 | 4>(4);
  const [format, setFormat] = useState('');
  const kinds = new Set(types);
  const only = (t: MediaType) => kinds.size === 1 && kinds.has(t);
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
        <div className="row">
          <button
            className="button"
            onClick={() =>
              void run({ kind: 'upscale', assetIds, params: { scale } }, `Upscale ×${scale}`)
            }
          >
            Upscale
          </button>
          <select
            aria-label="Upscale factor"
            value={scale}
            onChange={(e) => setScale(Number(e.target.value) as 2 | 3 | 4)}
          >
            <option value={2}>×2</option>
            <option value={3}>×3</option>
            <option value={4}>×4</option>
          </select>
        </div>
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
