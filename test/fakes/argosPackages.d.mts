// Types for argosPackages.mjs (JavaScript so the argos-translate and argospm stand-ins run unbuilt).
export interface ArgosPackage {
  type: string;
  from_code?: string;
  from_name?: string;
  to_code?: string;
  to_name?: string;
  path: string;
}
export function packagesDir(env?: NodeJS.ProcessEnv): string;
export function installedPackages(env?: NodeJS.ProcessEnv): ArgosPackage[];
export function argospmName(pkg: ArgosPackage): string;
export function installArgosPackage(dir: string, from: string, to: string): string;
