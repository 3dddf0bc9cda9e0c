// Timing for bench.mjs: each implementation of a row is calibrated and warmed up, then the
// implementations take turns, one timed batch each per round, so a burst of load from other
// processes hits them all alike. The figure is the median per-operation time.

/** Runs `fn` `n` times (awaiting each call when `isAsync`). */
async function runBatch(fn, n, isAsync) {
  if (isAsync) for (let i = 0; i < n; i++) await fn();
  else for (let i = 0; i < n; i++) fn();
}

/** Warms `fn` up: calls it for about 100 ms (at least 3 calls). */
async function warmUp(fn, isAsync) {
  const end = process.hrtime.bigint() + 100_000_000n;
  let calls = 0;
  while (calls < 3 || process.hrtime.bigint() < end) {
    await runBatch(fn, 1, isAsync);
    calls += 1;
  }
}

/** The batch size that lasts about 5 ms (at least one call). */
async function calibrate(fn, isAsync) {
  let batch = 1;
  for (;;) {
    const t0 = process.hrtime.bigint();
    await runBatch(fn, batch, isAsync);
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    if (ms >= 5 || batch >= 1 << 16) return batch;
    batch *= 2;
  }
}

/**
 * Median microseconds per call of each `[name, fn, {async, slow}]` entry. `slow` entries (pure
 * wasm RSA) take part in every `slowEvery`-th round only.
 */
export async function measureRow(entries, { rounds = 201, quick = false } = {}) {
  const n = quick ? 15 : rounds;
  const slowEvery = 3;
  const state = [];
  for (const [name, fn, opts = {}] of entries) {
    const isAsync = Boolean(opts.async);
    await warmUp(fn, isAsync);
    const batch = await calibrate(fn, isAsync);
    state.push({ name, fn, isAsync, slow: Boolean(opts.slow), batch, times: [] });
  }
  for (let r = 0; r < n; r++) {
    for (const s of state) {
      if (s.slow && r % slowEvery !== 0) continue;
      const t0 = process.hrtime.bigint();
      await runBatch(s.fn, s.batch, s.isAsync);
      s.times.push(Number(process.hrtime.bigint() - t0) / 1e3 / s.batch);
    }
  }
  const out = {};
  for (const s of state) {
    const t = s.times.sort((a, b) => a - b);
    out[s.name] = { median_us: t[Math.floor(t.length / 2)], min_us: t[0], max_us: t[t.length - 1], samples: t.length, batch: s.batch };
  }
  return out;
}
