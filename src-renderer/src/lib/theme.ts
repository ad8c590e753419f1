import { useEffect } from 'react';
import { useSettings } from '../stores/settings';

/** Follows the OS unless the user picked light or dark in Settings. */
export function useTheme(): void {
  const pref = useSettings((s) => s.settings?.theme ?? 'system');
  useEffect(() => {
    const media = matchMedia('(prefers-color-scheme: dark)');
    const apply = () => {
      const dark = pref === 'dark' || (pref === 'system' && media.matches);
      document.documentElement.dataset.theme = dark ? 'dark' : 'light';
    };
    apply();
    media.addEventListener('change', apply);
    return () => media.removeEventListener('change', apply);
  }, [pref]);
}
