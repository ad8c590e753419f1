import { useEffect, type RefObject } from 'react';
import { isTyping as typing } from '../lib/typing';

/** What the cue editor's keys do; read through a ref, so the listener is added once. */
export interface CueKeyActions {
  /** Select the cue `delta` away from the selected one (the first or last at the ends). */
  move(delta: number): void;
  moveTo(which: 'first' | 'last'): void;
  /** Play the selected cue, or stop it playing. */
  play(): void;
  edit(field: CueField): void;
  /** Leave `field` (which saves it) and edit the same field of the next cue. */
  saveAndNext(field: HTMLElement): void;
  split(): void;
  merge(): void;
  nudge(edge: 'start' | 'end', deltaMs: number): void;
  seekBy(deltaMs: number): void;
  toggleHelp(): void;
  /** False: the help is closed, and Escape has nothing to close. */
  closeHelp(): boolean;
}

export type CueField = 'cue-text' | 'cue-translation';

/** The editor's shortcuts as the help shows them (docs/localization.md lists the same). */
export const cueShortcuts: [string, string][] = [
  ['↑ ↓  or  K J', 'Previous / next cue'],
  ['Home  End', 'First / last cue'],
  ['Space', 'Play the cue / stop'],
  ['← →', 'Playhead 0.5 s back / on (Shift: 0.1 s)'],
  ['Enter', 'Edit the text'],
  ['Shift + Enter', 'Edit the translation'],
  ['Ctrl/⌘ + Enter', 'Save and edit the next cue'],
  ['Esc', 'Leave the field (undoes its unsaved typing)'],
  ['S', 'Split the cue at the playhead'],
  ['M', 'Merge with the next cue'],
  ['[  ]', 'Start 0.1 s earlier / later (Shift: 10 ms)'],
  [";  '", 'End 0.1 s earlier / later (Shift: 10 ms)'],
  ['?', 'These shortcuts'],
];

/**
 * Subtitle-editor keys for the cue editor (Aegisub's and Subtitle Edit's habits). Keys are
 * matched by position for the brackets, so Shift (finer steps) does not turn them into braces.
 */
export function useCueKeys(actions: RefObject<CueKeyActions | null>): void {
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const a = actions.current;
      if (!a || e.defaultPrevented) return;
      // A modal dialog's keys are its own.
      if (document.querySelector('[aria-modal="true"]')) return;
      const target = e.target as HTMLElement | null;
      const mod = e.ctrlKey || e.metaKey;
      if (typing(target)) {
        if (mod && e.key === 'Enter' && target?.closest('[data-testid=cue]')) {
          e.preventDefault();
          a.saveAndNext(target);
        }
        return;
      }
      if (mod || e.altKey) return;
      // Enter and Space on a focused button press it; on the video they are its own controls.
      const tag = target?.tagName;
      if ((tag === 'BUTTON' || tag === 'A') && (e.key === 'Enter' || e.key === ' ')) return;
      if (tag === 'VIDEO' && [' ', 'ArrowLeft', 'ArrowRight'].includes(e.key)) return;
      const done = () => e.preventDefault();
      switch (e.code) {
        case 'BracketLeft':
          done();
          return a.nudge('start', e.shiftKey ? -10 : -100);
        case 'BracketRight':
          done();
          return a.nudge('start', e.shiftKey ? 10 : 100);
        case 'Semicolon':
          done();
          return a.nudge('end', e.shiftKey ? -10 : -100);
        case 'Quote':
          done();
          return a.nudge('end', e.shiftKey ? 10 : 100);
      }
      switch (e.key) {
        case 'ArrowUp':
        case 'k':
        case 'K':
          done();
          return a.move(-1);
        case 'ArrowDown':
        case 'j':
        case 'J':
          done();
          return a.move(1);
        case 'Home':
          done();
          return a.moveTo('first');
        case 'End':
          done();
          return a.moveTo('last');
        case 'ArrowLeft':
          done();
          return a.seekBy(e.shiftKey ? -100 : -500);
        case 'ArrowRight':
          done();
          return a.seekBy(e.shiftKey ? 100 : 500);
        case ' ':
          done();
          return a.play();
        case 'Enter':
          done();
          return a.edit(e.shiftKey ? 'cue-translation' : 'cue-text');
        case 's':
        case 'S':
          done();
          return a.split();
        case 'm':
        case 'M':
          done();
          return a.merge();
        case '?':
          done();
          return a.toggleHelp();
        case 'Escape':
          if (a.closeHelp()) done();
          return;
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [actions]);
}
