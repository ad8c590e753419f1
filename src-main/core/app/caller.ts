/** Which program holds the core: the desktop app, `atelier serve`, or a CLI command. */
export type HostKind = 'electron' | 'serve' | 'cli';

export type Role = 'owner' | 'admin' | 'member';

/** Who is asking: the desktop app and the CLI act as the library's local owner. */
export interface Caller {
  userId: string | null;
  role: Role;
  name: string;
}
