// Argos Translate's installed language packages, as argostranslate/settings.py and package.py
// find them: one folder per package in ARGOS_PACKAGES_DIR (default
// $XDG_DATA_HOME/argos-translate/packages, XDG_DATA_HOME defaulting to ~/.local/share), each with
// a metadata.json ({type, from_code, from_name, to_code, to_name, package_version, argos_version};
// type defaults to "translate"). Shared by the argos-translate and argospm stand-ins, and by
// tests that install a package the way `argospm install` leaves it on disk (the model itself is
// the stand-in's word table).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const names = { en: 'English', es: 'Spanish', fr: 'French', de: 'German', it: 'Italian' };

export function packagesDir(env = process.env) {
  if (env.ARGOS_PACKAGES_DIR) return env.ARGOS_PACKAGES_DIR;
  const data = env.XDG_DATA_HOME || path.join(os.homedir(), '.local', 'share');
  return path.join(data, 'argos-translate', 'packages');
}

/** Installed packages in directory order, as package.get_installed_packages lists them. */
export function installedPackages(env = process.env) {
  const dir = packagesDir(env);
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .flatMap((d) => {
      const meta = path.join(dir, d.name, 'metadata.json');
      if (!fs.existsSync(meta)) return [];
      const m = JSON.parse(fs.readFileSync(meta, 'utf8'));
      return [{ ...m, type: m.type ?? 'translate', path: path.join(dir, d.name) }];
    });
}

/** argospm's name for a package (package.argospm_package_name): `translate-en_es`. */
export function argospmName(pkg) {
  return pkg.from_code && pkg.to_code ? `${pkg.type}-${pkg.from_code}_${pkg.to_code}` : pkg.type;
}

/** Lays out a package as `argospm install translate-FROM_TO` leaves it (without a real model). */
export function installArgosPackage(dir, from, to) {
  const folder = path.join(dir, `translate-${from}_${to}-1_0`);
  fs.mkdirSync(folder, { recursive: true });
  fs.writeFileSync(
    path.join(folder, 'metadata.json'),
    JSON.stringify({
      package_version: '1.0',
      argos_version: '1.0',
      from_code: from,
      from_name: names[from] ?? from,
      to_code: to,
      to_name: names[to] ?? to,
    }),
  );
  fs.writeFileSync(path.join(folder, 'README.md'), `# ${from} → ${to}\n\nLicense: CC0\n`);
  return folder;
}
