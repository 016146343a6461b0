// Vite build of the web app: web/ → web/dist. `npm run dev:web` serves it with hot reload and proxies the
// gateway's routes (GATEWAY_URL, default http://127.0.0.1:3001).
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import { fileURLToPath } from 'node:url';

const gateway = process.env.GATEWAY_URL || 'http://127.0.0.1:3001';
const proxied = Object.fromEntries(['/api', '/auth', '/dev', '/admin', '/health'].map((p) => [p, { target: gateway, changeOrigin: false }]));

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    assetsDir: 'assets',
    chunkSizeWarningLimit: 400,
  },
  server: { proxy: proxied },
});
