import { useEffect, type RefObject } from 'react';
import { useToasts } from '../stores/toasts';
import { labelByKey } from './colorLabels';
import { useLibrary } from './libraryStore';
import { isTyping as typing } from '../lib/typing';

/**
 * Keyboard-first curation. The store applies each change to the card before the api call, so a
 * key shows in the next frame; the api persists it in well under 50 ms.
 */
export function useLibraryKeys(
  columns: RefObject<number>,
  openTagger: () => void,
  focusSearch: () => void,
): void {
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (typing(e.target)) return;
      // A modal dialog's keys are its own (typed tags must never approve or like anything).
      if (document.querySelector('[aria-modal="true"]')) return;
      // Enter and Space on a focused button press it; they are not review or quick look.
      if (
        (e.target as HTMLElement | null)?.tagName === 'BUTTON' &&
        (e.key === 'Enter' || e.key === ' ')
      )
        return;
      const s = useLibrary.getState();
      if (s.view === 'duplicates' || s.compare) return;
      const mod = e.ctrlKey || e.metaKey;
      const key = e.key;
      const step = s.view === 'list' || s.review ? 1 : Math.max(1, columns.current ?? 1);
      const focused = s.items[s.focus];
      const decide = (patch: Parameters<typeof s.curate>[0], advance: boolean) => {
        e.preventDefault();
        void s.curate(patch);
        if (advance && s.review && s.focus < s.items.length - 1) s.moveFocus(s.focus + 1, false);
      };
      if (mod && key.toLowerCase() === 'z') {
        e.preventDefault();
        void s.undo();
        return;
      }
      if (mod && key.toLowerCase() === 'a') {
        e.preventDefault();
        s.selectAll();
        return;
      }
      if (mod || e.altKey) return;
      switch (key) {
        case 'ArrowRight':
          e.preventDefault();
          s.moveFocus(s.focus + 1, e.shiftKey);
          return;
        case 'ArrowLeft':
          e.preventDefault();
          s.moveFocus(s.focus - 1, e.shiftKey);
          return;
        case 'ArrowDown':
          e.preventDefault();
          s.moveFocus(s.focus + step, e.shiftKey);
          return;
        case 'ArrowUp':
          e.preventDefault();
          s.moveFocus(s.focus - step, e.shiftKey);
          return;
        case 'Home':
          e.preventDefault();
          s.moveFocus(0, e.shiftKey);
          return;
        case 'End':
          e.preventDefault();
          s.moveFocus(s.items.length - 1, e.shiftKey);
          return;
        case 'Enter':
          e.preventDefault();
          if (focused) s.set({ review: !s.review, quickLook: false, reviewZoom: false });
          return;
        case ' ':
          e.preventDefault();
          if (focused && !s.review) s.set({ quickLook: !s.quickLook });
          return;
        case 'Escape':
          if (s.shortcuts || s.quickLook || s.review)
            s.set({ shortcuts: false, quickLook: false, review: false, reviewZoom: false });
          else s.clearSelection();
          return;
        case '?':
          e.preventDefault();
          s.set({ shortcuts: !s.shortcuts });
          return;
        case '/':
          e.preventDefault();
          focusSearch();
          return;
        case 'Delete':
        case 'Backspace':
          e.preventDefault();
          if (!s.filter.trashed) void s.toTrash();
          return;
      }
      if (!focused || s.filter.trashed) return;
      switch (key.toLowerCase()) {
        case 'p':
          decide({ status: 'approved' }, true);
          return;
        case 'x':
          decide({ status: 'rejected' }, true);
          return;
        case 'u':
          decide({ status: 'pending' }, false);
          return;
        case 'l':
          decide({ liked: !focused.liked }, false);
          return;
        case 't':
          e.preventDefault();
          openTagger();
          return;
        case 's':
          // Opens or closes the focused asset's stack (its versions right after it).
          if (!focused.stack && !focused.stackOf) return;
          e.preventDefault();
          void s.toggleStack(focused.id);
          return;
        case 'i':
          if (!s.review) return;
          e.preventDefault();
          s.set({ reviewInfo: !s.reviewInfo });
          return;
        case 'z':
          if (!s.review || focused.type !== 'image') return;
          e.preventDefault();
          s.set({ reviewZoom: !s.reviewZoom });
          return;
        case 'c': {
          e.preventDefault();
          const ids = s.items.filter((i) => s.selected.has(i.id)).map((i) => i.id);
          if (s.allMatching || ids.length < 2 || ids.length > 4) {
            useToasts.getState().push({
              kind: 'info',
              title: 'Select 2 to 4 assets to compare',
              detail: 'Ctrl/⌘ + click or Shift + arrows adds to the selection.',
            });
            return;
          }
          s.set({ compare: ids, review: false, quickLook: false });
          return;
        }
      }
      if (/^[0-5]$/.test(key)) decide({ rating: Number(key) }, false);
      // Lightroom's 6–9: a colour label; the focused asset's own label again clears it.
      const label = labelByKey[key];
      if (label) decide({ colorLabel: focused.colorLabel === label ? null : label }, false);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [columns, openTagger, focusSearch]);
}
