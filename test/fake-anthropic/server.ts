// A loopback fake of the Anthropic Messages API for the real `claude` CLI: a script plays the model (docs/claude-cli.md §10).
import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { refuseForUsageLimit, sendJson, streamMessage } from './replies.js';
import type { Reply } from './replies.js';
import { steps, structured } from './script.js';
import type { Script } from './script.js';
import { readTurn, requestBodySchema } from './turn.js';
import type { ApiTurn } from './turn.js';

export interface Exchange {
  readonly turn: ApiTurn;
  readonly reply: Reply['kind'];
}

export interface FakeAnthropic {
  /** For `ANTHROPIC_BASE_URL`: the origin only, the CLI adds `/v1/messages`. */
  readonly url: string;
  /** Every Messages request answered so far, in order. */
  readonly exchanges: readonly Exchange[];
  /** Requests the fake could not read, with why; a test expects none. */
  readonly problems: readonly string[];
  readonly close: () => Promise<void>;
}

async function bodyOf(req: IncomingMessage): Promise<string> {
  let text = '';
  req.setEncoding('utf8');
  for await (const chunk of req) text += String(chunk);
  return text;
}

const notFound = (res: ServerResponse): void =>
  sendJson(res, 404, { type: 'error', error: { type: 'not_found_error', message: 'not found' } });

// The Critic's reviews pass unless a test scripts them: scenarios written for story sessions need no reviews.
const passingCritic: Script = steps(
  [structured({ verdict: 'pass', reasons: ['fake model: reviews pass'], unmetCriteria: [] })],
  'Reviewed.',
);

/** Starts the fake on 127.0.0.1 at a free port; `critic` answers the Critic's sessions. */
export async function startFakeAnthropic(script: Script, critic: Script = passingCritic): Promise<FakeAnthropic> {
  const exchanges: Exchange[] = [];
  const problems: string[] = [];
  const held = new Set<ServerResponse>();

  async function messages(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const raw = await bodyOf(req);
    const parsed = requestBodySchema.safeParse(JSON.parse(raw));
    if (!parsed.success) {
      problems.push(`unreadable request: ${parsed.error.message}`);
      sendJson(res, 400, { type: 'error', error: { type: 'invalid_request_error', message: 'unreadable' } });
      return;
    }
    const header = req.headers['x-claude-code-session-id'];
    const turn = readTurn(typeof header === 'string' ? header : '', parsed.data);
    // Every request the CLI sent in the captures was a streamed main-loop request; anything else is a surprise.
    if (parsed.data.stream !== true) problems.push(`a request without stream: true (model ${turn.model})`);
    const reply = (turn.role === 'critic' ? critic : script)(turn);
    exchanges.push({ turn, reply: reply.kind });
    if (reply.kind === 'message') streamMessage(res, parsed.data.model, reply.blocks);
    else if (reply.kind === 'usage_limit') refuseForUsageLimit(res, reply.resetsAt);
    else {
      held.add(res);
      res.on('close', () => held.delete(res));
    }
  }

  function route(req: IncomingMessage, res: ServerResponse): void {
    const path = (req.url ?? '').split('?')[0];
    if (req.method === 'POST' && path === '/v1/messages') {
      messages(req, res).catch((error: unknown) => {
        problems.push(`request failed: ${error instanceof Error ? error.message : String(error)}`);
        if (!res.headersSent) sendJson(res, 500, { type: 'error', error: { type: 'api_error', message: 'fake' } });
        else res.end();
      });
    } else if (req.method === 'POST' && path === '/v1/messages/count_tokens') {
      sendJson(res, 200, { input_tokens: 100 });
    } else {
      notFound(res);
    }
  }

  const server = createServer(route);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    exchanges,
    problems,
    close: async () => {
      for (const res of held) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
    },
  };
}
