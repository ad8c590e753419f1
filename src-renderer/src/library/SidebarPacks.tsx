import { useEffect, useState } from 'react';
import { promptDialog } from '../components/DialogPrompts';
import { Icon } from '../components/Icon';
import { useNav } from '../stores/navigation';
import { usePacks } from '../stores/packs';
import { toastError } from '../stores/toasts';
import { LibIcon } from './LibIcon';
import { droppedAssets, isAssetDrag } from './dragAssets';
import './sidebarDrop.css';

/**
 * Packs as drop targets: drag cards (or the selection) from the grid onto a pack to add them.
 * Clicking a pack opens it in the pack editor.
 */
export function SidebarPacks() {
  const packs = usePacks((p) => p.packs);
  const loaded = usePacks((p) => p.loaded);
  const [over, setOver] = useState<string | null>(null);
  useEffect(() => {
    if (!usePacks.getState().loaded) void usePacks.getState().load();
  }, []);

  const newPack = async () => {
    const name = await promptDialog({ title: 'New pack', label: 'Name' });
    if (!name?.trim()) return;
    await usePacks.getState().create(name.trim());
  };
  const open = async (id: string) => {
    useNav.getState().go('packs');
    await usePacks.getState().select(id);
  };
  const drop = async (e: React.DragEvent, packId: string) => {
    e.preventDefault();
    setOver(null);
    const dropped = droppedAssets(e);
    if (!dropped) return;
    try {
      await usePacks.getState().addSelection(packId, dropped);
    } catch (err) {
      toastError('Could not add to the pack', err);
    }
  };

  return (
    <div className="lib-side-group" data-testid="side-packs">
      <h3>
        Packs
        <button
          className="icon-button"
          title="New pack"
          onClick={() => void newPack()}
          data-testid="side-new-pack"
        >
          <LibIcon name="plus" size={14} />
        </button>
      </h3>
      {loaded && packs.length === 0 && (
        <p className="side-hint">Create a pack, then drag assets onto it.</p>
      )}
      {packs.map((p) => (
        <button
          key={p.id}
          className={`lib-side-item drop-target${over === p.id ? ' drop-over' : ''}`}
          onClick={() => void open(p.id)}
          onDragEnter={(e) => isAssetDrag(e) && setOver(p.id)}
          onDragOver={(e) => {
            if (!isAssetDrag(e)) return;
            e.preventDefault();
            e.dataTransfer.dropEffect = 'copy';
          }}
          onDragLeave={(e) => {
            if (!e.currentTarget.contains(e.relatedTarget as Node | null))
              setOver((o) => (o === p.id ? null : o));
          }}
          onDrop={(e) => void drop(e, p.id)}
          data-testid="side-pack"
          data-pack-id={p.id}
          title={`Drop assets here to add them to “${p.name}”`}
        >
          <Icon name="packs" size={16} />
          <span className="grow">{p.name}</span>
          <span className="count">{p.assetCount.toLocaleString()}</span>
        </button>
      ))}
    </div>
  );
}
