// Writes docs/api.md from the contract: every method with its description and input schema,
// and every event. Run with `npm run docs:api`; a test checks the file is current.
import { writeFileSync } from 'node:fs';
import { z } from 'zod';
import { eventNames, events, methodNames, methods, type MethodName } from '../src-main/contract';

export function renderApiDocs(): string {
  const lines: string[] = [
    '# Atelier api reference',
    '',
    'Generated from `src-main/contract/` by `npm run docs:api`; do not edit by hand.',
    '',
    'Every method is reachable three ways with the same input and the same result envelope',
    '(`{"ok":true,"value":…}` or `{"ok":false,"error":{"code","message","details"}}`):',
    '',
    '- HTTP (serve mode): `POST /api/<method>` with a JSON body, authorised by `Authorization: Bearer <token>` (an API token from `atelier tokens create`, or the per-start token from this computer) or by the session cookie plus its CSRF token in `X-Atelier-CSRF`.',
    "- Electron: `window.atelier.invoke(method, input)` (the renderer's typed `api.call`).",
    "- CLI: `npm run atelier -- call <method> '<json>'`.",
    '',
    'Events arrive over the WebSocket at `/events` as `{"event": name, "payload": …}` (serve mode) or through `window.atelier.on` (Electron).',
    '',
    '## Signing in (serve mode)',
    '',
    '- `GET /auth/session`: `{"signedIn", "user": {"userId","name","role"}, "csrf", "accounts"}`; `csrf` goes back as `X-Atelier-CSRF` on every cookie-authorised call.',
    '- `POST /auth/sign-in` `{"email","password"}`: sets the session cookie (`atelier_<port>`, or `__Host-atelier_<port>` over TLS; HttpOnly, SameSite=Strict). Wrong credentials: 401; more than 5 failures for an account or 30 from an address in 15 minutes: 429 with `Retry-After`.',
    '- `POST /auth/sign-out`: ends this session.',
    '',
    'Roles: members curate, generate, build packs and read the whole library; methods marked **owner/admin** refuse members with `unauthorized`.',
    '',
    '## Methods',
    '',
  ];
  const byDomain = new Map<string, MethodName[]>();
  for (const name of [...methodNames].sort()) {
    const domain = name.split('.')[0]!;
    byDomain.set(domain, [...(byDomain.get(domain) ?? []), name]);
  }
  for (const [domain, names] of byDomain) {
    lines.push(`### ${domain}`, '');
    for (const name of names) {
      const def = methods[name];
      let schema: unknown;
      try {
        schema = z.toJSONSchema(def.input, { io: 'input', unrepresentable: 'any' });
      } catch {
        schema = { description: 'schema not representable as JSON Schema' };
      }
      lines.push(
        `#### \`${name}\``,
        '',
        def.access === 'manager' ? `${def.description} **owner/admin**` : def.description,
        '',
        '```json',
        JSON.stringify(schema, null, 2),
        '```',
        '',
      );
    }
  }
  lines.push('## Events', '');
  for (const name of [...eventNames].sort())
    lines.push(`- \`${name}\`: ${events[name].description}`);
  lines.push('');
  return lines.join('\n');
}

if (process.argv[1]?.endsWith('gen-api-docs.ts')) {
  writeFileSync('docs/api.md', renderApiDocs());
  console.log('Wrote docs/api.md');
}
