import { useNav } from '../stores/navigation';
import { LocIcon } from './LocIcon';
import { useLocalize } from './localizeStore';

/**
 * "Localise…" for a video in the Library's detail panel: opens the Localise page with its
 * "New localisation" dialog for this video.
 */
export function LocalizeButton({ assetId }: { assetId: string }) {
  return (
    <button
      type="button"
      className="button"
      onClick={() => {
        useLocalize.getState().open(null);
        useLocalize.getState().openNew(assetId);
        useNav.getState().go('localize');
      }}
      title="Subtitles, translated subtitles or a dubbed track of this video"
      data-testid="localize-asset"
    >
      <LocIcon name="localize" size={15} />
      Localise…
    </button>
  );
}
