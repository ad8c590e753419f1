import type { CDPSession, Page } from 'playwright-core';

/**
 * Long-task recording for the Chromium benches. The observer is installed as an init script so
 * it sees the tasks of the page's own start-up (bundle evaluation, first render), which an
 * observer added after `goto` would miss. A string, not a function: tsx's name-keeping helper
 * does not exist in the page.
 */
const recorder = `
  window.__longTasks = [];
  try {
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) window.__longTasks.push(e.duration);
    }).observe({ type: 'longtask', buffered: true });
  } catch (e) {
    window.__longTasksError = String(e);
  }
`;

export async function recordLongTasks(page: Page): Promise<void> {
  await page.addInitScript(recorder);
}

export interface LongTaskSummary {
  count: number;
  longestMs: number;
  totalMs: number;
}

/** The long tasks since the last call (the recorder is emptied), summarised. */
export async function takeLongTasks(page: Page): Promise<LongTaskSummary> {
  const tasks = await page.evaluate(() => {
    const w = window as unknown as { __longTasks?: number[]; __longTasksError?: string };
    if (w.__longTasksError) throw new Error(`longtask observer: ${w.__longTasksError}`);
    if (!w.__longTasks) throw new Error('the long-task recorder was not installed before load');
    return w.__longTasks.splice(0);
  });
  return {
    count: tasks.length,
    longestMs: tasks.length ? Math.max(...tasks) : 0,
    totalMs: tasks.reduce((a, b) => a + b, 0),
  };
}

/**
 * Proves the recorder sees long tasks in this browser: a figure of "0 long tasks" means nothing
 * if the observer is not supported or not running.
 */
export async function checkRecorder(page: Page): Promise<void> {
  await takeLongTasks(page);
  // In a task of the page's own: code run by `evaluate` itself is not timed as a task.
  await page.evaluate(
    () =>
      new Promise<void>((resolve) =>
        setTimeout(() => {
          const until = performance.now() + 80;
          while (performance.now() < until);
          resolve();
        }, 0),
      ),
  );
  await settle(page, 200);
  const s = await takeLongTasks(page);
  if (s.count === 0 || s.longestMs < 75)
    throw new Error('the long-task observer did not see an 80 ms task');
}

/** Waits until `quietMs` pass with no new long task (work started by the last step has ended). */
export async function settle(page: Page, quietMs = 400, maxMs = 15_000): Promise<void> {
  await page.evaluate(
    async ([quiet, max]) => {
      const w = window as unknown as { __longTasks: number[] };
      const start = performance.now();
      let seen = w.__longTasks.length;
      let since = performance.now();
      while (performance.now() - start < max) {
        await new Promise((r) => setTimeout(r, 50));
        if (w.__longTasks.length !== seen) {
          seen = w.__longTasks.length;
          since = performance.now();
        } else if (performance.now() - since >= quiet) return;
      }
    },
    [quietMs, maxMs] as const,
  );
}

export interface MainThreadSummary {
  tasks: number;
  /** Tasks over 50 ms of the renderer thread's own CPU time. */
  overCpu: number;
  longestCpuMs: number;
  longestWallMs: number;
  /** Main-thread CPU time over the whole phase. */
  totalCpuMs: number;
  /** CPU time over wall time for tasks over 10 ms: below 1, the machine was busy elsewhere. */
  cpuShare: number;
}

interface TraceEvent {
  ph: string;
  name: string;
  pid: number;
  tid: number;
  dur?: number;
  tdur?: number;
  args?: { name?: string };
}

/**
 * Traces the renderer's main thread (the 'toplevel' category only: light) to time each task in
 * CPU time as well as wall time. On a shared machine a long task seen by the page may be a short
 * one that waited for a core; CPU time is what the page's code is answerable for.
 */
export async function traceMainThread(page: Page): Promise<() => Promise<MainThreadSummary>> {
  const cdp: CDPSession = await page.context().newCDPSession(page);
  const events: TraceEvent[] = [];
  cdp.on('Tracing.dataCollected', (d) => events.push(...(d.value as unknown as TraceEvent[])));
  await cdp.send('Tracing.start', { categories: 'toplevel', transferMode: 'ReportEvents' });
  return async () => {
    const complete = new Promise((r) => cdp.once('Tracing.tracingComplete', r));
    await cdp.send('Tracing.end');
    await complete;
    await cdp.detach();
    const main = new Set(
      events
        .filter(
          (e) => e.ph === 'M' && e.name === 'thread_name' && e.args?.name === 'CrRendererMain',
        )
        .map((e) => `${e.pid}:${e.tid}`),
    );
    const tasks = events.filter(
      (e) =>
        e.ph === 'X' && e.name === 'ThreadControllerImpl::RunTask' && main.has(`${e.pid}:${e.tid}`),
    );
    const cpu = tasks.map((e) => (e.tdur ?? 0) / 1000);
    const big = tasks.filter((e) => (e.dur ?? 0) > 10_000);
    const bigWall = big.reduce((a, e) => a + (e.dur ?? 0), 0);
    return {
      tasks: tasks.length,
      overCpu: cpu.filter((c) => c > 50).length,
      longestCpuMs: Math.max(0, ...cpu),
      longestWallMs: Math.max(0, ...tasks.map((e) => (e.dur ?? 0) / 1000)),
      totalCpuMs: cpu.reduce((a, b) => a + b, 0),
      cpuShare: bigWall ? big.reduce((a, e) => a + (e.tdur ?? 0), 0) / bigWall : 1,
    };
  };
}

export const formatLongTasks = (s: LongTaskSummary) =>
  `${s.count} long task${s.count === 1 ? '' : 's'}${s.count ? ` (longest ${s.longestMs.toFixed(0)} ms)` : ''}`;

export const formatMainThread = (m: MainThreadSummary) =>
  `longest task ${m.longestCpuMs.toFixed(0)} ms CPU${m.overCpu ? ` (${m.overCpu} over 50 ms CPU)` : ''}, ${m.totalCpuMs.toFixed(0)} ms CPU in all, CPU share ${Math.round(m.cpuShare * 100)}%`;
