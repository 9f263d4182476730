// Builds the one file Pengu Loader loads, webrtc_party/rose/plugin/ROSE-PartyMode/index.js,
// from src/ with esbuild (pinned in package-lock.json). Same sources, same esbuild: same bytes.
//   node build.mjs          write it
//   node build.mjs --check  exit 1 when the committed file differs from a fresh build
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

const here = dirname(fileURLToPath(import.meta.url));
const OUT = join(here, '..', 'webrtc_party', 'rose', 'plugin', 'ROSE-PartyMode', 'index.js');

// Pengu Loader reads the plugin's name and description from this header.
const HEADER = `/**
 * @name ROSE-PartyMode
 * @author webrtc-party
 * @description Party mode for Rose: invite friends with copy-paste tokens (no server) and see the skins they will show you in game.
 * @link https://github.com/Alban1911/Rose
 *
 * Built from panel/src/ by panel/build.mjs (esbuild): edit the sources, not this file.
 */`;

export async function build() {
  const result = await esbuild.build({
    absWorkingDir: here,
    entryPoints: ['src/main.js'],
    bundle: true,
    format: 'iife',
    platform: 'browser',
    target: 'es2020', // the syntax the sources use, as is
    charset: 'utf8',
    legalComments: 'none',
    loader: { '.css': 'text' },
    banner: { js: HEADER },
    write: false,
    logLevel: 'warning',
  });
  return result.outputFiles[0].text;
}

const built = await build();
const shown = relative(process.cwd(), OUT);
if (process.argv.includes('--check')) {
  let committed = null;
  try {
    committed = readFileSync(OUT, 'utf8');
  } catch {
    /* missing: not up to date */
  }
  if (committed !== built) {
    console.error(`${shown} is not up to date with panel/src/: run \`npm run build\` in panel/ and commit it`);
    process.exit(1);
  }
  console.log(`${shown} is up to date`);
} else {
  writeFileSync(OUT, built);
  console.log(`wrote ${shown} (${built.length} characters)`);
}
