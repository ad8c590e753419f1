import type { EventName, EventPayload } from '../../contract';
import { appLog } from '../log/appLog';

type AnyListener = (event: EventName, payload: unknown) => void;

/**
 * Core's typed event bus. Hosts (Electron windows, WebSocket clients) subscribe with `onAny`
 * and forward; core modules `emit`. Listeners that throw are isolated from each other.
 */
export class EventBus {
  private readonly listeners = new Set<AnyListener>();

  emit<E extends EventName>(event: E, payload: EventPayload<E>): void {
    for (const l of this.listeners) {
      try {
        l(event, payload);
      } catch (err) {
        appLog.error('events', `a listener for ${event} threw`, err);
      }
    }
  }

  onAny(listener: AnyListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void {
    return this.onAny((name, payload) => {
      if (name === event) listener(payload as EventPayload<E>);
    });
  }

  get size(): number {
    return this.listeners.size;
  }
}
