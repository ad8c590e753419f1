import { useEffect, useState } from 'react';
import { languageName, type SubtitleCues } from '@contract/index';

import { api } from '../api/client';
import './subtitles.css';

function stamp(ms: number): string {
  const s = Math.floor(ms / 1000);
  const m = Math.floor(s / 60);
  const h = Math.floor(m / 60);
  const mm = String(m % 60).padStart(h ? 2 : 1, '0');
  return `${h ? `${h}:` : ''}${mm}:${String(s % 60).padStart(2, '0')}.${String(Math.floor((ms % 1000) / 100))}`;
}

/**
 * A subtitle asset read as what it is: its cues with their times, so a creator can check the
 * words before they sell them. `large` is review mode's full-screen reading view.
 */
export function SubtitlePreview({ id, large = false }: { id: string; large?: boolean }) {
  const [cues, setCues] = useState<SubtitleCues | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    setCues(null);
    setError(null);
    api.call('assets.cues', { id, limit: large ? 5000 : 300 }).then(
      (c) => live && setCues(c),
      (e: Error) => live && setError(e.message),
    );
    return () => {
      live = false;
    };
  }, [id, large]);
  return (
    <div
      className={`subtitle-preview${large ? ' large' : ''}`}
      data-testid="subtitle-preview"
      aria-busy={!cues && !error}
    >
      {error ? (
        <p className="subtitle-error" role="alert">
          {error}
        </p>
      ) : !cues ? (
        <p className="subtitle-loading">Reading the cues…</p>
      ) : (
        <>
          <p className="subtitle-head">
            <span className="subtitle-badge">
              {cues.language ? `${cues.language.toUpperCase()} · ` : ''}
              {cues.format.toUpperCase()}
            </span>
            {cues.language ? languageName(cues.language) : 'Language not known'} · {cues.total}{' '}
            {cues.total === 1 ? 'cue' : 'cues'}
          </p>
          <ol className="subtitle-cues">
            {cues.cues.map((c, i) => (
              <li key={i} data-testid="subtitle-cue">
                <time>{stamp(c.startMs)}</time>
                <span>{c.text.replace(/<[^>]+>/g, '')}</span>
              </li>
            ))}
          </ol>
          {cues.total > cues.cues.length && (
            <p className="subtitle-more">
              and {cues.total - cues.cues.length} more: open the file to read them all
            </p>
          )}
        </>
      )}
    </div>
  );
}
