import { useEffect, useMemo, useState } from 'react';
import type { AssetDetail, AssetSummary, LocalizeEngineInfo, LocalizeMode } from '@contract/index';
import { api } from '../api/client';
import { Dialog } from '../components/Dialog';
import { useLibrary } from '../library/libraryStore';
import { LocIcon } from './LocIcon';
import { useLocalize } from './localizeStore';
import {
  checkPlan,
  languageName,
  languages,
  modeLabels,
  stageLabels,
  stagesOf,
  translatorLabels,
  type PlanCheck,
  type TranslatorChoice,
} from './plan';
import { formatSpan } from './time';

const modes: LocalizeMode[] = ['subtitles', 'translate', 'audio', 'video'];
const translators = Object.keys(translatorLabels) as TranslatorChoice[];
const prefsKey = 'atelier.localize';

interface Prefs {
  to: string;
  mode: LocalizeMode;
  burnIn: boolean;
  volume: number;
  translator: TranslatorChoice;
}

function loadPrefs(): Prefs {
  const fallback: Prefs = {
    to: 'es',
    mode: 'video',
    burnIn: false,
    volume: 15,
    translator: 'auto',
  };
  try {
    const p = JSON.parse(localStorage.getItem(prefsKey) ?? '{}') as Partial<Prefs>;
    return {
      to: typeof p.to === 'string' ? p.to : fallback.to,
      mode: p.mode && modes.includes(p.mode) ? p.mode : fallback.mode,
      burnIn: p.burnIn === true,
      volume:
        typeof p.volume === 'number' && p.volume >= 0 && p.volume <= 100
          ? p.volume
          : fallback.volume,
      translator:
        p.translator && translators.includes(p.translator) ? p.translator : fallback.translator,
    };
  } catch {
    return fallback;
  }
}

/** The video selected in the Library, if one is. */
function libraryVideo(): string | null {
  const s = useLibrary.getState();
  for (const id of s.selected) if (s.items.find((i) => i.id === id)?.type === 'video') return id;
  return null;
}

function VideoPicker({ onPick }: { onPick: (a: AssetSummary) => void }) {
  const [search, setSearch] = useState('');
  const [items, setItems] = useState<AssetSummary[] | null>(null);
  useEffect(() => {
    let live = true;
    const t = setTimeout(
      () =>
        void api
          .call('assets.list', {
            type: 'video',
            limit: 60,
            ...(search.trim() ? { search: search.trim() } : {}),
          })
          .then((p) => live && setItems(p.items.filter((a) => !a.missing)))
          .catch(() => live && setItems([])),
      search ? 200 : 0,
    );
    return () => {
      live = false;
      clearTimeout(t);
    };
  }, [search]);
  return (
    <div className="loc-picker">
      <label className="loc-picker-search">
        <LocIcon name="search" size={14} />
        <input
          type="search"
          value={search}
          placeholder="Find a video by name"
          aria-label="Find a video"
          onChange={(e) => setSearch(e.target.value)}
          data-testid="loc-new-search"
        />
      </label>
      {items === null ? (
        <p className="loc-muted">Loading videos…</p>
      ) : items.length === 0 ? (
        <p className="loc-muted">
          {search ? `No video matches “${search}”.` : 'The Library has no videos yet: import one.'}
        </p>
      ) : (
        <ul className="loc-picker-list" role="listbox" aria-label="Videos">
          {items.map((a) => (
            <li key={a.id} role="option" aria-selected={false}>
              <button
                type="button"
                onClick={() => onPick(a)}
                data-testid="loc-new-pick"
                data-asset-id={a.id}
              >
                {a.hasThumb ? (
                  <img src={api.mediaUrl(a.id, 'thumb-small')} alt="" loading="lazy" />
                ) : (
                  <span className="loc-picker-noimg">
                    <LocIcon name="film" />
                  </span>
                )}
                <span className="loc-picker-name">{a.filename}</span>
                {a.durationSec != null && (
                  <span className="loc-muted">{formatSpan(a.durationSec * 1000)}</span>
                )}
              </button>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

function EngineList({
  engines,
  mode,
  check,
}: {
  engines: LocalizeEngineInfo[] | null;
  mode: LocalizeMode;
  check: PlanCheck | null;
}) {
  if (!engines) return <p className="loc-muted">Looking for engines…</p>;
  const used = stagesOf(mode);
  return (
    <div className="loc-engines" data-testid="loc-engines">
      {(['recognition', 'translation', 'speech'] as const).map((stage) => (
        <div key={stage} className={`loc-stage${used.includes(stage) ? '' : ' unused'}`}>
          <h4>
            {stageLabels[stage]}
            {!used.includes(stage) && <span className="loc-muted"> · not needed</span>}
          </h4>
          <ul>
            {engines
              .filter((e) => e.stage === stage)
              .map((e) => (
                <li
                  key={e.id}
                  className={`loc-engine${e.ok ? ' ok' : ' missing'}${check?.chosen[stage] === e.label && used.includes(stage) ? ' chosen' : ''}`}
                  data-testid="loc-engine"
                  data-engine={e.id}
                  data-ok={e.ok}
                >
                  <span className="loc-engine-mark" aria-hidden="true">
                    <LocIcon name={e.ok ? 'check' : 'minus'} size={13} />
                  </span>
                  <span className="loc-engine-body">
                    <strong>{e.label}</strong>
                    {e.ok ? (
                      <span className="loc-muted">
                        {e.stage === 'translation'
                          ? `Pairs: ${e.languages.join(', ')}`
                          : e.languages.includes('auto')
                            ? 'Every language it has a model for'
                            : e.languages.includes('many')
                              ? 'Many languages'
                              : e.languages.map(languageName).join(', ')}
                        {' · '}
                        {e.license}
                      </span>
                    ) : (
                      <span className="loc-muted">{e.problem}</span>
                    )}
                  </span>
                </li>
              ))}
          </ul>
        </div>
      ))}
    </div>
  );
}

export function NewLocalizationDialog({ assetId: given }: { assetId: string | null }) {
  const engines = useLocalize((s) => s.engines);
  const [prefs] = useState(loadPrefs);
  const [assetId, setAssetId] = useState<string | null>(() => given ?? libraryVideo());
  const [asset, setAsset] = useState<AssetDetail | null>(null);
  const [picking, setPicking] = useState(!assetId);
  const [from, setFrom] = useState('en');
  const [to, setTo] = useState(prefs.to);
  const [mode, setMode] = useState<LocalizeMode>(prefs.mode);
  const [burnIn, setBurnIn] = useState(prefs.burnIn);
  const [volume, setVolume] = useState(prefs.volume);
  const [translator, setTranslator] = useState<TranslatorChoice>(prefs.translator);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const close = () => useLocalize.getState().closeNew();

  useEffect(() => {
    if (!assetId) return setAsset(null);
    let live = true;
    api
      .call('assets.get', { id: assetId })
      .then((a) => live && setAsset(a))
      .catch(() => {
        if (!live) return;
        setAssetId(null);
        setPicking(true);
      });
    return () => {
      live = false;
    };
  }, [assetId]);

  const check = useMemo(
    () => (engines ? checkPlan(engines, { mode, from, to, translator }) : null),
    [engines, mode, from, to, translator],
  );
  const problems = [
    ...(asset && asset.type !== 'video' ? [`${asset.filename} is not a video.`] : []),
    ...(asset && asset.type === 'video' && !asset.hasAudio
      ? [`${asset.filename} has no audio track: there is no speech to transcribe.`]
      : []),
    ...(check?.problems ?? []),
  ];
  const canStart = !!asset && !!engines && problems.length === 0 && !busy;

  const start = async () => {
    if (!asset || !canStart) return;
    setBusy(true);
    setError(null);
    try {
      const info = await api.call('localize.start', {
        assetId: asset.id,
        from,
        mode,
        burnIn: mode === 'video' && burnIn,
        originalVolume: volume / 100,
        ...(mode === 'subtitles' ? {} : { to, translator }),
      });
      try {
        localStorage.setItem(prefsKey, JSON.stringify({ to, mode, burnIn, volume, translator }));
      } catch {
        // A full or private store: the choices last this session only.
      }
      const s = useLocalize.getState();
      s.putInfo(info);
      s.closeNew();
      s.open(info.id);
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
      setBusy(false);
    }
  };

  return (
    <Dialog
      title="New localisation"
      onClose={close}
      busy={busy}
      width={720}
      testId="loc-new-dialog"
      className="loc-dialog"
      footer={
        <>
          <button type="button" className="button" onClick={close} disabled={busy}>
            Cancel
          </button>
          <button
            type="button"
            className="button primary"
            onClick={() => void start()}
            disabled={!canStart}
            data-testid="loc-new-start"
          >
            {busy ? 'Starting…' : 'Start'}
          </button>
        </>
      }
    >
      <p className="loc-dialog-lede">
        Atelier transcribes the speech, translates each line and speaks it, on this computer.
      </p>
      <section className="loc-field">
        <h3 className="loc-field-label">Video</h3>
        {asset && !picking ? (
          <div className="loc-chosen" data-testid="loc-new-video" data-asset-id={asset.id}>
            <img src={api.mediaUrl(asset.id, 'thumb-small')} alt="" />
            <span className="loc-chosen-name">
              <strong>{asset.filename}</strong>
              <span className="loc-muted">
                {asset.durationSec != null ? formatSpan(asset.durationSec * 1000) : ''}
                {asset.width && asset.height ? ` · ${asset.width}×${asset.height}` : ''}
                {asset.hasAudio ? '' : ' · no audio'}
              </span>
            </span>
            <button type="button" className="button small" onClick={() => setPicking(true)}>
              Change
            </button>
          </div>
        ) : (
          <VideoPicker
            onPick={(a) => {
              setAssetId(a.id);
              setPicking(false);
            }}
          />
        )}
      </section>

      <section className="loc-field">
        <h3 className="loc-field-label" id="loc-mode-label">
          What to make
        </h3>
        <div className="loc-modes" role="radiogroup" aria-labelledby="loc-mode-label">
          {modes.map((m) => (
            <label
              key={m}
              className={`loc-mode${mode === m ? ' on' : ''}`}
              data-testid="loc-new-mode"
              data-mode={m}
            >
              <input
                type="radio"
                name="loc-mode"
                value={m}
                checked={mode === m}
                onChange={() => setMode(m)}
              />
              <span>
                <strong>{modeLabels[m].label}</strong>
                <span className="loc-muted">{modeLabels[m].detail}</span>
              </span>
            </label>
          ))}
        </div>
      </section>

      <section className="loc-field loc-langs">
        <label>
          <span className="loc-field-label">Spoken in</span>
          <select value={from} onChange={(e) => setFrom(e.target.value)} data-testid="loc-new-from">
            {languages.map(([two, , name]) => (
              <option key={two} value={two}>
                {name}
              </option>
            ))}
          </select>
        </label>
        <span className="loc-arrow" aria-hidden="true">
          →
        </span>
        <label>
          <span className="loc-field-label">Translate to</span>
          <select
            value={to}
            onChange={(e) => setTo(e.target.value)}
            disabled={mode === 'subtitles'}
            data-testid="loc-new-to"
          >
            {languages.map(([two, , name]) => (
              <option key={two} value={two}>
                {name}
              </option>
            ))}
          </select>
        </label>
        <label>
          <span className="loc-field-label">Translated by</span>
          <select
            value={translator}
            onChange={(e) => setTranslator(e.target.value as TranslatorChoice)}
            disabled={mode === 'subtitles'}
            title="Automatic takes the first engine that has the pair: Apertium, Argos Translate, then the chat server"
            data-testid="loc-new-translator"
          >
            {translators.map((t) => (
              <option key={t} value={t}>
                {t === 'auto' && check?.chosen.translation
                  ? `${translatorLabels.auto} (${check.chosen.translation})`
                  : translatorLabels[t]}
              </option>
            ))}
          </select>
        </label>
      </section>

      {problems.length > 0 && (
        <div className="loc-alert" role="alert" data-testid="loc-new-blocked">
          <LocIcon name="warning" />
          <div>
            <strong>This cannot run yet</strong>
            {problems.map((p) => (
              <p key={p}>{p}</p>
            ))}
          </div>
        </div>
      )}
      {(mode === 'audio' || mode === 'video') && (
        <section className="loc-field loc-options">
          <label className="loc-volume">
            <span className="loc-field-label">Original audio under the dub</span>
            <span className="loc-volume-row">
              <input
                type="range"
                min={0}
                max={100}
                step={5}
                value={volume}
                onChange={(e) => setVolume(Number(e.target.value))}
                data-testid="loc-new-volume"
              />
              <output>{volume}%</output>
            </span>
          </label>
          {mode === 'video' && (
            <label className="loc-check">
              <input
                type="checkbox"
                checked={burnIn}
                onChange={(e) => setBurnIn(e.target.checked)}
                data-testid="loc-new-burn"
              />
              <span>
                Also a copy with the {languageName(to)} subtitles burned in
                <span className="loc-muted"> (soft subtitles are always included, off)</span>
              </span>
            </label>
          )}
        </section>
      )}

      <section className="loc-field">
        <h3 className="loc-field-label">Engines on this computer</h3>
        <EngineList engines={engines} mode={mode} check={check} />
      </section>

      {error && (
        <div className="loc-alert" role="alert" data-testid="loc-new-error">
          <LocIcon name="error" />
          <div>{error}</div>
        </div>
      )}
    </Dialog>
  );
}
