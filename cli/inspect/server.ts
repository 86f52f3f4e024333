// The inspector's HTTP server on 127.0.0.1: the page, its records over server-sent events, and each machine drawn as SVG.
import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { MachineGraph } from './machine-graph.js';
import { inspectorPage } from './page.js';
import type { InspectRecord } from './records.js';
import { toSvg } from './svg.js';

export interface InspectorServer {
  readonly url: string;
  /** Stores the record and sends it to every open page. */
  readonly publish: (record: InspectRecord) => void;
  readonly close: () => Promise<void>;
}

export interface InspectorOptions {
  readonly title: string;
  readonly mode: 'live' | 'replay';
  /** Records known before the server starts (a replay has them all). */
  readonly records?: readonly InspectRecord[];
}

const sse = (record: InspectRecord) => `data: ${JSON.stringify(record)}\n\n`;

export async function startInspectorServer(options: InspectorOptions): Promise<InspectorServer> {
  const records: InspectRecord[] = [...(options.records ?? [])];
  const graphs = new Map<string, MachineGraph>();
  const svgs = new Map<string, Promise<string>>();
  const pages = new Set<ServerResponse>();
  const remember = (record: InspectRecord) => {
    if (record.kind === 'machine') graphs.set(record.machine, record.graph);
  };
  records.forEach(remember);
  const html = inspectorPage({ title: options.title, mode: options.mode });

  const handle = (req: IncomingMessage, res: ServerResponse) => {
    const path = new URL(req.url ?? '/', 'http://127.0.0.1').pathname;
    if (req.method !== 'GET') return void res.writeHead(405).end();
    if (path === '/') {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
      return void res.end(html);
    }
    if (path === '/events') {
      res.writeHead(200, {
        'content-type': 'text/event-stream',
        'cache-control': 'no-store',
        connection: 'keep-alive',
      });
      res.write(records.map(sse).join(''));
      if (options.mode === 'live') req.socket.unref();
      pages.add(res);
      req.on('close', () => pages.delete(res));
      return;
    }
    const machine = /^\/machine\/([^/]+)\.svg$/.exec(path)?.[1];
    const graph = machine === undefined ? undefined : graphs.get(decodeURIComponent(machine));
    if (graph) {
      const svg = svgs.get(graph.id) ?? toSvg(graph);
      svgs.set(graph.id, svg);
      return void svg.then(
        (drawn) => res.writeHead(200, { 'content-type': 'image/svg+xml', 'cache-control': 'no-store' }).end(drawn),
        (error: unknown) => res.writeHead(500, { 'content-type': 'text/plain' }).end(`${String(error)}\n`),
      );
    }
    res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
  };

  const server = createServer(handle);
  await new Promise<void>((resolveListen, rejectListen) => {
    server.once('error', rejectListen);
    server.listen(0, '127.0.0.1', () => resolveListen());
  });
  // A live run's inspector never keeps the process alive once the run is over or has failed; a replay serves until Ctrl-C.
  if (options.mode === 'live') server.unref();
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    publish(record) {
      records.push(record);
      remember(record);
      const line = sse(record);
      for (const page of pages) page.write(line);
    },
    close: () =>
      new Promise<void>((resolveClose) => {
        for (const page of pages) page.end();
        server.close(() => resolveClose());
        server.closeAllConnections();
      }),
  };
}
