import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { LineSplitter } from '../../../src-main/core/engines/progressParsers';
import {
  explainKohyaFailure,
  parseEpoch,
  parseKohyaStep,
  parseTotalSteps,
} from '../../../src-main/core/training/runs/kohyaOutput';

const rec = 'test/fixtures/engines/recordings/kohya';
const lines = (file: string) => {
  const s = new LineSplitter();
  return [...s.push(readFileSync(`${rec}/${file}`, 'utf8')), ...s.flush()];
};

describe("kohya's output, as recorded", () => {
  it('the summary gives the total steps before the first one, and the epochs', () => {
    const out = lines('train.stdout');
    expect(out.map(parseTotalSteps).filter((x) => x !== null)).toEqual([2]);
    expect(out.map(parseEpoch).filter(Boolean)).toEqual([{ epoch: 1, total: 1 }]);
    expect(
      lines('resume.stdout')
        .map(parseTotalSteps)
        .filter((x) => x !== null),
    ).toEqual([3]);
  });

  it('reads steps, rate, ETA and loss from tqdm lines interleaved with rich logs', () => {
    const steps = lines('train.stderr')
      .map(parseKohyaStep)
      .filter((x) => x !== null);
    expect(steps[0]).toMatchObject({ step: 0, total: 2, loss: null, etaSec: null });
    const withLoss = steps.filter((s) => s.loss !== null);
    expect(withLoss.length).toBeGreaterThan(0);
    expect(withLoss.at(-1)).toMatchObject({ step: 2, total: 2, loss: 1.6 });
    expect(withLoss.at(-1)!.secPerIt).toBeCloseTo(1.27);
    const resumed = lines('resume.stderr')
      .map(parseKohyaStep)
      .filter((x) => x !== null && x.loss !== null);
    // A resumed run's bar counts only the steps left (kohya skipped the 2 saved ones).
    expect(resumed.at(-1)).toMatchObject({ step: 1, total: 1, loss: 1.37 });
    expect(
      parseKohyaStep('steps:  40%|████      | 2/5 [00:10<00:15, 19.87it/s, avr_loss=0.112]'),
    ).toEqual({ step: 2, total: 5, loss: 0.112, secPerIt: null, itPerSec: 19.87, etaSec: 15 });
  });

  it('turns a failure into words a creator can act on', () => {
    expect(
      explainKohyaFailure(
        [
          'Traceback (most recent call last):',
          '  File "train_network.py", line 1, in <module>',
          'torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 20.00 MiB. GPU 0 has a total capacity of 7.79 GiB',
        ],
        1,
      ),
    ).toMatch(
      /^The GPU ran out of memory while training \(torch\.OutOfMemoryError: CUDA out of memory.*\)\. Lower the batch size/,
    );
    expect(explainKohyaFailure(['OSError: [Errno 28] No space left on device'], 1)).toMatch(
      /^The disk filled up while the trainer was saving .* resume/,
    );
    expect(explainKohyaFailure(["ModuleNotFoundError: No module named 'toml'"], 1)).toMatch(
      /has no module “toml”/,
    );
    // accelerate's launcher error comes last; the trainer's own is the one to tell.
    expect(
      explainKohyaFailure(
        [
          'OSError: [Errno 28] No space left on device',
          "subprocess.CalledProcessError: Command '['python', 'train_network.py']' returned non-zero exit status 1.",
        ],
        1,
      ),
    ).toMatch(/\(OSError: \[Errno 28\] No space left on device\)/);
    expect(explainKohyaFailure(['ValueError: bad resolution'], 1)).toBe(
      'The trainer stopped: ValueError: bad resolution',
    );
    expect(explainKohyaFailure(['', 'saving state'], -1)).toMatch(
      /^The trainer was stopped from outside before it could say why.*Resume the run/,
    );
    expect(explainKohyaFailure(['saving state'], 3)).toMatch(
      /^The trainer exited with code 3 without an error message/,
    );
  });
});
