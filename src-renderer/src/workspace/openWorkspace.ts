import { create } from 'zustand';
import { useNav } from '../stores/navigation';

interface WorkspaceTarget {
  /** The session the Workspace page shows when it opens (an order card's "Open in Workspace"). */
  sessionId: string | null;
  /** The image to focus in it. */
  itemId: string | null;
}

export const useWorkspaceTarget = create<WorkspaceTarget>(() => ({
  sessionId: null,
  itemId: null,
}));

/** Opens the Workspace on a session (and an image of it). */
export function openWorkspace(sessionId: string, itemId: string | null = null): void {
  useWorkspaceTarget.setState({ sessionId, itemId });
  useNav.getState().go('workspace');
}
