/**
 * The last line of defence against "zip slip": whatever the pack code believes it sanitised,
 * the writer refuses any entry name an extractor could resolve outside the archive's root.
 */
export function assertSafeEntryName(name: string): void {
  const fail = (why: string): never => {
    throw new Error(`Refused ZIP entry name ${JSON.stringify(name)}: ${why}`);
  };
  if (name.length === 0) fail('empty');
  if (name.normalize('NFC') !== name) fail('not NFC-normalised');
  // eslint-disable-next-line no-control-regex -- control characters are exactly what is refused
  if (/[\u0000-\u001f\u007f]/.test(name)) fail('control character');
  if (name.includes('\\')) fail('backslash');
  if (name.startsWith('/')) fail('absolute path');
  if (/^[A-Za-z]:/.test(name)) fail('drive letter');
  const body = name.endsWith('/') ? name.slice(0, -1) : name;
  for (const seg of body.split('/')) {
    if (seg === '' || seg === '.' || seg === '..') fail('empty, "." or ".." path segment');
    if (/[<>:"|?*]/.test(seg)) fail('character invalid on Windows');
    if (/[ .]$/.test(seg)) fail('segment ends with a dot or space');
  }
  if (Buffer.byteLength(name, 'utf8') > 0xffff) fail('longer than 65,535 bytes');
}
