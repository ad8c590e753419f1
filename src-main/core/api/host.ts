/**
 * What hosts need from core beyond `invoke`: media by asset id for their media routes, the
 * desktop's own shell and trash, and running queued work in the CLI's process. Hosts import
 * core through core/api (and the shared layer) only; this is that door.
 */
export { resolveMedia, mediaVariants, type MediaVariant } from '../media/resolveMedia';
export { openMedia, type OpenedMedia } from '../media/openMedia';
export { setOsShell, type OsShell } from '../desktop/osShell';
export { setFileRemover } from '../curation/trash';
export { exportPack } from '../packs/exportPack';
export { openExportFile, contentDisposition } from '../packs/exportDownload';
export { packIdByRef } from '../packs/packStore';
export { readOnlyStatus } from '../system/readOnlyStatus';
export { JobRunner, type RunnerOptions } from '../jobs/runner';
export { summaryOf as jobSummary } from '../jobs/jobStore';
export {
  signIn,
  signOut,
  sessionFor,
  startSessionFor,
  userForApiToken,
  type SessionStart,
} from '../accounts/sessions';
export { countSignInAccounts } from '../accounts/users';
