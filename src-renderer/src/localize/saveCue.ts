import { api } from '../api/client';
import { toastError } from '../stores/toasts';
import { useLocalize } from './localizeStore';

export type CueEdit = { text?: string; translation?: string; startMs?: number; endMs?: number };

/** Saves a fix to one cue and puts the answer in the open editor; false (and a toast) if refused. */
export async function saveCue(id: string, index: number, edit: CueEdit): Promise<boolean> {
  try {
    const cue = await api.call('localize.updateCue', { id, index, ...edit });
    useLocalize.getState().putCue(id, cue);
    return true;
  } catch (err) {
    toastError(`Could not save cue ${index}`, err);
    return false;
  }
}
