// Once per compatibility run: the real claude, found or installed, handed to every test file.
import type { TestProject } from 'vitest/node';
import { ensureClaude } from './claude-bin.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The real `claude` executable at the pinned version. */
    claudeBin: string;
  }
}

export default async function setup(project: TestProject): Promise<void> {
  const bin = await ensureClaude((line) => process.stderr.write(`baro-compat: ${line}\n`));
  process.stderr.write(`baro-compat: real claude at ${bin}\n`);
  project.provide('claudeBin', bin);
}
