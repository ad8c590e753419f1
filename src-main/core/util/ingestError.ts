/** Why a file could not be ingested: a stable code for filtering and a sentence for the user. */
export type IngestErrorCode =
  | 'empty'
  | 'unsupported'
  | 'mislabelled'
  | 'corrupt'
  | 'too_large'
  | 'permission'
  | 'vanished'
  | 'symlink_loop'
  | 'bad_name'
  | 'path_too_long'
  | 'engine_missing'
  | 'probe_failed'
  | 'io_error';

export class IngestError extends Error {
  constructor(
    readonly code: IngestErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'IngestError';
  }
}

/** Turns any error met while ingesting into a reason a creator can act on. */
export function toIngestError(err: unknown): IngestError {
  if (err instanceof IngestError) return err;
  const e = err as NodeJS.ErrnoException;
  switch (e?.code) {
    case 'ENOENT':
      return new IngestError('vanished', 'The file was moved or deleted before it could be read');
    case 'EACCES':
    case 'EPERM':
      return new IngestError(
        'permission',
        'Permission denied: Atelier is not allowed to read this file',
      );
    case 'ELOOP':
      return new IngestError('symlink_loop', 'Symbolic link loop: the link points back to itself');
    case 'ENAMETOOLONG':
      return new IngestError('path_too_long', 'The path is too long for this system');
    case 'EISDIR':
      return new IngestError('unsupported', 'This is a folder, not a file');
    case 'EIO':
      return new IngestError('io_error', 'The disk reported a read error');
  }
  return new IngestError('io_error', e instanceof Error ? e.message : String(err));
}
