import type { LocalPool, PoolStatus } from '@contract/index';

const names: Record<LocalPool, string> = { gpu: 'GPU', cpu: 'CPU', io: 'Disk' };
const hint: Record<LocalPool, string> = {
  gpu: 'Upscales and other GPU work at once (VRAM decides)',
  cpu: 'ffmpeg and other CPU work at once',
  io: 'Exports and other disk work at once',
};

/** This computer's pools, their slots (editable) and what runs on them. */
export function PoolSlots({
  pools,
  onSlots,
}: {
  pools: PoolStatus[];
  onSlots: (pool: LocalPool, slots: number) => void;
}) {
  const local = pools.filter((p): p is PoolStatus & { id: LocalPool } =>
    ['gpu', 'cpu', 'io'].includes(p.id),
  );
  if (local.length === 0) return null;
  return (
    <div className="pool-slots">
      <h3>This computer</h3>
      <table className="engines-table pool-table" data-testid="pool-slots">
        <tbody>
          {local.map((p) => (
            <tr key={p.id}>
              <td style={{ width: 190 }}>{names[p.id]}</td>
              <td>
                <input
                  type="number"
                  min={1}
                  max={p.id === 'cpu' ? 64 : 16}
                  defaultValue={p.slots}
                  key={p.slots}
                  aria-label={`${p.id} slots`}
                  style={{ width: 80 }}
                  onBlur={(e) => {
                    const n = Number(e.target.value);
                    if (Number.isInteger(n) && n >= 1 && n !== p.slots) onSlots(p.id, n);
                  }}
                />{' '}
                <span className="muted small">
                  {hint[p.id]}
                  {p.active > 0 ? ` · ${p.active} running now` : ''}
                </span>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
