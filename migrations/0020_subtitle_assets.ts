import type { Kysely } from 'kysely';
import { rebuildTable } from './support/rebuildTable';

/** The assets table is rebuilt (a CHECK list changes): foreign keys must be off meanwhile. */
export const foreignKeysOff = true;

/**
 * Subtitles (SRT, WebVTT) are Library assets like pictures and sounds: a localisation's
 * subtitles are derived from its video, and a creator's own .srt/.vtt files are imported from
 * watched folders. `language`: the language an asset is in when known — a subtitle file's (from
 * the localisation that made it, a WebVTT `Language:` header or a `.es` in its name), a dub's or
 * a localised video's; NULL otherwise.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await rebuildTable(db, 'assets', {
    create: (current) => {
      const withType = current.replace(
        "CHECK (type IN ('image','audio','video'))",
        "CHECK (type IN ('image','audio','video','subtitles'))",
      );
      if (withType === current) throw new Error('0020: the type CHECK was not where expected');
      return withType.replace(/\)\s*$/, ',\n      language TEXT\n    )');
    },
  });
}
