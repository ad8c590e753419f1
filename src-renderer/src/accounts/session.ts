import { create } from 'zustand';
import type { Me } from '@contract/index';
import { api } from '../api/client';

type Phase = 'loading' | 'signedIn' | 'signedOut' | 'offline';

interface SessionState {
  phase: Phase;
  /** Who this is (the desktop app: its local owner). */
  me: Me | null;
  /** Whether anyone can sign in with a password (otherwise the printed URL is the way in). */
  accounts: boolean;
  load(): Promise<void>;
  signIn(email: string, password: string): Promise<string | null>;
  signOut(): Promise<void>;
}

/**
 * Who the renderer is working for. The desktop app is its owner from the start; a browser asks
 * the server and shows the sign-in page until it has a session.
 */
export const useSession = create<SessionState>((set, get) => ({
  phase: 'loading',
  me: null,
  accounts: false,
  async load() {
    try {
      const s = await api.session();
      set({ accounts: s.accounts });
      if (!s.signedIn) return set({ phase: 'signedOut', me: null });
      set({ me: await api.call('auth.me', {}), phase: 'signedIn' });
    } catch {
      set({ phase: 'offline' });
    }
  },
  async signIn(email, password) {
    const r = await api.signIn(email, password);
    if (!r.ok) return r.error.message;
    await get().load();
    return null;
  },
  async signOut() {
    await api.signOut();
    set({ phase: 'signedOut', me: null });
  },
}));

api.onSession(({ signedIn }) => {
  if (!signedIn) useSession.setState({ phase: 'signedOut', me: null });
});

/** Owner and admins manage the studio: engines, people, watched folders, settings. */
export function useIsManager(): boolean {
  return useSession((s) => s.me !== null && s.me.role !== 'member');
}

/** Members cancel, retry and reorder their own jobs; owner and admins anyone's. */
export function useMayChangeJob(): (createdBy: string | null) => boolean {
  const me = useSession((s) => s.me);
  return (createdBy) => me !== null && (me.role !== 'member' || createdBy === me.userId);
}
