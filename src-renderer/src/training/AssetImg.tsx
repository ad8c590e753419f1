import { useState } from 'react';
import { api } from '../api/client';
import { TrainIcon } from './TrainIcon';

/**
 * An asset's picture by id: its thumbnail, the file itself when no thumbnail was made yet (a
 * sample just saved), else an image glyph.
 */
export function AssetImg({
  id,
  alt = '',
  variant = 'thumb',
}: {
  id: string;
  alt?: string;
  variant?: 'thumb' | 'thumb-small';
}) {
  const [stage, setStage] = useState<0 | 1 | 2>(0);
  if (stage === 2)
    return (
      <span className="trn-img-none" role="img" aria-label={alt || 'No picture'}>
        <TrainIcon name="image" size={20} />
      </span>
    );
  return (
    <img
      src={api.mediaUrl(id, stage === 0 ? variant : 'file')}
      alt={alt}
      loading="lazy"
      draggable={false}
      onError={() => setStage(stage === 0 ? 1 : 2)}
    />
  );
}
