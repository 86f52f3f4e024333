// What a file declares, read from its text with line patterns per language (no parser: briefs only need names).

export const MAX_DECLARATIONS = 20;

type Language = 'js' | 'python' | 'go' | 'rust';

const EXTENSIONS: Readonly<Record<string, Language>> = {
  ts: 'js',
  tsx: 'js',
  mts: 'js',
  cts: 'js',
  js: 'js',
  jsx: 'js',
  mjs: 'js',
  cjs: 'js',
  py: 'python',
  pyi: 'python',
  go: 'go',
  rs: 'rust',
};

function languageOf(path: string): Language | undefined {
  const extension = /\.([A-Za-z0-9]+)$/.exec(path)?.[1]?.toLowerCase();
  return extension !== undefined && Object.hasOwn(EXTENSIONS, extension) ? EXTENSIONS[extension] : undefined;
}

const IDENT = /^[A-Za-z_$][\w$]*$/;

const JS_NAMED =
  /^[ \t]*export[ \t]+(?:declare[ \t]+)?(?:default[ \t]+)?(?:abstract[ \t]+)?(?:async[ \t]+)?(?:const[ \t]+enum|function[ \t]*\*?|const|let|var|class|interface|type|enum|namespace)[ \t]+([A-Za-z_$][\w$]*)/;
const JS_DEFAULT = /^[ \t]*export[ \t]+default\b/;
const JS_LIST = /^[ \t]*export[ \t]+(?:type[ \t]+)?\{([^}]*)\}/;
const CJS_OBJECT = /^[ \t]*module\.exports[ \t]*=[ \t]*\{([^}]*)/;
const CJS_NAMED =
  /^[ \t]*module\.exports[ \t]*=[ \t]*(?:(?:async[ \t]+)?function[ \t]*\*?|class)?[ \t]*([A-Za-z_$][\w$]*)/;
const NOT_A_NAME = new Set(['function', 'class', 'async', 'require', 'new']);
const CJS_WHOLE = /^[ \t]*module\.exports[ \t]*=/;
const CJS_PROPERTY = /^[ \t]*(?:module\.)?exports\.([A-Za-z_$][\w$]*)[ \t]*=/;

// Exported names of `{ a, b as c, type D }`.
function listNames(list: string): string[] {
  return list
    .split(',')
    .map((item) => item.trim().replace(/^type[ \t]+/, ''))
    .map(
      (item) =>
        item
          .split(/[ \t]+as[ \t]+/)
          .at(-1)
          ?.trim() ?? '',
    )
    .filter((name) => IDENT.test(name));
}

function jsNames(line: string): string[] {
  const named = JS_NAMED.exec(line)?.[1];
  if (named !== undefined) return [named];
  if (JS_DEFAULT.test(line)) return ['default'];
  const list = JS_LIST.exec(line)?.[1];
  if (list !== undefined) return listNames(list);
  const object = CJS_OBJECT.exec(line)?.[1];
  if (object !== undefined) {
    const keys = object
      .split(',')
      .map((item) => item.split(/[:(]/)[0]?.trim() ?? '')
      .filter((name) => IDENT.test(name));
    return keys.length > 0 ? keys : ['module.exports'];
  }
  const cjs = CJS_NAMED.exec(line)?.[1];
  if (cjs !== undefined && !NOT_A_NAME.has(cjs)) return [cjs];
  if (CJS_WHOLE.test(line)) return ['module.exports'];
  const property = CJS_PROPERTY.exec(line)?.[1];
  return property === undefined ? [] : [property];
}

function pythonNames(line: string): string[] {
  const name =
    /^(?:async[ \t]+)?def[ \t]+([A-Za-z_]\w*)/.exec(line)?.[1] ?? /^class[ \t]+([A-Za-z_]\w*)/.exec(line)?.[1];
  return name === undefined ? [] : [name];
}

function goNames(line: string): string[] {
  const method = /^func[ \t]*\([ \t]*(?:\w+[ \t]+)?\*?([A-Za-z_]\w*)(?:\[[^\]]*\])?[ \t]*\)[ \t]*([A-Za-z_]\w*)/.exec(
    line,
  );
  if (method?.[1] !== undefined && method[2] !== undefined) return [`${method[1]}.${method[2]}`];
  const name = /^func[ \t]+([A-Za-z_]\w*)/.exec(line)?.[1] ?? /^type[ \t]+([A-Za-z_]\w*)/.exec(line)?.[1];
  return name === undefined ? [] : [name];
}

const RUST_PUB =
  /^[ \t]*pub(?:\([^)]*\))?[ \t]+(?:(?:async|unsafe|const|extern(?:[ \t]+"[^"]*")?)[ \t]+)*(?:fn|struct|enum|trait|type|const)[ \t]+([A-Za-z_]\w*)/;

function rustNames(line: string): string[] {
  const name = RUST_PUB.exec(line)?.[1];
  return name === undefined ? [] : [name];
}

const BY_LANGUAGE: Readonly<Record<Language, (line: string) => string[]>> = {
  js: jsNames,
  python: pythonNames,
  go: goNames,
  rust: rustNames,
};

/** Exported or top-level names a file declares, in file order, without repeats, at most 20; [] for other languages. */
export function extractDeclarations(path: string, content: string): string[] {
  const language = languageOf(path);
  if (language === undefined) return [];
  const names = new Set<string>();
  for (const line of content.split('\n')) {
    for (const name of BY_LANGUAGE[language](line)) {
      names.add(name);
      if (names.size >= MAX_DECLARATIONS) return [...names];
    }
  }
  return [...names];
}
