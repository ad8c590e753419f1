import type {
  ApiErrorData,
  AtelierBridge,
  EventName,
  EventPayload,
  MethodInput,
  MethodName,
  MethodOutput,
  Result,
} from '@contract/index';

declare global {
  interface Window {
    atelier?: AtelierBridge;
  }
}

/** An api error as the renderer sees it: the code decides how the UI reacts. */
export class ApiCallError extends Error {
  constructor(
    readonly method: string,
    readonly error: ApiErrorData,
  ) {
    super(error.message);
    this.name = 'ApiCallError';
  }
}

interface Transport {
  invoke(method: string, input: unknown): Promise<Result<unknown>>;
  on(event: string, listener: (payload: unknown) => void): () => void;
  readonly kind: 'electron' | 'http';
}

/** In Electron the preload's bridge; in a browser (serve mode) HTTP plus one WebSocket. */
function httpTransport(): Transport {
  const listeners = new Map<string, Set<(p: unknown) => void>>();
  let socket: WebSocket | null = null;
  let retry = 0;
  const connect = () => {
    const proto = location.protocol === 'https:' ? 'wss:' : 'ws:';
    socket = new WebSocket(`${proto}//${location.host}/events`);
    socket.onopen = () => {
      retry = 0;
      for (const l of listeners.get('$connection') ?? []) l({ connected: true });
    };
    socket.onmessage = (msg) => {
      try {
        const { event, payload } = JSON.parse(String(msg.data)) as {
          event: string;
          payload: unknown;
        };
        for (const l of listeners.get(event) ?? []) l(payload);
      } catch {}
    };
    socket.onclose = () => {
      for (const l of listeners.get('$connection') ?? []) l({ connected: false });
      // Back off up to 5 s: the server may be restarting.
      setTimeout(connect, Math.min(5000, 250 * 2 ** retry++));
    };
  };
  connect();
  return {
    kind: 'http',
    async invoke(method, input) {
      try {
        const res = await fetch(`/api/${encodeURIComponent(method)}`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify(input ?? {}),
          credentials: 'same-origin',
        });
        return (await res.json()) as Result<unknown>;
      } catch (err) {
        return {
          ok: false,
          error: {
            code: 'unavailable',
            message: `Atelier is not reachable: ${(err as Error).message}`,
          },
        };
      }
    },
    on(event, listener) {
      let set = listeners.get(event);
      if (!set) listeners.set(event, (set = new Set()));
      set.add(listener);
      return () => set.delete(listener);
    },
  };
}

function electronTransport(bridge: AtelierBridge): Transport {
  return { kind: 'electron', invoke: (m, i) => bridge.invoke(m, i), on: (e, l) => bridge.on(e, l) };
}

const transport: Transport = window.atelier ? electronTransport(window.atelier) : httpTransport();

export const api = {
  transport: transport.kind,
  async call<M extends MethodName>(method: M, input: MethodInput<M>): Promise<MethodOutput<M>> {
    const result = await transport.invoke(method, input);
    if (!result.ok) throw new ApiCallError(method, result.error);
    return result.value as MethodOutput<M>;
  },
  on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void {
    return transport.on(event, listener as (p: unknown) => void);
  },
  onConnection(listener: (state: { connected: boolean }) => void): () => void {
    return transport.on('$connection', listener as (p: unknown) => void);
  },
  mediaUrl(
    assetId: string,
    variant: 'file' | 'thumb' | 'thumb-small' | 'poster' | 'waveform' = 'thumb',
  ): string {
    return transport.kind === 'electron'
      ? `atelier-media://asset/${encodeURIComponent(assetId)}/${variant}`
      : `/media/${encodeURIComponent(assetId)}/${variant}`;
  },
};
