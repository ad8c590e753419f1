import { useState } from 'react';
import type {
  EndpointAuthInput,
  EndpointHealth,
  EndpointKind,
  EngineEndpointStatus,
  PoolStatus,
} from '@contract/index';
import { api } from '../api/client';
import { toastError, useToasts } from '../stores/toasts';
import './engines.css';

const kindLabels: Record<EndpointKind, string> = {
  comfyui: 'ComfyUI',
  sdserver: 'sd-server (stable-diffusion.cpp)',
  llm: 'LLM server (OpenAI-compatible)',
};
const examples: Record<EndpointKind, string> = {
  comfyui: 'http://studio-pc:8188',
  sdserver: 'http://127.0.0.1:1234',
  llm: 'http://127.0.0.1:8080 (llama-server, Ollama :11434, LM Studio :1234)',
};

function HealthLine({ health }: { health: EndpointHealth | null }) {
  if (!health) return <span className="muted">Not checked yet</span>;
  if (!health.ok) return <span className="engines-problem">{health.problem}</span>;
  return (
    <span className="muted">
      {[health.version && `version ${health.version}`, health.detail, `${health.latencyMs} ms`]
        .filter(Boolean)
        .join(' · ')}
    </span>
  );
}

function ServerRow({
  e,
  pool,
  onChanged,
}: {
  e: EngineEndpointStatus;
  pool: PoolStatus | undefined;
  onChanged: () => void;
}) {
  const [confirming, setConfirming] = useState(false);
  const [testing, setTesting] = useState(false);
  const online = pool ? pool.online : (e.health?.ok ?? false);
  const run = async (what: string, fn: () => Promise<unknown>) => {
    try {
      await fn();
      onChanged();
    } catch (err) {
      toastError(what, err);
    }
  };
  return (
    <li className="server-row" data-testid={`server-${e.name}`}>
      <span
        className={`dot ${!e.enabled ? 'dot-muted' : online ? 'dot-ok' : 'dot-bad'}`}
        aria-label={!e.enabled ? 'Paused' : online ? 'Online' : 'Offline'}
      />
      <div className="server-main">
        <div>
          <strong>{e.name}</strong> <span className="muted">· {kindLabels[e.kind]}</span>
        </div>
        <div className="mono small">{e.url}</div>
        <div className="small">
          {!e.enabled ? (
            <span className="muted">Paused: it gets no new jobs</span>
          ) : pool && !pool.online ? (
            <span className="engines-problem">Offline: {pool.problem}</span>
          ) : (
            <HealthLine health={e.health} />
          )}
          {pool && pool.active > 0 && <span className="muted"> · {pool.active} running</span>}
        </div>
      </div>
      <div className="server-actions">
        <label className="small" title="Jobs sent to it at once">
          Slots{' '}
          <input
            type="number"
            min={1}
            max={64}
            defaultValue={e.slots}
            aria-label={`Slots of ${e.name}`}
            onBlur={(ev) => {
              const n = Number(ev.target.value);
              if (Number.isInteger(n) && n >= 1 && n <= 64 && n !== e.slots)
                void run('Could not change the slots', () =>
                  api.call('engines.updateEndpoint', { id: e.id, slots: n }),
                );
            }}
          />
        </label>
        <button
          className="button ghost"
          disabled={testing}
          onClick={() => {
            setTesting(true);
            void run('Could not test the server', () =>
              api.call('engines.testEndpoint', { id: e.id }),
            ).finally(() => setTesting(false));
          }}
        >
          {testing ? 'Testing…' : 'Test'}
        </button>
        <button
          className="button ghost"
          onClick={() =>
            void run('Could not change the server', () =>
              api.call('engines.updateEndpoint', { id: e.id, enabled: !e.enabled }),
            )
          }
        >
          {e.enabled ? 'Pause' : 'Resume'}
        </button>
        {confirming ? (
          <span className="confirm-inline">
            Remove it?{' '}
            <button
              className="button danger"
              onClick={() =>
                void run('Could not remove the server', () =>
                  api.call('engines.removeEndpoint', { id: e.id }),
                )
              }
            >
              Remove
            </button>
            <button className="button ghost" onClick={() => setConfirming(false)}>
              Keep
            </button>
          </span>
        ) : (
          <button className="button ghost" onClick={() => setConfirming(true)}>
            Remove
          </button>
        )}
      </div>
    </li>
  );
}

function AddServerForm({ onAdded }: { onAdded: () => void }) {
  const [kind, setKind] = useState<EndpointKind>('comfyui');
  const [name, setName] = useState('');
  const [url, setUrl] = useState('');
  const [authType, setAuthType] = useState<EndpointAuthInput['type']>('none');
  const [token, setToken] = useState('');
  const [user, setUser] = useState('');
  const [password, setPassword] = useState('');
  const [result, setResult] = useState<EndpointHealth | null>(null);
  const [busy, setBusy] = useState(false);
  const auth: EndpointAuthInput =
    authType === 'bearer'
      ? { type: 'bearer', token }
      : authType === 'basic'
        ? { type: 'basic', user, password }
        : { type: 'none' };
  const ready =
    url.trim() !== '' &&
    (authType !== 'bearer' || token !== '') &&
    (authType !== 'basic' || user !== '');
  const test = async () => {
    setBusy(true);
    setResult(null);
    try {
      setResult(await api.call('engines.testEndpoint', { kind, url, auth }));
    } catch (err) {
      toastError('Could not test the connection', err);
    } finally {
      setBusy(false);
    }
  };
  const add = async () => {
    setBusy(true);
    try {
      const e = await api.call('engines.addEndpoint', {
        kind,
        url,
        auth,
        name: name.trim() || new URL(/^https?:\/\//.test(url) ? url : `http://${url}`).hostname,
      });
      useToasts.getState().push({ kind: 'success', title: `${e.name} added`, detail: e.url });
      setName('');
      setUrl('');
      setToken('');
      setPassword('');
      setResult(null);
      onAdded();
    } catch (err) {
      toastError('Could not add the server', err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <form
      className="add-server"
      data-testid="add-server"
      onSubmit={(ev) => {
        ev.preventDefault();
        if (ready) void add();
      }}
    >
      <h3>Add an engine server</h3>
      <div className="form-grid">
        <label htmlFor="server-kind">Kind</label>
        <select
          id="server-kind"
          value={kind}
          onChange={(e) => {
            setKind(e.target.value as EndpointKind);
            setResult(null);
          }}
        >
          {(Object.keys(kindLabels) as EndpointKind[]).map((k) => (
            <option key={k} value={k}>
              {kindLabels[k]}
            </option>
          ))}
        </select>
        <label htmlFor="server-url">Address</label>
        <input
          id="server-url"
          value={url}
          onChange={(e) => {
            setUrl(e.target.value);
            setResult(null);
          }}
          placeholder={examples[kind]}
          spellCheck={false}
        />
        <label htmlFor="server-name">Name</label>
        <input
          id="server-name"
          value={name}
          onChange={(e) => setName(e.target.value)}
          placeholder="studio-pc (the host name if empty)"
        />
        <label htmlFor="server-auth">Sign-in</label>
        <select
          id="server-auth"
          value={authType}
          onChange={(e) => setAuthType(e.target.value as EndpointAuthInput['type'])}
        >
          <option value="none">None</option>
          <option value="bearer">Token (a proxy in front of it)</option>
          <option value="basic">User name and password</option>
        </select>
        {authType === 'bearer' && (
          <>
            <label htmlFor="server-token">Token</label>
            <input
              id="server-token"
              type="password"
              value={token}
              onChange={(e) => setToken(e.target.value)}
              autoComplete="off"
            />
          </>
        )}
        {authType === 'basic' && (
          <>
            <label htmlFor="server-user">User</label>
            <input id="server-user" value={user} onChange={(e) => setUser(e.target.value)} />
            <label htmlFor="server-password">Password</label>
            <input
              id="server-password"
              type="password"
              value={password}
              onChange={(e) => setPassword(e.target.value)}
              autoComplete="off"
            />
          </>
        )}
      </div>
      {result && (
        <p
          className={result.ok ? 'test-ok' : 'engines-problem'}
          data-testid="test-result"
          role="status"
        >
          {result.ok ? (
            <>
              ✓ Connected · <HealthLine health={result} />
            </>
          ) : (
            result.problem
          )}
        </p>
      )}
      <div className="add-server-actions">
        <button
          type="button"
          className="button"
          disabled={!ready || busy}
          onClick={() => void test()}
        >
          Test connection
        </button>
        <button type="submit" className="button primary" disabled={!ready || busy}>
          Add server
        </button>
      </div>
    </form>
  );
}

/**
 * Engine servers on this or other machines (one ComfyUI per GPU box, an sd-server, an LLM
 * server): each is a pool of the job queue. Their health comes from the queue's checks.
 */
export function EngineServers({
  endpoints,
  pools,
  onChanged,
}: {
  endpoints: EngineEndpointStatus[];
  pools: PoolStatus[];
  onChanged: () => void;
}) {
  return (
    <div className="engine-servers" data-testid="engine-servers">
      <h3>Engine servers</h3>
      {endpoints.length === 0 ? (
        <p className="muted small">
          None yet. Add the ComfyUI, sd-server or LLM servers you run, here or on other machines:
          jobs are spread over them, and go to another one if a server stops answering.
        </p>
      ) : (
        <ul className="server-list">
          {endpoints.map((e) => (
            <ServerRow
              key={e.id}
              e={e}
              pool={pools.find((p) => p.endpointId === e.id)}
              onChanged={onChanged}
            />
          ))}
        </ul>
      )}
      <AddServerForm onAdded={onChanged} />
    </div>
  );
}
