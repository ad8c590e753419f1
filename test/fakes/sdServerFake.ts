// A stand-in for stable-diffusion.cpp's `sd-server` built from the recorded exchanges in
// test/fixtures/engines/recordings/sd-server/http (raw HTTP/1.1, byte for byte).
//
// Replayed exactly: the bodies of /sdcpp/v1/capabilities, /sdapi/v1/sd-models, /sdapi/v1/loras,
// /v1/models and the error bodies (400 bad JSON, 404 unknown job, 409 cancel while generating,
// 429 queue full, 400 empty body); every response's header lines in cpp-httplib's order (checked
// against cpp-httplib 0.28 itself for the keep-alive variants the recording has no sample of).
// Given the recorded requests, the responses are the recorded bytes but for the job ids and
// timestamps, which are this run's.
// Synthesized, in the recorded shape (nlohmann's sorted compact JSON): job ids
// (`job_<hex unix time>_<8 hex counter>`), the job life cycle (one job at a time: queued →
// generating → completed/cancelled), and the result image: the recorded PNG with its `parameters`
// text rewritten for the request, as the real server embeds it (prompt, seed + i, steps, size...).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { RawHttpServer, REASONS, type Answer, type HttpRequest } from './rawHttp';
import { resized, setText } from './png.mjs';
import { imageParameters, schedulerName, SAMPLERS, SCHEDULERS } from './sdcppMeta.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const RECORDING = path.join(HERE, '../fixtures/engines/recordings/sd-server/http');
const RECORDED_ROOT = '/tmp/recorded-engine';
/** `generate_image completed in 2.57s` in the recorded server.log: one 4-step 64×64 job. */
export const RECORDED_JOB_MS = 2570;
const RECORDED_BAD_JSON = '{"prompt": "a red fox", ';

/** The body of a recorded response. */
function recordedBody(file: string): string {
  const raw = readFileSync(path.join(RECORDING, `${file}.response`));
  return raw.subarray(raw.indexOf('\r\n\r\n') + 4).toString('utf8');
}

export interface SdServerFakeOptions {
  /** A job takes this long (ms). Default: stepMs × steps × batch when stepMs is set, else the recorded 2.57 s. */
  jobMs?: number;
  /** Per sampling step (ms); used when jobMs is not set. */
  stepMs?: number;
  /** LoRA files (paths relative to --lora-model-dir) the server lists and accepts. Default: none, as recorded. */
  loras?: string[];
  /** Folder standing in for the recorded /tmp/recorded-engine in paths the server reports. */
  root?: string;
}

type JobStatus = 'queued' | 'generating' | 'completed' | 'failed' | 'cancelled';
interface Job {
  id: string;
  status: JobStatus;
  created: number;
  started: number;
  completed: number;
  request: Record<string, unknown>;
  images: string[];
  error: { code: string; message: string } | null;
  timer?: NodeJS.Timeout;
}

const unixNow = () => Math.floor(Date.now() / 1000);
/** nlohmann::json::dump() of plain data: keys sorted, compact. */
function dump(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (Array.isArray(v)) return `[${v.map(dump).join(',')}]`;
  if (typeof v === 'object') {
    const o = v as Record<string, unknown>;
    return `{${Object.keys(o)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${dump(o[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(v);
}

export class SdServerFake {
  /** `METHOD /path` of every request, in arrival order. */
  readonly requests: string[] = [];
  private readonly http: RawHttpServer;
  private readonly jobs = new Map<string, Job>();
  private readonly queue: string[] = [];
  private nextId = 0;
  private running: Job | null = null;
  private readonly png = Buffer.from(
    (JSON.parse(recordedBody('13-job-poll')) as { result: { images: Array<{ b64_json: string }> } })
      .result.images[0]!.b64_json,
    'base64',
  );
  private readonly root: string;
  private readonly loras: string[];
  /** The largest number of pending (queued + generating) jobs, as the real server caps it. */
  static readonly MAX_PENDING = 64;

  constructor(private readonly opts: SdServerFakeOptions = {}) {
    this.root = opts.root ?? RECORDED_ROOT;
    this.loras = [...(opts.loras ?? [])].sort();
    // cpp-httplib: a body-less POST without Content-Length waits for its 5 s read timeout.
    this.http = new RawHttpServer((req) => this.route(req), {
      lengthlessBodyWaitMs: 5000,
      idleTimeoutMs: 5000,
    });
  }

  get port(): number {
    return this.http.port;
  }
  get url(): string {
    return `http://127.0.0.1:${this.http.port}`;
  }

  async start(port = 0): Promise<this> {
    await this.http.listen(port);
    return this;
  }

  async stop(): Promise<void> {
    for (const j of this.jobs.values()) clearTimeout(j.timer);
    await this.http.close();
  }

  private modelPath(): string {
    return `${this.root}/sd/tiny-sd1.safetensors`;
  }

  private loraEntries(): Array<{ name: string; path: string }> {
    return this.loras.map((p) => ({ name: path.basename(p, path.extname(p)), path: p }));
  }

  // ---- responses --------------------------------------------------------------------------

  /** A response as cpp-httplib writes it behind sd-server's pre-routing CORS headers. */
  private respond(req: HttpRequest, status: number, body: string | null): Answer {
    const close = req.header('connection') === 'close' || status >= 400;
    const headers: Array<[string, string]> = [];
    if (body === null) {
      headers.push(['Content-Length', '0']);
      headers.push(close ? ['Connection', 'close'] : ['Keep-Alive', 'timeout=5, max=100']);
    } else {
      headers.push(close ? ['Connection', 'close'] : ['Keep-Alive', 'timeout=5, max=100']);
      headers.push(
        ['Content-Length', String(Buffer.byteLength(body))],
        ['Content-Type', 'application/json'],
      );
    }
    headers.push(
      ['Access-Control-Allow-Methods', '*'],
      ['Access-Control-Allow-Credentials', 'true'],
      ['Access-Control-Allow-Headers', '*'],
      ['Access-Control-Allow-Origin', req.header('origin') || '*'],
    );
    return { status, reason: REASONS[status] ?? '', headers, body: body ?? undefined, close };
  }

  private route(req: HttpRequest): Answer {
    this.requests.push(`${req.method} ${req.path}`);
    if (req.method === 'OPTIONS') {
      const origin = req.header('origin') || '*';
      return {
        status: 204,
        reason: REASONS[204]!,
        headers: [
          ['Content-Length', '0'],
          req.header('connection') === 'close'
            ? ['Connection', 'close']
            : ['Keep-Alive', 'timeout=5, max=100'],
          ['Access-Control-Allow-Methods', '*'],
          ['Access-Control-Allow-Credentials', 'true'],
          ['Access-Control-Allow-Headers', '*'],
          ['Access-Control-Allow-Origin', origin],
        ],
        close: req.header('connection') === 'close',
      };
    }
    const get = req.method === 'GET' || req.method === 'HEAD';
    if (get && req.path === '/sdcpp/v1/capabilities') {
      const body = recordedBody('01-capabilities')
        .split(RECORDED_ROOT)
        .join(this.root)
        .replace('"loras":[]', `"loras":${dump(this.loraEntries())}`);
      return this.respond(req, 200, body);
    }
    if (get && req.path === '/sdapi/v1/sd-models')
      return this.respond(req, 200, recordedBody('02-sdapi-sd-models'));
    if (get && req.path === '/sdapi/v1/loras')
      return this.respond(req, 200, dump(this.loraEntries()));
    if (get && req.path === '/v1/models')
      return this.respond(req, 200, recordedBody('04-openai-models'));
    if (req.method === 'POST' && req.path === '/sdcpp/v1/img_gen') return this.imgGen(req);
    let m = /^\/sdcpp\/v1\/jobs\/([A-Za-z0-9_-]+)$/.exec(req.path);
    if (get && m) {
      const job = this.jobs.get(m[1]!);
      return job
        ? this.respond(req, 200, this.jobJson(job))
        : this.respond(req, 404, recordedBody('15-job-unknown-404'));
    }
    m = /^\/sdcpp\/v1\/jobs\/([A-Za-z0-9_-]+)\/cancel$/.exec(req.path);
    if (req.method === 'POST' && m) return this.cancel(req, m[1]!);
    return this.respond(req, 404, null);
  }

  private imgGen(req: HttpRequest): Answer {
    if (req.body.length === 0) return this.respond(req, 400, '{"error":"empty body"}');
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(req.body.toString('utf8')) as Record<string, unknown>;
    } catch {
      return this.respond(req, 400, this.badJson(req.body.toString('utf8')));
    }
    const invalid = this.validate(body);
    if (invalid) return this.respond(req, 400, dump({ error: invalid }));
    const pending = [...this.jobs.values()].filter(
      (j) => j.status === 'queued' || j.status === 'generating',
    );
    if (pending.length >= SdServerFake.MAX_PENDING)
      return this.respond(req, 429, '{"error":"job queue is full"}');
    const created = unixNow();
    const id = `job_${created.toString(16)}_${(this.nextId++).toString(16).padStart(8, '0')}`;
    const job: Job = {
      id,
      status: 'queued',
      created,
      started: 0,
      completed: 0,
      request: body,
      images: [],
      error: null,
    };
    this.jobs.set(id, job);
    this.queue.push(id);
    // The worker thread takes a job the moment it is queued, before the 202 is written: an idle
    // server answers `generating`.
    this.work();
    return this.respond(
      req,
      202,
      dump({ id, kind: 'img_gen', status: job.status, created, poll_url: `/sdcpp/v1/jobs/${id}` }),
    );
  }

  /** nlohmann's parse error text; exact for the recorded body, same form otherwise. */
  private badJson(text: string): string {
    if (text === RECORDED_BAD_JSON) return recordedBody('16-img_gen-bad-json-400');
    return dump({
      error: 'invalid json',
      message: `[json.exception.parse_error.101] parse error at line 1, column ${text.length + 1}: syntax error while parsing value - unexpected end of input`,
    });
  }

  /** SDGenerationParams::from_json_str / validate, for what a client can get wrong. */
  private validate(body: Record<string, unknown>): string | null {
    const fmt = (body.output_format as string | undefined) ?? 'png';
    if (!['png', 'jpeg', 'jpg'].includes(fmt.toLowerCase()))
      return 'invalid output_format, must be one of [png, jpeg]';
    const strength = body.strength as number | undefined;
    if (strength !== undefined && (strength < 0 || strength > 1))
      return 'invalid generation parameters';
    const sp = (body.sample_params ?? {}) as { guidance?: { txt_cfg?: number } };
    if ((sp.guidance?.txt_cfg ?? 7) < 0) return 'invalid generation parameters';
    const lora = body.lora;
    if (lora !== undefined) {
      if (!Array.isArray(lora)) return 'invalid generation parameters';
      for (const l of lora as Array<{ path?: string }>) {
        if (!l || typeof l !== 'object' || !l.path || !this.loras.includes(l.path))
          return 'invalid generation parameters';
      }
    }
    return null;
  }

  private cancel(req: HttpRequest, id: string): Answer {
    const job = this.jobs.get(id);
    if (!job) return this.respond(req, 404, recordedBody('15-job-unknown-404'));
    if (job.status === 'queued') {
      this.queue.splice(this.queue.indexOf(id), 1);
      job.status = 'cancelled';
      job.completed = unixNow();
      job.error = { code: 'cancelled', message: 'job cancelled by client' };
      return this.respond(req, 200, this.jobJson(job));
    }
    if (job.status === 'generating')
      return this.respond(req, 409, recordedBody('09-cancel-generating-409'));
    return this.respond(req, 200, this.jobJson(job));
  }

  /** make_async_job_json() */
  private jobJson(job: Job): string {
    const out: Record<string, unknown> = {
      id: job.id,
      kind: 'img_gen',
      status: job.status,
      created: job.created,
      started: job.started || null,
      completed: job.completed || null,
      queue_position: job.status === 'queued' ? this.queue.indexOf(job.id) + 1 : 0,
      result: null,
      error: job.error,
    };
    if (job.status === 'completed') {
      out.result = {
        output_format: this.outputFormat(job),
        images: job.images.map((b64_json, index) => ({ index, b64_json })),
      };
    }
    return dump(out);
  }

  private outputFormat(job: Job): string {
    const f = ((job.request.output_format as string | undefined) ?? 'png').toLowerCase();
    return f === 'jpg' ? 'jpeg' : f;
  }

  // ---- the worker ---------------------------------------------------------------------------

  private work(): void {
    if (this.running) return;
    const id = this.queue.shift();
    if (id === undefined) return;
    const job = this.jobs.get(id)!;
    job.status = 'generating';
    job.started = unixNow();
    this.running = job;
    job.timer = setTimeout(() => void this.finish(job), this.duration(job));
  }

  private duration(job: Job): number {
    if (this.opts.jobMs !== undefined) return this.opts.jobMs;
    if (this.opts.stepMs === undefined) return RECORDED_JOB_MS;
    const sp = (job.request.sample_params ?? {}) as { sample_steps?: number };
    const steps = Math.min(100, Math.max(1, sp.sample_steps ?? 20));
    const batch = Math.min(8, Math.max(1, (job.request.batch_count as number | undefined) ?? 1));
    return this.opts.stepMs * steps * batch;
  }

  private async finish(job: Job): Promise<void> {
    try {
      job.images = await this.render(job);
      job.status = 'completed';
    } catch (e) {
      job.status = 'failed';
      job.error = {
        code: 'generation_failed',
        message: e instanceof Error ? e.message : String(e),
      };
    }
    job.completed = unixNow();
    this.running = null;
    this.work();
  }

  /** execute_img_gen_job(): one image per batch entry, `parameters` as get_image_params() writes it. */
  private async render(job: Job): Promise<string[]> {
    const r = job.request as {
      prompt?: string;
      negative_prompt?: string;
      width?: number;
      height?: number;
      seed?: number;
      batch_count?: number;
      clip_skip?: number;
      strength?: number;
      lora?: Array<{ path: string; multiplier?: number }>;
      sample_params?: {
        sample_method?: string;
        scheduler?: string;
        sample_steps?: number;
        eta?: number;
        guidance?: { txt_cfg?: number; img_cfg?: number; distilled_guidance?: number };
      };
    };
    const sp = r.sample_params ?? {};
    const width = r.width && r.width > 0 ? r.width : 512;
    const height = r.height && r.height > 0 ? r.height : 512;
    let seed = r.seed ?? 42;
    if (seed < 0) seed = Math.floor(Math.random() * 2 ** 31);
    const batch = Math.min(8, Math.max(1, r.batch_count ?? 1));
    // Unknown names are ignored by the server (the engine default stays: unresolved).
    const sampler = sp.sample_method && sp.sample_method in SAMPLERS ? sp.sample_method : null;
    const sched = sp.scheduler ? schedulerName(sp.scheduler) : null;
    const scheduler = sched && sched in SCHEDULERS ? sched : null;
    const out: string[] = [];
    for (let i = 0; i < batch; i++) {
      const params = imageParameters({
        prompt: r.prompt ?? '',
        negative: r.negative_prompt ?? '',
        steps: Math.min(100, Math.max(1, sp.sample_steps ?? 20)),
        cfg: sp.guidance?.txt_cfg ?? 7,
        imgCfg: sp.guidance?.img_cfg ?? Infinity,
        guidance: sp.guidance?.distilled_guidance ?? 3.5,
        eta: sp.eta ?? Infinity,
        seed: seed + i,
        width,
        height,
        model: this.modelPath(),
        sampler,
        scheduler,
        clipSkip: r.clip_skip ?? -1,
        strength: r.strength ?? 0.75,
        loras: (r.lora ?? []).map((l) => ({ name: l.path, multiplier: l.multiplier ?? 1 })),
      });
      let img = setText(resized(this.png, width, height), 'parameters', params);
      if (this.outputFormat(job) === 'jpeg') {
        const { default: sharp } = await import('sharp');
        const quality = Math.min(
          100,
          Math.max(1, (job.request.output_compression as number | undefined) ?? 100),
        );
        img = await sharp(img).jpeg({ quality }).toBuffer();
      }
      out.push(img.toString('base64'));
    }
    return out;
  }
}
