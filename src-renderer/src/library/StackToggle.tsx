import { useLibrary } from './libraryStore';

/**
 * "Stack versions" in the toolbar (on by default, remembered): upscales, denoises and variants
 * stacked under the asset they were made from, or every asset on its own card.
 */
export function StackToggle() {
  const on = useLibrary((s) => s.stacks);
  const setStacks = useLibrary((s) => s.setStacks);
  const title = on
    ? 'Stack versions is on: upscales, denoises and variants are stacked under their original (the badge shows the stack; click it or press S to open it). Click to show every version on its own card.'
    : 'Stack versions is off: every version has its own card. Click to stack them under their originals.';
  return (
    <button
      type="button"
      className={`icon-button stack-toggle${on ? ' on' : ''}`}
      onClick={() => setStacks(!on)}
      aria-pressed={on}
      aria-label="Stack versions"
      title={title}
      data-testid="stack-toggle"
    >
      <svg
        width="16"
        height="16"
        viewBox="0 0 24 24"
        fill="none"
        stroke="currentColor"
        strokeWidth={1.7}
        strokeLinejoin="round"
        aria-hidden="true"
      >
        <path d="M3 10h13v10H3zM7 6h13v10M11 2h9" />
      </svg>
    </button>
  );
}
