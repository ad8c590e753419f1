import { useState, type FormEvent } from 'react';
import { useSession } from './session';
import './accounts.css';

/** Served mode's front door: email and password, or the way in for the host's own owner. */
export function SignInPage() {
  const { accounts, phase, signIn, load } = useSession();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    const problem = await signIn(email, password);
    setBusy(false);
    if (problem) {
      setError(problem);
      setPassword('');
    }
  }

  return (
    <main className="signin">
      <div className="signin-card card" role="region" aria-labelledby="signin-title">
        <div className="signin-brand">
          <span className="brand-mark" aria-hidden="true">
            A
          </span>
          <span className="brand-name">Atelier</span>
        </div>
        {phase === 'offline' ? (
          <>
            <h1 id="signin-title">Atelier is not reachable</h1>
            <p className="muted">The server may be restarting.</p>
            <button className="button primary" onClick={() => void load()}>
              Try again
            </button>
          </>
        ) : accounts ? (
          <form onSubmit={(e) => void submit(e)} className="signin-form">
            <h1 id="signin-title">Sign in to your studio</h1>
            <label htmlFor="signin-email">Email</label>
            <input
              id="signin-email"
              type="email"
              autoComplete="username"
              autoFocus
              required
              value={email}
              onChange={(e) => setEmail(e.target.value)}
            />
            <label htmlFor="signin-password">Password</label>
            <input
              id="signin-password"
              type="password"
              autoComplete="current-password"
              required
              value={password}
              onChange={(e) => setPassword(e.target.value)}
            />
            {error && (
              <p className="signin-error" role="alert">
                {error}
              </p>
            )}
            <button className="button primary signin-submit" type="submit" disabled={busy}>
              {busy ? 'Signing in…' : 'Sign in'}
            </button>
            <p className="muted signin-hint">No account yet? Ask the studio’s owner to add you.</p>
          </form>
        ) : (
          <>
            <h1 id="signin-title">Open the link from your terminal</h1>
            <p className="muted">
              This Atelier has no accounts yet. On the computer running it, open the full address
              that <code>atelier serve</code> printed (it ends in <code>?token=…</code>).
            </p>
            <p className="muted">
              To let others in, add an account there: <code>atelier users add EMAIL</code>.
            </p>
          </>
        )}
      </div>
    </main>
  );
}
