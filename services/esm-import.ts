// Loads an ES module while baro runs: a participant file of the user's, or a package the bundle leaves out.
// The bundle replaces this module with the loader's import (scripts/bundle.ts): code compiled through node:vm cannot
// import() by itself.
export const importEsm = <Module>(specifier: string): Promise<Module> => import(specifier) as Promise<Module>;
