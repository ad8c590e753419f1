import { useState } from 'react';
import { api } from '../api/client';
import { GenIcon } from '../generate/GenIcon';

/** A small square thumbnail of one asset, or an image glyph when it has none. */
export function AssetThumb({ id, title }: { id: string; title?: string }) {
  const [broken, setBroken] = useState(false);
  return (
    <span className="prj-thumb" title={title}>
      {broken ? (
        <GenIcon name="image" size={18} />
      ) : (
        <img
          src={api.mediaUrl(id, 'thumb-small')}
          alt={title ?? ''}
          loading="lazy"
          onError={() => setBroken(true)}
        />
      )}
    </span>
  );
}
