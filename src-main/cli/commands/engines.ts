import type { LocalizeEngineInfo } from '../../contract/localize';
import { parseArgs } from 'node:util';
import {
  endpointKinds,
  type EndpointAuthInput,
  type EndpointHealth,
  type EndpointKind,
  type EngineEndpoint,
  type EnginesStatus,
} from '../../contract/engines';
import { createApi } from '../../core/api/dispatch';
import { openForCli, resolveDataDir } from '../openCore';
import { printJson, UsageError, type CliIO } from '../output';
import { readStdin } from '../secrets';

export const enginesHelp = `atelier engines [list] [--json]
atelier engines add comfyui|sdserver|llm URL [--name NAME] [--slots N] [--token-stdin | --user USER --password-stdin]
atelier engines test ID|NAME | test comfyui|sdserver|llm URL
atelier engines pause|resume|remove ID|NAME
atelier engines slots ID|NAME N
  Programs Atelier runs (ffmpeg, Real-ESRGAN…) and engine servers (ComfyUI, sd-server, an
  OpenAI-compatible LLM server) on this or other machines: each server is a pool the job queue
  spreads work over. A token or password is read from stdin, never from the command line.`;

function healthText(h: EndpointHealth | null): string {
  if (!h) return 'not checked yet';
  if (!h.ok) return `PROBLEM: ${h.problem}`;
  return ['ok', h.version && `version ${h.version}`, h.detail, `${h.latencyMs} ms`]
    .filter(Boolean)
    .join(' · ');
}

export async function enginesCommand(argv: string[], io: CliIO): Promise<number> {
  const [first, ...rest] = argv;
  const sub = !first || first.startsWith('-') ? 'list' : first;
  const { values, positionals } = parseArgs({
    args: !first || first.startsWith('-') ? argv : rest,
    options: {
      'data-dir': { type: 'string' },
      json: { type: 'boolean', default: false },
      name: { type: 'string' },
      slots: { type: 'string' },
      user: { type: 'string' },
      'token-stdin': { type: 'boolean', default: false },
      'password-stdin': { type: 'boolean', default: false },
    },
    allowPositionals: true,
    strict: true,
  });
  const isKind = (k: string | undefined): k is EndpointKind =>
    (endpointKinds as readonly string[]).includes(k ?? '');
  if (!['list', 'add', 'test', 'pause', 'resume', 'remove', 'slots'].includes(sub))
    throw new UsageError(
      `Unknown engines subcommand: ${sub} (use list, add, test, pause, resume, remove, slots)`,
    );
  if (sub === 'add' && (positionals.length !== 2 || !isKind(positionals[0])))
    throw new UsageError(`add takes a kind (${endpointKinds.join(', ')}) and a URL`);
  let auth: EndpointAuthInput | undefined;
  if (values['token-stdin']) auth = { type: 'bearer', token: await readStdin() };
  else if (values.user) {
    if (!values['password-stdin'])
      throw new UsageError('--user needs --password-stdin (a password is never an argument)');
    auth = { type: 'basic', user: values.user, password: await readStdin() };
  }
  const core = await openForCli(resolveDataDir(values['data-dir']), 'cli', false);
  try {
    const api = createApi(core);
    const call = async <T>(method: string, input: unknown): Promise<T> => {
      const r = await api.invoke(method, input);
      if (!r.ok) throw new UsageError(r.error.message);
      return r.value as T;
    };
    const status = () => call<EnginesStatus>('engines.status', {});
    const findServer = async (ref: string | undefined): Promise<EngineEndpoint> => {
      if (!ref) throw new UsageError(`${sub} takes a server's id or name (see: atelier engines)`);
      const all = (await status()).endpoints;
      const hit = all.find((e) => e.id === ref) ?? all.filter((e) => e.name === ref);
      if (!Array.isArray(hit)) return hit;
      if (hit.length === 1) return hit[0]!;
      throw new UsageError(
        hit.length ? `Several servers are named ${ref}: use the id` : `No engine server ${ref}`,
      );
    };
    if (sub === 'list') {
      const s = await status();
      if (values.json) return (printJson(io, s), 0);
      io.out('Programs');
      for (const e of s.engines)
        io.out(
          `  ${e.ok ? '●' : '○'} ${e.label.padEnd(28)} ${e.path ?? '(not found)'}${e.version ? `  ${e.version}` : ''}${e.problem ? `\n      ${e.problem}` : ''}`,
        );
      io.out('Localisation (per stage)');
      for (const e of await call<LocalizeEngineInfo[]>('localize.engines', {}))
        io.out(
          `  ${e.ok ? '●' : '○'} ${e.stage.padEnd(12)} ${e.label.padEnd(15)} ${e.ok ? e.languages.join(', ') : (e.problem ?? '')}`,
        );
      io.out('Engine servers');
      if (s.endpoints.length === 0) io.out('  none (add one: atelier engines add comfyui URL)');
      for (const e of s.endpoints)
        io.out(
          `  ${e.enabled ? (e.health?.ok === false ? '○' : '●') : '‖'} ${e.name.padEnd(16)} ${e.kind.padEnd(9)} ${e.url}  ${e.slots} slot(s)  ${e.enabled ? healthText(e.health) : 'paused'}\n      id ${e.id}`,
        );
      return 0;
    }
    if (sub === 'add') {
      const slots = values.slots === undefined ? undefined : Number(values.slots);
      const kind = positionals[0] as EndpointKind;
      const url = positionals[1]!;
      const health = await call<EndpointHealth>('engines.testEndpoint', { kind, url, auth });
      const e = await call<EngineEndpoint>('engines.addEndpoint', {
        kind,
        url,
        auth,
        slots,
        name: values.name ?? new URL(/^https?:\/\//.test(url) ? url : `http://${url}`).hostname,
      });
      if (values.json) return (printJson(io, { ...e, health }), 0);
      io.out(`Added ${e.name} (${e.kind}) at ${e.url}, ${e.slots} slot(s): ${healthText(health)}`);
      if (!health.ok) io.err('It does not answer yet; jobs for it wait until it does.');
      return 0;
    }
    if (sub === 'test') {
      const health =
        positionals.length === 2 && isKind(positionals[0])
          ? await call<EndpointHealth>('engines.testEndpoint', {
              kind: positionals[0],
              url: positionals[1],
              auth,
            })
          : await call<EndpointHealth>('engines.testEndpoint', {
              id: (await findServer(positionals[0])).id,
            });
      if (values.json) return (printJson(io, health), 0);
      io.out(healthText(health));
      return health.ok ? 0 : 1;
    }
    const server = await findServer(positionals[0]);
    if (sub === 'remove') {
      await call('engines.removeEndpoint', { id: server.id });
      io.out(`Removed ${server.name}`);
      return 0;
    }
    const patch =
      sub === 'slots' ? { slots: Number(positionals[1]) } : { enabled: sub === 'resume' };
    if (sub === 'slots' && !Number.isInteger(patch.slots))
      throw new UsageError('slots takes a server and a whole number');
    const e = await call<EngineEndpoint>('engines.updateEndpoint', { id: server.id, ...patch });
    if (values.json) return (printJson(io, e), 0);
    io.out(`${e.name}: ${e.enabled ? 'takes jobs' : 'paused'}, ${e.slots} slot(s)`);
    return 0;
  } finally {
    await core.dispose();
  }
}
