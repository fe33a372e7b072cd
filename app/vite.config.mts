import { defineConfig } from "vite";

// A static bundle with relative paths, so any static host (or a subfolder) can serve it.
export default defineConfig({
  base: "./",
  build: { outDir: "dist", emptyOutDir: true, target: "es2022", sourcemap: false, chunkSizeWarningLimit: 2000 },
});
