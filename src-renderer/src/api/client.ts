import type {
  ApiErrorData,
  ServedSession,
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
  /** Served mode: who this browser is signed in as (the desktop app is always its owner). */
  session(): Promise<ServedSession>;
  signIn(email: string, password: string): Promise<Result<ServedSession>>;
  signOut(): Promise<void>;
}

const desktopSession: ServedSession = { signedIn: true, user: null, csrf: null, accounts: false };

/**
 * In a browser (serve mode): HTTP plus one WebSocket, opened once signed in. The session cookie
 * is HttpOnly; what the page holds is the session's CSRF token, sent with every call.
 */
function httpTransport(): Transport {
  const listeners = new Map<string, Set<(p: unknown) => void>>();
  const emit = (event: string, payload: unknown) => {
    for (const l of listeners.get(event) ?? []) l(payload);
  };
  let socket: WebSocket | null = null;
  let retry = 0;
  let csrf: string | null = null;
  let signedIn = false;
  const signedOut = () => {
    if (!signedIn) return;
    signedIn = false;
    csrf = null;
    socket?.close();
    emit('$session', { signedIn: false });
  };
  const adopt = (s: ServedSession) => {
    csrf = s.csrf;
    const was = signedIn;
    signedIn = s.signedIn;
    if (signedIn && !was && !socket) connect();
  };
  const connect = () => {
    if (!signedIn) return;
    const proto = location.protocol === 'https:' ? 'wss:' : 'ws:';
    const ws = new WebSocket(`${proto}//${location.host}/events`);
    socket = ws;
    ws.onopen = () => {
      retry = 0;
      emit('$connection', { connected: true });
    };
    socket.onmessage = (msg) => {
      try {
        const { event, payload } = JSON.parse(String(msg.data)) as {
          event: string;
          payload: unknown;
        };
        emit(event, payload);
      } catch {}
    };
    ws.onclose = (e) => {
      socket = null;
      emit('$connection', { connected: false });
      // 4001: this account was signed out (disabled, password changed, role changed).
      if (e.code === 4001) return void session().then(adopt, signedOut);
      // Back off up to 5 s: the server may be restarting.
      setTimeout(connect, Math.min(5000, 250 * 2 ** retry++));
    };
  };
  const session = async (): Promise<ServedSession> => {
    const res = await fetch('/auth/session', { credentials: 'same-origin' });
    const body = (await res.json()) as Result<ServedSession>;
    if (!body.ok) throw new Error(body.error.message);
    if (!body.value.signedIn) signedOut();
    adopt(body.value);
    return body.value;
  };
  const post = async (url: string, body: unknown): Promise<Response> =>
    fetch(url, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json',
        ...(csrf ? { 'X-Atelier-CSRF': csrf } : {}),
      },
      body: JSON.stringify(body ?? {}),
      credentials: 'same-origin',
    });
  return {
    kind: 'http',
    session,
    async signIn(email, password) {
      const res = await post('/auth/sign-in', { email, password });
      const body = (await res.json()) as Result<ServedSession>;
      if (body.ok) {
        adopt(body.value);
        emit('$session', body.value);
      }
      return body;
    },
    async signOut() {
      await post('/auth/sign-out', {});
      signedOut();
    },
    async invoke(method, input) {
      try {
        const res = await post(`/api/${encodeURIComponent(method)}`, input);
        // The session ended (expired, revoked, signed out elsewhere): back to the sign-in page.
        if (res.status === 401 && signedIn) void session().catch(signedOut);
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
  return {
    kind: 'electron',
    invoke: (m, i) => bridge.invoke(m, i),
    on: (e, l) => bridge.on(e, l),
    session: () => Promise.resolve(desktopSession),
    signIn: () => Promise.resolve({ ok: true, value: desktopSession }),
    signOut: () => Promise.resolve(),
  };
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
  /** Fires when this browser signs in or its session ends. */
  onSession(listener: (state: { signedIn: boolean }) => void): () => void {
    return transport.on('$session', listener as (p: unknown) => void);
  },
  session: () => transport.session(),
  signIn: (email: string, password: string) => transport.signIn(email, password),
  signOut: () => transport.signOut(),
  mediaUrl(
    assetId: string,
    variant: 'file' | 'thumb' | 'thumb-small' | 'poster' | 'waveform' | 'sprite' = 'thumb',
  ): string {
    return transport.kind === 'electron'
      ? `atelier-media://asset/${encodeURIComponent(assetId)}/${variant}`
      : `/media/${encodeURIComponent(assetId)}/${variant}`;
  },
};
