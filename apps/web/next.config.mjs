// Next.js configuration of the PAWS360 frontend (apps/web).
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const projectRoot = dirname(fileURLToPath(import.meta.url));
const workspaceRoot = join(projectRoot, '..', '..');

/** @type {import('next').NextConfig} */
const config = {
  // A self-contained server (server.js + the traced node_modules) for the image.
  output: 'standalone',
  // Trace from the workspace root: node_modules lives there, not in apps/web.
  // standalone/ then mirrors the workspace: server.js is at apps/web/server.js.
  outputFileTracingRoot: workspaceRoot,
  turbopack: { root: workspaceRoot },
  // No next/image optimizer: the server never loads sharp, and build.mjs
  // leaves sharp and its 19 MB of libvips (@img) out of the image.
  images: { unoptimized: true },
  // An integration test runs its own `next dev` beside a developer's web:dev:
  // Next allows one dev server per distDir, so the test picks another one.
  distDir: process.env.PAWS360_WEB_DIST_DIR || '.next',
  reactStrictMode: true,
  poweredByHeader: false,
  // Types are checked by `nx run web:typecheck` (a dependency of web:build), not twice.
  typescript: { ignoreBuildErrors: true },
};

export default config;
