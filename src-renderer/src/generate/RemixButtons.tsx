import { useState } from 'react';
import { GenIcon } from './GenIcon';
import { remixFrom, type RemixMode } from './remix';

/** In the Library's detail panel, for AI-generated images: back to Generate with its settings. */
export function RemixButtons({ assetId }: { assetId: string }) {
  const [busy, setBusy] = useState<RemixMode | null>(null);
  const go = (mode: RemixMode) => {
    setBusy(mode);
    void remixFrom(assetId, mode).finally(() => setBusy(null));
  };
  return (
    <div className="detail-file-actions" role="group" aria-label="Generate from this image">
      <button
        type="button"
        className="button"
        onClick={() => go('remix')}
        disabled={busy !== null}
        title="Open Generate with this image's prompt, seed, size, sampler, model and LoRAs"
        data-testid="remix-asset"
      >
        <GenIcon name="remix" size={14} /> Remix
      </button>
      <button
        type="button"
        className="button"
        onClick={() => go('img2img')}
        disabled={busy !== null}
        title="Open Generate with this image as the init image, and its settings"
        data-testid="img2img-asset"
      >
        <GenIcon name="image" size={14} /> img2img from this
      </button>
    </div>
  );
}
