import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { probeVulkan, vulkanFromProbe } from '../../../src-main/core/engines/probeEngines';
import { resolveRealEsrgan } from '../../../src-main/core/engines/realesrgan';

const fixtures = path.resolve(import.meta.dirname, '../../fixtures/engines');
const recorded = (name: string) => readFileSync(path.join(fixtures, name), 'utf8');

/**
 * A CPU Vulkan driver is not a GPU: Real-ESRGAN runs on it, minutes per small image. Detected
 * from what Real-ESRGAN prints as it starts (recorded on a machine with Mesa's lavapipe).
 */
describe('software Vulkan', () => {
  it('is detected from Real-ESRGAN start-up output recorded on lavapipe', () => {
    // upscayl-bin asked for a missing input: it lists the devices and stops (the probe).
    const probe = vulkanFromProbe(recorded('realesrgan-probe-llvmpipe.txt'));
    expect(probe).toMatchObject({
      found: true,
      software: true,
      devices: ['0: llvmpipe (LLVM 15.0.6, 256 bits)'],
      problem: null,
    });
    expect(probe.note).toMatch(/No GPU: Vulkan runs on the CPU through llvmpipe \(lavapipe\)/);
    expect(probe.note).toMatch(/fast model/);
    expect(probe.note).toMatch(/lanczos/);
    // A whole upscale's output says the same.
    expect(vulkanFromProbe(recorded('realesrgan-x4fast-128x96-t32.stderr.txt'))).toMatchObject({
      found: true,
      software: true,
    });
  });

  it('a real GPU is not software, also beside lavapipe; SwiftShader and vulkaninfo output are read too', () => {
    // ncnn's device lines in the format the recordings show, for devices we have no recording of.
    const gpu = vulkanFromProbe(
      '[0 NVIDIA GeForce RTX 4090]  queueC=2[8]  queueG=0[16]  queueT=1[2]\n[0 NVIDIA GeForce RTX 4090]  fp16-p/s/a=1/1/1  int8-p/s/a=1/1/1\n',
    );
    expect(gpu).toMatchObject({ found: true, software: false, note: null });
    const both = vulkanFromProbe(
      '[0 AMD Radeon RX 7900 XTX (RADV NAVI31)]  queueC=1[4]\n[1 llvmpipe (LLVM 15.0.6, 256 bits)]  queueC=0[1]\n',
    );
    expect(both).toMatchObject({
      software: false,
      devices: [expect.any(String), expect.any(String)],
    });
    expect(vulkanFromProbe('[0 SwiftShader Device (Subzero)]  queueC=0[1]\n')).toMatchObject({
      software: true,
      note: expect.stringMatching(/SwiftShader/),
    });
    const summary = `Devices:\n========\nGPU0:\n\tapiVersion         = 1.3.238\n\tdeviceType         = PHYSICAL_DEVICE_TYPE_CPU\n\tdeviceName         = llvmpipe (LLVM 15.0.6, 256 bits)\n`;
    expect(vulkanFromProbe(summary)).toMatchObject({
      found: true,
      software: true,
      devices: ['0: llvmpipe (LLVM 15.0.6, 256 bits)'],
    });
  });

  it('no device, or a program that did not start, is said so', () => {
    expect(vulkanFromProbe('vkCreateInstance failed -9\ninvalid gpu device')).toMatchObject({
      found: false,
      software: false,
      problem: expect.stringMatching(/No Vulkan device/),
    });
    expect(vulkanFromProbe('', false)).toMatchObject({
      found: false,
      problem: 'Real-ESRGAN could not be started.',
    });
  });

  it('this machine’s Real-ESRGAN sees lavapipe as software', async () => {
    const esr = resolveRealEsrgan(null, null);
    if (!esr.path) return expect.soft(esr.source).toBe('missing');
    const info = await probeVulkan(esr.path, esr.modelsDir, true);
    // CI installs mesa-vulkan-drivers and has no GPU.
    expect(info.found).toBe(true);
    expect(info.software).toBe(true);
    expect(info.devices.join(' ')).toMatch(/llvmpipe|lavapipe/);
  });
});
