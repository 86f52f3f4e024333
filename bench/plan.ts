// What every run benchmark shares: a layered DAG plan, the fixed-duration fake agent, a fresh repository, an output sink.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';

const WIDTHS = [8, 8, 6, 2] as const;

const levelIds = (widths: readonly number[], level: number): string[] =>
  Array.from({ length: widths[level] ?? 0 }, (_, i) => `L${level + 1}S${i + 1}`);

/** Story i of level k > 0 depends on story i of level k-1 (modulo its width), odd ones also on the next one. */
export function dagPlan(widths: readonly number[] = WIDTHS) {
  const stories = widths.flatMap((_, level) =>
    levelIds(widths, level).map((id, i) => {
      const previous = level === 0 ? [] : levelIds(widths, level - 1);
      const deps =
        previous.length === 0
          ? []
          : [previous[i % previous.length], ...(i % 2 === 1 ? [previous[(i + 1) % previous.length]] : [])];
      return {
        id,
        title: `story ${id}`,
        description: `Write src/${id}.txt.`,
        dependsOn: [...new Set(deps.filter((d) => d !== undefined))],
        acceptance: [`src/${id}.txt exists`],
        writes: [`src/${id}.txt`],
      };
    }),
  );
  return { goal: 'DAG scheduling benchmark', stories };
}

/** The fixed-duration agent: a shell script, so no runtime's boot time is counted as baro's. */
export const FAKE_AGENT = fileURLToPath(new URL('./fake-agent.sh', import.meta.url));

export async function makeRepo(root: string, env: Record<string, string>): Promise<string> {
  const repo = join(root, 'repo');
  await execa('git', ['init', '--quiet', '--initial-branch=main', repo], { env, stdin: 'ignore' });
  await writeFile(join(repo, 'README.md'), '# dag benchmark\n');
  const identity = [
    ['config', 'user.name', 'Bench Person'],
    ['config', 'user.email', 'bench@example.invalid'],
    ['config', 'commit.gpgsign', 'false'],
  ];
  for (const args of [...identity, ['add', '-A'], ['commit', '--quiet', '-m', 'initial commit']])
    await execa('git', args, { cwd: repo, env, stdin: 'ignore' });
  return repo;
}

export function collector(lines: string[]): Writable {
  return new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(chunk.toString('utf8'));
      done();
    },
  });
}
