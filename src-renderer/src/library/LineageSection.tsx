import { useEffect, useState } from 'react';
import type { AssetRelations, Lineage, LineageGraphEdge } from '@contract/index';
import { api } from '../api/client';
import { useNav } from '../stores/navigation';
import { displayName } from './format';
import './lineage.css';

const roleLabels: Record<string, string> = {
  source: 'Made from',
  init: 'Init image',
  reference: 'Reference',
  mask: 'Mask',
  lora: 'LoRA',
  model: 'Model',
  dataset: 'Dataset',
  character: 'Character',
  made_by: 'Made by',
  part_of: 'Part of',
};

function weightOf(e: LineageGraphEdge): string {
  const w = (e.details as { weight?: unknown } | null)?.weight;
  return typeof w === 'number' ? ` (${w})` : '';
}

/**
 * Where an asset came from, as a tree walked upwards (init image, mask, LoRAs, the job and the
 * order that made it, and their own sources in turn), and what was made from it.
 */
export function LineageSection({
  id,
  rel,
  onShow,
}: {
  id: string;
  rel: AssetRelations | null;
  onShow: (assetId: string) => void;
}) {
  const [lineage, setLineage] = useState<Lineage | null>(null);
  useEffect(() => {
    let live = true;
    setLineage(null);
    api.call('process.lineage', { assetId: id }).then(
      (l) => live && setLineage(l),
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, [id]);
  const graph = lineage?.asset.id === id ? lineage.graph : null;
  const upstream = graph ? graph.edges.length > 0 : false;
  const derived = rel?.derived ?? [];
  if (!upstream && derived.length === 0) return null;
  const nodes = new Map(graph?.nodes.map((n) => [n.key, n]) ?? []);
  const seen = new Set<string>();
  const branch = (key: string, depth: number): React.ReactNode => {
    if (seen.has(key) || depth > 8) return null;
    seen.add(key);
    const out = graph!.edges.filter((e) => e.from === key);
    if (out.length === 0) return null;
    return (
      <ul className="lineage-tree">
        {out.map((e) => {
          const n = nodes.get(e.to)!;
          const name =
            n.kind === 'asset' && n.exists ? (
              <button className="link" onClick={() => onShow(n.id)}>
                {n.label}
              </button>
            ) : n.kind === 'job' || n.kind === 'order_item' || n.kind === 'training' ? (
              <button className="link" onClick={() => useNav.getState().go('jobs')}>
                {n.label}
              </button>
            ) : (
              <span className={n.exists ? '' : 'muted'}>{n.label}</span>
            );
          return (
            <li key={`${e.from}>${e.role}>${e.to}`} data-role={e.role}>
              <span className="lineage-role">{roleLabels[e.role] ?? e.role}</span> {name}
              {weightOf(e)}
              {branch(e.to, depth + 1)}
            </li>
          );
        })}
      </ul>
    );
  };
  return (
    <section data-testid="lineage">
      <h3>Lineage</h3>
      {upstream && branch(`asset:${id}`, 0)}
      {derived.length > 0 && (
        <ul className="link-list">
          {derived.map((x) => (
            <li key={x.id}>
              Made into{' '}
              <button className="link" onClick={() => onShow(x.id)}>
                {displayName(x)}
              </button>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
