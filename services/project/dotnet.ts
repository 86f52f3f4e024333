// .NET: `dotnet build` and `dotnet test`, naming the solution or project when the root alone is ambiguous.
import type { Ecosystem } from './ecosystem.js';
import { atRoot } from './files.js';

const SOLUTION = /\.(sln|slnx)$/;
const PROJECT = /\.(csproj|fsproj|vbproj)$/;

const depth = (path: string): number => path.split('/').length;
const shallowest = (paths: readonly string[]): string[] =>
  [...paths].sort((a, b) => depth(a) - depth(b) || (a < b ? -1 : 1));

// A solution or project deeper down (a sample, a fixture) does not make the repository a .NET one.
const ownsRepository = (solutions: readonly string[], projects: readonly string[]): boolean =>
  solutions.some((path) => depth(path) <= 2) || projects.some(atRoot);

/** What `dotnet` should be given: nothing when the root holds exactly one solution or project, else the nearest one. */
function target(solutions: readonly string[], projects: readonly string[]): string {
  const rootSolutions = solutions.filter(atRoot);
  const rootProjects = projects.filter(atRoot);
  if (rootSolutions.length === 1 || (rootSolutions.length === 0 && rootProjects.length === 1)) return '';
  const nearest = shallowest(solutions.length > 0 ? solutions : projects)[0];
  return nearest === undefined ? '' : ` ${nearest}`;
}

export const dotnet: Ecosystem = {
  reads: [],
  detect(files) {
    const solutions = files.paths.filter((path) => SOLUTION.test(path));
    const projects = files.paths.filter((path) => PROJECT.test(path));
    if (!ownsRepository(solutions, projects)) return undefined;
    const arg = target(solutions, projects);
    return {
      name: 'dotnet',
      manifests: shallowest([...solutions, ...projects]).map((path) => ({ path, kind: 'dotnet' })),
      commands: { install: `dotnet restore${arg}`, build: `dotnet build${arg}`, test: `dotnet test${arg}` },
      extra: ['dotnet format'],
    };
  },
};
