import { defineConfig } from 'vite';
export default defineConfig({ build: { target:'es2022', outDir: '/tmp/pb-ext', lib: { entry: 'src/define.ts', formats: ['es'], fileName: () => 'x.js' }, rolldownOptions: { external: [/^lit/], output: { minify: true } } } });
