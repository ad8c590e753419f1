import { execFileSync, spawnSync } from 'node:child_process';
import zlib from 'node:zlib';
import yauzl from 'yauzl';

/** `unzip -t`: Info-ZIP's own test of every entry's CRC. Throws with its output on failure. */
export function unzipList(file: string): string {
  const r = spawnSync('unzip', ['-Z1', file], { encoding: 'utf8', maxBuffer: 256 << 20 });
  if (r.status !== 0) throw new Error(`unzip -Z1 failed (${r.status}): ${r.stderr}`);
  return r.stdout;
}

export function unzipTest(file: string): string {
  const r = spawnSync('unzip', ['-t', '-qq', file], { encoding: 'utf8', maxBuffer: 64 << 20 });
  if (r.status !== 0) throw new Error(`unzip -t failed (${r.status}): ${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

const pyScript = `
import json, sys, zipfile
with zipfile.ZipFile(sys.argv[1]) as z:
    bad = z.testzip()
    infos = z.infolist()
    out = {"bad": bad, "count": len(infos), "utf8": all((i.flag_bits & 0x800) != 0 for i in infos),
           "entries": [[i.filename, i.file_size, i.compress_type] for i in infos[:int(sys.argv[2])]]}
    print(json.dumps(out))
`;

export interface PyZipReport {
  bad: string | null;
  count: number;
  utf8: boolean;
  entries: [name: string, size: number, method: number][];
}

/** Python's zipfile: reads the central directory its own way and re-checks every CRC. */
export function pythonZip(file: string, listLimit = 100_000): PyZipReport {
  const out = execFileSync('python3', ['-c', pyScript, file, String(listLimit)], {
    encoding: 'utf8',
    maxBuffer: 256 << 20,
  });
  return JSON.parse(out) as PyZipReport;
}

export interface NodeZipEntry {
  name: string;
  size: number;
  method: number;
  data?: Buffer;
}

/**
 * yauzl (an independent Node reader); it does not check CRCs itself, so this does, and keeps
 * the contents of entries whose names pass `keep`.
 */
export function yauzlRead(
  file: string,
  keep: (name: string) => boolean = () => false,
  readData = true,
): Promise<NodeZipEntry[]> {
  return new Promise((resolve, reject) => {
    yauzl.open(
      file,
      { lazyEntries: true, strictFileNames: true, validateEntrySizes: true },
      (err, zip) => {
        if (err || !zip) return reject(err ?? new Error('no zip'));
        const entries: NodeZipEntry[] = [];
        zip.on('error', reject);
        zip.on('end', () => resolve(entries));
        zip.on('entry', (entry: yauzl.Entry) => {
          const rec: NodeZipEntry = {
            name: entry.fileName,
            size: entry.uncompressedSize,
            method: entry.compressionMethod,
          };
          entries.push(rec);
          if (entry.fileName.endsWith('/') || !readData) return zip.readEntry();
          zip.openReadStream(entry, (e2, stream) => {
            if (e2 || !stream) return reject(e2 ?? new Error('no stream'));
            let crc = 0;
            const parts: Buffer[] = [];
            stream.on('data', (c: Buffer) => {
              crc = zlib.crc32(c, crc);
              if (keep(entry.fileName)) parts.push(c);
            });
            stream.on('error', reject);
            stream.on('end', () => {
              if (crc >>> 0 !== entry.crc32 >>> 0)
                return reject(new Error(`yauzl: CRC mismatch in ${entry.fileName}`));
              if (keep(entry.fileName)) rec.data = Buffer.concat(parts);
              zip.readEntry();
            });
          });
        });
        zip.readEntry();
      },
    );
  });
}
