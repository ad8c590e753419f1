// What stable-diffusion.cpp (leejet/stable-diffusion.cpp at 97d2990, the build the recordings
// came from: its log lines carry the same file:line numbers) prints and embeds, for the sd-cli and
// sd-server fakes. Tables are copied from src/stable-diffusion.cpp and src/runtime/denoiser.hpp;
// the PNG text follows examples/common/common.cpp get_image_params() and
// build_sdcpp_image_metadata_json().

/** `--sampling-method` names (sample_method_to_str) → the name `sampling using X method` logs. */
export const SAMPLERS = {
  euler: 'Euler',
  euler_a: 'Euler A',
  heun: 'Heun',
  dpm2: 'DPM2',
  'dpm++2s_a': 'DPM++ (2s)',
  'dpm++2m': 'DPM++ (2M)',
  'dpm++2mv2': 'modified DPM++ (2M)',
  ipndm: 'iPNDM',
  ipndm_v: 'iPNDM_v',
  lcm: 'LCM',
  ddim_trailing: 'DDIM "trailing"',
  tcd: 'TCD',
  res_multistep: 'Res Multistep',
  res_2s: 'Res 2s',
  er_sde: 'ER-SDE',
  euler_cfg_pp: 'Euler CFG++',
  euler_a_cfg_pp: 'Euler A CFG++',
  euler_ge: 'Euler GE',
  'dpm++2m_sde': 'DPM++ (2M) SDE',
  'dpm++2m_sde_bt': 'DPM++ (2M) SDE BT',
  lms: 'LMS',
};

/** `--scheduler` names (scheduler_to_str) → [denoiser.hpp line, the get_sigmas log text]. */
export const SCHEDULERS = {
  discrete: [1051, 'get_sigmas with discrete scheduler'],
  karras: [1055, 'get_sigmas with Karras scheduler'],
  exponential: [1063, 'get_sigmas exponential scheduler'],
  ays: [1067, 'get_sigmas with Align-Your-Steps scheduler'],
  gits: [1071, 'get_sigmas with GITS scheduler'],
  sgm_uniform: [1075, 'get_sigmas with SGM Uniform scheduler'],
  simple: [1079, 'get_sigmas with Simple scheduler'],
  smoothstep: [1083, 'get_sigmas with SmoothStep scheduler'],
  kl_optimal: [1091, 'get_sigmas with KL Optimal scheduler'],
  lcm: [1095, 'get_sigmas with LCM scheduler'],
  bong_tangent: [1087, 'get_sigmas with bong_tangent scheduler'],
  ltx2: [1099, 'get_sigmas with LTX2 scheduler'],
  logit_normal: [1103, 'get_sigmas with Logit-Normal scheduler'],
  flux2: [1108, 'get_sigmas with Flux2 scheduler'],
  flux: [1113, 'get_sigmas with Flux scheduler'],
  beta: [1059, 'get_sigmas with Beta scheduler'],
};

/** str_to_scheduler(): `normal` is an alias of `discrete`. */
export function schedulerName(name) {
  return name === 'normal' ? 'discrete' : name;
}

/** sd_get_default_scheduler() for an SD1 model (the tiny recorded one). */
export function defaultScheduler(sampler) {
  if (sampler === 'lcm' || sampler === 'tcd') return 'lcm';
  if (sampler === 'ddim_trailing') return 'simple';
  return 'discrete';
}

/** A float member of a nlohmann::json document (printed `7.0`, `0.8999999761581421`, or null). */
export class JFloat {
  constructor(value) {
    // The C++ fields are `float`: widen exactly as the engine does.
    this.value = Math.fround(value);
  }
}

/** nlohmann::json::dump(): objects are std::maps (keys sorted), compact, UTF-8 kept as is. */
export function nlohmannDump(v) {
  if (v instanceof JFloat) {
    if (!Number.isFinite(v.value)) return 'null';
    return Number.isInteger(v.value) ? `${v.value}.0` : String(v.value);
  }
  if (v === null || v === undefined) return 'null';
  if (Array.isArray(v)) return `[${v.map(nlohmannDump).join(',')}]`;
  if (typeof v === 'object') {
    const keys = Object.keys(v).sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
    return `{${keys.map((k) => `${JSON.stringify(k)}:${nlohmannDump(v[k])}`).join(',')}}`;
  }
  return JSON.stringify(v);
}

/** std::to_string(float): printf("%f"). */
const f6 = (x) =>
  Number.isFinite(Math.fround(x))
    ? Math.fround(x).toFixed(6)
    : Math.fround(x) > 0
      ? 'inf'
      : Math.fround(x) < 0
        ? '-inf'
        : 'nan';

const basename = (p) => p.slice(Math.max(p.lastIndexOf('/'), p.lastIndexOf('\\')) + 1);

/**
 * The `parameters` text sd.cpp embeds in its images (get_image_params). `p` holds what the run
 * used: prompt (LoRA tags removed), promptWithLora (as typed; sd-server passes none), negative,
 * steps, cfg, guidance, eta, imgCfg, seed, width, height, model (path), sampler and scheduler
 * (names, or null when the engine left them unresolved), loras [{name, multiplier}], clipSkip,
 * strength, mode ('img_gen' | 'vid_gen'), videoFrames, fps.
 */
export function imageParameters(p) {
  const eta = p.eta ?? Infinity;
  let s = `${p.promptWithLora || p.prompt}\n`;
  if (p.negative) s += `Negative prompt: ${p.negative}\n`;
  s += `Steps: ${p.steps}, CFG scale: ${f6(p.cfg ?? 7)}, `;
  s += `Guidance: ${f6(p.guidance ?? 3.5)}, Eta: ${f6(eta)}, `;
  s += `Seed: ${p.seed}, Size: ${p.width}x${p.height}, Model: ${basename(p.model)}, RNG: cuda, `;
  s += `Sampler: ${p.sampler ?? 'NONE'}`;
  if (p.scheduler) s += ` ${p.scheduler}`;
  s += ', ';
  if ((p.clipSkip ?? -1) !== -1) s += `Clip skip: ${p.clipSkip}, `;
  s += 'Version: stable-diffusion.cpp';
  const sampling = {
    steps: p.steps,
    eta: new JFloat(eta),
    shifted_timestep: 0,
    flow_shift: new JFloat(Infinity),
    extra_sample_args: '',
    guidance: {
      txt_cfg: new JFloat(p.cfg ?? 7),
      img_cfg: new JFloat(p.imgCfg ?? Infinity),
      distilled_guidance: new JFloat(p.guidance ?? 3.5),
      slg: {
        scale: new JFloat(0),
        layers: [7, 8, 9],
        start: new JFloat(0.01),
        end: new JFloat(0.2),
      },
    },
    custom_sigmas: [],
  };
  if (p.sampler) sampling.method = p.sampler;
  if (p.scheduler) sampling.scheduler = p.scheduler;
  const root = {
    schema: 'sdcpp.image.params/v1',
    mode: p.mode ?? 'img_gen',
    generator: { name: 'stable-diffusion.cpp', version: 'unknown', commit: 'unknown' },
    seed: p.seed,
    width: p.width,
    height: p.height,
    prompt: { positive: p.prompt, negative: p.negative ?? '' },
    sampling,
    models: { model: basename(p.model) },
    clip_skip: p.clipSkip ?? -1,
    strength: new JFloat(p.strength ?? 0.75),
    control_strength: new JFloat(0.9),
    ip_adapter_strength: new JFloat(1),
    auto_resize_ref_image: true,
    increase_ref_index: false,
    rng: 'cuda',
  };
  if (p.mode === 'vid_gen') {
    root.video = { frame_count: p.videoFrames ?? 1, fps: p.fps ?? 24 };
    root.moe_boundary = new JFloat(0.875);
    root.vace_strength = new JFloat(1);
    root.high_noise_sampling = { ...sampling, steps: -1, method: undefined, scheduler: undefined };
    delete root.high_noise_sampling.method;
    delete root.high_noise_sampling.scheduler;
    delete root.high_noise_sampling.custom_sigmas;
  }
  if (p.loras?.length) {
    root.loras = p.loras.map((l) => ({
      name: basename(l.name),
      multiplier: new JFloat(l.multiplier),
      is_high_noise: false,
    }));
  }
  return `${s}, SDCPP: ${nlohmannDump(root)}`;
}
