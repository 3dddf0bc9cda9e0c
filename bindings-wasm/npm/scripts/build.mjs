// Builds the package's native half: the Rust crate `wechatpay-coupons-wasm` for wasm32 in
// release, then `wasm-bindgen --target web` (one ES module that Node loads synchronously from
// the file and other runtimes load with `init()`), then `wasm-opt -Oz` from npm `binaryen`.
//
// Needs: cargo with the wasm32-unknown-unknown target, and `wasm-bindgen` (wasm-bindgen-cli) at
// exactly the version of the `wasm-bindgen` crate in Cargo.lock; it says how to get either.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const pkg = dirname(dirname(fileURLToPath(import.meta.url)));
const root = join(pkg, '..', '..');
const final = join(pkg, 'dist', 'wasm');
// Built beside the old output and swapped in at the end, so a running test never sees half a build.
const out = join(pkg, 'dist', 'wasm.new');
const run = (cmd, args, opts = {}) => execFileSync(cmd, args, { stdio: 'inherit', ...opts });

function lockedVersion(name) {
  const lock = readFileSync(join(root, 'Cargo.lock'), 'utf8');
  const m = lock.match(new RegExp(`name = "${name}"\\nversion = "([^"]+)"`));
  if (!m) throw new Error(`${name} is not in Cargo.lock`);
  return m[1];
}

const want = lockedVersion('wasm-bindgen');
let have = '';
try {
  have = execFileSync('wasm-bindgen', ['--version'], { encoding: 'utf8' }).trim().split(/\s+/)[1] ?? '';
} catch {
  have = '';
}
if (have !== want) {
  console.error(
    `wasm-bindgen ${want} is needed (found ${have || 'none'}): ` +
      `cargo install wasm-bindgen-cli --version =${want} --no-default-features`,
  );
  process.exit(1);
}

run('cargo', ['build', '--release', '-p', 'wechatpay-coupons-wasm', '--target', 'wasm32-unknown-unknown'], {
  cwd: root,
});
const targetDir = process.env.CARGO_TARGET_DIR ?? join(root, 'target');
const wasm = join(targetDir, 'wasm32-unknown-unknown', 'release', 'wechatpay_coupons_wasm.wasm');

rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
run('wasm-bindgen', ['--target', 'web', '--no-typescript', '--out-dir', out, '--out-name', 'wechatpay_coupons', wasm]);

const bg = join(out, 'wechatpay_coupons_bg.wasm');
const wasmOpt = join(pkg, 'node_modules', '.bin', 'wasm-opt');
if (existsSync(wasmOpt)) {
  // Debian's wasm-opt breaks these modules; binaryen from npm does not.
  run(wasmOpt, ['-Oz', '--enable-bulk-memory', '--enable-nontrapping-float-to-int', '--enable-sign-ext',
    '--enable-mutable-globals', '--strip-debug', '--strip-producers', bg, '-o', bg]);
} else {
  console.warn('wasm-opt (npm binaryen) not installed: run `npm install` first for a smaller module');
}
rmSync(final, { recursive: true, force: true });
renameSync(out, final);
const size = statSync(join(final, 'wechatpay_coupons_bg.wasm')).size;
const gz = gzipSync(readFileSync(join(final, 'wechatpay_coupons_bg.wasm')), { level: 9 }).length;
console.log(`wechatpay_coupons_bg.wasm: ${size} bytes, ${gz} gzipped`);
