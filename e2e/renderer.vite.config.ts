/**
 * Builds only the renderer (the same settings as electron.vite.config.ts's renderer section), for
 * the browser e2e driver and the bench when main or preload do not build.
 */
import { resolve } from 'node:path'
import { defineConfig } from 'vite'
import vue from '@vitejs/plugin-vue'
import { trimJsQr } from '../src/renderer/build/trimJsQr'

export default defineConfig({
  root: resolve(import.meta.dirname, '../src/renderer'),
  base: './',
  plugins: [vue(), trimJsQr()],
  build: {
    outDir: resolve(import.meta.dirname, '../out/renderer'),
    emptyOutDir: true,
    rolldownOptions: { input: { index: resolve(import.meta.dirname, '../src/renderer/index.html') } },
  },
})
