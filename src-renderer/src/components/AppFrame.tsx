import type { ReactNode } from 'react';
import { GenIcon } from '../generate/GenIcon';
import { LocIcon } from '../localize/LocIcon';
import { useNav, type Page } from '../stores/navigation';
import { useStatus } from '../stores/status';
import { TrainIcon } from '../training/TrainIcon';
import { Icon } from './Icon';
import { JobsIndicator } from './JobsIndicator';

const navItems: { page: Page; label: string; icon: string; glyph?: ReactNode }[] = [
  { page: 'library', label: 'Library', icon: 'library' },
  {
    page: 'generate',
    label: 'Generate',
    icon: 'generate',
    glyph: <GenIcon name="sparkle" size={18} />,
  },
  {
    page: 'workspace',
    label: 'Workspace',
    icon: 'workspace',
    glyph: <GenIcon name="tray" size={18} />,
  },
  { page: 'models', label: 'Models', icon: 'models', glyph: <GenIcon name="cube" size={18} /> },
  {
    page: 'training',
    label: 'Training',
    icon: 'training',
    glyph: <TrainIcon name="train" size={18} />,
  },
  {
    page: 'lookups',
    label: 'Lookups',
    icon: 'lookups',
    glyph: <GenIcon name="lookups" size={18} />,
  },
  {
    page: 'localize',
    label: 'Localise',
    icon: 'localize',
    glyph: <LocIcon name="localize" size={18} />,
  },
  { page: 'packs', label: 'Packs', icon: 'packs' },
  { page: 'projects', label: 'Projects', icon: 'folder' },
  { page: 'jobs', label: 'Jobs', icon: 'jobs' },
  { page: 'usage', label: 'Usage', icon: 'usage' },
  { page: 'settings', label: 'Settings', icon: 'settings' },
];

export function AppFrame({ children }: { children: ReactNode }) {
  const { page, go } = useNav();
  const { status, connected } = useStatus();
  return (
    <div className="app">
      <aside className="sidebar">
        <div className="brand">
          <span className="brand-mark" aria-hidden="true">
            A
          </span>
          <span className="brand-name">Atelier</span>
        </div>
        <nav aria-label="Main">
          {navItems.map((item) => (
            <button
              key={item.page}
              className={`nav-item${page === item.page ? ' active' : ''}`}
              aria-current={page === item.page ? 'page' : undefined}
              onClick={() => go(item.page)}
              title={item.label}
            >
              {item.glyph ?? <Icon name={item.icon} />}
              <span>{item.label}</span>
            </button>
          ))}
        </nav>
        <JobsIndicator />
        <div
          className="sidebar-footer"
          data-testid="sidebar-status"
          title={
            connected
              ? status
                ? `${status.assetCount.toLocaleString()} assets · v${status.version}`
                : 'Connecting…'
              : 'Reconnecting…'
          }
        >
          <span className={`dot ${connected ? 'dot-ok' : 'dot-bad'}`} aria-hidden="true" />
          {connected ? (
            status ? (
              <span>
                {status.assetCount.toLocaleString()} {status.assetCount === 1 ? 'asset' : 'assets'}{' '}
                · v{status.version}
              </span>
            ) : (
              <span>Connecting…</span>
            )
          ) : (
            <span>Reconnecting…</span>
          )}
        </div>
      </aside>
      <main className="content">{children}</main>
    </div>
  );
}
