// Each story's own TCP port, so parallel dev servers and tests don't collide (README "Configuration").

/** Story n of the plan (1-based) gets PORT = BASE_PORT + n: 4101, 4102, … */
export const BASE_PORT = 4100;

/**
 * Deterministic per story: its position in the plan, so every turn of a story (retries, conflict rounds) gets the
 * same port; a story added later takes the next one.
 */
export function storyPorts(storyIds: readonly string[]): (storyId: string) => number {
  const ports = new Map(storyIds.map((id, index) => [id, BASE_PORT + index + 1]));
  return (storyId) => {
    const port = ports.get(storyId) ?? BASE_PORT + ports.size + 1;
    ports.set(storyId, port);
    return port;
  };
}

/** `PORT` for tools that read it (dev servers, test runners) and `BARO_PORT` for scripts that want baro's own. */
export function portEnv(port: number): { PORT: string; BARO_PORT: string } {
  return { PORT: String(port), BARO_PORT: String(port) };
}
