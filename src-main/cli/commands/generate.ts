import { parseArgs } from 'node:util';
import type { OrderPreview } from '../../contract/batches';
import type { GenerateInput, OrderDetail, OrderSummary } from '../../contract/generate';
import { call, createApi } from '../../core/api/dispatch';
import { printJson, UsageError, type CliIO } from '../output';
import { openForJobs } from './jobs';
import { resolveAssetIds } from './process';
import { runAndWait } from './runAndWait';

export const generateHelp = `atelier generate --model M --prompt P [--negative N] [--count N] [--seed S] [--seed-mode increment|fixed|random]
                 [--size WxH] [--steps N] [--cfg X] [--sampler S] [--scheduler S] [--lora NAME:WEIGHT]…
                 [--init ASSET --strength X] [--engine sdcpp|comfyui|sdserver|SERVER] [--title T]
                 [--workspace] [--no-negative-presets] [--wait] [--json]
  Queue an order of images from one of your models (by name, file name, hash or id; see
  \`atelier models list --kind checkpoint\`). Each image is a job: sd-cli on this computer (from
  Settings → Engines, ATELIER_SDCPP_BIN or PATH), an sd-server, or ComfyUI servers (spread over
  every free one). The prompt may expand ([red,blue], [lookup], __wildcard__, (&) batches; see
  \`atelier orders preview\`): each expanded prompt is made --count times. --workspace stages the
  images to keep or discard (\`atelier workspace\`) instead of adding them to the Library. --wait
  runs it here and exits when it ends (0 if every image was made).`;

export const ordersHelp = `atelier orders preview --prompt P [--negative N] [--seed S] [--family sd15|sdxl|…] [--json]
atelier orders list [--status pending,processing,fulfilled,failed,cancelled] [--limit N] [--json]
atelier orders show ORDER [--json]
atelier orders cancel ORDER
atelier orders retry ORDER [--item ITEM]… [--wait]
  Generation orders and their items. preview shows what a prompt expands to (batches, images,
  warnings; --json prints every item's prompt, negative and parameters) without queueing. Cancel
  keeps the images already made; retry runs failed and cancelled items again with the same seeds.`;

const num = (v: string | undefined, name: string): number | undefined => {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isFinite(n)) throw new UsageError(`--${name} must be a number, got “${v}”`);
  return n;
};

/** `name:0.8` (the weight defaults to 1; a name may itself hold colons, the weight is the last part). */
export function parseLora(text: string): { model: string; weight: number } {
  const t = text.trim();
  const at = t.lastIndexOf(':');
  const tail = at >= 0 ? t.slice(at + 1) : '';
  const weighted = at >= 0 && /^-?\d+(\.\d+)?$/.test(tail);
  const name = (weighted ? t.slice(0, at) : t).trim();
  if (!name || name.startsWith(':'))
    throw new UsageError(`--lora wants NAME or NAME:WEIGHT, got “${text}”`);
  return { model: name, weight: weighted ? Number(tail) : 1 };
}

function parseSize(text: string): { width: number; height: number } {
  const m = /^(\d+)\s*[x×]\s*(\d+)$/i.exec(text.trim());
  if (!m) throw new UsageError(`--size wants WIDTHxHEIGHT (e.g. 1024x1024), got “${text}”`);
  return { width: Number(m[1]), height: Number(m[2]) };
}

export function orderLine(o: OrderSummary): string {
  const made = `${o.completeCount}/${o.itemCount}`;
  const extra = [
    o.failedCount ? `${o.failedCount} failed` : '',
    o.cancelledCount ? `${o.cancelledCount} cancelled` : '',
  ]
    .filter(Boolean)
    .join(', ');
  return `${o.id}  ${o.status.padEnd(10)} ${made.padStart(9)}${extra ? ` (${extra})` : ''}  ${o.model?.name ?? '?'}  ${o.title}`;
}

function printPreview(io: CliIO, p: OrderPreview): void {
  for (const e of p.errors) io.out(`error: ${e}`);
  if (!p.ok) return;
  io.out(
    `${p.batches.length} batch${p.batches.length === 1 ? '' : 'es'} · ${p.total} image${p.total === 1 ? '' : 's'}${p.dryRun ? ' (dry run: nothing would be generated)' : ''}${p.truncated ? ' (cut at the limit)' : ''}`,
  );
  for (const b of p.batches) {
    io.out(
      `  batch ${b.index}: ${b.count} of ${b.combinations}${b.truncated ? ` (${b.dropped} dropped)` : ''}`,
    );
    if (b.first)
      io.out(
        `    first: ${b.first.prompt}${b.first.negative ? `  |  negative: ${b.first.negative}` : ''}`,
      );
    for (const w of b.warnings) io.out(`    ! ${w}`);
  }
  for (const w of p.warnings) io.out(`! ${w}`);
  if (p.negativePresets.length) io.out(`negative presets added: ${p.negativePresets.join(' · ')}`);
}

function printOrder(io: CliIO, o: OrderDetail): void {
  io.out(orderLine(o));
  for (const i of o.items) {
    const what =
      i.error ??
      (i.assetIds.length
        ? `→ ${i.assetIds.join(', ')}`
        : i.workspaceItemIds.length
          ? `staged ${i.workspaceItemIds.join(', ')}`
          : '');
    io.out(
      `  #${String(i.seq).padEnd(5)} ${i.status.padEnd(10)} seed ${String(i.params.seed).padEnd(12)} ${what}`,
    );
    for (const w of i.warnings) io.out(`         ! ${w}`);
  }
}

export async function generateCommand(argv: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    options: {
      'data-dir': { type: 'string' },
      json: { type: 'boolean', default: false },
      wait: { type: 'boolean', default: false },
      model: { type: 'string' },
      prompt: { type: 'string' },
      negative: { type: 'string' },
      count: { type: 'string' },
      seed: { type: 'string' },
      'seed-mode': { type: 'string' },
      size: { type: 'string' },
      steps: { type: 'string' },
      cfg: { type: 'string' },
      sampler: { type: 'string' },
      scheduler: { type: 'string' },
      lora: { type: 'string', multiple: true },
      init: { type: 'string' },
      strength: { type: 'string' },
      engine: { type: 'string' },
      title: { type: 'string' },
      workspace: { type: 'boolean', default: false },
      'no-negative-presets': { type: 'boolean', default: false },
    },
    allowPositionals: true,
    strict: true,
  });
  if (positionals.length)
    throw new UsageError(`Unexpected “${positionals[0]}” (quote the prompt: --prompt "…")`);
  if (!values.model) throw new UsageError('Say which model: --model NAME');
  if (values.prompt === undefined) throw new UsageError('Give a prompt: --prompt "…"');
  if (values.strength !== undefined && !values.init)
    throw new UsageError('--strength goes with --init ASSET');
  const core = await openForJobs(values['data-dir']);
  try {
    const api = createApi(core);
    const input: GenerateInput = {
      model: values.model,
      prompt: values.prompt,
      ...(values.negative !== undefined ? { negative: values.negative } : {}),
      ...(values.count !== undefined ? { count: num(values.count, 'count') } : {}),
      ...(values.seed !== undefined ? { seed: num(values.seed, 'seed') } : {}),
      ...(values['seed-mode']
        ? { seedMode: values['seed-mode'] as GenerateInput['seedMode'] }
        : {}),
      ...(values.size ? parseSize(values.size) : {}),
      ...(values.steps !== undefined ? { steps: num(values.steps, 'steps') } : {}),
      ...(values.cfg !== undefined ? { cfg: num(values.cfg, 'cfg') } : {}),
      ...(values.sampler ? { sampler: values.sampler } : {}),
      ...(values.scheduler ? { scheduler: values.scheduler } : {}),
      ...(values.lora?.length ? { loras: values.lora.map(parseLora) } : {}),
      ...(values.engine ? { engine: values.engine } : {}),
      ...(values.title ? { title: values.title } : {}),
      ...(values.workspace ? { destination: 'workspace' as const } : {}),
      ...(values['no-negative-presets'] ? { noNegativePresets: true } : {}),
    };
    if (values.init) {
      const [assetId] = await resolveAssetIds(core, [values.init]);
      input.init = {
        assetId: assetId!,
        ...(values.strength !== undefined ? { strength: num(values.strength, 'strength') } : {}),
      };
    }
    const order = (await call(api, 'generate.start', input)) as OrderDetail;
    if (!values.wait) {
      if (values.json) printJson(io, order);
      else
        io.out(
          `${order.sourcePrompt ? `The prompt expanded to ${order.itemCount} image${order.itemCount === 1 ? '' : 's'}. ` : ''}Queued order ${order.id}: ${order.itemCount} image${order.itemCount === 1 ? '' : 's'} of “${order.model?.name}” on ${(order.params as { placement?: string }).placement ?? order.engine}. It runs when the app or \`atelier serve\` runs; add --wait to run it now.`,
        );
      return 0;
    }
    await runAndWait(core, order.jobId!, io, values.json);
    const final = (await call(api, 'orders.get', { id: order.id })) as OrderDetail;
    if (values.json) printJson(io, final);
    else printOrder(io, final);
    return final.status === 'fulfilled' ? 0 : 1;
  } finally {
    await core.dispose();
  }
}

export async function ordersCommand(argv: string[], io: CliIO): Promise<number> {
  const [sub, ...rest] = argv;
  const { values, positionals } = parseArgs({
    args: rest,
    options: {
      'data-dir': { type: 'string' },
      json: { type: 'boolean', default: false },
      wait: { type: 'boolean', default: false },
      status: { type: 'string' },
      limit: { type: 'string' },
      item: { type: 'string', multiple: true },
      prompt: { type: 'string' },
      negative: { type: 'string' },
      seed: { type: 'string' },
      family: { type: 'string' },
    },
    allowPositionals: true,
    strict: true,
  });
  if (!sub || !['preview', 'list', 'show', 'cancel', 'retry'].includes(sub))
    throw new UsageError(
      `Unknown orders subcommand: ${sub ?? '(none)'} (use preview, list, show, cancel, retry)`,
    );
  if (sub === 'preview' && values.prompt === undefined)
    throw new UsageError('preview needs --prompt "…"');
  if (sub !== 'list' && sub !== 'preview' && positionals.length !== 1)
    throw new UsageError(`${sub} takes one ORDER id`);
  const core = await openForJobs(values['data-dir']);
  try {
    const api = createApi(core);
    if (sub === 'preview') {
      const p = (await call(api, 'orders.preview', {
        prompt: values.prompt!,
        ...(values.negative !== undefined ? { negative: values.negative } : {}),
        ...(values.seed !== undefined ? { seed: num(values.seed, 'seed') } : {}),
        ...(values.family ? { family: values.family as never } : {}),
        items: values.json,
      })) as OrderPreview;
      if (values.json) printJson(io, p);
      else printPreview(io, p);
      return p.ok ? 0 : 1;
    }
    if (sub === 'list') {
      const list = (await call(api, 'orders.list', {
        ...(values.status ? { status: values.status.split(',').map((s) => s.trim()) } : {}),
        limit: num(values.limit, 'limit') ?? 50,
      })) as OrderSummary[];
      if (values.json) printJson(io, list);
      else if (!list.length)
        io.out('No orders yet: `atelier generate --model M --prompt P` queues one.');
      else for (const o of list) io.out(orderLine(o));
      return 0;
    }
    const id = positionals[0]!;
    let order: OrderDetail;
    if (sub === 'show') order = (await call(api, 'orders.get', { id })) as OrderDetail;
    else if (sub === 'cancel') order = (await call(api, 'orders.cancel', { id })) as OrderDetail;
    else {
      order = (await call(api, 'orders.retry', {
        id,
        ...(values.item?.length ? { itemIds: values.item } : {}),
      })) as OrderDetail;
      if (values.wait && order.jobId) {
        await runAndWait(core, order.jobId, io, values.json);
        order = (await call(api, 'orders.get', { id })) as OrderDetail;
      }
    }
    if (values.json) printJson(io, order);
    else printOrder(io, order);
    return 0;
  } finally {
    await core.dispose();
  }
}
