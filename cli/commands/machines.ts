// `baro machines [--format mermaid|svg] [--out DIR]`: every participant's statechart, drawn from its definition.
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { ExitCode, UsageError } from '../errors.js';
import { machineGraph } from '../inspect/machine-graph.js';
import { toMermaid } from '../inspect/mermaid.js';
import { toSvg } from '../inspect/svg.js';
import { allMachines } from '../machines-catalog.js';

export interface MachinesOptions {
  readonly format: string;
  readonly out: string | undefined;
}

export async function machinesCommand(options: MachinesOptions): Promise<number> {
  const format = options.format;
  if (format !== 'mermaid' && format !== 'svg') {
    throw new UsageError(`Invalid value for --format: ${JSON.stringify(format)}. Expected mermaid or svg.`, {
      option: '--format',
      value: format,
    });
  }
  const graphs = allMachines().map(machineGraph);
  if (options.out === undefined) {
    if (format === 'svg') {
      throw new UsageError('--format svg writes one file per machine: add --out DIR.', { option: '--out' });
    }
    process.stdout.write(graphs.map((g) => `%% ${g.id}\n${toMermaid(g)}`).join('\n'));
    return ExitCode.succeeded;
  }
  const dir = resolve(options.out);
  await mkdir(dir, { recursive: true });
  for (const graph of graphs) {
    const path = join(dir, `${graph.id}.${format === 'svg' ? 'svg' : 'mmd'}`);
    await writeFile(path, format === 'svg' ? await toSvg(graph) : toMermaid(graph));
    process.stdout.write(`${path}\n`);
  }
  return ExitCode.succeeded;
}
