import { useEffect } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { FolderNode, LibraryFilterInput } from '@contract/index';
import { LibIcon } from './LibIcon';
import { subscribeFolderTree, useFolderTree } from './folderTreeStore';

interface Props {
  /** The filter now on, or null in the duplicates view (nothing is shown as active). */
  filter: LibraryFilterInput | null;
  onPick(filter: LibraryFilterInput): void;
}

/**
 * The watched folders and their sub-folders with counts: a click shows that folder (and what
 * is under it) in the grid. Folding, of the group and of each folder, is remembered.
 */
export function SidebarFolders({ filter, onPick }: Props) {
  const { roots, loaded, groupOpen, expanded, toggle, toggleGroup } = useFolderTree(
    useShallow((s) => ({
      roots: s.roots,
      loaded: s.loaded,
      groupOpen: s.groupOpen,
      expanded: s.expanded,
      toggle: s.toggle,
      toggleGroup: s.toggleGroup,
    })),
  );
  useEffect(() => subscribeFolderTree(), []);
  if (loaded && roots.length === 0) return null;
  const isActive = (folderId: string, path: string | undefined) =>
    filter !== null && filter.folderId === folderId && filter.folderPath === path;
  const row = (
    folderId: string,
    key: string,
    name: string,
    count: number,
    path: string | undefined,
    children: FolderNode[],
    depth: number,
    title: string,
  ) => {
    const open = expanded.includes(key);
    const active = isActive(folderId, path);
    return (
      <div key={key} role="treeitem" aria-expanded={children.length ? open : undefined}>
        <div className="folder-row" style={{ paddingLeft: depth * 12 }}>
          <button
            type="button"
            className={`folder-twisty${children.length ? '' : ' spacer'}`}
            onClick={() => children.length && toggle(key)}
            aria-label={open ? `Fold ${name}` : `Unfold ${name}`}
            tabIndex={children.length ? 0 : -1}
            data-testid="folder-twisty"
          >
            {open ? '▾' : '▸'}
          </button>
          <button
            className={`lib-side-item${active ? ' active' : ''}`}
            onClick={() => onPick({ folderId, folderPath: path })}
            aria-pressed={active}
            title={title}
            data-testid="side-folder"
            data-folder-id={folderId}
            data-folder-path={path ?? ''}
          >
            <LibIcon name="folder" />
            <span className="grow">{name}</span>
            <span className="count">{count.toLocaleString()}</span>
          </button>
        </div>
        {open &&
          children.map((c) =>
            row(
              folderId,
              `${folderId}/${c.path}`,
              c.name,
              c.count,
              c.path,
              c.children,
              depth + 1,
              c.path,
            ),
          )}
      </div>
    );
  };
  return (
    <div className="lib-side-group" data-testid="side-folders">
      <h3>
        <button
          type="button"
          className="group-toggle"
          onClick={toggleGroup}
          aria-expanded={groupOpen}
          data-testid="side-folders-toggle"
        >
          {groupOpen ? '▾' : '▸'} Folders
        </button>
      </h3>
      {groupOpen && (
        <div className="folder-tree" role="tree" aria-label="Watched folders">
          {roots.map((r) => row(r.id, r.id, r.name, r.count, undefined, r.children, 0, r.path))}
        </div>
      )}
    </div>
  );
}
