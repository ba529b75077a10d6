// Vendors livekit-client's ESM bundle into aida/api/static/web/vendor/. The client itself is
// written in place in aida/api/static/web/ (plain ES modules, nothing to compile), and the vendored
// bundle is committed, so setting Aida up needs no npm step.
// Also copies axe-core (a dev dependency) to tests/web/vendor/ for the accessibility test.
//   node build.mjs          rebuild (after `npm ci` in web/)
//   node build.mjs --check  exit 1 if the committed bundle is not the pinned version (no npm needed)
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const out = join(here, '..', 'aida', 'api', 'static', 'web');
const pkg = join(here, 'node_modules', 'livekit-client');
const VENDOR = 'vendor/livekit-client.esm.mjs';

if (process.argv.includes('--check')) {
  const pinned = JSON.parse(readFileSync(join(here, 'package.json'), 'utf8')).dependencies['livekit-client'];
  const stamp = join(out, 'vendor', 'VERSION');
  if (!existsSync(join(out, VENDOR)) || !existsSync(stamp) || !readFileSync(stamp, 'utf8').startsWith(`livekit-client ${pinned} `)) {
    console.error(`aida/api/static/web/vendor does not hold livekit-client ${pinned} (run: cd web && npm ci && npm run build)`);
    process.exit(1);
  }
  console.log(`aida/api/static/web/vendor holds livekit-client ${pinned}`);
  process.exit(0);
}

if (!existsSync(join(pkg, 'dist', 'livekit-client.esm.mjs'))) {
  console.error('livekit-client is not installed: run `npm ci` in web/ first.');
  process.exit(1);
}
rmSync(join(out, 'vendor'), { recursive: true, force: true });
mkdirSync(join(out, 'vendor'), { recursive: true });
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
console.log(`vendored livekit-client into ${relative(process.cwd(), join(out, 'vendor')) || out}`);
