import { AppError } from '../../contract/errors';
import type { accountsMethods } from '../../contract/accounts';
import type { Atelier } from '../app/atelier';
import type { HandlersFor } from '../app/handlerTypes';
import { createApiToken, listApiTokens, revokeApiToken } from './sessions';
import { addUser, listUsers, resetPassword, updateUser } from './users';

export function accountsHandlers(core: Atelier): HandlersFor<keyof typeof accountsMethods> {
  return {
    'auth.me': async (_i, ctx) => {
      const row = ctx.caller.userId
        ? await core.db
            .selectFrom('users')
            .select('email')
            .where('id', '=', ctx.caller.userId)
            .executeTakeFirst()
        : undefined;
      return { ...ctx.caller, email: row?.email ?? null, host: ctx.host };
    },
    'users.list': () => listUsers(core),
    'users.add': (input, ctx) => addUser(core, ctx.caller, input),
    'users.update': ({ id, ...patch }, ctx) => updateUser(core, ctx.caller, id, patch),
    'users.resetPassword': ({ id, password }, ctx) => {
      const self = id === ctx.caller.userId;
      if (!self && ctx.caller.role === 'member')
        throw new AppError('unauthorized', "Only an admin may set someone else's password.");
      return resetPassword(core, ctx.caller, id, password);
    },
    'tokens.list': (_i, ctx) => listApiTokens(core, ctx.caller),
    'tokens.create': (input, ctx) => createApiToken(core, ctx.caller, input),
    'tokens.revoke': async ({ id }, ctx) => {
      await revokeApiToken(core, ctx.caller, id);
      return { revoked: true as const };
    },
    'audit.list': async ({ limit }) =>
      (
        await core.db
          .selectFrom('audit_log')
          .selectAll()
          .orderBy('id', 'desc')
          .limit(limit)
          .execute()
      ).map((r) => ({
        id: r.id,
        at: r.at,
        userId: r.user_id,
        ip: r.ip,
        action: r.action,
        target: r.target,
        details: r.details ? (JSON.parse(r.details) as unknown) : null,
      })),
  };
}
