import { AppError } from '../../contract/errors';
import type { usageMethods } from '../../contract/usage';
import type { Atelier } from '../app/atelier';
import type { Caller } from '../app/caller';
import type { HandlersFor } from '../app/handlerTypes';
import { gpuBalance } from '../jobs/quota';
import { statements } from '../db/statements';
import { usageReport } from './report';

/** The account `ref` (id or email) names, as the caller may ask: members only about themselves. */
function whoFor(core: Atelier, caller: Caller, ref: string | undefined): string | null {
  if (!ref) return caller.role === 'member' ? caller.userId : null;
  const row = statements(core.sqlite)
    .get('SELECT id FROM users WHERE id = ? OR email = ? COLLATE NOCASE')
    .get(ref, ref) as { id: string } | undefined;
  if (!row) throw new AppError('not_found', `No user ${ref}`);
  if (caller.role === 'member' && row.id !== caller.userId)
    throw new AppError('unauthorized', 'Members see their own usage only.');
  return row.id;
}

export function usageHandlers(core: Atelier): HandlersFor<keyof typeof usageMethods> {
  return {
    'usage.report': ({ user, ...input }, ctx) => {
      const userId = whoFor(core, ctx.caller, user);
      return usageReport(core, { ...input, userId });
    },
    'usage.balance': ({ user }, ctx) => {
      const userId = whoFor(core, ctx.caller, user) ?? ctx.caller.userId;
      if (!userId) throw new AppError('invalid_input', 'Name the account (user).');
      return gpuBalance(core, userId);
    },
  };
}
