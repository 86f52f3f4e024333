// Which commands verify a worktree: the configuration's `verify.commands`, else what the project's manifests imply.
import type { ProjectDetection } from '../project/detect.js';
import { detectInWorktree } from '../project/worktree.js';

/** The configured commands when there are any; otherwise the checks detected in the working tree at dir. */
export async function verificationCommands(
  dir: string,
  configured: readonly string[],
  detection?: Promise<ProjectDetection>,
): Promise<readonly string[]> {
  if (configured.length > 0) return configured;
  return (await (detection ?? detectInWorktree(dir))).checks;
}
