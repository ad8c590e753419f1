import { useEffect } from 'react';
import { SignInPage } from './accounts/SignInPage';
import { useSession } from './accounts/session';
import { AppFrame } from './components/AppFrame';
import { Toasts } from './components/Toasts';
import { GeneratePage } from './generate/GeneratePage';
import { LookupsPage } from './lookups/LookupsPage';
import { useTheme } from './lib/theme';
import { LocalizePage } from './localize/LocalizePage';
import { JobsPage } from './pages/JobsPage';
import { LibraryPage } from './pages/LibraryPage';
import { ModelsPage } from './models/ModelsPage';
import { PacksPage } from './pages/PacksPage';
import { ProjectsPage } from './projects/ProjectsPage';
import { SettingsPage } from './pages/SettingsPage';
import { TrainingPage } from './training/TrainingPage';
import { UsagePage } from './usage/UsagePage';
import { useNav } from './stores/navigation';
import { useSettings } from './stores/settings';
import { useStatus } from './stores/status';
import { WorkspacePage } from './workspace/WorkspacePage';

const pageComponents = {
  library: LibraryPage,
  generate: GeneratePage,
  workspace: WorkspacePage,
  models: ModelsPage,
  training: TrainingPage,
  lookups: LookupsPage,
  localize: LocalizePage,
  packs: PacksPage,
  projects: ProjectsPage,
  jobs: JobsPage,
  usage: UsagePage,
  settings: SettingsPage,
} as const;

export function App() {
  const phase = useSession((s) => s.phase);
  useEffect(() => {
    void useSession.getState().load();
  }, []);
  if (phase === 'loading') return null;
  if (phase !== 'signedIn') return <SignInPage />;
  return <Studio />;
}

/** The app once someone is signed in (always, on the desktop). */
function Studio() {
  const page = useNav((s) => s.page);
  useTheme();
  useEffect(() => {
    void useStatus.getState().refresh();
    void useSettings.getState().load();
  }, []);
  const Page = pageComponents[page];
  return (
    <>
      <AppFrame>
        <Page />
      </AppFrame>
      <Toasts />
    </>
  );
}
