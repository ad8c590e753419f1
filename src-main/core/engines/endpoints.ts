import { AppError } from '../../contract/errors';
import type { EndpointAuthInput, EndpointKind, EngineEndpoint } from '../../contract/engines';
import type { Atelier } from '../app/atelier';
import { statements } from '../db/statements';
import { nowIso, uuidv7 } from '../util/ids';

/**
 * Engine servers the creator added in Settings → Engines: a ComfyUI per GPU box, an sd-server,
 * an OpenAI-compatible LLM server. Each is a pool of its own in the job queue. Credentials (for a
 * proxy in front of a server) stay in the database and in request headers: they are never sent
 * back to a client, nor written to the log.
 */

export const endpointKindLabels: Record<EndpointKind, string> = {
  comfyui: 'ComfyUI',
  sdserver: 'sd-server',
  llm: 'LLM server',
};

/** Where each kind listens when its user did not change it. */
export const defaultPorts: Record<EndpointKind, number> = {
  comfyui: 8188,
  sdserver: 1234,
  llm: 8080,
};

interface EndpointRow {
  id: string;
  kind: EndpointKind;
  name: string;
  url: string;
  auth: string | null;
  slots: number;
  enabled: number;
  created_at: string;
  updated_at: string;
}

type StoredAuth =
  | { type: 'bearer'; token: string }
  | { type: 'basic'; user: string; password: string };

export interface EndpointWithSecrets extends EngineEndpoint {
  headers: Record<string, string>;
}

function parseAuth(text: string | null): StoredAuth | null {
  if (!text) return null;
  try {
    return JSON.parse(text) as StoredAuth;
  } catch {
    return null;
  }
}

export function authHeaders(auth: StoredAuth | null): Record<string, string> {
  if (!auth) return {};
  if (auth.type === 'bearer') return { authorization: `Bearer ${auth.token}` };
  return {
    authorization: `Basic ${Buffer.from(`${auth.user}:${auth.password}`).toString('base64')}`,
  };
}

function toEndpoint(r: EndpointRow): EndpointWithSecrets {
  const auth = parseAuth(r.auth);
  return {
    id: r.id,
    kind: r.kind,
    name: r.name,
    url: r.url,
    auth: auth?.type ?? 'none',
    slots: r.slots,
    enabled: r.enabled === 1,
    poolId: endpointPoolId(r.id),
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    headers: authHeaders(auth),
  };
}

export const endpointPoolId = (id: string) => `endpoint:${id}`;

/** Without the headers: what crosses the api. */
export function publicEndpoint(e: EndpointWithSecrets): EngineEndpoint {
  const { headers: _h, ...rest } = e;
  return rest;
}

/**
 * A URL the creator typed, as the one form we store: scheme, host and port, an optional path
 * prefix (a reverse proxy's), no trailing slash, no credentials (those go in auth).
 */
export function normaliseEndpointUrl(input: string, kind: EndpointKind): string {
  let text = input.trim();
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(text)) text = `http://${text}`;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new AppError(
      'invalid_input',
      `"${input}" is not a URL. Try http://studio-pc:${defaultPorts[kind]}`,
    );
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new AppError(
      'invalid_input',
      `Use an http:// or https:// address (got ${url.protocol}).`,
    );
  if (url.username || url.password)
    throw new AppError(
      'invalid_input',
      'Put the user name and password in the sign-in fields, not in the address.',
    );
  if (!url.hostname) throw new AppError('invalid_input', `"${input}" has no host name.`);
  if (url.search || url.hash)
    throw new AppError('invalid_input', 'The address must not have a ?query or #fragment.');
  if (!url.port && !/^https?:\/\/[^/]+:\d+/.test(text) && url.pathname === '/')
    url.port = String(defaultPorts[kind]);
  return `${url.protocol}//${url.host}${url.pathname.replace(/\/+$/, '')}`;
}

export function storedAuth(input: EndpointAuthInput | undefined): string | null | undefined {
  if (input === undefined) return undefined;
  if (input.type === 'none') return null;
  if (input.type === 'bearer') return JSON.stringify({ type: 'bearer', token: input.token });
  return JSON.stringify({ type: 'basic', user: input.user, password: input.password });
}

export function listEndpoints(core: Atelier): EndpointWithSecrets[] {
  return (
    statements(core.sqlite)
      .get('SELECT * FROM engine_endpoints ORDER BY kind, name, id')
      .all() as EndpointRow[]
  ).map(toEndpoint);
}

export function getEndpoint(core: Atelier, id: string): EndpointWithSecrets {
  const row = statements(core.sqlite).get('SELECT * FROM engine_endpoints WHERE id = ?').get(id) as
    | EndpointRow
    | undefined;
  if (!row) throw new AppError('not_found', `No engine server ${id}`);
  return toEndpoint(row);
}

export interface EndpointInput {
  kind: EndpointKind;
  name: string;
  url: string;
  auth?: EndpointAuthInput;
  slots?: number;
  enabled?: boolean;
}

function assertUnique(core: Atelier, kind: EndpointKind, url: string, except: string | null): void {
  const clash = statements(core.sqlite)
    .get('SELECT id, name FROM engine_endpoints WHERE kind = ? AND url = ? AND id IS NOT ?')
    .get(kind, url, except) as { id: string; name: string } | undefined;
  if (clash)
    throw new AppError(
      'conflict',
      `${endpointKindLabels[kind]} at ${url} is already in the list as "${clash.name}".`,
    );
}

export function addEndpoint(core: Atelier, input: EndpointInput): EngineEndpoint {
  const url = normaliseEndpointUrl(input.url, input.kind);
  assertUnique(core, input.kind, url, null);
  const id = uuidv7();
  const at = nowIso();
  statements(core.sqlite)
    .get(
      `INSERT INTO engine_endpoints (id, kind, name, url, auth, slots, enabled, created_at, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    )
    .run(
      id,
      input.kind,
      input.name.trim(),
      url,
      storedAuth(input.auth) ?? null,
      input.slots ?? defaultSlots(input.kind),
      input.enabled === false ? 0 : 1,
      at,
      at,
    );
  return publicEndpoint(getEndpoint(core, id));
}

/**
 * ComfyUI: one prompt running and one waiting, as SwarmUI keeps them: the next starts the moment
 * the last ends, while the real queue stays here, where it can be reordered and cancelled.
 */
export function defaultSlots(kind: EndpointKind): number {
  return kind === 'comfyui' ? 2 : 1;
}

export function updateEndpoint(
  core: Atelier,
  id: string,
  patch: Partial<Omit<EndpointInput, 'kind'>>,
): EngineEndpoint {
  const current = getEndpoint(core, id);
  const url = patch.url !== undefined ? normaliseEndpointUrl(patch.url, current.kind) : current.url;
  if (url !== current.url) assertUnique(core, current.kind, url, id);
  const auth = storedAuth(patch.auth);
  statements(core.sqlite)
    .get(
      `UPDATE engine_endpoints SET name = ?, url = ?, slots = ?, enabled = ?, updated_at = ?,
         auth = CASE WHEN ? THEN ? ELSE auth END
       WHERE id = ?`,
    )
    .run(
      patch.name?.trim() ?? current.name,
      url,
      patch.slots ?? current.slots,
      patch.enabled === undefined ? (current.enabled ? 1 : 0) : patch.enabled ? 1 : 0,
      nowIso(),
      auth !== undefined ? 1 : 0,
      auth ?? null,
      id,
    );
  return publicEndpoint(getEndpoint(core, id));
}

export function removeEndpoint(core: Atelier, id: string): void {
  getEndpoint(core, id);
  statements(core.sqlite).get('DELETE FROM engine_endpoints WHERE id = ?').run(id);
}
