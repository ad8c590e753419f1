/**
 * The static, ordered migration index. Bundlers cannot follow readdir + dynamic import, and a
 * static list makes "which migrations does this build know" a compile-time fact. Names are
 * zero-padded because order is by name. Append only: never rename or edit a shipped migration.
 */
import type { Kysely } from 'kysely';
import * as m0001 from './0001_initial';
import * as m0002 from './0002_ingest';
import * as m0003 from './0003_jobs';
import * as m0004 from './0004_packs';
import * as m0005 from './0005_curation';
import * as m0006 from './0006_forgotten_files';
import * as m0007 from './0007_models';
import * as m0008 from './0008_platform';
import * as m0009 from './0009_search';
import * as m0010 from './0010_accounts';
import * as m0011 from './0011_generate';
import * as m0012 from './0012_batches';
import * as m0013 from './0013_projects';
import * as m0013b from './0013_prompt_templates';
import * as m0014 from './0014_training';
import * as m0015 from './0015_pack_selling';
import * as m0017 from './0017_localize';
import * as m0018 from './0018_color_labels';
import * as m0019 from './0019_cue_runs';
import * as m0020 from './0020_subtitle_assets';
import * as m0021 from './0021_subtitle_search';

export interface Migration {
  up(db: Kysely<any>): Promise<void>;
  /**
   * Rebuilds tables: run with foreign keys off (dropping the old table must not cascade), and
   * checked with foreign_key_check before it commits.
   */
  foreignKeysOff?: boolean;
}

export const migrations: ReadonlyArray<readonly [name: string, migration: Migration]> = [
  ['0001_initial', m0001],
  ['0002_ingest', m0002],
  ['0003_jobs', m0003],
  ['0004_packs', m0004],
  ['0005_curation', m0005],
  ['0006_forgotten_files', m0006],
  ['0007_models', m0007],
  ['0008_platform', m0008],
  ['0009_search', m0009],
  ['0010_accounts', m0010],
  ['0011_generate', m0011],
  ['0012_batches', m0012],
  ['0013_projects', m0013],
  ['0013_prompt_templates', m0013b],
  ['0014_training', m0014],
  ['0015_pack_selling', m0015],
  ['0017_localize', m0017],
  ['0018_color_labels', m0018],
  ['0019_cue_runs', m0019],
  ['0020_subtitle_assets', m0020],
  ['0021_subtitle_search', m0021],
];
