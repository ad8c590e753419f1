import type { GridItem } from '@contract/index';
import { useLibrary } from './libraryStore';

function StackGlyph() {
  return (
    <svg
      width="12"
      height="12"
      viewBox="0 0 24 24"
      fill="none"
      stroke="currentColor"
      strokeWidth={2.2}
      aria-hidden="true"
    >
      <path d="M4 9h12v11H4zM8 5h12v11" strokeLinejoin="round" />
    </svg>
  );
}

/**
 * The stack badge on an asset that has versions stacked under it: the stack's size (the asset
 * and its versions). A click (or S) shows the versions right after it, or hides them again.
 */
export function StackBadge({ item }: { item: GridItem }) {
  if (!item.stack) return null;
  const size = item.stack.count + 1;
  const versions = item.stack.count === 1 ? '1 version' : `${item.stack.count} versions`;
  const title = item.stack.expanded
    ? `Stack of ${size}: its ${versions} are shown after it. Click or press S to stack them again.`
    : `Stack of ${size}: this original and ${versions} (upscales, denoises, variants). Selecting this card selects the original only. Click or press S to show the versions.`;
  return (
    <button
      type="button"
      className={`stack-badge${item.stack.expanded ? ' open' : ''}`}
      data-testid="stack-badge"
      data-expanded={item.stack.expanded ? '1' : '0'}
      aria-expanded={item.stack.expanded}
      aria-label={title}
      title={title}
      onMouseDown={(e) => e.stopPropagation()}
      onDoubleClick={(e) => e.stopPropagation()}
      onClick={(e) => {
        e.stopPropagation();
        void useLibrary.getState().toggleStack(item.id);
      }}
    >
      <StackGlyph />
      {size}
    </button>
  );
}

/** On a version shown in an expanded stack: which stack it belongs to. */
export function StackMark() {
  return (
    <span
      className="stack-mark"
      data-testid="stack-member"
      title="A version in an expanded stack (S stacks it again under its original)"
    >
      <StackGlyph />
    </span>
  );
}
