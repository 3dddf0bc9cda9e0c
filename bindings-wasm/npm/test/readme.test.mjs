// Runs the README's Node quick start exactly as written against a fresh sandbox: the block is
// saved as quickstart.mjs in a folder where `wechatpay-coupons` resolves to this package and the
// sandbox wrote its merchant files to `sandbox-merchant`, as the README describes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { REPO } from './helpers.mjs';
import { linkPackage, Sandbox, sandboxMissing } from './sandbox-helpers.mjs';

/** The block after `<!-- node-quickstart … -->` in README.md. */
function quickstart() {
  const readme = readFileSync(join(REPO, 'README.md'), 'utf8');
  const m = readme.match(/<!-- node-quickstart[^>]*-->\s*```js\n([\s\S]*?)```/);
  assert.ok(m, 'README has no node-quickstart block');
  return m[1];
}

const missing = sandboxMissing();

test('the README quick start block imports the package by its name', () => {
  const code = quickstart();
  assert.match(code, /from 'wechatpay-coupons'/);
  assert.match(code, /Client\.fromConfig\('sandbox-merchant'\)/);
});

test('the README Node quick start runs as written', { skip: missing ?? false }, async () => {
  const work = mkdtempSync(join(tmpdir(), 'wc-readme-node-'));
  const sb = await Sandbox.start({ dir: join(work, 'sandbox-merchant') });
  try {
    linkPackage(work);
    writeFileSync(join(work, 'quickstart.mjs'), quickstart());
    const { stdout } = await promisify(execFile)(process.execPath, ['quickstart.mjs'], { cwd: work, timeout: 60_000 });
    // a fresh sandbox has no stock yet
    assert.equal(stdout.trim(), '0 stocks');
  } finally {
    await sb.stop();
    rmSync(work, { recursive: true, force: true });
  }
});
