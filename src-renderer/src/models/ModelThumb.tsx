import { useState } from 'react';
import type { ModelInfo } from '@contract/index';
import { api } from '../api/client';
import { GenIcon } from '../generate/GenIcon';
import { kindIcon } from './labels';

/** Its best image when it made any, else an icon of its kind. */
export function ModelThumb({ model, size }: { model: ModelInfo; size: number }) {
  const [broken, setBroken] = useState<string | null>(null);
  const id = model.thumbAssetId;
  return (
    <span className={`mdl-thumb kind-${model.kind}`} style={{ width: size, height: size }}>
      {id && broken !== id ? (
        <img
          src={api.mediaUrl(id, 'thumb-small')}
          alt=""
          loading="lazy"
          onError={() => setBroken(id)}
        />
      ) : (
        <GenIcon name={kindIcon[model.kind]} size={Math.round(size * 0.45)} />
      )}
    </span>
  );
}
