// A loopback fake of the GitHub REST calls baro makes: the repository, open pulls by head, create, update. It answers
// with GitHub's status codes and bodies, and records every request for tests to assert on.
import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakePull {
  readonly number: number;
  readonly head: string;
  readonly base: string;
  title: string;
  body: string;
  readonly draft: boolean;
  readonly state: 'open' | 'closed';
}

export interface FakeRequest {
  readonly method: string;
  readonly path: string;
  readonly query: Readonly<Record<string, string>>;
  readonly body: unknown;
  readonly authorization: string | undefined;
}

export interface FakeGitHubOptions {
  readonly owner: string;
  readonly repo: string;
  /** The one token accepted; any other gets 401 Bad credentials. */
  readonly token: string;
  readonly defaultBranch?: string;
  /** Branches a PR may target; default: the default branch. */
  readonly branches?: readonly string[];
  /** The token may read but not write pull requests: 403 on create and update. */
  readonly readOnly?: boolean;
}

export interface FakeGitHub {
  readonly url: string;
  readonly requests: FakeRequest[];
  readonly pulls: FakePull[];
  close(): Promise<void>;
}

const send = (res: ServerResponse, status: number, body: unknown) => {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
  res.end(JSON.stringify(body));
};

const readBody = async (req: IncomingMessage): Promise<unknown> => {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString();
  return text === '' ? undefined : (JSON.parse(text) as unknown);
};

const DOCS = 'https://docs.github.com/rest';

export async function startFakeGitHub(options: FakeGitHubOptions): Promise<FakeGitHub> {
  const requests: FakeRequest[] = [];
  const pulls: FakePull[] = [];
  const defaultBranch = options.defaultBranch ?? 'main';
  const branches = new Set(options.branches ?? [defaultBranch]);
  let url = '';
  const pullJson = (pull: FakePull) => ({
    ...pull,
    html_url: `https://github.com/${options.owner}/${options.repo}/pull/${pull.number}`,
    url: `${url}/repos/${options.owner}/${options.repo}/pulls/${pull.number}`,
    head: { ref: pull.head, label: `${options.owner}:${pull.head}` },
    base: { ref: pull.base },
  });

  const handle = (req: IncomingMessage, res: ServerResponse, body: unknown) => {
    const parsed = new URL(req.url ?? '/', 'http://127.0.0.1');
    const query = Object.fromEntries(parsed.searchParams);
    const authorization = req.headers.authorization;
    requests.push({ method: req.method ?? '', path: parsed.pathname, query, body, authorization });
    if (authorization?.replace(/^(token|bearer) /i, '') !== options.token)
      return send(res, 401, { message: 'Bad credentials', documentation_url: DOCS, status: '401' });
    const match = /^\/repos\/([^/]+)\/([^/]+)(\/pulls(?:\/(\d+))?)?$/.exec(parsed.pathname);
    if (!match || match[1] !== options.owner || match[2] !== options.repo)
      return send(res, 404, { message: 'Not Found', documentation_url: DOCS, status: '404' });
    const [, , , pullsPath, number] = match;
    if (pullsPath === undefined && req.method === 'GET')
      return send(res, 200, {
        name: options.repo,
        full_name: `${options.owner}/${options.repo}`,
        default_branch: defaultBranch,
      });
    if (pullsPath !== undefined && number === undefined && req.method === 'GET') {
      const head = query.head?.replace(`${options.owner}:`, '');
      const state = query.state ?? 'open';
      return send(
        res,
        200,
        pulls.filter((p) => (head === undefined || p.head === head) && p.state === state).map(pullJson),
      );
    }
    if (options.readOnly && (req.method === 'POST' || req.method === 'PATCH'))
      return send(res, 403, {
        message: 'Resource not accessible by personal access token',
        documentation_url: DOCS,
        status: '403',
      });
    const fields = (body ?? {}) as Record<string, unknown>;
    if (pullsPath !== undefined && number === undefined && req.method === 'POST') {
      const base = String(fields.base);
      if (!branches.has(base))
        return send(res, 422, {
          message: 'Validation Failed',
          errors: [{ resource: 'PullRequest', field: 'base', code: 'invalid' }],
          documentation_url: DOCS,
          status: '422',
        });
      const pull: FakePull = {
        number: pulls.length + 1,
        head: String(fields.head),
        base,
        title: String(fields.title),
        body: String(fields.body),
        draft: fields.draft === true,
        state: 'open',
      };
      pulls.push(pull);
      return send(res, 201, pullJson(pull));
    }
    const pull = pulls.find((p) => String(p.number) === number);
    if (pull !== undefined && req.method === 'PATCH') {
      if (typeof fields.title === 'string') pull.title = fields.title;
      if (typeof fields.body === 'string') pull.body = fields.body;
      return send(res, 200, pullJson(pull));
    }
    return send(res, 404, { message: 'Not Found', documentation_url: DOCS, status: '404' });
  };

  const server = createServer((req, res) => {
    readBody(req).then(
      (body) => handle(req, res, body),
      () => send(res, 400, { message: 'Problems parsing JSON' }),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    requests,
    pulls,
    close: () => new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve()))),
  };
}
