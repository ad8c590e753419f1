import type { LocalizationDetail } from '@contract/index';
import { openInLibrary } from '../generate/openInLibrary';
import { toastError, toastInfo } from '../stores/toasts';
import { LocIcon } from './LocIcon';
import { languageName } from './plan';

type Output = LocalizationDetail['outputs'][number];

const kindLabels: Record<Output['kind'], string> = {
  srt: 'Subtitles (SRT)',
  vtt: 'Subtitles (WebVTT)',
  dub: 'Dub track',
  video: 'Localised video',
  burned: 'Video, subtitles burned in',
};
const order: Output['kind'][] = ['video', 'burned', 'dub', 'srt', 'vtt'];

const basename = (p: string) => p.split(/[\\/]/).pop() ?? p;

async function copyPath(p: string) {
  try {
    await navigator.clipboard.writeText(p);
    toastInfo('Path copied', p);
  } catch (err) {
    toastError('Could not copy the path', err);
  }
}

/** What the localisation made: subtitles, the dub and the videos in the Library; the working files of a dub that only feeds the video. */
export function Outputs({ d }: { d: LocalizationDetail }) {
  const outputs = [...d.outputs].sort(
    (a, b) =>
      order.indexOf(a.kind) - order.indexOf(b.kind) ||
      (a.language === d.from ? -1 : 0) - (b.language === d.from ? -1 : 0),
  );
  return (
    <section className="loc-outputs" data-testid="loc-outputs" aria-label="Outputs">
      <h2>Outputs</h2>
      {outputs.length === 0 ? (
        <p className="loc-muted">
          {d.status === 'completed'
            ? 'Nothing was made.'
            : 'Made as the job goes: subtitles first.'}
        </p>
      ) : (
        <ul>
          {outputs.map((o) => (
            <li
              key={`${o.kind}-${o.language}`}
              data-testid="loc-output"
              data-kind={o.kind}
              data-language={o.language}
            >
              <LocIcon
                name={o.kind === 'video' || o.kind === 'burned' ? 'film' : 'file'}
                size={15}
              />
              <span className="loc-output-body">
                <span>
                  {kindLabels[o.kind]} · {languageName(o.language)}
                </span>
                {o.path ? (
                  <span className="loc-mono loc-output-path" title={o.path}>
                    {basename(o.path)}
                  </span>
                ) : (
                  <span className="loc-muted">In the Library</span>
                )}
              </span>
              {o.assetId ? (
                <button
                  type="button"
                  className="button small"
                  onClick={() => void openInLibrary(o.assetId!)}
                  data-testid="loc-output-open"
                >
                  <LocIcon name="open" size={12} />
                  Library
                </button>
              ) : o.path ? (
                <button
                  type="button"
                  className="icon-button"
                  onClick={() => void copyPath(o.path)}
                  title={`Copy the path: ${o.path}`}
                  aria-label={`Copy the path of the ${kindLabels[o.kind]} (${languageName(o.language)})`}
                >
                  <LocIcon name="copy" size={13} />
                </button>
              ) : null}
            </li>
          ))}
        </ul>
      )}
      {d.engines.length > 0 && (
        <>
          <h2>Made with</h2>
          <ul className="loc-made-with">
            {d.engines.map((e) => (
              <li key={`${e.stage}-${e.name}`}>
                <span className="loc-muted">{e.stage}</span> {e.name}
                {e.license && <span className="loc-muted"> · {e.license}</span>}
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}
