import { builtinModules } from 'node:module'
import { resolve } from 'node:path'
import { defineConfig } from 'vite'
import pkg from './package.json' with { type: 'json' }

// The command line runs the same core as the app, in plain Node: an ESM entry with a shebang,
// its npm dependencies left as imports. What a command imports lazily (the service, QR codes, the
// account file) becomes a chunk of its own under chunks/, loaded only by the commands that use it.
// Except the small pure-JavaScript packages every command loads before it can do anything: bundled,
// they cost no module resolution, no file reads and no CommonJS export scan at start-up.
const bundledForStartUp = new Set(['commander', 'env-paths'])
const external = [
  ...builtinModules,
  ...builtinModules.map((name) => `node:${name}`),
  ...Object.keys(pkg.dependencies ?? {}).filter((name) => !bundledForStartUp.has(name)),
  ...Object.keys(pkg.optionalDependencies ?? {}),
]

export default defineConfig({
  ssr: { noExternal: [...bundledForStartUp, 'is-safe-filename'] },
  build: {
    outDir: 'out/cli',
    emptyOutDir: true,
    target: 'node20',
    ssr: true,
    minify: false,
    rolldownOptions: {
      input: { latchkey: resolve('src/cli/latchkey.ts') },
      external: (id) => external.some((name) => id === name || id.startsWith(`${name}/`)),
      output: { format: 'esm', entryFileNames: '[name].js', chunkFileNames: 'chunks/[name]-[hash].js', banner: '#!/usr/bin/env node' },
    },
  },
})
