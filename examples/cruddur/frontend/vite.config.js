// Vite builds the app into dist/; `vite preview` serves that build (with the SPA fallback, so
// /signin and friends load on reload). Settings come from REACT_APP_* variables, the names the
// tutorial's Create React App used, read at build time.
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

export default defineConfig({
  plugins: [react()],
  envPrefix: 'REACT_APP_',
  build: { outDir: process.env.CRUDDUR_OUT_DIR || 'dist', emptyOutDir: true },
});
