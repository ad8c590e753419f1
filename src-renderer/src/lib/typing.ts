/**
 * Whether a key went to a field being typed in: every page's single-key shortcuts (the Library's
 * curation keys, the cue editor's, the workspace's) leave those keys to the field.
 */
export function isTyping(target: EventTarget | null): boolean {
  const el = target as HTMLElement | null;
  return (
    !!el &&
    (el.tagName === 'INPUT' ||
      el.tagName === 'TEXTAREA' ||
      el.tagName === 'SELECT' ||
      el.isContentEditable)
  );
}
