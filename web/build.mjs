// Builds the served client: copies src/ and livekit-client's ESM bundle into
// aida/api/static/web/, which is committed so that setting Aida up needs no npm step.
// Also copies axe-core (a dev dependency) to tests/web/vendor/ for the accessibility test.
//   node build.mjs          rebuild (after `npm ci` in web/)
//   node build.mjs --check  exit 1 if the committed output differs from src/ (no npm needed)
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const src = join(here, 'src');
const out = join(here, '..', 'aida', 'api', 'static', 'web');
const pkg = join(here, 'node_modules', 'livekit-client');
const VENDOR = 'vendor/livekit-client.esm.mjs';

function files(dir, base = dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path, base) : [relative(base, path)];
  });
}

const digest = (path) => createHash('sha256').update(readFileSync(path)).digest('hex');

if (process.argv.includes('--check')) {
  const problems = [];
  for (const f of files(src)) {
    const built = join(out, f);
    if (!existsSync(built)) problems.push(`missing ${f}`);
    else if (digest(built) !== digest(join(src, f))) problems.push(`stale ${f}`);
  }
  const wanted = new Set([...files(src), VENDOR, 'vendor/LICENSE', 'vendor/VERSION']);
  for (const f of files(out)) if (!wanted.has(f)) problems.push(`unexpected ${f}`);
  if (!existsSync(join(out, VENDOR))) problems.push(`missing ${VENDOR}`);
  if (problems.length) {
    console.error(`aida/api/static/web is out of date (run: cd web && npm ci && npm run build):\n  ${problems.join('\n  ')}`);
    process.exit(1);
  }
  console.log('aida/api/static/web matches web/src');
  process.exit(0);
}

if (!existsSync(join(pkg, 'dist', 'livekit-client.esm.mjs'))) {
  console.error('livekit-client is not installed: run `npm ci` in web/ first.');
  process.exit(1);
}
rmSync(out, { recursive: true, force: true });
mkdirSync(join(out, 'vendor'), { recursive: true });
cpSync(src, out, { recursive: true });
cpSync(join(pkg, 'dist', 'livekit-client.esm.mjs'), join(out, VENDOR));
cpSync(join(pkg, 'LICENSE'), join(out, 'vendor', 'LICENSE'));
const version = JSON.parse(readFileSync(join(pkg, 'package.json'), 'utf8')).version;
writeFileSync(join(out, 'vendor', 'VERSION'), `livekit-client ${version} (Apache-2.0), dist/livekit-client.esm.mjs\n`);
// The accessibility checker the browser tests inject (tests only: never served).
const axe = join(here, 'node_modules', 'axe-core');
if (existsSync(join(axe, 'axe.min.js'))) {
  const testVendor = join(here, '..', 'tests', 'web', 'vendor');
  mkdirSync(testVendor, { recursive: true });
  cpSync(join(axe, 'axe.min.js'), join(testVendor, 'axe.min.js'));
  cpSync(join(axe, 'LICENSE'), join(testVendor, 'LICENSE-axe-core'));
  const axeVersion = JSON.parse(readFileSync(join(axe, 'package.json'), 'utf8')).version;
  writeFileSync(join(testVendor, 'VERSION'), `axe-core ${axeVersion} (MPL-2.0), axe.min.js\n`);
}
console.log(`built ${files(out).length} files into ${relative(process.cwd(), out) || out}`);
