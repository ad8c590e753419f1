import { parseArgs } from 'node:util';
import {
  userRoles,
  type ApiTokenInfo,
  type UserInfo,
  type UserRole,
} from '../../contract/accounts';
import { AppError } from '../../contract/errors';
import { createApi } from '../../core/api/dispatch';
import { openForCli, resolveDataDir } from '../openCore';
import { printJson, UsageError, type CliIO } from '../output';
import { readPassword } from '../secrets';

export const usersHelp = `atelier users [list] [--json]
atelier users add EMAIL [--role member|admin|owner] [--name NAME]
atelier users disable|enable|reset-password EMAIL
atelier users role EMAIL member|admin|owner
atelier users quota EMAIL MINUTES|none
  The people who sign in when Atelier is served to a browser. A password is typed at the
  terminal (twice, not shown) or piped on stdin, never given as an argument. Disabling an
  account ends its sessions at once; a quota caps its GPU minutes per day.`;

export const tokensHelp = `atelier tokens [list] [--json]
atelier tokens create --name NAME [--user EMAIL]
atelier tokens revoke ID|NAME
  Bearer tokens for scripts: \`curl -H "Authorization: Bearer att_…" -X POST http://…/api/<method>\`.
  A token acts as its user (the owner unless --user), is shown once, and stops when revoked.`;

function userLine(u: UserInfo): string {
  const who = u.email ?? `${u.name} (this computer's owner, no password)`;
  const quota = u.gpuMinutesPerDay === null ? '' : ` · ${u.gpuMinutesPerDay} GPU min/day`;
  const last = u.lastSignInAt ? ` · last sign-in ${u.lastSignInAt}` : '';
  return `${who.padEnd(32)} ${u.role.padEnd(7)}${u.disabled ? ' DISABLED' : ''}${quota}${last}`;
}

const isRole = (r: string | undefined): r is UserRole =>
  (userRoles as readonly string[]).includes(r ?? '');

async function withApi<T>(
  dataDir: string | undefined,
  fn: (call: <O>(method: string, input: unknown) => Promise<O>) => Promise<T>,
): Promise<T> {
  const core = await openForCli(resolveDataDir(dataDir), 'cli', false);
  try {
    const api = createApi(core);
    return await fn(async <O>(method: string, input: unknown) => {
      const r = await api.invoke(method, input);
      // The api's refusal is not a usage mistake: exit 1, without the help text.
      if (!r.ok) throw new AppError(r.error.code, r.error.message);
      return r.value as O;
    });
  } finally {
    await core.dispose();
  }
}

function parse(argv: string[]) {
  const [first, ...rest] = argv;
  const sub = !first || first.startsWith('-') ? 'list' : first;
  const { values, positionals } = parseArgs({
    args: !first || first.startsWith('-') ? argv : rest,
    options: {
      'data-dir': { type: 'string' },
      json: { type: 'boolean', default: false },
      role: { type: 'string' },
      name: { type: 'string' },
      user: { type: 'string' },
    },
    allowPositionals: true,
    strict: true,
  });
  return { sub, values, positionals };
}

export async function usersCommand(argv: string[], io: CliIO): Promise<number> {
  const { sub, values, positionals } = parse(argv);
  const [email, arg] = positionals;
  const needEmail = () => {
    if (!email) throw new UsageError(`${sub} takes an EMAIL`);
    return email;
  };
  if (sub === 'list')
    return withApi(values['data-dir'], async (call) => {
      const users = await call<UserInfo[]>('users.list', {});
      if (values.json) printJson(io, users);
      else for (const u of users) io.out(userLine(u));
      return 0;
    });
  if (sub === 'add') {
    const role = values.role ?? 'member';
    if (!isRole(role)) throw new UsageError(`--role is one of ${userRoles.join(', ')}`);
    needEmail();
    const password = await readPassword(`Password for ${email}`);
    return withApi(values['data-dir'], async (call) => {
      const u = await call<UserInfo>('users.add', {
        email,
        role,
        password,
        ...(values.name ? { name: values.name } : {}),
      });
      io.out(`Added ${u.email} as ${u.role}.`);
      return 0;
    });
  }
  if (sub === 'reset-password') {
    needEmail();
    const password = await readPassword(`New password for ${email}`);
    return withApi(values['data-dir'], async (call) => {
      await call('users.resetPassword', { id: email, password });
      io.out(`Password changed; ${email} signs in again everywhere.`);
      return 0;
    });
  }
  const patches: Record<string, () => Record<string, unknown>> = {
    disable: () => ({ disabled: true }),
    enable: () => ({ disabled: false }),
    role: () => {
      if (!isRole(arg)) throw new UsageError(`role takes one of ${userRoles.join(', ')}`);
      return { role: arg };
    },
    quota: () => {
      if (arg === 'none') return { gpuMinutesPerDay: null };
      const n = Number(arg);
      if (!arg || !Number.isFinite(n) || n < 0 || n > 1440)
        throw new UsageError('quota takes GPU minutes per day (0–1440) or "none"');
      return { gpuMinutesPerDay: n };
    },
  };
  const patch = patches[sub];
  if (!patch)
    throw new UsageError(
      `Unknown users subcommand: ${sub} (use list, add, disable, enable, reset-password, role, quota)`,
    );
  needEmail();
  const input = patch();
  return withApi(values['data-dir'], async (call) => {
    const u = await call<UserInfo>('users.update', { id: email, ...input });
    io.out(userLine(u));
    return 0;
  });
}

export async function tokensCommand(argv: string[], io: CliIO): Promise<number> {
  const { sub, values, positionals } = parse(argv);
  if (sub === 'list')
    return withApi(values['data-dir'], async (call) => {
      const tokens = await call<ApiTokenInfo[]>('tokens.list', {});
      if (values.json) printJson(io, tokens);
      else
        for (const t of tokens)
          io.out(
            `${t.name.padEnd(20)} ${t.id}  ${t.revokedAt ? `revoked ${t.revokedAt}` : t.lastUsedAt ? `last used ${t.lastUsedAt}` : 'never used'}`,
          );
      return 0;
    });
  if (sub === 'create') {
    if (!values.name) throw new UsageError('create needs --name NAME');
    return withApi(values['data-dir'], async (call) => {
      const t = await call<ApiTokenInfo & { token: string }>('tokens.create', {
        name: values.name,
        ...(values.user ? { user: values.user } : {}),
      });
      if (values.json) printJson(io, t);
      else {
        io.out(t.token);
        io.err(`Token "${t.name}" made; copy it now, it is not shown again.`);
      }
      return 0;
    });
  }
  if (sub === 'revoke') {
    const ref = positionals[0];
    if (!ref) throw new UsageError('revoke takes a token ID or NAME');
    return withApi(values['data-dir'], async (call) => {
      await call('tokens.revoke', { id: ref });
      io.out(`Revoked ${ref}.`);
      return 0;
    });
  }
  throw new UsageError(`Unknown tokens subcommand: ${sub} (use list, create, revoke)`);
}
