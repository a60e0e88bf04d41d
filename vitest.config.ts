import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['test/unit/**/*.test.ts'],
    environment: 'node',
    // Real models on the wasm backend: loading and a few forward passes take seconds, not ms.
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // Two cores: test files in parallel would only fight over them and over wasm heap.
    fileParallelism: false,
    pool: 'forks'
  }
})
