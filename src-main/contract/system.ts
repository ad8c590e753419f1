import { z } from 'zod';
import { event, method } from './define';

export interface WatchFolderSummary {
  id: string;
  path: string;
  enabled: boolean;
  recursive: boolean;
  assetCount: number;
}

export interface StatusInfo {
  app: 'Atelier';
  version: string;
  host: 'electron' | 'serve' | 'cli';
  dataDir: string;
  databasePath: string;
  schemaVersion: number;
  latestSchemaVersion: number;
  assetCount: number;
  watchFolders: WatchFolderSummary[];
  startedAt: string;
  node: string;
  platform: string;
}

export const themePreference = z.enum(['system', 'light', 'dark']);

export const appSettingsSchema = z.object({
  theme: themePreference,
  ownerName: z.string().trim().max(200),
  supportContact: z.string().trim().max(300),
  /** Days an unkept workspace image waits before it is deleted. */
  workspaceExpiryDays: z.number().int().min(1).max(365),
});
export type AppSettings = z.infer<typeof appSettingsSchema>;

export const systemMethods = {
  'system.status': method(
    z.object({}).strict(),
    'Version, data directory, database path, schema version, asset count and watch folders.',
  )<StatusInfo>(),
  'system.ping': method(z.object({}).strict(), 'Cheap liveness check.')<{
    pong: true;
    at: string;
  }>(),
  'settings.get': method(z.object({}).strict(), 'All user settings.')<AppSettings>(),
  'settings.update': method(
    appSettingsSchema.partial().strict(),
    'Change some settings; returns all of them.',
    { access: 'manager' },
  )<AppSettings>(),
  'watchFolders.list': method(z.object({}).strict(), 'Watched folders with their asset counts.')<
    WatchFolderSummary[]
  >(),
} as const;

export const systemEvents = {
  'settings.changed': event<AppSettings>('Settings were changed by any window or host.'),
  'status.changed': event<{ reason: string }>(
    'Something status shows changed (assets, folders); clients refetch status.',
  ),
} as const;
